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
