"""iJw 3.2 XML for JW301/305/307/315/317/323/325 by plain string building (fast, streaming-friendly).

Message elements are in ``http://www.istandaarden.nl/ijw/3_2/jwNNN/schema``; children of composite types
(CDT_*) in the basisschema namespace. Element order follows the XSDs in shared/domain/xsd/.
"""

from __future__ import annotations

from datetime import date
from xml.sax.saxutils import escape

from jeugdregie.synth.model import Assignment, Client, Declaration, Episode, Line, Message

BERICHTCODE = {"JW301": "436", "JW305": "438", "JW307": "440", "JW315": "446", "JW317": "486",
               "JW323": "490", "JW325": "491"}
BASIS_NS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"
XSD_VERSIE = "1.0.0"


def ns(mtype: str) -> str:
    return f"http://www.istandaarden.nl/ijw/3_2/{mtype.lower()}/schema"


def _d(d: date) -> str:
    return d.isoformat()


def header(m: Message, p: str) -> list[str]:
    return [
        '<?xml version="1.0" encoding="UTF-8"?>\r\n',
        f'<{p}:Bericht xmlns:{p}="{ns(m.mtype)}" xmlns:ijw="{BASIS_NS}">',
        f"<{p}:Header><{p}:BerichtCode>{BERICHTCODE[m.mtype]}</{p}:BerichtCode>",
        f"<{p}:BerichtVersie>3</{p}:BerichtVersie><{p}:BerichtSubversie>2</{p}:BerichtSubversie>",
        f"<{p}:Afzender>{m.afzender}</{p}:Afzender><{p}:Ontvanger>{m.ontvanger}</{p}:Ontvanger>",
        f"<{p}:BerichtIdentificatie><ijw:Identificatie>{m.identificatie}</ijw:Identificatie>",
        f"<ijw:Dagtekening>{_d(m.dagtekening)}</ijw:Dagtekening></{p}:BerichtIdentificatie>",
        f"<{p}:XsdVersie><ijw:BasisschemaXsdVersie>{XSD_VERSIE}</ijw:BasisschemaXsdVersie>",
        f"<ijw:BerichtXsdVersie>{XSD_VERSIE}</ijw:BerichtXsdVersie></{p}:XsdVersie>",
    ]


def _achternaam(c: Client) -> str:
    pre = f"<ijw:Voorvoegsel>{escape(c.person.prefix)}</ijw:Voorvoegsel>" if c.person.prefix else ""
    return f"<ijw:Geslachtsnaam><ijw:Achternaam>{escape(c.person.surname)}</ijw:Achternaam>{pre}</ijw:Geslachtsnaam>"


def client_head(c: Client, p: str, full: bool) -> str:
    naam = _achternaam(c) + f"<ijw:Voornamen>{escape(c.person.first_name)}</ijw:Voornamen>"
    naam += f"<ijw:Voorletters>{c.person.initials}</ijw:Voorletters>"
    if full:
        naam += "<ijw:NaamGebruik>1</ijw:NaamGebruik>"
    return (f"<{p}:Bsn>{c.bsn}</{p}:Bsn><{p}:Geboortedatum><ijw:Datum>{_d(c.birth)}</ijw:Datum>"
            f"</{p}:Geboortedatum><{p}:Geslacht>{c.gender}</{p}:Geslacht><{p}:Naam>{naam}</{p}:Naam>")


def _product(cat: str, code: str | None) -> str:
    inner = f"<ijw:Categorie>{cat}</ijw:Categorie>"
    if code:
        inner += f"<ijw:Code>{code}</ijw:Code>"
    return inner


def _omvang(om: tuple[int, str, str]) -> str:
    return (f"<ijw:Volume>{om[0]}</ijw:Volume><ijw:Eenheid>{om[1]}</ijw:Eenheid>"
            f"<ijw:Frequentie>{om[2]}</ijw:Frequentie>")


def jw301(m: Message) -> str:
    p = "jw301"
    _, ep, states = m.payload
    c: Client = ep.client
    out = header(m, p)
    out.append(f"</{p}:Header><{p}:Client>")
    out.append(client_head(c, p, True))
    per = c.person
    out.append(
        f"<{p}:Contactgegevens><{p}:Contact><{p}:Soort>01</{p}:Soort><{p}:Adres>"
        f"<ijw:Huis><ijw:Huisnummer>{per.house_number}</ijw:Huisnummer></ijw:Huis>"
        f"<ijw:Postcode>{per.postcode}</ijw:Postcode><ijw:Straatnaam>{escape(per.street)}</ijw:Straatnaam>"
        f"<ijw:Plaatsnaam>{escape(per.place)}</ijw:Plaatsnaam><ijw:LandCode>NL</ijw:LandCode>"
        f"</{p}:Adres></{p}:Contact></{p}:Contactgegevens><{p}:ToegewezenProducten>")
    for (nummer, ref, cat, code, twdatum, tijd, ingang, eind, reden, omvang, budget) in states:
        out.append(f"<{p}:ToegewezenProduct><{p}:ToewijzingNummer>{nummer}</{p}:ToewijzingNummer>")
        if ref:
            out.append(f"<{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder>")
        out.append(f"<{p}:Product>{_product(cat, code)}</{p}:Product>")
        out.append(f"<{p}:Toewijzingsdatum>{_d(twdatum)}</{p}:Toewijzingsdatum>"
                   f"<{p}:Toewijzingstijd>{tijd}</{p}:Toewijzingstijd>"
                   f"<{p}:Ingangsdatum>{_d(ingang)}</{p}:Ingangsdatum><{p}:Einddatum>{_d(eind)}</{p}:Einddatum>")
        if reden:
            out.append(f"<{p}:RedenWijziging>{reden}</{p}:RedenWijziging>")
        if omvang is not None:
            out.append(f"<{p}:Omvang>{_omvang(omvang)}</{p}:Omvang>")
        if budget is not None:
            out.append(f"<{p}:Budget>{budget}</{p}:Budget>")
        out.append(f"</{p}:ToegewezenProduct>")
    out.append(f"</{p}:ToegewezenProducten></{p}:Client></{p}:Bericht>\r\n")
    return "".join(out)


def _start_stop(m: Message, stop: bool) -> str:
    p = "jw307" if stop else "jw305"
    _, ep, group = m.payload
    out = header(m, p)
    out.append(f"</{p}:Header><{p}:Client>")
    out.append(client_head(ep.client, p, False))
    tag = "Stop" if stop else "Start"
    out.append(f"<{p}:{tag}Producten>")
    a: Assignment
    for a in group:
        assert a.start is not None
        out.append(f"<{p}:{tag}Product><{p}:ToewijzingNummer>{a.nummer}</{p}:ToewijzingNummer>"
                   f"<{p}:Product>{_product(a.category, None if a.aspecifiek else a.code)}</{p}:Product>"
                   f"<{p}:ToewijzingIngangsdatum>{_d(a.ingang)}</{p}:ToewijzingIngangsdatum>"
                   f"<{p}:Begindatum>{_d(a.start)}</{p}:Begindatum>")
        if stop:
            assert a.stop is not None
            out.append(f"<{p}:RedenBeeindiging>{a.stop_reason}</{p}:RedenBeeindiging>"
                       f"<{p}:Einddatum>{_d(a.stop)}</{p}:Einddatum>")
        out.append(f"<{p}:StatusAanlevering>1</{p}:StatusAanlevering></{p}:{tag}Product>")
    out.append(f"</{p}:{tag}Producten></{p}:Client></{p}:Bericht>\r\n")
    return "".join(out)


#: made-up referrer names for Verwijzer types 02-05 without an AGB code
_REFERRER_NAMES = {"02": "Huisartsenpraktijk De Linde", "03": "JGZ jeugdarts", "04": "Jeugdbescherming West",
                   "05": "Kinderarts Haga"}


def referrer_agb(kind: str, client: Client) -> str | None:
    """ZorgverlenerCode of the Verwijzer: a made-up AGB for huisartsen (type 02), derived from the client."""
    return f"{1000_0000 + (client.idx * 37) % 9_000_000:08d}" if kind == "02" else None


def jw315(m: Message) -> str:
    p = "jw315"
    _, ep, assignments = m.payload
    e: Episode = ep
    out = header(m, p)
    out.append(f"</{p}:Header><{p}:Client>")
    out.append(client_head(e.client, p, False))
    out.append(f"<{p}:AangevraagdeProducten>")
    for a in assignments:
        out.append(f"<{p}:AangevraagdProduct><{p}:ReferentieAanbieder>{a.referentie}</{p}:ReferentieAanbieder>")
        out.append(f"<{p}:Product>{_product(a.category, None if a.aspecifiek else a.code)}</{p}:Product>")
        out.append(f"<{p}:ToewijzingIngangsdatum>{_d(a.ingang)}</{p}:ToewijzingIngangsdatum>"
                   f"<{p}:ToewijzingEinddatum>{_d(a.versions[0].einddatum)}</{p}:ToewijzingEinddatum>")
        if a.omvang is not None:
            out.append(f"<{p}:Omvang>{_omvang(a.omvang)}</{p}:Omvang>")
        elif a.versions[0].budget is not None:
            out.append(f"<{p}:Budget>{a.versions[0].budget}</{p}:Budget>")
        t = e.referrer or "06"
        verw = f"<ijw:Type>{t}</ijw:Type>"
        if t in ("02", "03", "04", "05"):
            # CD066-CD068: exactly one of ZorgverlenerCode / Naam for types 02-05
            if t == "02":
                verw += f"<ijw:ZorgverlenerCode>{referrer_agb(t, e.client)}</ijw:ZorgverlenerCode>"
            else:
                verw += f"<ijw:Naam>{_REFERRER_NAMES[t]}</ijw:Naam>"
        out.append(f"<{p}:Verwijzer>{verw}</{p}:Verwijzer></{p}:AangevraagdProduct>")
    out.append(f"</{p}:AangevraagdeProducten></{p}:Client></{p}:Bericht>\r\n")
    return "".join(out)


def jw317(m: Message) -> str:
    p = "jw317"
    _, ep, ref, unchanged, code, wanted, omvang, eind = m.payload
    out = header(m, p)
    out.append(f"</{p}:Header><{p}:Client><{p}:Bsn>{ep.client.bsn}</{p}:Bsn><{p}:Verzoek>")
    out.append(f"<{p}:ReferentieAanbieder>{ref}</{p}:ReferentieAanbieder><{p}:RedenVerzoek>2</{p}:RedenVerzoek>")
    out.append(f"<{p}:OngewijzigdeProducten>")
    for n in unchanged:
        out.append(f"<{p}:OngewijzigdProduct><{p}:ToewijzingNummer>{n}</{p}:ToewijzingNummer></{p}:OngewijzigdProduct>")
    out.append(f"</{p}:OngewijzigdeProducten><{p}:NieuweProducten><{p}:NieuwProduct>")
    out.append(f"<{p}:Product>{_product(code[:2], code)}</{p}:Product>"
               f"<{p}:GewensteIngangsdatum>{_d(wanted)}</{p}:GewensteIngangsdatum>"
               f"<{p}:Einddatum>{_d(eind)}</{p}:Einddatum><{p}:Omvang>{_omvang(omvang)}</{p}:Omvang>")
    out.append(f"</{p}:NieuwProduct></{p}:NieuweProducten></{p}:Verzoek></{p}:Client></{p}:Bericht>\r\n")
    return "".join(out)


def _total(amount: int) -> str:
    dc = "D" if amount >= 0 else "C"
    return f"<ijw:TotaalBedrag>{abs(amount)}</ijw:TotaalBedrag><ijw:DebetCredit>{dc}</ijw:DebetCredit>"


def _prestatie(ln: Line, p: str, codes: str = "") -> str:
    vorig = f"<ijw:VorigReferentieNummer>{ln.vorig}</ijw:VorigReferentieNummer>" if ln.vorig else ""
    tarief = f"<{p}:ProductTarief>{ln.tariff}</{p}:ProductTarief>" if ln.tariff is not None else ""
    return (f"<{p}:Prestatie><{p}:ProductReferentie><ijw:ReferentieNummer>{ln.ref}</ijw:ReferentieNummer>"
            f"{vorig}</{p}:ProductReferentie><{p}:ToewijzingNummer>{ln.nummer}</{p}:ToewijzingNummer>"
            f"<{p}:ProductCategorie>{ln.category}</{p}:ProductCategorie><{p}:ProductCode>{ln.code}</{p}:ProductCode>"
            f"<{p}:ProductPeriode><ijw:Begindatum>{_d(ln.begin)}</ijw:Begindatum>"
            f"<ijw:Einddatum>{_d(ln.end)}</ijw:Einddatum></{p}:ProductPeriode>"
            f"<{p}:GeleverdVolume>{ln.volume}</{p}:GeleverdVolume><{p}:Eenheid>{ln.eenheid}</{p}:Eenheid>"
            f"{tarief}<{p}:IngediendBedrag><ijw:Bedrag>{ln.amount}</ijw:Bedrag>"
            f"<ijw:DebetCredit>{ln.dc}</ijw:DebetCredit></{p}:IngediendBedrag>{codes}</{p}:Prestatie>")


def _by_client(lines: list[Line]) -> list[tuple[Client, list[Line]]]:
    groups: dict[int, tuple[Client, list[Line]]] = {}
    for ln in lines:
        groups.setdefault(ln.client.idx, (ln.client, []))[1].append(ln)
    return list(groups.values())


def jw323(m: Message) -> str:
    p = "jw323"
    d: Declaration = m.payload
    from jeugdregie.synth.calendar import month_end, month_start

    out = header(m, p)
    out.append(f"</{p}:Header><{p}:Declaratie><{p}:DeclaratieNummer>{d.nummer}</{p}:DeclaratieNummer>")
    out.append(f"<{p}:DeclaratiePeriode><ijw:Begindatum>{_d(month_start(d.period))}</ijw:Begindatum>"
               f"<ijw:Einddatum>{_d(month_end(d.period))}</ijw:Einddatum></{p}:DeclaratiePeriode>")
    out.append(f"<{p}:DeclaratieDagtekening>{_d(d.dagtekening)}</{p}:DeclaratieDagtekening>")
    out.append(f"<{p}:TotaalIngediendBedrag>{_total(d.total)}</{p}:TotaalIngediendBedrag><{p}:Clienten>")
    for client, lines in _by_client(d.lines):
        out.append(f"<{p}:Client><{p}:Bsn>{client.bsn}</{p}:Bsn><{p}:Prestaties>")
        out.extend(_prestatie(ln, p) for ln in lines)
        out.append(f"</{p}:Prestaties></{p}:Client>")
    out.append(f"</{p}:Clienten></{p}:Declaratie></{p}:Bericht>\r\n")
    return "".join(out)


def _codes(p: str, *codes: str) -> str:
    return f"<{p}:RetourCodes>" + "".join(f"<{p}:RetourCode>{c}</{p}:RetourCode>" for c in codes) + f"</{p}:RetourCodes>"


def jw325(m: Message) -> str:
    p = "jw325"
    d: Declaration = m.payload
    out = header(m, p)
    out.append(f"<{p}:DeclaratieIdentificatie><ijw:Identificatie>{d.identificatie}</ijw:Identificatie>"
               f"<ijw:Dagtekening>{_d(d.dagtekening)}</ijw:Dagtekening></{p}:DeclaratieIdentificatie>")
    out.append(f"<{p}:XsdVersieDeclaratie><ijw:BasisschemaXsdVersie>{XSD_VERSIE}</ijw:BasisschemaXsdVersie>"
               f"<ijw:BerichtXsdVersie>{XSD_VERSIE}</ijw:BerichtXsdVersie></{p}:XsdVersieDeclaratie>")
    out.append(_codes(p, "0200") + f"</{p}:Header><{p}:DeclaratieAntwoord>")
    out.append(f"<{p}:DeclaratieNummer>{d.nummer}</{p}:DeclaratieNummer>")
    total = d.total
    out.append(f"<{p}:TotaalIngediendBedrag>{_total(total)}</{p}:TotaalIngediendBedrag>")
    if d.whole_rejected:
        out.append(f"<{p}:TotaalToegekendBedrag>{_total(0)}</{p}:TotaalToegekendBedrag>")
        out.append(_codes(p, d.whole_rejected))
    else:
        rejected = [ln for ln in d.lines if ln.rejected]
        granted = total - sum(ln.signed for ln in rejected)
        out.append(f"<{p}:TotaalToegekendBedrag>{_total(granted)}</{p}:TotaalToegekendBedrag>")
        if rejected:
            out.append(f"<{p}:Clienten>")
            for client, lines in _by_client(rejected):
                out.append(f"<{p}:Client><{p}:Bsn>{client.bsn}</{p}:Bsn><{p}:Prestaties>")
                out.extend(_prestatie(ln, p, _codes(p, ln.rejected or "")) for ln in lines)
                out.append(f"</{p}:Prestaties>{_codes(p, '0200')}</{p}:Client>")
            out.append(f"</{p}:Clienten>{_codes(p, '0200')}")
        else:
            out.append(_codes(p, "8001"))
    out.append(f"</{p}:DeclaratieAntwoord></{p}:Bericht>\r\n")
    return "".join(out)


BUILDERS = {"JW301": jw301, "JW305": lambda m: _start_stop(m, False), "JW307": lambda m: _start_stop(m, True),
            "JW315": jw315, "JW317": jw317, "JW323": jw323, "JW325": jw325}


def build(m: Message) -> str:
    return BUILDERS[m.mtype](m)
