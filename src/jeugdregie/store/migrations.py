"""Versioned schema migrations: ``migrations/NNNN_name.sql`` applied in order, once each.

Numbers are reserved per concept so parallel work does not collide: 0001 core, 0005-0009 reference data (population, special periods), 0010 budgets,
0020 contracts and signals, 0030 access norms, 0040 web accounts, 0050 measures and reports.
"""

from __future__ import annotations

import csv
from datetime import datetime
from importlib import resources

from jeugdregie.store.database import Database

MIGRATION_TABLE = """CREATE TABLE IF NOT EXISTS schema_migration (
    version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"""


def available() -> list[tuple[int, str, str]]:
    folder = resources.files("jeugdregie.store") / "migrations"
    out = []
    for item in folder.iterdir():
        if item.name.endswith(".sql"):
            version = int(item.name.split("_", 1)[0])
            out.append((version, item.name, item.read_text(encoding="utf-8")))
    return sorted(out)


def applied(db: Database) -> set[int]:
    db.execute(MIGRATION_TABLE)
    return {r["version"] for r in db.query("SELECT version FROM schema_migration")}


def migrate(db: Database) -> list[str]:
    """Apply pending migrations; returns their names."""
    done = applied(db)
    names = []
    for version, name, sql in available():
        if version in done:
            continue
        with db.transaction():
            db.executescript(sql)
            if version == 1:
                _load_codelists(db)
            db.execute("INSERT INTO schema_migration VALUES (?, ?, ?)", [version, name, datetime.now()])
        names.append(name)
    return names


def _load_codelists(db: Database) -> None:
    from jeugdregie.ijw.codelists import codelist_files

    rows = []
    for list_name, path in codelist_files():
        with path.open(encoding="utf-8") as fh:
            for rec in csv.DictReader(fh):
                rows.append((list_name, rec["code"], rec["label"]))
    db.insert_rows("codelist", ["list_name", "code", "label"], rows)
