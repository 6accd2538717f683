"""Hand-written messages (written from the iJw 3.2 documentation, not by the generator)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from lxml import etree

from jeugdregie.ijw.reader import read_message
from jeugdregie.ijw.xsd import XsdValidator

FIX = Path(__file__).parent / "fixtures"


def read(name: str):  # type: ignore[no-untyped-def]
    return read_message((FIX / name).read_bytes(), name, today=date(2025, 1, 1))


def test_jw315_request() -> None:
    m = read("jw315_handwritten.xml")
    assert m.findings == []
    (it,) = m.items
    assert it["referentie_aanbieder"] == "REF-2024-0001"
    assert (it["product_category"], it["product_code"]) == ("45", "45A03")
    assert (it["volume"], it["unit"], it["frequency"]) == (4, "04", "2")
    assert (it["referrer_type"], it["referrer_agb"]) == ("02", "01234567")
    assert m.header and m.header.municipality == "0603" and m.header.provider_agb == "12345678"


def test_jw301_assignment_keeps_pc4_only() -> None:
    m = read("jw301_handwritten.xml")
    assert m.findings == []
    assert m.client == {"bsn": "999993501", "birth_date": date(2012, 5, 17), "birth_date_usage": None,
                        "gender": "2", "pc4": "2284", "juridische_status": None}
    (it,) = m.items
    assert it["assigned_at"] == datetime(2024, 1, 10, 9, 30)
    assert (it["start_date"], it["end_date"]) == (date(2024, 1, 15), date(2024, 6, 30))


def test_jw305_jw307_jw317() -> None:
    s = read("jw305_handwritten.xml")
    assert s.findings == [] and s.items[0]["start_date"] == date(2024, 1, 16) and s.items[0]["status"] == "1"
    t = read("jw307_handwritten.xml")
    assert t.findings == [] and t.items[0]["end_reason"] == "31" and t.items[0]["end_date"] == date(2024, 6, 28)
    v = read("jw317_handwritten.xml")
    assert v.findings == [] and v.fields["referentie_aanbieder"] == "VOW-2024-0001"
    assert v.items[0]["kind"] == "change" and v.items[0]["volume"] == 6


def test_jw323_credit_and_corrected_debet() -> None:
    m = read("jw323_handwritten.xml")
    assert m.findings == []
    assert [(i["referentie_nummer"], i["debit_credit"], i["amount_cents"]) for i in m.items] == [
        ("RN-2024-0002", "D", 102000), ("RN-2024-0003", "C", 68000), ("RN-2024-0004", "D", 76500)]
    assert m.items[1]["vorig_referentie_nummer"] == "RN-2024-0001"
    assert m.fields["total_signed_cents"] == 110500


def test_jw325_lists_only_rejected_lines() -> None:
    m = read("jw325_handwritten.xml")
    assert m.findings == []
    assert m.fields["outcome"] == "partial" and m.fields["declaration_message_id"] == "DECL-0002"
    assert [(i["referentie_nummer"], i["codes"]) for i in m.items] == [("RN-2024-0002", ["9321"])]


@pytest.mark.parametrize("mutation,rule", [
    (("<ijw:TotaalBedrag>110500", "<ijw:TotaalBedrag>110501"), "TR358"),
    (("<jw323:GeleverdVolume>12<", "<jw323:GeleverdVolume>13<"), "TR346"),
    (("<ijw:Einddatum>2024-02-29</ijw:Einddatum>\n\t\t</jw323:DeclaratiePeriode>",
      "<ijw:Einddatum>2024-02-28</ijw:Einddatum>\n\t\t</jw323:DeclaratiePeriode>"), "CS340"),
    (("<jw323:Bsn>999993501<", "<jw323:Bsn>999993502<"), "CS002"),
    (("<jw323:ProductCode>45A03</jw323:ProductCode>", "<jw323:ProductCode>41A03</jw323:ProductCode>"), "TR381"),
    (("<ijw:VorigReferentieNummer>RN-2024-0001</ijw:VorigReferentieNummer>", ""), "CD060"),
    (("<jw323:Eenheid>04<", "<jw323:Eenheid>99<"), "CD"),
])
def test_jw323_rule_violations(mutation: tuple[str, str], rule: str) -> None:
    data = (FIX / "jw323_handwritten.xml").read_text()
    assert mutation[0] in data
    m = read_message(data.replace(mutation[0], mutation[1], 1).encode(), "mutated.xml", today=date(2025, 1, 1))
    assert rule in {f.rule for f in m.findings}
    assert "999993502" not in repr([f.reason_nl for f in m.findings])


def test_future_dagtekening_is_tr135() -> None:
    m = read_message((FIX / "jw305_handwritten.xml").read_bytes(), "x", today=date(2024, 1, 1))
    assert [f.rule for f in m.findings] == ["TR135"]


def test_handwritten_fixtures_are_xsd_valid(shared: Path) -> None:
    v = XsdValidator(shared / "domain" / "xsd")
    for f in sorted(FIX.glob("*.xml")):
        t = f.name[:5].upper()
        assert v.validate(t, etree.parse(str(f)).getroot()) == [], f.name


def test_xsd_rejects_invalid_example_without_leaking_values(shared: Path) -> None:
    v = XsdValidator(shared / "domain" / "xsd")
    doc = etree.parse(str(shared / "domain" / "examples" / "jw315.xml")).getroot()
    found = v.validate("JW315", doc)
    assert found and found[0].rule == "XSD"
    assert "2027-06-31" not in found[0].reason_nl
