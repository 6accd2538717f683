"""Facts about the store itself (table ``store_meta``)."""

from __future__ import annotations

from jeugdregie.store.database import Database


def set_meta(db: Database, key: str, value: str) -> None:
    with db.transaction():
        db.execute("DELETE FROM store_meta WHERE meta_key = ?", [key])
        db.execute("INSERT INTO store_meta (meta_key, meta_value) VALUES (?, ?)", [key, value])


def get_meta(db: Database, key: str) -> str | None:
    value = db.query_value("SELECT meta_value FROM store_meta WHERE meta_key = ?", [key])
    return None if value is None else str(value)


def is_synthetic(db: Database) -> bool:
    return get_meta(db, "synthetic") == "true"
