"""The public example messages, used in place, with their documented defects as negative tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jeugdregie.ijw.reader import read_message

FUTURE = date(2030, 1, 1)  # the examples are dated 2026


def read(shared: Path, name: str):  # type: ignore[no-untyped-def]
    path = shared / "domain" / "examples" / name
    return read_message(path.read_bytes(), str(path), today=FUTURE)


def rules(msg) -> list[tuple[int | None, str]]:  # type: ignore[no-untyped-def]
    return sorted((f.line if f.line is not None else -1, f.rule) for f in msg.findings)  # type: ignore[misc]


def test_jw301_is_clean_and_reads_both_toewijzingen(shared: Path) -> None:
    m = read(shared, "jw301.xml")
    assert m.findings == []
    assert [i["toewijzing_nummer"] for i in m.items] == [300201, 300202]
    assert m.items[0]["unit"] == "04" and m.items[1]["unit"] == "16"
    assert m.header and m.header.municipality == "0384" and m.header.provider_agb == "42420001"
    assert m.client and m.client["pc4"] == "9999"
    assert "Wit" not in repr(m.client) and "Woustraat" not in repr(m)


def test_jw305_jw307_clean(shared: Path) -> None:
    for name in ("jw305.xml", "jw307.xml"):
        m = read(shared, name)
        assert m.findings == [], name
        assert len(m.items) == 2


def test_jw315_impossible_date_is_rs032(shared: Path) -> None:
    m = read(shared, "jw315.xml")
    assert rules(m) == [(0, "RS032"), (1, "RS032")]
    assert all("2027-06-31" in f.reason_nl for f in m.findings)


def test_jw317_end_before_start_is_cs003(shared: Path) -> None:
    m = read(shared, "jw317.xml")
    assert rules(m) == [(1, "CS003")]


def test_jw323_documented_defects(shared: Path) -> None:
    m = read(shared, "jw323.xml")
    # RN004 twice (TR314), debet slot 10073/2026-04/45A04 twice (TR416), 10073 claimed for two BSNs (TR338)
    assert rules(m) == [(3, "TR338"), (3, "TR416"), (4, "TR314"), (4, "TR338")]
    assert m.fields["total_signed_cents"] == 79000  # TR358 holds


def test_jw325_partial_answer_reconciles(shared: Path) -> None:
    m = read(shared, "jw325.xml")
    assert m.findings == []
    assert m.fields["outcome"] == "partial"
    assert m.fields["total_submitted_signed_cents"] - m.fields["total_granted_signed_cents"] == sum(
        i["signed_amount_cents"] for i in m.items)


def test_retour_messages_are_reported_as_not_ingested(shared: Path) -> None:
    for name in ("jw302.xml", "jw319.xml"):
        m = read(shared, name)
        assert [f.rule for f in m.findings] == ["TYPE"]
