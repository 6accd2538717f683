"""Period annotations (C54): seeded, added, shown in costs/explain notes and as chart spans; both engines."""

from __future__ import annotations

from datetime import date

import pytest

from jeugdregie.analysis import special_periods
from jeugdregie.analysis.cost_change import explain_store
from jeugdregie.analysis.costs import cost_overview
from jeugdregie.analysis.tests.store_rows import Lines
from jeugdregie.store.database import Database


def test_seeded_periods_and_notes_in_costs_and_explain(any_db: Database) -> None:
    labels = [a["label"] for a in special_periods.list_annotations(any_db)]
    assert labels == ["Nieuwe bekostiging 2020", "Corona"]  # ordered by first month
    b = Lines()
    for year in (2019, 2020, 2022):
        b.line("c1", date(year, 5, 1), "45A01", 10_000)
    b.write(any_db)
    notes_2020 = cost_overview(any_db, "2020", by="total")["notes"]
    assert any("Corona" in n and "03-2020 t/m 12-2021" in n for n in notes_2020)
    assert any("Nieuwe bekostiging 2020" in n for n in notes_2020)
    assert not any("bijzondere periode" in n for n in cost_overview(any_db, "2022", by="total")["notes"])
    explain = explain_store(any_db, "2019", "2022")  # neither year annotated
    assert not any("bijzondere periode" in n for n in explain["notes"])
    explain = explain_store(any_db, "2021", "2022")  # 2021 is still corona
    assert sum("bijzondere periode" in n for n in explain["notes"]) == 1


def test_add_remove_municipality_scope_and_chart_spans(any_db: Database) -> None:
    aid = special_periods.add(any_db, "2023Q3", "2023-10", "Wachtlijstaanpak", "Extra instroom door wachtlijstactie",
                          municipality="0603")
    own = special_periods.overlapping(any_db, date(2023, 1, 1), date(2024, 1, 1), "0603")
    assert [a["label"] for a in own] == ["Wachtlijstaanpak"]
    assert own[0]["start_month"] == date(2023, 7, 1) and own[0]["end_month"] == date(2023, 10, 1)
    assert special_periods.overlapping(any_db, date(2023, 1, 1), date(2024, 1, 1), "0518") == []
    quarters = ["2023Q1", "2023Q2", "2023Q3", "2023Q4", "2024Q1"]
    assert special_periods.spans(any_db, quarters, "0603") == [(2, 3, "Wachtlijstaanpak")]
    assert special_periods.spans(any_db, ["2019", "2020", "2021", "2022"]) == [
        (1, 1, "Nieuwe bekostiging 2020"), (1, 2, "Corona")]
    assert special_periods.remove(any_db, aid) and not special_periods.remove(any_db, aid)
    with pytest.raises(ValueError, match="voor begin"):
        special_periods.add(any_db, "2024", "2023", "x")


def test_chart_with_spans_renders() -> None:
    from jeugdregie.report.charts import trend

    svg = trend(["2019", "2020", "2021"], {"Netto": [1, 2, 3]}, fmt="svg", spans=[(1, 2, "Corona")]).decode()
    assert "Corona" in svg
