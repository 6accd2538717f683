import pytest

from jeugdregie.analysis import smallcells
from jeugdregie.settings import reset_settings_cache


def test_small_counts_and_their_dependents_are_hidden_zero_is_shown() -> None:
    rows = [{"g": "a", "clients": 3, "cost": 100}, {"g": "b", "clients": 0, "cost": 0},
            {"g": "c", "clients": 10, "cost": 500}]
    res = smallcells.suppress_rows(rows, "clients", ["cost"], limit=10)
    assert [r["clients"] for r in res.rows] == [None, 0, 10]
    assert [r["cost"] for r in res.rows] == [None, 0, 500]
    assert res.suppressed == 2 and res.hidden_rows == 1
    assert rows[0]["clients"] == 3  # input not modified
    assert "2 cel(len) onderdrukt" in (res.note() or "")


def test_complementary_suppression_in_a_group_with_one_small_cell() -> None:
    rows = [{"cat": "45", "prov": p, "clients": n} for p, n in (("A", 4), ("B", 50), ("C", 12), ("D", 30))]
    rows.append({"cat": "43", "prov": "A", "clients": 40})
    res = smallcells.suppress_rows(rows, "clients", group_keys=["cat"], limit=10)
    hidden = {(r["cat"], r["prov"]) for r in res.rows if r["suppressed"]}
    # A is small; C (the next smallest in the same category) is hidden too, so A = total - B - D fails
    assert hidden == {("45", "A"), ("45", "C")}
    assert res.suppressed == 2


def test_two_small_cells_need_no_complement() -> None:
    rows = [{"k": 1, "clients": 2}, {"k": 2, "clients": 3}, {"k": 3, "clients": 40}]
    res = smallcells.suppress_rows(rows, "clients", group_keys=[], limit=10)
    assert [r["suppressed"] for r in res.rows] == [True, True, False]


def test_cells_linked_by_an_identity_hide_a_second_cell() -> None:
    rows = [{"begin": 100, "in": 5, "out": 20, "end": 85}]
    res = smallcells.suppress_cells(rows, ["begin", "in", "out", "end"], linked=True, limit=10)
    r = res.rows[0]
    assert r["in"] is None and r["out"] is None and r["begin"] == 100 and r["end"] == 85
    unlinked = smallcells.suppress_cells(rows, ["begin", "in", "out", "end"], limit=10)
    assert unlinked.rows[0]["out"] == 20 and unlinked.suppressed == 1


def test_threshold_comes_from_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert smallcells.threshold() == 10
    monkeypatch.setenv("JEUGDREGIE_SMALL_CELL_THRESHOLD", "5")
    reset_settings_cache()
    assert smallcells.threshold() == 5
    assert smallcells.is_small(4) and not smallcells.is_small(5) and not smallcells.is_small(0)
    assert smallcells.mask(4) is None and smallcells.mask(7) == 7
    n, deps, hidden = smallcells.suppress_value(3, {"share": 0.5, "cost": None})
    assert n is None and deps == {"share": None, "cost": None} and hidden == 2
