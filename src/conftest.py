"""Shared test fixtures: a fresh store per test, a test pseudonymisation key, the shared reference data."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from jeugdregie.settings import reset_settings_cache

REPO = Path(__file__).resolve().parent.parent


def find_shared() -> Path | None:
    """The project's shared reference material (XSDs, examples, seeds); used in place, never copied."""
    candidates = [os.environ.get("JEUGDREGIE_SHARED"), REPO.parent / "shared", "/work/shared"]
    for c in candidates:
        if c and (Path(c) / "domain" / "ijw-3.2.md").is_file():
            return Path(c)
    return None


@pytest.fixture(scope="session")
def shared() -> Path:
    path = find_shared()
    if path is None:
        pytest.skip("shared reference material not found: set JEUGDREGIE_SHARED to the shared/ folder")
    return path


@pytest.fixture(autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Every test runs with its own config home, a fixed test key and no user config file."""
    home = tmp_path_factory.mktemp("cfg")
    monkeypatch.setenv("JEUGDREGIE_CONFIG", str(home / "config.toml"))
    monkeypatch.setenv("JEUGDREGIE_PSEUDONYM_KEY", "test-key-not-secret")
    monkeypatch.setenv("JEUGDREGIE_SESSION_KEY", "test-session-key")
    monkeypatch.setenv("JEUGDREGIE_DB", str(home / "default.duckdb"))
    reset_settings_cache()
    yield
    reset_settings_cache()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture
def db(db_path: Path) -> Iterator[object]:
    from jeugdregie.store import connect

    database = connect(str(db_path))
    yield database
    database.close()


PG_ADMIN_URL = os.environ.get("JEUGDREGIE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")


def _pg_admin():  # type: ignore[no-untyped-def]
    import psycopg

    try:
        return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL not reachable at {PG_ADMIN_URL} ({exc.__class__.__name__}); "
                    "set JEUGDREGIE_TEST_PG to run the PostgreSQL variant")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test (dropped afterwards)."""
    import uuid

    admin = _pg_admin()
    name = f"jr_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


@pytest.fixture(params=["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[object]:
    """The same test on both engines: an embedded DuckDB file and a fresh PostgreSQL database."""
    from jeugdregie.store import connect

    if request.param == "duckdb":
        url = str(tmp_path / "engine.duckdb")
    else:
        url = request.getfixturevalue("pg_url")
    database = connect(url)
    yield database
    database.close()
