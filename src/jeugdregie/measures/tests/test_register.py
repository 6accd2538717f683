"""Measures register: the seed tables load with their totals; files round-trip; versions and conflicts."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.measures import files, register
from jeugdregie.measures.model import Checkpoint, IndicatorLink, Measure, MeasureError, MeasureYear
from jeugdregie.money import eur_to_cents


def _computed_totals(shared: Path) -> dict[str, int]:
    with (shared / "seeds-data" / "zoetermeer_measures_2025_totals_computed.csv").open(encoding="utf-8") as fh:
        row = next(csv.DictReader(fh))
    return {k: eur_to_cents(row[k]) for k in ("gross_effect_eur", "needed_amount_eur", "net_effect_eur",
                                              "social_net_effect_eur", "incidental_investment_start_year_eur")}


def test_zoetermeer_table_totals_match_the_computed_seed_sums(any_db: Any, shared: Path) -> None:
    """Table 3.1 prints no total; the seed's computed column sums (README) are the reference."""
    measures = files.read_file(shared / "seeds-data" / "zoetermeer_measures_2025.csv")
    assert len(measures) == 17
    register.save_all(any_db, measures)
    stored = register.list_measures(any_db, "0637")
    assert [m.number for m in stored] == [str(i) for i in range(1, 18)]
    s = register.summary(stored)
    want = _computed_totals(shared)
    assert s["totals"]["gross_cents"] == want["gross_effect_eur"] == 603_360_000
    assert s["totals"]["needed_cents"] == want["needed_amount_eur"]
    assert s["totals"]["net_cents"] == want["net_effect_eur"]
    assert s["totals"]["social_cents"] == want["social_net_effect_eur"]
    assert s["totals"]["investment_cents"] == want["incidental_investment_start_year_eur"]
    # blank needed cells stay "not stated", the printed dash is zero
    by_no = {r["number"]: r for r in s["measures"]}
    assert by_no["1"]["needed_cents"] is None and by_no["4"]["needed_cents"] == 0
    # the two rows where the plan itself does not add up are flagged, with the seed's differences
    differs = {n: r["net_differs_cents"] for n, r in by_no.items() if r["net_differs_cents"]}
    assert differs == {"8": -195_000_000, "17": -22_500_000}
    m3 = next(m for m in stored if m.number == "3")
    assert m3.qualitative_effect == "++" and m3.year(2025) is not None
    assert m3.year(2025).needed_nature == "structureel"  # type: ignore[union-attr]


def test_rijswijk_plan_loads_action_lines_measures_and_checkpoints(db: Any, shared: Path) -> None:
    measures = files.read_file(shared / "seeds-data" / "rijswijk_measures_2019.csv")
    register.save_all(db, measures)
    stored = register.list_measures(db, "0603")
    assert len(stored) == 18
    assert sum(m.kind == "actielijn" for m in stored) == 5
    assert [m.number for m in stored][:5] == ["A1", "A2a", "A2b", "A3", "A4"]
    assert [m.number for m in stored][5:] == [f"M{i}" for i in range(1, 14)]
    by = {m.number: m for m in stored}
    assert by["M10"].action_line == "A2a" and by["M3"].action_line == "A4"
    assert by["M7"].checkpoints[0].period == "2020H2"
    periods = sorted({c.period for m in stored for c in m.checkpoints if c.period})
    assert periods == ["2020H1", "2020H2", "2021H1"]
    # the realised saving of the file review (measure 7) is recorded as realised, not as expected
    assert register.summary(stored)["totals"]["realised_cents"] == 21_108_400
    assert register.summary(stored)["totals"]["gross_cents"] is None


@pytest.mark.parametrize("suffix", [".yaml", ".csv", ".xlsx"])
def test_files_round_trip(tmp_path: Path, shared: Path, suffix: str) -> None:
    measures = files.read_file(shared / "seeds-data" / "zoetermeer_measures_2025.csv")
    measures += files.read_file(shared / "seeds-data" / "rijswijk_measures_2019.csv")
    measures[2].indicators = [IndicatorLink(label="Kosten per cliënt 41A03", analysis="kosten_per_client",
                                            filters={"product": "41A03"}, direction="omlaag",
                                            comparison=["0629"])]
    measures[2].years.append(MeasureYear(year=2024, realised_cents=1_234_56, realised_note="ramingsbrief"))
    measures[2].checkpoints = [Checkpoint(period="2024H2", label="tweede halfjaarrapportage", done=True,
                                          outcome="op schema")]
    out = files.write_file(measures, tmp_path / f"m{suffix}")
    back = files.read_file(out)
    assert [m.to_dict() for m in back] == [m.to_dict() for m in measures]


def test_versions_history_and_edit_conflict(db: Any) -> None:
    m = Measure(municipality="0603", number="X1", title="Proef", years=[MeasureYear(2025, gross_cents=100)])
    register.save_measure(db, m, actor="anna")
    assert m.version == 1
    m.title = "Proef (aangepast)"
    register.save_measure(db, m, actor="bert", expected_version=1)
    assert register.get_measure(db, "0603", "X1").version == 2  # type: ignore[union-attr]
    with pytest.raises(MeasureError, match="intussen"):
        register.save_measure(db, m, actor="anna", expected_version=1)
    hist = register.history(db, "0603", "X1")
    assert [h["version"] for h in hist] == [2, 1]
    assert hist[1]["measure"].title == "Proef" and hist[0]["saved_by"] == "bert"
    assert register.delete_measure(db, "0603", "X1")
    assert register.get_measure(db, "0603", "X1") is None


@pytest.mark.parametrize("bad,message", [
    ({"status": "klaar"}, "status"),
    ({"qualitative_effect": "+++"}, "kwalitatief"),
    ({"kind": "project"}, "soort"),
])
def test_invalid_measures_are_refused_in_dutch(bad: dict[str, Any], message: str) -> None:
    with pytest.raises(MeasureError, match=message):
        Measure(municipality="0603", number="1", title="t", **bad).validate()


def test_bad_amount_and_bad_period_are_refused(tmp_path: Path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text("measures:\n- {municipality: '0603', number: '1', title: t, years: [{year: 2025, gross: abc}]}\n")
    with pytest.raises(MeasureError, match="eurobedrag"):
        files.read_file(p)
    p.write_text("measures:\n- {municipality: '0603', number: '1', title: t, checkpoints: [{period: 2025Q1}]}\n")
    with pytest.raises(MeasureError, match="halfjaar"):
        files.read_file(p)
