"""Optional equality filters for queries, run on DuckDB."""

from __future__ import annotations

from pathlib import Path

from jeugdregie.store import connect
from jeugdregie.store.filters import where_equal


def test_where_equal_keeps_only_the_given_filters() -> None:
    assert where_equal(municipality=None, provider_agb="") == ("", [])
    assert where_equal(municipality="0603", provider_agb=None) == (" WHERE municipality = ?", ["0603"])
    assert where_equal(a="x", b="y") == (" WHERE a = ? AND b = ?", ["x", "y"])


def test_where_equal_filters_rows(tmp_path: Path) -> None:
    db = connect(str(tmp_path / "f.duckdb"), migrate=False)
    try:
        db.execute("CREATE TABLE t (m VARCHAR, p VARCHAR)")
        db.insert_rows("t", ["m", "p"], [("0603", "a"), ("0603", "b"), ("0629", "a")])
        sql = "SELECT * FROM t"
        for filters, n in (({}, 3), ({"m": "0603"}, 2), ({"m": "0603", "p": "a"}, 1), ({"m": None, "p": "a"}, 2)):
            where, params = where_equal(**filters)
            assert len(db.query(sql + where, params)) == n, filters
    finally:
        db.close()
