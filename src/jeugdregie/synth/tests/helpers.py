"""Independent reading of generated messages for the tests: plain zipfile + lxml, no jeugdregie reader."""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path


def iter_messages(root: Path, mtype: str | None = None) -> Iterator[tuple[str, bytes]]:
    """(zip member name, bytes) of every written message, optionally of one type."""
    for z in sorted((root / "ijw").glob("*/*/*.zip")):
        if mtype and z.stem != mtype:
            continue
        with zipfile.ZipFile(z) as zf:
            for name in zf.namelist():
                yield name, zf.read(name)


BASIS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"


def _n(mtype: str) -> dict[str, str]:
    return {"m": f"http://www.istandaarden.nl/ijw/3_2/{mtype.lower()}/schema", "ijw": BASIS}


def find_defects(root: Path) -> dict[str, set[str]]:
    """Independent rule checks on the written XML + contracts.csv: type -> ReferentieNummers (or slots).

    Mirrors the rule signals of issue 5 on granted, uncredited debet lines; a clean region has none.
    """
    import csv
    from datetime import date

    from lxml import etree

    d = date.fromisoformat
    tw: dict[tuple[str, str], tuple[str, str, date, date, tuple[int, str, str] | None]] = {}
    n = _n("JW301")
    for _, data in iter_messages(root, "JW301"):
        r = etree.fromstring(data)
        g = r.findtext("m:Header/m:Afzender", namespaces=n) or ""
        for tp in r.iterfind(".//m:ToegewezenProduct", n):
            key = (g, tp.findtext("m:ToewijzingNummer", namespaces=n) or "")
            version = (tp.findtext("m:Toewijzingsdatum", namespaces=n) or "") + (tp.findtext("m:Toewijzingstijd", namespaces=n) or "")
            om = tp.find("m:Omvang", n)
            omvang = None if om is None else (int(om.findtext("ijw:Volume", namespaces=n) or 0),
                                              om.findtext("ijw:Eenheid", namespaces=n) or "",
                                              om.findtext("ijw:Frequentie", namespaces=n) or "")
            value = (version, tp.findtext("m:Product/ijw:Code", namespaces=n) or "",
                     d(tp.findtext("m:Ingangsdatum", namespaces=n) or ""), d(tp.findtext("m:Einddatum", namespaces=n) or ""), omvang)
            if key not in tw or tw[key][0] <= version:
                tw[key] = value
    starts: dict[tuple[str, str], date] = {}
    stops: dict[tuple[str, str], date] = {}
    for mtype, target, tag in (("JW305", starts, "Begindatum"), ("JW307", stops, "Einddatum")):
        n = _n(mtype)
        for _, data in iter_messages(root, mtype):
            r = etree.fromstring(data)
            g = r.findtext("m:Header/m:Ontvanger", namespaces=n) or ""
            for sp in r.iterfind(".//m:StartProduct", n) if mtype == "JW305" else r.iterfind(".//m:StopProduct", n):
                target[(g, sp.findtext("m:ToewijzingNummer", namespaces=n) or "")] = d(sp.findtext(f"m:{tag}", namespaces=n) or "")
    rejected: set[str] = set()
    n = _n("JW325")
    for _, data in iter_messages(root, "JW325"):
        r = etree.fromstring(data)
        ans = r.find("m:DeclaratieAntwoord", n)
        whole = ans is not None and ans.findtext("m:RetourCodes/m:RetourCode", namespaces=n) not in ("8001", "0200")
        if whole:
            rejected.add("WHOLE:" + (r.findtext("m:Header/m:DeclaratieIdentificatie/ijw:Identificatie", namespaces=n) or ""))
        for pr in r.iterfind(".//m:Prestatie", n):
            rejected.add(pr.findtext("m:ProductReferentie/ijw:ReferentieNummer", namespaces=n) or "")
    contracts: dict[tuple[str, str, str, str], str] = {}
    with (root / "contracts.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            contracts[(row["gemeente"], row["agb"], row["product_code"], row["valid_from"][:4])] = row["tariff_cents"]
    lines = []
    credited: set[str] = set()
    n = _n("JW323")
    for _, data in iter_messages(root, "JW323"):
        r = etree.fromstring(data)
        ident = r.findtext("m:Header/m:BerichtIdentificatie/ijw:Identificatie", namespaces=n) or ""
        agb = r.findtext("m:Header/m:Afzender", namespaces=n) or ""
        g = r.findtext("m:Header/m:Ontvanger", namespaces=n) or ""
        for cl in r.iterfind(".//m:Client", n):
            bsn = cl.findtext("m:Bsn", namespaces=n) or ""
            for pr in cl.iterfind(".//m:Prestatie", n):
                ref = pr.findtext("m:ProductReferentie/ijw:ReferentieNummer", namespaces=n) or ""
                vorig = pr.findtext("m:ProductReferentie/ijw:VorigReferentieNummer", namespaces=n)
                if ref in rejected or "WHOLE:" + ident in rejected:
                    continue
                if vorig:
                    credited.add(vorig)
                    continue
                lines.append((ref, agb, g, bsn, pr.findtext("m:ToewijzingNummer", namespaces=n) or "",
                              pr.findtext("m:ProductCode", namespaces=n) or "",
                              d(pr.findtext("m:ProductPeriode/ijw:Begindatum", namespaces=n) or ""),
                              d(pr.findtext("m:ProductPeriode/ijw:Einddatum", namespaces=n) or ""),
                              int(pr.findtext("m:GeleverdVolume", namespaces=n) or 0),
                              pr.findtext("m:ProductTarief", namespaces=n) or ""))
    out: dict[str, set[str]] = {k: set() for k in (
        "declared_over_assigned", "outside_assignment", "after_stop", "before_start", "no_start_message",
        "duplicate_declaration", "non_contracted", "tariff_deviation")}
    slots: dict[tuple[str, str, str, str], list[str]] = {}  # TR416 debet slot
    for ref, agb, g, bsn, nummer, code, begin, end, vol, tarief in lines:
        if ref in credited:
            continue
        key = (g, nummer)
        t = tw.get(key)
        if t is not None:
            _, _, ingang, eind, omvang = t
            if begin < ingang or end > eind:
                out["outside_assignment"].add(ref)
            if omvang is not None:
                days = (end - begin).days + 1
                cap = omvang[0] if omvang[2] == "4" else days * omvang[0] // 7
                if vol > cap or (omvang[1] == "14" and vol > days):
                    out["declared_over_assigned"].add(ref)
        if key not in starts:
            out["no_start_message"].add(ref)
        else:
            if begin < starts[key]:
                out["before_start"].add(ref)
            if key in stops and end > stops[key]:
                out["after_stop"].add(ref)
        contract = contracts.get((g, agb, code, str(begin.year)))
        if contract is None:
            out["non_contracted"].add(ref)
        elif contract != tarief:
            out["tariff_deviation"].add(ref)
        slots.setdefault((bsn, nummer, code, begin.isoformat() + end.isoformat()), []).append(ref)
    for refs in slots.values():
        if len(refs) > 1:
            out["duplicate_declaration"].update(refs)
    return out
