"""Test stores: generated messages ingested once into a DuckDB file, and a fresh copy of it per test."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

from jeugdregie.ingest.loader import Ingester
from jeugdregie.store import Database, connect

KEY = b"test-key-not-secret"


def ingested_store(ijw: Path, path: Path) -> Path:
    """The messages under ``ijw`` ingested into a new DuckDB file ``path`` (the template of a fixture)."""
    db = connect(str(path))
    try:
        Ingester(db, KEY, user="test", today=date(2030, 1, 1)).run([ijw])
    finally:
        db.close()
    return path


def store_copy(template: Path, folder: Path, name: str = "store.duckdb") -> Iterator[Database]:
    """A copy of the template store in ``folder``, open for one test (which may change it), closed after;
    use as ``yield from store_copy(...)`` in a fixture."""
    path = folder / name
    shutil.copy(template, path)
    db = connect(str(path))
    yield db
    db.close()
