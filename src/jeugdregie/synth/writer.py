"""iJw 3.2 XML for the simulated region, written into zip archives, plus the ground truth.

Layout: ``OUT/ijw/<gemeente>/<year>/<MSGTYPE>.zip`` (year of the message's Dagtekening), one message per member
``<MSGTYPE>_<sender>_<Identificatie>.xml``. The XML follows the official XSDs (element order, namespaces: message elements
in the message namespace, children of composite types in the basisschema namespace); a test validates samples.
This module deliberately does not use the reader in ``jeugdregie.ijw``.
"""

from __future__ import annotations

import itertools
import zipfile
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from jeugdregie.synth.simulate import Client, Line, Region, Trajectory, month_add, month_end

BASE = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
CODES = {"301": "436", "305": "438", "307": "440", "315": "446", "317": "486", "323": "490", "325": "491"}


def _ns(t: str) -> str:
    return f"http://www.istandaarden.nl/ijw/3_2/jw{t}/schema"


class Writer:
    def __init__(self, out: Path, extract_date: date) -> None:
        self.out = out
        self.extract = extract_date
        self._zips: dict[tuple[str, int, str], zipfile.ZipFile] = {}
        self._ids: dict[tuple[str, str], itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self.counts: dict[str, int] = defaultdict(int)

    def close(self) -> None:
        for z in self._zips.values():
            z.close()

    def _ident(self, t: str, sender: str) -> str:
        return f"{t}{next(self._ids[(t, sender)]):09d}"

    def write(self, t: str, muni: str, sender: str, receiver: str, day: date, body: str,
              extra_header: str = "", ident: str | None = None) -> str | None:
        """Write one message; returns its Identificatie, or None when dated after the extract date."""
        if day > self.extract:
            return None
        ident = ident or self._ident(t, sender)
        p = f"jw{t}"
        xml = (f'<?xml version="1.0" encoding="UTF-8"?>\r\n<{p}:Bericht xmlns:{p}="{_ns(t)}" xmlns:ijw="{BASE}">'
               f"<{p}:Header><{p}:BerichtCode>{CODES[t]}</{p}:BerichtCode><{p}:BerichtVersie>3</{p}:BerichtVersie>"
               f"<{p}:BerichtSubversie>2</{p}:BerichtSubversie><{p}:Afzender>{sender}</{p}:Afzender>"
               f"<{p}:Ontvanger>{receiver}</{p}:Ontvanger><{p}:BerichtIdentificatie><ijw:Identificatie>{ident}"
               f"</ijw:Identificatie><ijw:Dagtekening>{day.isoformat()}</ijw:Dagtekening>"
               f"</{p}:BerichtIdentificatie><{p}:XsdVersie><ijw:BasisschemaXsdVersie>1.0.0"
               f"</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0</ijw:BerichtXsdVersie></{p}:XsdVersie>"
               f"{extra_header}</{p}:Header>{body}</{p}:Bericht>\r\n")
        key = (muni, day.year, t)
        z = self._zips.get(key)
        if z is None:
            folder = self.out / "ijw" / muni / str(day.year)
            folder.mkdir(parents=True, exist_ok=True)
            z = zipfile.ZipFile(folder / f"JW{t}.zip", "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1)
            self._zips[key] = z
        info = zipfile.ZipInfo(f"JW{t}_{sender}_{ident}.xml", date_time=(day.year, day.month, day.day, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        z.writestr(info, xml.encode("utf-8"))
        self.counts[f"JW{t}"] += 1
        return ident


def _client_block(p: str, c: Client, full_name: bool = False, address: bool = False) -> str:
    voorvoegsel, _, achternaam = c.last_name.rpartition(" ") if " " in c.last_name else ("", "", c.last_name)
    vv = f"<ijw:Voorvoegsel>{escape(voorvoegsel)}</ijw:Voorvoegsel>" if voorvoegsel else ""
    gebruik = "<ijw:NaamGebruik>1</ijw:NaamGebruik>" if full_name else ""
    s = (f"<{p}:Bsn>{c.bsn}</{p}:Bsn><{p}:Geboortedatum><ijw:Datum>{c.birth_date.isoformat()}</ijw:Datum>"
         f"</{p}:Geboortedatum><{p}:Geslacht>{c.gender}</{p}:Geslacht><{p}:Naam><ijw:Geslachtsnaam>"
         f"<ijw:Achternaam>{escape(achternaam)}</ijw:Achternaam>{vv}</ijw:Geslachtsnaam>"
         f"<ijw:Voornamen>{escape(c.first_name)}</ijw:Voornamen><ijw:Voorletters>{c.first_name[0]}</ijw:Voorletters>"
         f"{gebruik}</{p}:Naam>")
    if address:
        s += (f"<{p}:Contactgegevens><{p}:Contact><{p}:Soort>01</{p}:Soort><{p}:Adres><ijw:Huis>"
              f"<ijw:Huisnummer>{c.house_number}</ijw:Huisnummer></ijw:Huis><ijw:Postcode>{c.postcode}</ijw:Postcode>"
              f"<ijw:Straatnaam>{escape(c.street)}</ijw:Straatnaam><ijw:Plaatsnaam>Plaats</ijw:Plaatsnaam>"
              f"<ijw:LandCode>NL</ijw:LandCode></{p}:Adres></{p}:Contact></{p}:Contactgegevens>")
    return s


def _product(p: str, tr: Trajectory) -> str:
    return (f"<{p}:Product><ijw:Categorie>{tr.product.category}</ijw:Categorie><ijw:Code>{tr.product.code}"
            f"</ijw:Code></{p}:Product>")


def _omvang(tr: Trajectory, volume: int | None = None) -> str:
    return (f"<ijw:Volume>{volume or tr.monthly_volume}</ijw:Volume><ijw:Eenheid>{tr.product.unit}</ijw:Eenheid>"
            f"<ijw:Frequentie>4</ijw:Frequentie>")


def write_region(region: Region, out: Path, extract: date, progress: Callable[[int], None] | None = None,
                 ) -> dict[str, Any]:
    w = Writer(out, extract)
    rng = region.rng
    decl: dict[tuple[str, str, date], list[tuple[str, Trajectory, Line]]] = defaultdict(list)
    for i, tr in enumerate(region.trajectories):
        _write_trajectory(w, tr, rng)
        for line in tr.lines:
            decl[(tr.provider, tr.municipality, line.declared_month)].append(("D", tr, line))
            if line.credit_month is not None:
                decl[(tr.provider, tr.municipality, line.credit_month)].append(("C", tr, line))
        if progress and i % 500 == 0:
            progress(500)
    refs: dict[str, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
    line_ref: dict[int, str] = {}
    written: dict[int, dict[str, Any]] = {}
    for key in sorted(decl, key=lambda k: (k[2], k[0], k[1])):
        provider, muni, month = key
        _write_declaration(w, provider, muni, month, decl[key], refs, line_ref, written, extract)
    w.close()
    return {"counts": dict(w.counts), "written": written}


def _write_trajectory(w: Writer, tr: Trajectory, rng: Any) -> None:
    c, muni, agb = tr.client, tr.municipality, tr.provider
    tr.reference = f"R{muni}{tr.number}"
    if tr.request_date is not None:
        agb_ref = f"<ijw:ZorgverlenerCode>{rng.randrange(10**7, 10**8):08d}</ijw:ZorgverlenerCode>" \
            if tr.referrer in {"02", "03", "04", "05"} else ""
        body = (f"<jw315:Client>{_client_block('jw315', c)}<jw315:AangevraagdeProducten><jw315:AangevraagdProduct>"
                f"<jw315:ReferentieAanbieder>{tr.reference}</jw315:ReferentieAanbieder>{_product('jw315', tr)}"
                f"<jw315:ToewijzingIngangsdatum>{tr.start}</jw315:ToewijzingIngangsdatum>"
                f"<jw315:ToewijzingEinddatum>{tr.end}</jw315:ToewijzingEinddatum>"
                f"<jw315:Omvang>{_omvang(tr)}</jw315:Omvang><jw315:Verwijzer><ijw:Type>{tr.referrer}</ijw:Type>"
                f"{agb_ref}</jw315:Verwijzer></jw315:AangevraagdProduct></jw315:AangevraagdeProducten>"
                f"</jw315:Client>")
        w.write("315", muni, agb, muni, tr.request_date, body)
    ref = f"<jw301:ReferentieAanbieder>{tr.reference}</jw301:ReferentieAanbieder>" if tr.request_date else ""
    tijd = f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00"
    body = (f"<jw301:Client>{_client_block('jw301', c, full_name=True, address=True)}<jw301:ToegewezenProducten>"
            f"<jw301:ToegewezenProduct><jw301:ToewijzingNummer>{tr.number}</jw301:ToewijzingNummer>{ref}"
            f"{_product('jw301', tr)}<jw301:Toewijzingsdatum>{tr.assigned_on}</jw301:Toewijzingsdatum>"
            f"<jw301:Toewijzingstijd>{tijd}</jw301:Toewijzingstijd><jw301:Ingangsdatum>{tr.start}"
            f"</jw301:Ingangsdatum><jw301:Einddatum>{tr.end}</jw301:Einddatum><jw301:Omvang>{_omvang(tr)}"
            f"</jw301:Omvang></jw301:ToegewezenProduct></jw301:ToegewezenProducten></jw301:Client>")
    w.write("301", muni, muni, agb, tr.assigned_on, body)
    sp = (f"<jw305:ToewijzingNummer>{tr.number}</jw305:ToewijzingNummer>{_product('jw305', tr)}"
          f"<jw305:ToewijzingIngangsdatum>{tr.start}</jw305:ToewijzingIngangsdatum>"
          f"<jw305:Begindatum>{tr.care_start}</jw305:Begindatum>")
    w.write("305", muni, agb, muni, tr.care_start + timedelta(days=2),
            f"<jw305:Client>{_client_block('jw305', c)}<jw305:StartProducten><jw305:StartProduct>{sp}"
            f"<jw305:StatusAanlevering>1</jw305:StatusAanlevering></jw305:StartProduct></jw305:StartProducten>"
            f"</jw305:Client>")
    st = sp.replace("jw305:", "jw307:")
    w.write("307", muni, agb, muni, tr.care_end + timedelta(days=3),
            f"<jw307:Client>{_client_block('jw307', c)}<jw307:StopProducten><jw307:StopProduct>{st}"
            f"<jw307:RedenBeeindiging>{tr.end_reason}</jw307:RedenBeeindiging><jw307:Einddatum>{tr.care_end}"
            f"</jw307:Einddatum><jw307:StatusAanlevering>1</jw307:StatusAanlevering></jw307:StopProduct>"
            f"</jw307:StopProducten></jw307:Client>")
    months = (tr.end.year - tr.start.year) * 12 + tr.end.month - tr.start.month + 1
    if months >= 4 and rng.random() < 0.05:  # a change request (VOW) halfway: more of the same product
        half = month_add(tr.start, months // 2)
        body = (f"<jw317:Client><jw317:Bsn>{c.bsn}</jw317:Bsn><jw317:Verzoek><jw317:ReferentieAanbieder>"
                f"V{muni}{tr.number}</jw317:ReferentieAanbieder><jw317:RedenVerzoek>2</jw317:RedenVerzoek>"
                f"<jw317:TeWijzigenProducten><jw317:TeWijzigenProduct><jw317:ToewijzingNummer>{tr.number}"
                f"</jw317:ToewijzingNummer><jw317:GewensteIngangsdatum>{half}</jw317:GewensteIngangsdatum>"
                f"<jw317:Einddatum>{tr.end}</jw317:Einddatum><jw317:Omvang>"
                f"{_omvang(tr, tr.monthly_volume + 2)}</jw317:Omvang></jw317:TeWijzigenProduct>"
                f"</jw317:TeWijzigenProducten></jw317:Verzoek></jw317:Client>")
        w.write("317", muni, agb, muni, half - timedelta(days=10), body)


def _prestatie(p: str, tr: Trajectory, line: Line, ref: str, vorig: str | None, volume: int, dc: str,
               extra: str = "") -> str:
    vr = f"<ijw:VorigReferentieNummer>{vorig}</ijw:VorigReferentieNummer>" if vorig else ""
    return (f"<{p}:Prestatie><{p}:ProductReferentie><ijw:ReferentieNummer>{ref}</ijw:ReferentieNummer>{vr}"
            f"</{p}:ProductReferentie><{p}:ToewijzingNummer>{tr.number}</{p}:ToewijzingNummer>"
            f"<{p}:ProductCategorie>{tr.product.category}</{p}:ProductCategorie><{p}:ProductCode>{tr.product.code}"
            f"</{p}:ProductCode><{p}:ProductPeriode><ijw:Begindatum>{line.period_start}</ijw:Begindatum>"
            f"<ijw:Einddatum>{line.period_end}</ijw:Einddatum></{p}:ProductPeriode><{p}:GeleverdVolume>{volume}"
            f"</{p}:GeleverdVolume><{p}:Eenheid>{tr.product.unit}</{p}:Eenheid><{p}:ProductTarief>"
            f"{line.tariff_cents}</{p}:ProductTarief><{p}:IngediendBedrag><ijw:Bedrag>{volume * line.tariff_cents}"
            f"</ijw:Bedrag><ijw:DebetCredit>{dc}</ijw:DebetCredit></{p}:IngediendBedrag>{extra}</{p}:Prestatie>")


def _write_declaration(w: Writer, provider: str, muni: str, month: date,
                       entries: list[tuple[str, Trajectory, Line]], refs: dict[str, itertools.count[int]],
                       line_ref: dict[int, str], written: dict[int, dict[str, Any]], extract: date) -> None:
    day = date(month.year, month.month, 5)
    if day > extract:
        return
    period_start = month_add(month, -1)
    by_client: dict[str, list[str]] = defaultdict(list)
    bsn: dict[str, str] = {}
    rejected: list[tuple[str, Trajectory, Line, str, int]] = []
    total = 0
    n = itertools.count(1)
    for kind, tr, line in entries:
        c = tr.client
        bsn[c.ref] = c.bsn
        if kind == "D":
            ref = f"{provider[-4:]}-{next(refs[provider]):08d}"
            line_ref[id(line)] = ref
            by_client[c.ref].append(_prestatie("jw323", tr, line, ref, None, line.volume, "D"))
            total += line.amount_cents
            written[id(line)] = {"debit": line.amount_cents, "credit": 0, "corrected": 0, "rejected": line.rejected}
            if line.rejected:
                rejected.append(("D", tr, line, ref, line.volume))
        else:  # credit the granted original and send the corrected debet in the same message (allowed)
            if id(line) not in line_ref:
                continue  # original never written (after the extract date): nothing to credit
            cref = f"{provider[-4:]}-{next(refs[provider]):08d}"
            dref = f"{provider[-4:]}-{next(refs[provider]):08d}"
            corrected = line.corrected_volume or line.volume
            by_client[c.ref].append(_prestatie("jw323", tr, line, cref, line_ref[id(line)], line.volume, "C"))
            by_client[c.ref].append(_prestatie("jw323", tr, line, dref, None, corrected, "D"))
            total += -line.amount_cents + corrected * line.tariff_cents
            written[id(line)]["credit"] = line.amount_cents
            written[id(line)]["corrected"] = corrected * line.tariff_cents
        _ = next(n)
    nr = f"D{month.year % 100:02d}{month.month:02d}{next(refs['decl:' + provider]):06d}"
    clients = "".join(f"<jw323:Client><jw323:Bsn>{bsn[r]}</jw323:Bsn><jw323:Prestaties>{''.join(ps)}"
                      f"</jw323:Prestaties></jw323:Client>" for r, ps in by_client.items())
    dc = "D" if total >= 0 else "C"
    body = (f"<jw323:Declaratie><jw323:DeclaratieNummer>{nr}</jw323:DeclaratieNummer><jw323:DeclaratiePeriode>"
            f"<ijw:Begindatum>{period_start}</ijw:Begindatum><ijw:Einddatum>{month_end(period_start)}</ijw:Einddatum>"
            f"</jw323:DeclaratiePeriode><jw323:DeclaratieDagtekening>{day}</jw323:DeclaratieDagtekening>"
            f"<jw323:TotaalIngediendBedrag><ijw:TotaalBedrag>{abs(total)}</ijw:TotaalBedrag><ijw:DebetCredit>{dc}"
            f"</ijw:DebetCredit></jw323:TotaalIngediendBedrag><jw323:Clienten>{clients}</jw323:Clienten>"
            f"</jw323:Declaratie>")
    ident = w.write("323", muni, provider, muni, day, body)
    if ident is None:
        return
    answer_day = day + timedelta(days=7)
    if answer_day > extract:
        for _kind, _tr, line in entries:
            if id(line) in written and written[id(line)].get("answered") is None:
                written[id(line)]["answered"] = False
        return
    for _kind, _tr, line in entries:
        if id(line) in written:
            written[id(line)].setdefault("answered", True)
    rej_total = sum(v * ln.tariff_cents for _, _, ln, _, v in rejected)
    granted = total - rej_total
    gdc = "D" if granted >= 0 else "C"
    header = (f"<jw325:DeclaratieIdentificatie><ijw:Identificatie>{ident}</ijw:Identificatie><ijw:Dagtekening>"
              f"{day}</ijw:Dagtekening></jw325:DeclaratieIdentificatie><jw325:XsdVersieDeclaratie>"
              f"<ijw:BasisschemaXsdVersie>1.0.0</ijw:BasisschemaXsdVersie><ijw:BerichtXsdVersie>1.0.0"
              f"</ijw:BerichtXsdVersie></jw325:XsdVersieDeclaratie><jw325:RetourCodes><jw325:RetourCode>0200"
              f"</jw325:RetourCode></jw325:RetourCodes>")
    if rejected:
        per_client: dict[str, list[str]] = defaultdict(list)
        for _, tr, line, ref, vol in rejected:
            per_client[tr.client.ref].append(_prestatie(
                "jw325", tr, line, ref, None, vol, "D",
                "<jw325:RetourCodes><jw325:RetourCode>9321</jw325:RetourCode></jw325:RetourCodes>"))
        listed = "".join(f"<jw325:Client><jw325:Bsn>{bsn[r]}</jw325:Bsn><jw325:Prestaties>{''.join(ps)}"
                         f"</jw325:Prestaties><jw325:RetourCodes><jw325:RetourCode>0200</jw325:RetourCode>"
                         f"</jw325:RetourCodes></jw325:Client>" for r, ps in per_client.items())
        clients_xml, code = f"<jw325:Clienten>{listed}</jw325:Clienten>", "0200"
    else:
        clients_xml, code = "", "8001"
    body = (f"<jw325:DeclaratieAntwoord><jw325:DeclaratieNummer>{nr}</jw325:DeclaratieNummer>"
            f"<jw325:TotaalIngediendBedrag><ijw:TotaalBedrag>{abs(total)}</ijw:TotaalBedrag><ijw:DebetCredit>{dc}"
            f"</ijw:DebetCredit></jw325:TotaalIngediendBedrag><jw325:TotaalToegekendBedrag><ijw:TotaalBedrag>"
            f"{abs(granted)}</ijw:TotaalBedrag><ijw:DebetCredit>{gdc}</ijw:DebetCredit></jw325:TotaalToegekendBedrag>"
            f"{clients_xml}<jw325:RetourCodes><jw325:RetourCode>{code}</jw325:RetourCode></jw325:RetourCodes>"
            f"</jw325:DeclaratieAntwoord>")
    w.write("325", muni, muni, provider, answer_day, body, extra_header=header)
