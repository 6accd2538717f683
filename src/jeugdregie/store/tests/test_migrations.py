from pathlib import Path

from jeugdregie.store import connect
from jeugdregie.store.migrations import available


def test_migrations_apply_once_and_load_codelists(tmp_path: Path) -> None:
    url = str(tmp_path / "m.duckdb")
    db = connect(url)
    versions = {r["version"] for r in db.query("SELECT version FROM schema_migration")}
    assert versions == {v for v, _, _ in available()}
    n = db.query_value("SELECT count(*) FROM codelist WHERE list_name = 'productcategorie'")
    assert n > 20
    db.close()
    db = connect(url)  # second open applies nothing new
    assert db.query_value("SELECT count(*) FROM schema_migration") == len(available())
    db.close()
