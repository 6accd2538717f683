"""The generated messages are genuine iJw 3.2: XSD-valid, valid BSNs, TR358/TR346, nothing after the extract date."""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate
from jeugdregie.synth.identity import BsnFactory, elfproef
from jeugdregie.synth.tests.helpers import iter_messages

TYPES = ("JW301", "JW305", "JW307", "JW315", "JW317", "JW323", "JW325")
CODES = {"JW301": "436", "JW305": "438", "JW307": "440", "JW315": "446", "JW317": "486", "JW323": "490",
         "JW325": "491"}
BASIS = "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"


def _ns(mtype: str) -> str:
    return f"http://www.istandaarden.nl/ijw/3_2/{mtype.lower()}/schema"


def test_every_message_type_written(small_truth: dict[str, Any]) -> None:
    counts = small_truth["message_counts"]
    for t in TYPES:
        assert counts.get(t, 0) > 0, t


@pytest.mark.parametrize("mtype", TYPES)
def test_sample_validates_against_xsd(small_region: Path, shared: Path, mtype: str) -> None:
    import xmlschema

    schema = xmlschema.XMLSchema(str(shared / "domain" / "xsd" / f"{mtype}.xsd"))
    msgs = list(iter_messages(small_region, mtype))
    assert msgs
    step = max(1, len(msgs) // 15)
    for name, data in msgs[::step]:
        errors = list(schema.iter_errors(data.decode("utf-8")))
        assert not errors, f"{name}: {errors[0]}"


def test_headers_and_identifications(small_region: Path) -> None:
    seen: set[tuple[str, str, str]] = set()
    for name, data in iter_messages(small_region):
        mtype = name.split("_")[0]
        root = etree.fromstring(data)
        assert root.tag == f"{{{_ns(mtype)}}}Bericht"
        n = {"m": _ns(mtype), "ijw": BASIS}
        assert root.findtext("m:Header/m:BerichtCode", namespaces=n) == CODES[mtype]
        assert root.findtext("m:Header/m:BerichtVersie", namespaces=n) == "3"
        assert root.findtext("m:Header/m:BerichtSubversie", namespaces=n) == "2"
        assert root.findtext("m:Header/m:XsdVersie/ijw:BerichtXsdVersie", namespaces=n) == "1.0.0"
        ident = root.findtext("m:Header/m:BerichtIdentificatie/ijw:Identificatie", namespaces=n)
        sender = root.findtext("m:Header/m:Afzender", namespaces=n)
        assert ident and len(ident) <= 12 and name == f"{mtype}_{ident}.xml"
        key = (sender or "", mtype, ident)
        assert key not in seen, f"TR056 duplicate {key}"
        seen.add(key)


def test_all_bsns_pass_elfproef(small_region: Path) -> None:
    pattern = re.compile(rb"<jw3\d\d:Bsn>(\d+)</jw3\d\d:Bsn>")
    bsns = set()
    for _, data in iter_messages(small_region):
        bsns.update(pattern.findall(data))
    assert len(bsns) > 100
    assert all(elfproef(b.decode()) for b in bsns)


def test_bsn_factory_unique_and_valid() -> None:
    f = BsnFactory()
    got = [f.next() for _ in range(5000)]
    assert len(set(got)) == 5000 and all(elfproef(b) for b in got)
    assert not elfproef("123456789")


def test_no_date_after_extract_date(small_region: Path, small_truth: dict[str, Any]) -> None:
    """Every event date is on or before the extract date; only planned ends of toewijzingen may lie later."""
    extract = small_truth["extract_date"]
    planned = {("ToegewezenProduct", "Einddatum"), ("AangevraagdProduct", "ToewijzingEinddatum"),
               ("NieuwProduct", "Einddatum"), ("AangevraagdProduct", "ToewijzingIngangsdatum")}
    checked = 0
    for _, data in iter_messages(small_region):
        root = etree.fromstring(data)
        for el in root.iter():
            text = el.text or ""
            if len(text) != 10 or text[4] != "-" or text[7] != "-":
                continue
            tag = etree.QName(el).localname
            parent = etree.QName(el.getparent()).localname
            if parent == "Geboortedatum" or (parent, tag) in planned:
                continue
            assert text <= extract, (tag, parent, text)
            checked += 1
    assert checked > 10_000


def test_declarations_tr358_tr346(small_region: Path) -> None:
    n = {"m": _ns("JW323"), "ijw": BASIS}
    checked = 0
    for _, data in iter_messages(small_region, "JW323"):
        root = etree.fromstring(data)
        total = 0
        for pr in root.iterfind(".//m:Prestatie", n):
            vol = int(pr.findtext("m:GeleverdVolume", namespaces=n) or "")
            unit = pr.findtext("m:Eenheid", namespaces=n)
            tarief = pr.findtext("m:ProductTarief", namespaces=n)
            amount = int(pr.findtext("m:IngediendBedrag/ijw:Bedrag", namespaces=n) or "")
            dc = pr.findtext("m:IngediendBedrag/ijw:DebetCredit", namespaces=n)
            if unit == "83":
                assert tarief is None and amount == vol  # CD087, CS339
            else:
                assert tarief is not None and amount == vol * int(tarief)  # TR346
            vorig = pr.findtext("m:ProductReferentie/ijw:VorigReferentieNummer", namespaces=n)
            assert (vorig is not None) == (dc == "C")  # CD060
            total += amount if dc == "D" else -amount
            checked += 1
        stated = int(root.findtext(".//m:TotaalIngediendBedrag/ijw:TotaalBedrag", namespaces=n) or "")
        sdc = root.findtext(".//m:TotaalIngediendBedrag/ijw:DebetCredit", namespaces=n)
        assert (stated if sdc == "D" else -stated) == total  # TR358
        period_b = root.findtext(".//m:DeclaratiePeriode/ijw:Begindatum", namespaces=n) or ""
        assert period_b >= "2021-01-01" and period_b.endswith("-01")  # CS100, CS340
    assert checked > 1000


def test_325_answers_reconcile(small_region: Path) -> None:
    n = {"m": _ns("JW325"), "ijw": BASIS}
    for _, data in iter_messages(small_region, "JW325"):
        root = etree.fromstring(data)
        ans = root.find("m:DeclaratieAntwoord", n)
        assert ans is not None

        def signed(path: str, el: Any = ans) -> int:
            v = int(el.findtext(f"{path}/ijw:TotaalBedrag", namespaces=n) or el.findtext(f"{path}/ijw:Bedrag", namespaces=n))
            dc = el.findtext(f"{path}/ijw:DebetCredit", namespaces=n)
            return v if dc == "D" else -v

        listed = sum(signed("m:IngediendBedrag", p) for p in ans.iterfind(".//m:Prestatie", n))
        code = ans.findtext("m:RetourCodes/m:RetourCode", namespaces=n)
        if code in ("8001", "0200"):
            # TR342: listed (rejected) prestaties = ingediend - toegekend
            assert listed == signed("m:TotaalIngediendBedrag") - signed("m:TotaalToegekendBedrag")
        else:
            assert signed("m:TotaalToegekendBedrag") == 0


def test_credits_reference_granted_debets(small_region: Path) -> None:
    n3 = {"m": _ns("JW323"), "ijw": BASIS}
    n5 = {"m": _ns("JW325"), "ijw": BASIS}
    debets: dict[str, tuple[str, ...]] = {}
    credits: dict[str, tuple[str, ...]] = {}
    for _, data in iter_messages(small_region, "JW323"):
        root = etree.fromstring(data)
        for pr in root.iterfind(".//m:Prestatie", n3):
            ref = pr.findtext("m:ProductReferentie/ijw:ReferentieNummer", namespaces=n3) or ""
            vorig = pr.findtext("m:ProductReferentie/ijw:VorigReferentieNummer", namespaces=n3)
            content = tuple(pr.findtext(f"m:{t}", namespaces=n3) or "" for t in
                            ("ToewijzingNummer", "ProductCode", "GeleverdVolume", "ProductTarief"))
            content += (pr.findtext("m:ProductPeriode/ijw:Begindatum", namespaces=n3) or "",
                        pr.findtext("m:IngediendBedrag/ijw:Bedrag", namespaces=n3) or "")
            assert ref not in debets and ref not in credits  # TR314
            if vorig:
                credits[vorig] = content
            else:
                debets[ref] = content
    rejected = set()
    for _, data in iter_messages(small_region, "JW325"):
        root = etree.fromstring(data)
        for pr in root.iterfind(".//m:Prestatie", n5):
            rejected.add(pr.findtext("m:ProductReferentie/ijw:ReferentieNummer", namespaces=n5))
    assert credits
    for vorig, content in credits.items():
        assert vorig in debets and debets[vorig] == content and vorig not in rejected


def test_ground_truth_equals_resum_of_xml(small_region: Path, small_truth: dict[str, Any]) -> None:
    n3 = {"m": _ns("JW323"), "ijw": BASIS}
    n5 = {"m": _ns("JW325"), "ijw": BASIS}
    rejected: set[str] = set()
    whole: set[str] = set()
    for _, data in iter_messages(small_region, "JW325"):
        root = etree.fromstring(data)
        ans = root.find("m:DeclaratieAntwoord", n5)
        assert ans is not None
        if ans.findtext("m:RetourCodes/m:RetourCode", namespaces=n5) not in ("8001", "0200"):
            whole.add(root.findtext("m:Header/m:DeclaratieIdentificatie/ijw:Identificatie", namespaces=n5) or "")
        for pr in ans.iterfind(".//m:Prestatie", n5):
            rejected.add(pr.findtext("m:ProductReferentie/ijw:ReferentieNummer", namespaces=n5) or "")
    debit: Counter[str] = Counter()
    credit: Counter[str] = Counter()
    granted: Counter[str] = Counter()
    by_muni: dict[str, Counter[str]] = defaultdict(Counter)
    by_cat: dict[str, Counter[str]] = defaultdict(Counter)
    for _, data in iter_messages(small_region, "JW323"):
        root = etree.fromstring(data)
        ident = root.findtext("m:Header/m:BerichtIdentificatie/ijw:Identificatie", namespaces=n3)
        gem = root.findtext("m:Header/m:Ontvanger", namespaces=n3) or ""
        for pr in root.iterfind(".//m:Prestatie", n3):
            year = (pr.findtext("m:ProductPeriode/ijw:Begindatum", namespaces=n3) or "")[:4]
            amount = int(pr.findtext("m:IngediendBedrag/ijw:Bedrag", namespaces=n3) or "")
            dc = pr.findtext("m:IngediendBedrag/ijw:DebetCredit", namespaces=n3)
            ref = pr.findtext("m:ProductReferentie/ijw:ReferentieNummer", namespaces=n3) or ""
            s = amount if dc == "D" else -amount
            (debit if dc == "D" else credit)[year] += amount
            by_muni[gem][year] += s
            by_cat[pr.findtext("m:ProductCategorie", namespaces=n3) or ""][year] += s
            if ref not in rejected and ident not in whole:
                granted[year] += s
    for year, t in small_truth["per_year"].items():
        assert t["declared_debit_cents"] == debit[year]
        assert t["declared_credit_cents"] == credit[year]
        assert t["declared_net_cents"] == debit[year] - credit[year]
        assert t["granted_net_cents"] == granted[year]
        assert t["final_net_cents"] >= t["granted_net_cents"] * 0.98
    for gem, years in small_truth["per_municipality_year"].items():
        for year, t in years.items():
            assert t["declared_net_cents"] == by_muni[gem][year]
    for cat, years in small_truth["per_category_year"].items():
        for year, t in years.items():
            assert t["declared_net_cents"] == by_cat[cat][year]


def test_reproducible_bytes(tmp_path: Path, small_region: Path) -> None:
    out = tmp_path / "again"
    generate(SynthOptions(out=str(out), scale="small", seed=7))

    def digest(root: Path) -> dict[str, str]:
        return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(root.rglob("*")) if p.is_file()}

    assert digest(out) == digest(small_region)


def test_pc4_inside_municipality_except_the_moved_clients(small_region: Path, small_truth: dict[str, Any]) -> None:
    """Every PC4 lies in the region; it lies outside the paying municipality exactly for the clients that
    ground truth lists under residence_mismatch (woonplaatsbeginsel signal)."""
    import json

    from jeugdregie.synth.config import HAAGLANDEN

    pc4s = {m.code: {str(p) for p in m.pc4} for m in HAAGLANDEN}
    region = set().union(*pc4s.values())
    n = {"m": _ns("JW301"), "ijw": BASIS}
    outside: set[str] = set()
    for _, data in iter_messages(small_region, "JW301"):
        root = etree.fromstring(data)
        gem = root.findtext("m:Header/m:Afzender", namespaces=n) or ""
        pc = root.findtext(".//m:Contactgegevens/m:Contact/m:Adres/ijw:Postcode", namespaces=n) or ""
        assert len(pc) == 6 and pc[:4] in region
        if pc[:4] not in pc4s[gem]:
            outside.add(root.findtext(".//m:Client/m:Bsn", namespaces=n) or "")
    bsn = json.loads((small_region / "ground_truth_bsn_index.json").read_text(encoding="utf-8"))
    expected = {bsn[r["client_ref"]] for r in small_truth["residence_mismatch"]}
    assert expected and outside == expected


def test_extract_date_respected_when_earlier(tmp_path: Path) -> None:
    out = tmp_path / "early"
    generate(SynthOptions(out=str(out), scale="small", seed=3, extract_date=date(2025, 8, 31)))
    latest = ""
    for _, data in iter_messages(out):
        m = re.search(rb"<ijw:Dagtekening>([\d-]+)</ijw:Dagtekening>", data)
        assert m
        latest = max(latest, m.group(1).decode())
    assert "2025-01-01" < latest <= "2025-08-31"
