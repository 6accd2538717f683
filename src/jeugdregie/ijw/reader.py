"""Streaming reader for iJw 3.2 messages (JW301, JW305, JW307, JW315, JW317, JW323, JW325).

``read_message(data, source)`` parses one file (one ``Bericht``) into a ``Message``: the header, the client
(for single-client messages), the items (toegewezen producten, start/stop producten, aangevraagde producten,
prestaties, ...) as plain dicts, and the validation ``findings`` with their iJw rule codes.

Within-message rules are checked here (CS/CD/TR codes, see ``rules.py``); rules that need other messages
(TR314 across files, TR056, TR333) are checked by the ingest against the store. Line-level findings carry the
index of the item; the ingest quarantines only those items and loads the rest.

The BSN is read here only to be validated and pseudonymised by the ingest; it is never stored. Names,
addresses, phone numbers, e-mail, Relaties and Commentaar are never read at all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import IO, Any

from lxml import etree

from jeugdregie.ijw import safexml
from jeugdregie.ijw.bsn import is_valid_bsn
from jeugdregie.ijw.codelists import codes
from jeugdregie.ijw.rules import Finding

NS_BASE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
NS_PREFIX = "http://www.istandaarden.nl/ijw/3_2/jw"
NS_SUFFIX = "/schema"

#: message type -> BerichtCode (COD002)
BERICHTCODE = {"JW301": "436", "JW305": "438", "JW307": "440", "JW315": "446", "JW317": "486",
               "JW323": "490", "JW325": "491"}
#: messages sent by the gemeente (others are sent by the aanbieder)
FROM_MUNICIPALITY = {"JW301", "JW325"}

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_TIME = re.compile(r"^\d{2}:\d{2}:\d{2}(\.\d+)?$")
_PRODUCT = re.compile(r"^(\d\d)[A-Z]\d\d$")
_MUNICIPALITY = re.compile(r"\d{4}")
_AGB = re.compile(r"\d{8}")
_POSTCODE = re.compile(r"\d{4}\s?[A-Za-z]{2}")
_RETURN_CODE = re.compile(r"[0-9A-Z]{4}")
#: the only elements the streaming loop needs events for (any namespace; checked below)
_EVENT_TAGS = ["{*}Bericht", "{*}Header", "{*}Client"]


@dataclass
class Header:
    message_type: str
    code: str
    sender: str
    receiver: str
    identificatie: str
    dagtekening: date
    municipality: str
    provider_agb: str


@dataclass
class Message:
    source: str
    message_type: str | None = None
    header: Header | None = None
    client: dict[str, Any] | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    items: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def message_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.line is None]

    def line_findings(self, index: int) -> list[Finding]:
        return [f for f in self.findings if f.line == index]


_BASE_TAGS: dict[str, str] = {}  # local name -> "{basisschema}name"
#: message namespace -> local name -> "{namespace}name"; shared by all messages of a type (at most 7 namespaces,
#: a FieldReader exists only for the known message types and for CSV rows)
_NS_TAGS: dict[str, dict[str, str]] = {}


class FieldReader:
    """Collects findings while reading one message."""

    def __init__(self, msg: Message, ns: str) -> None:
        self.msg = msg
        self.ns = ns
        self.line: int | None = None
        self._kids_of: dict[etree._Element, dict[Any, etree._Element]] = {}
        tags = _NS_TAGS.get(ns)
        if tags is None:
            tags = _NS_TAGS[ns] = {}
        self._tags = tags

    def add(self, rule: str, path: str, nl: str = "", en: str = "", line: int | None | bool = True) -> None:
        idx = self.line if line is True else (None if line is False else line)
        self.msg.findings.append(Finding(rule, path, nl, en or nl, idx))

    # element access ------------------------------------------------------------------------------
    def m(self, name: str) -> str:
        return self._tags.get(name) or self._tag(name, False)

    def _tag(self, name: str, base: bool) -> str:
        tags = _BASE_TAGS if base else self._tags
        tag = tags.get(name)
        if tag is None:
            tag = tags[name] = f"{{{NS_BASE if base else self.ns}}}{name}"
        return tag

    def _kids(self, elem: etree._Element) -> dict[Any, etree._Element]:
        """Children by tag (first occurrence), cached for the elements being read right now: one pass over
        the children is several times faster than repeated ``find`` calls. The cache is bounded (a streamed
        file clears it as it goes) and holds the elements, so their identity is stable while cached."""
        kids = self._kids_of.get(elem)
        if kids is None:
            if len(self._kids_of) >= 64:
                self._kids_of.clear()
            # built from the last child backwards, so the first occurrence of a repeated tag wins
            kids = self._kids_of[elem] = {c.tag: c for c in reversed(elem)}
        return kids

    def forget(self) -> None:
        """Drop cached children (a streamed client has been read and is about to be cleared)."""
        self._kids_of.clear()

    def text(self, elem: etree._Element | None, name: str, base: bool = False) -> str | None:
        if elem is None:
            return None
        # the lookups inlined: this is the reader's innermost call
        kids = self._kids_of.get(elem)
        if kids is None:
            kids = self._kids(elem)
        child = kids.get((_BASE_TAGS if base else self._tags).get(name) or self._tag(name, base))
        if child is None:
            return None
        value = child.text
        return None if value is None else value.strip()

    def child(self, elem: etree._Element | None, name: str, base: bool = False) -> etree._Element | None:
        if elem is None:
            return None
        kids = self._kids_of.get(elem)
        if kids is None:
            kids = self._kids(elem)
        return kids.get((_BASE_TAGS if base else self._tags).get(name) or self._tag(name, base))

    def required(self, elem: etree._Element | None, name: str, path: str, base: bool = False) -> str | None:
        value = None
        if elem is not None:  # text() inlined: a third of all lookups are required fields
            kids = self._kids_of.get(elem)
            if kids is None:
                kids = self._kids(elem)
            child = kids.get((_BASE_TAGS if base else self._tags).get(name) or self._tag(name, base))
            if child is not None and child.text is not None:
                value = child.text.strip()
        if not value:
            self.add("STRUCT", f"{path}/{name}", f"{name} ontbreekt", f"{name} is missing")
            return None
        return value

    def parse_date(self, value: str | None, path: str) -> date | None:
        if value is None:
            return None
        if _DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.add("RS032", path, f"'{value}' is geen geldige datum (JJJJ-MM-DD)", f"'{value}' is not a valid date")
        return None

    def integer(self, value: str | None, path: str, maximum: int = 99_999_999) -> int | None:
        if value is None:
            return None
        if not value.isdigit() or int(value) > maximum:
            self.add("LDT", path, f"'{value}' is geen geheel getal van 0 t/m {maximum}",
                     f"'{value}' is not an integer 0..{maximum}")
            return None
        return int(value)

    def code(self, value: str | None, listname: str, path: str) -> str | None:
        if value is None:
            return None
        if value not in codes(listname):
            self.add("CD", path, f"code '{value}' komt niet voor in {listname}",
                     f"code '{value}' not in {listname}")
            return None
        return value

    def period(self, elem: etree._Element | None, path: str, required_end: bool = True) -> tuple[
            date | None, date | None]:
        if elem is None:
            self.add("STRUCT", path, "periode ontbreekt", "period is missing")
            return None, None
        b = self.parse_date(self.required(elem, "Begindatum", path, base=True), f"{path}/Begindatum")
        e_txt = self.required(elem, "Einddatum", path, base=True) if required_end else self.text(
            elem, "Einddatum", base=True)
        e = self.parse_date(e_txt, f"{path}/Einddatum")
        if b and e and e < b:
            self.add("CS003", path, f"einddatum {e} ligt voor begindatum {b}", f"end {e} before start {b}")
        return b, e

    def product(self, elem: etree._Element | None, path: str) -> tuple[str | None, str | None]:
        if elem is None:
            return None, None
        cat = self.code(self.required(elem, "Categorie", path, base=True), "productcategorie",
                        f"{path}/Categorie")
        code = self.text(elem, "Code", base=True)
        self.check_product_code(cat, code, f"{path}/Code")
        return cat, code

    def check_product_code(self, cat: str | None, code: str | None, path: str) -> None:
        if code is None:
            return
        if len(code) > 5:
            self.add("LDT", path, "ProductCode is langer dan 5 tekens", "ProductCode longer than 5 characters")
            return
        m = _PRODUCT.match(code)
        if cat and m and m.group(1) != cat:
            self.add("TR381", path, f"code {code} hoort niet bij categorie {cat}",
                     f"code {code} does not belong to category {cat}")

    def omvang(self, elem: etree._Element | None, path: str) -> tuple[int | None, str | None, str | None]:
        if elem is None:
            return None, None, None
        vol = self.integer(self.required(elem, "Volume", path, base=True), f"{path}/Volume")
        unit = self.code(self.required(elem, "Eenheid", path, base=True), "eenheid", f"{path}/Eenheid")
        freq = self.code(self.required(elem, "Frequentie", path, base=True), "frequentie", f"{path}/Frequentie")
        if unit in {"14", "16", "83", "84"} and freq is not None and freq not in {"2", "4", "6"}:
            self.add("CS338", path, f"eenheid {unit} met frequentie {freq}", f"unit {unit} with frequency {freq}")
        return vol, unit, freq

    def bsn(self, elem: etree._Element | None, path: str) -> str | None:
        value = self.required(elem, "Bsn", path)
        if value is None:
            return None
        if not is_valid_bsn(value):
            # never echo the value: it may be a real BSN with a typo
            self.add("CS002", f"{path}/Bsn", "BSN ongeldig (waarde niet getoond)", "invalid BSN (value not shown)")
            return None
        return value

    def money_dc(self, elem: etree._Element | None, path: str, total: bool = False) -> tuple[
            int | None, str | None]:
        if elem is None:
            self.add("STRUCT", path, "bedrag ontbreekt", "amount is missing")
            return None, None
        amount = self.integer(
            self.required(elem, "TotaalBedrag" if total else "Bedrag", path, base=True), path,
            maximum=999_999_999_999 if total else 99_999_999)
        dc = self.code(self.required(elem, "DebetCredit", path, base=True), "debet_credit", f"{path}/DebetCredit")
        if amount == 0 and dc == "C":
            self.add("CS325", path, "bedrag 0 met credit", "zero amount with credit")
        return amount, dc


def _signed(amount: int | None, dc: str | None) -> int:
    if amount is None:
        return 0
    return -amount if dc == "C" else amount


#: files up to this size are parsed in one go (faster); larger ones are streamed client by client
WHOLE_DOCUMENT_MAX_BYTES = 2 * 1024 * 1024


def read_message(source: IO[bytes] | bytes, name: str, today: date | None = None) -> Message:
    """Parse and validate one iJw file. Never raises for bad content: problems become findings.

    Small documents (``bytes`` up to ``WHOLE_DOCUMENT_MAX_BYTES``) are parsed whole; anything else is streamed
    with iterparse, clearing each 323/325 client after reading it, so memory stays bounded for large files.
    Both paths run the same readers and apply the same hostile-XML protections.
    """
    msg = Message(source=name)
    today = today or date.today()
    try:
        if isinstance(source, bytes) and len(source) <= WHOLE_DOCUMENT_MAX_BYTES:
            _read_whole(msg, safexml.parse_bytes(source), today)
        elif not _read_streaming(msg, source, today):
            msg.findings.append(Finding("STRUCT", "/", "geen iJw-bericht (root is geen Bericht)",
                                        "not an iJw message (root is not Bericht)"))
    except (safexml.UnsafeXMLError, safexml.XMLSyntaxError) as exc:
        msg.findings.append(Finding("XML", "/", str(exc), str(exc)))
        msg.items.clear()
    return msg


def _start(msg: Message, root: etree._Element) -> FieldReader | None:
    """Identify the message by its root; None (with a finding) when it is not one we ingest."""
    qn = etree.QName(root)
    ns, local = qn.namespace or "", qn.localname
    mtype = _message_type(ns)
    if local == "Bericht" and ns.startswith(NS_PREFIX) and mtype is None:
        kind = "JW" + ns[len(NS_PREFIX):].split("/")[0]
        msg.message_type = kind
        msg.findings.append(Finding(
            "TYPE", "/Bericht", f"{kind} wordt niet ingelezen (alleen 301, 305, 307, 315, 317, 323, 325)",
            f"{kind} is not ingested (only 301, 305, 307, 315, 317, 323, 325)"))
        return None
    if local != "Bericht" or mtype is None:
        msg.findings.append(Finding("STRUCT", f"/{local}", f"onbekend bericht (namespace '{ns}')",
                                    f"unknown message (namespace '{ns}')"))
        return None
    msg.message_type = mtype
    return FieldReader(msg, ns)


def _read_client_of_declaration(ctx: FieldReader, client: etree._Element) -> None:
    if ctx.msg.message_type == "JW323":
        _read_323_client(ctx, client)
    else:
        _read_325_client(ctx, client)


def _read_whole(msg: Message, root: etree._Element, today: date) -> None:
    ctx = _start(msg, root)
    if ctx is None:
        return
    header = ctx.child(root, "Header")
    if header is not None:
        _read_header(ctx, header, today)
    if msg.message_type in {"JW323", "JW325"}:
        body = ctx.child(root, "Declaratie" if msg.message_type == "JW323" else "DeclaratieAntwoord")
        clienten = ctx.child(body, "Clienten")
        if clienten is not None:
            for client in clienten.iterfind(ctx.m("Client")):
                _read_client_of_declaration(ctx, client)
    _read_body(ctx, root)


def _read_streaming(msg: Message, source: IO[bytes] | bytes, today: date) -> bool:
    root: etree._Element | None = None
    ctx: FieldReader | None = None
    for event, elem in safexml.iterparse(source, events=("start", "end"), tag=_EVENT_TAGS):
        if event == "start":
            if root is None:
                root = elem
                ctx = _start(msg, elem)
                if ctx is None:
                    return True
            continue
        assert ctx is not None and root is not None
        parent = elem.getparent()
        if elem.tag == ctx.m("Header") and parent is root:
            _read_header(ctx, elem, today)
        elif (msg.message_type in {"JW323", "JW325"} and elem.tag == ctx.m("Client")
              and parent is not None and parent.tag == ctx.m("Clienten")):
            _read_client_of_declaration(ctx, elem)
            ctx.forget()
            elem.clear()
            parent.remove(elem)
        elif elem is root:
            _read_body(ctx, root)
    return root is not None


def _message_type(ns: str) -> str | None:
    if not (ns.startswith(NS_PREFIX) and ns.endswith(NS_SUFFIX)):
        return None
    t = "JW" + ns[len(NS_PREFIX):-len(NS_SUFFIX)]
    return t if t in BERICHTCODE else None


def _read_header(ctx: FieldReader, h: etree._Element, today: date) -> None:
    msg = ctx.msg
    assert msg.message_type is not None
    p = "/Bericht/Header"
    ctx.line = None
    code = ctx.required(h, "BerichtCode", p)
    if code is not None and code != BERICHTCODE[msg.message_type]:
        ctx.add("HDR", f"{p}/BerichtCode", f"BerichtCode {code} bij {msg.message_type}",
                f"BerichtCode {code} in {msg.message_type}")
    if ctx.text(h, "BerichtVersie") not in (None, "3"):
        ctx.add("CS025", f"{p}/BerichtVersie")
    if ctx.text(h, "BerichtSubversie") not in (None, "2"):
        ctx.add("CS015", f"{p}/BerichtSubversie")
    sender = ctx.required(h, "Afzender", p)
    receiver = ctx.required(h, "Ontvanger", p)
    bid = ctx.child(h, "BerichtIdentificatie")
    ident = ctx.required(bid, "Identificatie", f"{p}/BerichtIdentificatie", base=True)
    dag = ctx.parse_date(ctx.required(bid, "Dagtekening", f"{p}/BerichtIdentificatie", base=True),
                   f"{p}/BerichtIdentificatie/Dagtekening")
    if ident is not None and len(ident) > 12:
        ctx.add("LDT", f"{p}/BerichtIdentificatie/Identificatie", "langer dan 12 tekens", "longer than 12 chars")
    if dag is not None and dag > today:
        ctx.add("TR135", f"{p}/BerichtIdentificatie/Dagtekening", f"{dag} ligt na {today}", f"{dag} after {today}")
    gemeente, agb = (sender, receiver) if msg.message_type in FROM_MUNICIPALITY else (receiver, sender)
    if gemeente is not None and not _MUNICIPALITY.fullmatch(gemeente):
        ctx.add("LDT", f"{p}/{'Afzender' if msg.message_type in FROM_MUNICIPALITY else 'Ontvanger'}",
                f"gemeentecode '{gemeente}' is geen 4-cijferige CBS-code", "municipality is not a 4-digit CBS code")
    if agb is not None and not _AGB.fullmatch(agb):
        ctx.add("LDT", f"{p}/{'Ontvanger' if msg.message_type in FROM_MUNICIPALITY else 'Afzender'}",
                f"AGB-code '{agb}' heeft geen 8 cijfers", "AGB code is not 8 digits")
    if None not in (code, sender, receiver, ident, dag, gemeente, agb):
        msg.header = Header(msg.message_type, code or "", sender or "", receiver or "", ident or "",
                            dag or date.min, gemeente or "", agb or "")


def _read_body(ctx: FieldReader, root: etree._Element) -> None:
    msg = ctx.msg
    if msg.header is None and not any(f.path.startswith("/Bericht/Header") for f in msg.findings):
        ctx.add("STRUCT", "/Bericht/Header", "Header ontbreekt", "Header is missing", line=False)
    t = msg.message_type
    ctx.line = None
    if t == "JW323":
        _read_323_declaratie(ctx, root)
    elif t == "JW325":
        _read_325_answer(ctx, root)
    else:
        client = ctx.child(root, "Client")
        if client is None:
            ctx.add("STRUCT", "/Bericht/Client", "Client ontbreekt", "Client is missing")
            return
        _read_client_identity(ctx, client, "/Bericht/Client")
        {"JW301": _read_301, "JW305": _read_305, "JW307": _read_307, "JW315": _read_315,
         "JW317": _read_317}[t or ""](ctx, client)


def _read_client_identity(ctx: FieldReader, c: etree._Element, path: str) -> None:
    ctx.line = None
    bsn = ctx.bsn(c, path)
    info: dict[str, Any] = {"bsn": bsn}
    gb = ctx.child(c, "Geboortedatum")
    if gb is not None:
        info["birth_date"] = ctx.parse_date(ctx.required(gb, "Datum", f"{path}/Geboortedatum", base=True),
                                      f"{path}/Geboortedatum/Datum")
        info["birth_date_usage"] = ctx.text(gb, "DatumGebruik", base=True)
    info["gender"] = ctx.code(ctx.text(c, "Geslacht"), "geslacht", f"{path}/Geslacht")
    info["pc4"] = None
    contacts = ctx.child(c, "Contactgegevens")
    if contacts is not None:
        for contact in contacts.iterfind(ctx.m("Contact")):
            adres = ctx.child(contact, "Adres")
            pc = ctx.text(adres, "Postcode", base=True)
            if pc and _POSTCODE.fullmatch(pc):
                info["pc4"] = pc[:4]  # PC4 only: the full postcode is never kept
                break
    info["juridische_status"] = ctx.code(ctx.text(c, "JuridischeStatus"), "juridische_status",
                                         f"{path}/JuridischeStatus")
    ctx.msg.client = info


def _read_301(ctx: FieldReader, c: etree._Element) -> None:
    prods = ctx.child(c, "ToegewezenProducten")
    if prods is None:
        ctx.add("STRUCT", "/Bericht/Client/ToegewezenProducten", "geen toegewezen producten", "no products")
        return
    for i, tp in enumerate(prods.iterfind(ctx.m("ToegewezenProduct"))):
        ctx.line = i
        p = f"/Bericht/Client/ToegewezenProducten/ToegewezenProduct[{i + 1}]"
        nr = ctx.integer(ctx.required(tp, "ToewijzingNummer", p), f"{p}/ToewijzingNummer", 999_999_999)
        cat, code = ctx.product(ctx.child(tp, "Product"), f"{p}/Product")
        tdatum = ctx.parse_date(ctx.required(tp, "Toewijzingsdatum", p), f"{p}/Toewijzingsdatum")
        ttijd = ctx.required(tp, "Toewijzingstijd", p)
        if ttijd is not None and not _TIME.match(ttijd):
            ctx.add("LDT", f"{p}/Toewijzingstijd", f"'{ttijd}' is geen tijd", f"'{ttijd}' is not a time")
            ttijd = None
        start = ctx.parse_date(ctx.required(tp, "Ingangsdatum", p), f"{p}/Ingangsdatum")
        end = ctx.parse_date(ctx.text(tp, "Einddatum"), f"{p}/Einddatum")
        if start and end and end < start:
            ctx.add("CS003", f"{p}/Einddatum", f"{end} ligt voor {start}", f"{end} before {start}")
        reden = ctx.code(ctx.text(tp, "RedenWijziging"), "reden_wijziging", f"{p}/RedenWijziging")
        if reden == "01":
            ctx.add("CS336", f"{p}/RedenWijziging")
        if reden == "13" and start != end:
            ctx.add("CS335", f"{p}/RedenWijziging")
        vol, unit, freq = ctx.omvang(ctx.child(tp, "Omvang"), f"{p}/Omvang")
        budget = ctx.integer(ctx.text(tp, "Budget"), f"{p}/Budget")
        has_omvang = ctx.child(tp, "Omvang") is not None
        if has_omvang and budget is not None:
            ctx.add("CD077", p)
        if code is not None and not has_omvang:
            ctx.add("CD041", p)
        if budget is not None and end is None:
            ctx.add("CD075", p)
        if freq == "2" and end is None:
            ctx.add("CD076", p)
        assigned_at = None
        if tdatum and ttijd:
            assigned_at = datetime.combine(tdatum, time.fromisoformat(ttijd[:8]))
        ctx.msg.items.append({
            "toewijzing_nummer": nr, "referentie_aanbieder": ctx.text(tp, "ReferentieAanbieder"),
            "product_category": cat, "product_code": code, "assigned_at": assigned_at, "start_date": start,
            "end_date": end, "reason_change": reden, "volume": vol, "unit": unit, "frequency": freq,
            "budget_cents": budget, "_path": p,
        })


def _read_start_stop(ctx: FieldReader, c: etree._Element, stop: bool) -> None:
    group, item = ("StopProducten", "StopProduct") if stop else ("StartProducten", "StartProduct")
    prods = ctx.child(c, group)
    if prods is None:
        ctx.add("STRUCT", f"/Bericht/Client/{group}", f"{group} ontbreekt", f"{group} missing")
        return
    for i, sp in enumerate(prods.iterfind(ctx.m(item))):
        ctx.line = i
        p = f"/Bericht/Client/{group}/{item}[{i + 1}]"
        row: dict[str, Any] = {"_path": p}
        row["toewijzing_nummer"] = ctx.integer(ctx.text(sp, "ToewijzingNummer"), f"{p}/ToewijzingNummer",
                                               999_999_999)
        row["product_category"], row["product_code"] = ctx.product(ctx.child(sp, "Product"), f"{p}/Product")
        row["toewijzing_start"] = ctx.parse_date(ctx.text(sp, "ToewijzingIngangsdatum"), f"{p}/ToewijzingIngangsdatum")
        row["start_date"] = ctx.parse_date(ctx.required(sp, "Begindatum", p), f"{p}/Begindatum")
        status = ctx.code(ctx.required(sp, "StatusAanlevering", p), "status_aanlevering", f"{p}/StatusAanlevering")
        if status is not None and status not in {"1", "3"}:
            ctx.add("CS058", f"{p}/StatusAanlevering", f"waarde {status}", f"value {status}")
            status = None
        row["status"] = status
        if stop:
            row["end_reason"] = ctx.code(ctx.required(sp, "RedenBeeindiging", p), "reden_beeindiging",
                                         f"{p}/RedenBeeindiging")
            row["end_date"] = ctx.parse_date(ctx.required(sp, "Einddatum", p), f"{p}/Einddatum")
            if row["start_date"] and row["end_date"] and row["end_date"] < row["start_date"]:
                ctx.add("CS003", f"{p}/Einddatum")
        ctx.msg.items.append(row)


def _read_305(ctx: FieldReader, c: etree._Element) -> None:
    _read_start_stop(ctx, c, stop=False)


def _read_307(ctx: FieldReader, c: etree._Element) -> None:
    _read_start_stop(ctx, c, stop=True)


def _read_315(ctx: FieldReader, c: etree._Element) -> None:
    prods = ctx.child(c, "AangevraagdeProducten")
    if prods is None:
        ctx.add("STRUCT", "/Bericht/Client/AangevraagdeProducten", "geen aangevraagde producten", "no products")
        return
    for i, ap in enumerate(prods.iterfind(ctx.m("AangevraagdProduct"))):
        ctx.line = i
        p = f"/Bericht/Client/AangevraagdeProducten/AangevraagdProduct[{i + 1}]"
        row: dict[str, Any] = {"_path": p}
        row["referentie_aanbieder"] = ctx.required(ap, "ReferentieAanbieder", p)
        bnr = ctx.integer(ctx.text(ap, "BeschikkingNummer"), f"{p}/BeschikkingNummer", 999_999_999)
        bdat = ctx.parse_date(ctx.text(ap, "BeschikkingIngangsdatum"), f"{p}/BeschikkingIngangsdatum")
        if (bnr is None) != (bdat is None) and not any(f.line == i for f in ctx.msg.findings):
            ctx.add("CD043", p)
        row["beschikking_nummer"], row["beschikking_start"] = bnr, bdat
        row["product_category"], row["product_code"] = ctx.product(ctx.child(ap, "Product"), f"{p}/Product")
        row["requested_start"] = ctx.parse_date(ctx.required(ap, "ToewijzingIngangsdatum", p),
                                          f"{p}/ToewijzingIngangsdatum")
        row["requested_end"] = ctx.parse_date(ctx.text(ap, "ToewijzingEinddatum"), f"{p}/ToewijzingEinddatum")
        if row["requested_start"] and row["requested_end"] and row["requested_end"] < row["requested_start"]:
            ctx.add("CS003", f"{p}/ToewijzingEinddatum")
        row["volume"], row["unit"], row["frequency"] = ctx.omvang(ctx.child(ap, "Omvang"), f"{p}/Omvang")
        row["budget_cents"] = ctx.integer(ctx.text(ap, "Budget"), f"{p}/Budget")
        if ctx.child(ap, "Omvang") is not None and row["budget_cents"] is not None:
            ctx.add("CD077", p)
        verw = ctx.child(ap, "Verwijzer")
        if verw is None:
            ctx.add("STRUCT", f"{p}/Verwijzer", "Verwijzer ontbreekt", "Verwijzer missing")
            row["referrer_type"], row["referrer_agb"] = None, None
        else:
            vtype = ctx.code(ctx.required(verw, "Type", f"{p}/Verwijzer", base=True), "verwijzer",
                             f"{p}/Verwijzer/Type")
            agb = ctx.text(verw, "ZorgverlenerCode", base=True)
            has_name = ctx.text(verw, "Naam", base=True) is not None  # the name itself is never kept
            if vtype in {"02", "03", "04", "05"} and (agb is None) == (not has_name):
                ctx.add("CD066", f"{p}/Verwijzer", "precies een van ZorgverlenerCode en Naam verwacht",
                        "exactly one of ZorgverlenerCode and Naam expected")
            if vtype not in {"02", "03", "04", "05"} and agb is not None:
                ctx.add("CD066", f"{p}/Verwijzer", "ZorgverlenerCode niet toegestaan bij dit type",
                        "ZorgverlenerCode not allowed for this type")
            row["referrer_type"], row["referrer_agb"] = vtype, agb
        row["raamcontract"] = ctx.text(ap, "Raamcontract")
        ctx.msg.items.append(row)


def _read_317(ctx: FieldReader, c: etree._Element) -> None:
    v = ctx.child(c, "Verzoek")
    p = "/Bericht/Client/Verzoek"
    if v is None:
        ctx.add("STRUCT", p, "Verzoek ontbreekt", "Verzoek missing")
        return
    ctx.line = None
    ctx.msg.fields["referentie_aanbieder"] = ctx.required(v, "ReferentieAanbieder", p)
    ctx.msg.fields["reason"] = ctx.code(ctx.required(v, "RedenVerzoek", p), "reden_verzoek", f"{p}/RedenVerzoek")
    kinds = [("OngewijzigdeProducten", "OngewijzigdProduct", "unchanged"),
             ("TeWijzigenProducten", "TeWijzigenProduct", "change"),
             ("NieuweProducten", "NieuwProduct", "new")]
    counts = {"unchanged": 0, "change": 0, "new": 0}
    for group, item, kind in kinds:
        g = ctx.child(v, group)
        if g is None:
            continue
        for j, el in enumerate(g.iterfind(ctx.m(item))):
            i = len(ctx.msg.items)
            ctx.line = i
            ip = f"{p}/{group}/{item}[{j + 1}]"
            row: dict[str, Any] = {"_path": ip, "kind": kind}
            row["toewijzing_nummer"] = ctx.integer(
                ctx.required(el, "ToewijzingNummer", ip) if kind != "new" else None, f"{ip}/ToewijzingNummer",
                999_999_999)
            row["product_category"], row["product_code"] = ctx.product(ctx.child(el, "Product"), f"{ip}/Product")
            row["desired_start"] = ctx.parse_date(ctx.text(el, "GewensteIngangsdatum"), f"{ip}/GewensteIngangsdatum")
            if kind != "unchanged" and row["desired_start"] is None and ctx.text(el, "GewensteIngangsdatum") is None:
                ctx.add("STRUCT", f"{ip}/GewensteIngangsdatum", "GewensteIngangsdatum ontbreekt",
                        "GewensteIngangsdatum missing")
            row["end_date"] = ctx.parse_date(ctx.text(el, "Einddatum"), f"{ip}/Einddatum")
            if row["desired_start"] and row["end_date"] and row["end_date"] < row["desired_start"]:
                ctx.add("CS003", f"{ip}/Einddatum", f"{row['end_date']} ligt voor {row['desired_start']}",
                        f"{row['end_date']} before {row['desired_start']}")
            row["volume"], row["unit"], row["frequency"] = ctx.omvang(ctx.child(el, "Omvang"), f"{ip}/Omvang")
            row["budget_cents"] = ctx.integer(ctx.text(el, "Budget"), f"{ip}/Budget")
            counts[kind] += 1
            ctx.msg.items.append(row)
    ctx.line = None
    if counts["unchanged"] + counts["change"] == 0 and counts["new"] and False:
        ctx.add("TR352", p)  # TR352 needs the current assignments (cross-message); reported by analyses
    if counts["change"] + counts["new"] == 0:
        ctx.add("TR353", p, line=False)


# -- JW323 -----------------------------------------------------------------------------------------

def _read_323_client(ctx: FieldReader, c: etree._Element) -> None:
    n_client = ctx.msg.fields.setdefault("_clients", 0) + 1
    ctx.msg.fields["_clients"] = n_client
    cp = f"/Bericht/Declaratie/Clienten/Client[{n_client}]"
    first = len(ctx.msg.items)
    bsn_findings_before = len(ctx.msg.findings)
    ctx.line = first  # BSN failure attributed below to every prestatie of this client
    bsn = ctx.text(c, "Bsn")
    bsn_ok = bsn is not None and is_valid_bsn(bsn)
    del ctx.msg.findings[bsn_findings_before:]
    prest = ctx.child(c, "Prestaties")
    elems = list(prest.iterfind(ctx.m("Prestatie"))) if prest is not None else []
    if not elems:
        ctx.line = None
        ctx.add("STRUCT", f"{cp}/Prestaties", "client zonder prestaties", "client without prestaties")
    for j, pe in enumerate(elems):
        i = len(ctx.msg.items)
        ctx.line = i
        p = f"{cp}/Prestaties/Prestatie[{j + 1}]"
        if not bsn_ok:
            ctx.add("CS002" if bsn else "STRUCT", f"{cp}/Bsn", "BSN ongeldig of afwezig (waarde niet getoond)",
                    "invalid or missing BSN (value not shown)")
        ref = ctx.child(pe, "ProductReferentie")
        row: dict[str, Any] = {"_path": p, "bsn": bsn if bsn_ok else None}
        row["referentie_nummer"] = ctx.required(ref, "ReferentieNummer", f"{p}/ProductReferentie", base=True)
        row["vorig_referentie_nummer"] = ctx.text(ref, "VorigReferentieNummer", base=True)
        row["toewijzing_nummer"] = ctx.integer(ctx.required(pe, "ToewijzingNummer", p), f"{p}/ToewijzingNummer",
                                               999_999_999)
        row["product_category"] = ctx.code(ctx.required(pe, "ProductCategorie", p), "productcategorie",
                                           f"{p}/ProductCategorie")
        row["product_code"] = ctx.required(pe, "ProductCode", p)
        ctx.check_product_code(row["product_category"], row["product_code"], f"{p}/ProductCode")
        row["period_start"], row["period_end"] = ctx.period(ctx.child(pe, "ProductPeriode"),
                                                            f"{p}/ProductPeriode")
        row["volume"] = ctx.integer(ctx.required(pe, "GeleverdVolume", p), f"{p}/GeleverdVolume")
        row["unit"] = ctx.code(ctx.required(pe, "Eenheid", p), "eenheid", f"{p}/Eenheid")
        row["tariff_cents"] = ctx.integer(ctx.text(pe, "ProductTarief"), f"{p}/ProductTarief")
        row["amount_cents"], row["debit_credit"] = ctx.money_dc(ctx.child(pe, "IngediendBedrag"),
                                                                f"{p}/IngediendBedrag")
        check_prestatie(ctx, row, p)
        ctx.msg.items.append(row)


def check_prestatie(ctx: FieldReader, row: dict[str, Any], p: str) -> None:
    b, e = row["period_start"], row["period_end"]
    if b and e and (b.year, b.month) != (e.year, e.month):
        ctx.add("CS337", f"{p}/ProductPeriode", f"{b} t/m {e}", f"{b} to {e}")
    dc, vorig = row["debit_credit"], row["vorig_referentie_nummer"]
    if (dc == "C") != (vorig is not None) and dc is not None:
        ctx.add("CD060", f"{p}/ProductReferentie")
    if vorig is not None and vorig == row["referentie_nummer"]:
        ctx.add("TR316", f"{p}/ProductReferentie")
    unit, vol, tar, amt = row["unit"], row["volume"], row["tariff_cents"], row["amount_cents"]
    if unit is not None:
        if (unit == "83") == (tar is not None):
            ctx.add("CD087", f"{p}/ProductTarief")
        elif unit == "83":
            if vol is not None and amt is not None and vol != amt:
                ctx.add("CS339", f"{p}/IngediendBedrag", f"bedrag {amt} bij volume {vol}", f"amount {amt}, volume {vol}")
        elif vol is not None and tar is not None and amt is not None:
            expected = vol * tar
            # minutes against an hourly tariff (IV081): tariff is rounded per minute, amount per hour-total
            tolerance = (vol + 1) // 2 if unit == "01" else 0
            if abs(amt - expected) > tolerance:
                ctx.add("TR346", f"{p}/IngediendBedrag", f"{amt} cent, verwacht {vol} x {tar} = {expected}",
                        f"{amt} cents, expected {vol} x {tar} = {expected}")


def _read_323_declaratie(ctx: FieldReader, root: etree._Element) -> None:
    msg = ctx.msg
    d = ctx.child(root, "Declaratie")
    p = "/Bericht/Declaratie"
    ctx.line = None
    if d is None:
        ctx.add("STRUCT", p, "Declaratie ontbreekt", "Declaratie missing")
        return
    nr = ctx.required(d, "DeclaratieNummer", p)
    if nr is not None and (not nr.isalnum() or len(nr) > 12 or not nr.isascii()):
        ctx.add("CS319", f"{p}/DeclaratieNummer")
    ps, pe = ctx.period(ctx.child(d, "DeclaratiePeriode"), f"{p}/DeclaratiePeriode")
    if ps and pe:
        nxt = date(ps.year + (ps.month == 12), ps.month % 12 + 1, 1)
        if ps.day != 1 or (nxt - pe).days != 1:
            ctx.add("CS340", f"{p}/DeclaratiePeriode", f"{ps} t/m {pe}", f"{ps} to {pe}")
        if ps < date(2021, 1, 1):
            ctx.add("CS100", f"{p}/DeclaratiePeriode")
    dag = ctx.parse_date(ctx.required(d, "DeclaratieDagtekening", p), f"{p}/DeclaratieDagtekening")
    total, dc = ctx.money_dc(ctx.child(d, "TotaalIngediendBedrag"), f"{p}/TotaalIngediendBedrag", total=True)
    msg.fields.update({"declaratie_nummer": nr, "period_start": ps, "period_end": pe, "declaration_date": dag,
                       "total_signed_cents": _signed(total, dc)})
    # checks over all prestaties of the message
    computed = sum(_signed(r["amount_cents"], r["debit_credit"]) for r in msg.items)
    if total is not None and dc is not None and computed != _signed(total, dc):
        ctx.add("TR358", f"{p}/TotaalIngediendBedrag", f"totaal {_signed(total, dc)}, som regels {computed}",
                f"total {_signed(total, dc)}, sum of lines {computed}")
    seen_ref: dict[str, int] = {}
    seen_vorig: dict[str, int] = {}
    seen_slot: dict[tuple[Any, ...], int] = {}
    owner: dict[int, str] = {}
    for i, r in enumerate(msg.items):
        rp = r["_path"]
        ref = r["referentie_nummer"]
        if ref is not None:
            if ref in seen_ref:
                ctx.add("TR314", f"{rp}/ProductReferentie", f"{ref} komt al voor in dit bericht",
                        f"{ref} already occurs in this message", line=i)
            seen_ref.setdefault(ref, i)
        vorig = r["vorig_referentie_nummer"]
        if vorig is not None:
            if vorig in seen_vorig:
                ctx.add("TR315", f"{rp}/ProductReferentie", line=i)
            seen_vorig.setdefault(vorig, i)
        if r["debit_credit"] == "D" and r["period_start"] is not None:
            slot = (r["toewijzing_nummer"], r["period_start"], r["product_category"], r["product_code"])
            if slot in seen_slot:
                ctx.add("TR416", rp, f"toewijzing {slot[0]}, periode {slot[1]}",
                        f"assignment {slot[0]}, period {slot[1]}", line=i)
            seen_slot.setdefault(slot, i)
        nr_t = r["toewijzing_nummer"]
        if nr_t is not None and r["bsn"] is not None:
            if nr_t in owner and owner[nr_t] != r["bsn"]:
                ctx.add("TR338", f"{rp}/ToewijzingNummer", f"toewijzing {nr_t} ook bij een andere client",
                        f"assignment {nr_t} also claimed for another client", line=i)
            owner.setdefault(nr_t, r["bsn"])
        if pe is not None and r["period_end"] is not None and r["period_end"] > pe:
            ctx.add("TR319", f"{rp}/ProductPeriode", line=i)
        if dag is not None and r["period_end"] is not None and (dag - r["period_end"]).days > 5 * 366:
            ctx.add("TR335", f"{rp}/ProductPeriode", line=i)


# -- JW325 -----------------------------------------------------------------------------------------

def _codes_of(ctx: FieldReader, elem: etree._Element | None) -> list[str]:
    rc = ctx.child(elem, "RetourCodes")
    if rc is None:
        return []
    out = []
    for c in rc.iterfind(ctx.m("RetourCode")):
        value = (c.text or "").strip()
        if value not in codes("retourcode") and not _RETURN_CODE.fullmatch(value):
            ctx.add("CD", "RetourCode", f"retourcode '{value}' onbekend", f"unknown return code '{value}'")
        out.append(value)
    return out


def _read_325_client(ctx: FieldReader, c: etree._Element) -> None:
    n_client = ctx.msg.fields.setdefault("_clients", 0) + 1
    ctx.msg.fields["_clients"] = n_client
    cp = f"/Bericht/DeclaratieAntwoord/Clienten/Client[{n_client}]"
    ctx.line = None
    client_codes = _codes_of(ctx, c)
    prest = ctx.child(c, "Prestaties")
    for j, pe in enumerate(prest.iterfind(ctx.m("Prestatie")) if prest is not None else []):
        i = len(ctx.msg.items)
        ctx.line = i
        p = f"{cp}/Prestaties/Prestatie[{j + 1}]"
        ref = ctx.child(pe, "ProductReferentie")
        amount, dc = ctx.money_dc(ctx.child(pe, "IngediendBedrag"), f"{p}/IngediendBedrag")
        line_codes = _codes_of(ctx, pe)
        ctx.msg.items.append({
            "_path": p,
            "referentie_nummer": ctx.required(ref, "ReferentieNummer", f"{p}/ProductReferentie", base=True),
            "codes": sorted(set(line_codes + [c for c in client_codes if c not in {"0200"}])),
            "signed_amount_cents": _signed(amount, dc),
        })


def _read_325_answer(ctx: FieldReader, root: etree._Element) -> None:
    msg = ctx.msg
    ctx.line = None
    header = ctx.child(root, "Header")
    did = ctx.child(header, "DeclaratieIdentificatie")
    msg.fields["declaration_message_id"] = ctx.required(did, "Identificatie", "/Bericht/Header/DeclaratieIdentificatie",
                                                        base=True)
    header_codes = _codes_of(ctx, header)
    msg.fields["header_codes"] = header_codes
    ans = ctx.child(root, "DeclaratieAntwoord")
    p = "/Bericht/DeclaratieAntwoord"
    if ans is None:
        msg.fields.update({"declaratie_nummer": None, "answer_codes": [], "total_submitted_signed_cents": None,
                           "total_granted_signed_cents": None, "outcome": "rejected"})
        return
    msg.fields["declaratie_nummer"] = ctx.required(ans, "DeclaratieNummer", p)
    sub, sub_dc = ctx.money_dc(ctx.child(ans, "TotaalIngediendBedrag"), f"{p}/TotaalIngediendBedrag", total=True)
    gra, gra_dc = ctx.money_dc(ctx.child(ans, "TotaalToegekendBedrag"), f"{p}/TotaalToegekendBedrag", total=True)
    answer_codes = _codes_of(ctx, ans)
    msg.fields["answer_codes"] = answer_codes
    msg.fields["total_submitted_signed_cents"] = _signed(sub, sub_dc)
    msg.fields["total_granted_signed_cents"] = _signed(gra, gra_dc)
    if "8001" in answer_codes:
        outcome = "granted"
    elif answer_codes and set(answer_codes) <= {"0200"}:
        outcome = "partial" if msg.items else "granted"
    else:
        outcome = "rejected"
    msg.fields["outcome"] = outcome
    if outcome == "partial" and sub is not None and gra is not None:
        listed = sum(r["signed_amount_cents"] for r in msg.items)
        if listed != _signed(sub, sub_dc) - _signed(gra, gra_dc):
            ctx.add("TR342", p, f"afgewezen {listed}, ingediend-toegekend {_signed(sub, sub_dc) - _signed(gra, gra_dc)}",
                    f"rejected {listed}, submitted-granted {_signed(sub, sub_dc) - _signed(gra, gra_dc)}", line=False)
