"""Web test fixtures: one small synthetic region (ingested once per session), users of every role."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

PASSWORD = "correct horse battery"
MUN = "0603"
OTHER = "0629"


@pytest.fixture(scope="session")
def region_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file with a small synthetic region (3 municipalities, 2024-2025), marked synthetic."""
    from jeugdregie.web.bench import small_region_store

    return small_region_store(tmp_path_factory.mktemp("webregion"), seed=3, anomalies=True)


def make_users(db: Any) -> dict[str, str]:
    """One user per role; returns role key -> e-mail."""
    from jeugdregie.web.accounts import add_user

    provider = str(db.query_value("SELECT provider_agb FROM declaration_line GROUP BY 1 ORDER BY count(*) DESC LIMIT 1"))
    users = {
        "gemeente": ("g0603@example.nl", "gemeente", MUN, None),
        "gemeente_other": ("g0629@example.nl", "gemeente", OTHER, None),
        "regio": ("regio@example.nl", "regio", None, None),
        "contractmanager": ("cm@example.nl", "contractmanager", None, None),
        "aanbieder": ("aanbieder@example.nl", "aanbieder", None, provider),
        "beheer": ("beheer@example.nl", "beheer", None, None),
    }
    for email, role, mun, prov in users.values():
        add_user(db, email, role, mun, prov, password=PASSWORD)
    return {k: v[0] for k, v in users.items()}


@pytest.fixture
def web_db(region_db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "web.duckdb"
    shutil.copy(region_db, target)
    return target


@pytest.fixture
def app_env(web_db: Path) -> Iterator[tuple[Any, dict[str, str]]]:
    from jeugdregie.store import connect
    from jeugdregie.web.app import create_app

    db = connect(str(web_db))
    users = make_users(db)
    db.close()
    app = create_app(str(web_db))
    yield app, users
    app.state.stores.close()


@pytest.fixture
def client(app_env: tuple[Any, dict[str, str]]) -> Iterator[Any]:
    from fastapi.testclient import TestClient

    with TestClient(app_env[0], base_url="https://testserver") as c:
        yield c


def login(client: Any, email: str, password: str = PASSWORD) -> Any:
    page = client.get("/login")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       follow_redirects=False)


def csrf(text: str) -> str:
    """The CSRF token of a page (every page of a logged-in user has one in its logout form)."""
    return text.split('name="csrf_token" value="')[1].split('"')[0]


@pytest.fixture
def forms_client(web_db: Path) -> Iterator[tuple[Any, dict[str, str]]]:
    """A TestClient on a fresh copy of the region with users of every role, for the edit pages."""
    from fastapi.testclient import TestClient

    from jeugdregie.store import connect
    from jeugdregie.web.app import create_app

    db = connect(str(web_db))
    users = make_users(db)
    db.close()
    app = create_app(str(web_db))
    try:
        with TestClient(app, base_url="https://testserver") as client:
            yield client, users
    finally:
        app.state.stores.close()


@contextlib.contextmanager
def app_db(client: Any) -> Iterator[Any]:
    """A connection of the app under test (owner; on DuckDB a cursor on the app's own database)."""
    with client.app.state.stores.admin() as db:
        yield db
