"""Editable pages (``@page(..., on_post=...)``): CSRF on every POST, roles, Post/Redirect/Get."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.web.tests.conftest import login, make_users


@pytest.fixture
def edit_client(web_db: Path) -> Iterator[tuple[Any, dict[str, str], list[dict[str, str]]]]:
    from fastapi.testclient import TestClient

    from jeugdregie.store import connect
    from jeugdregie.web.app import create_app
    from jeugdregie.web.registry import PAGES, Section, load_pages, page

    saved: list[dict[str, str]] = []

    def on_post(ctx: Any, form: dict[str, str]) -> str:
        saved.append({**form, "by": ctx.user.email})
        return "Maatregel opgeslagen."

    load_pages()

    @page("test-bewerken", "Test bewerken", {"gemeente"}, order=99, filters=(), on_post=on_post)
    def render(ctx: Any) -> list[Section]:
        return [Section("Nieuwe maatregel", form=[("titel", "Titel", "")])]

    db = connect(str(web_db))
    users = make_users(db)
    db.close()
    app = create_app(str(web_db))
    try:
        with TestClient(app, base_url="https://testserver") as client:
            yield client, users, saved
    finally:
        PAGES.pop("test-bewerken", None)
        app.state.stores.close()


def test_post_needs_session_csrf_and_role(edit_client: Any) -> None:
    client, users, saved = edit_client
    assert client.post("/test-bewerken", data={"titel": "x"}, follow_redirects=False).headers["location"] == "/login"
    login(client, users["gemeente"])
    page = client.get("/test-bewerken")
    assert 'name="titel"' in page.text
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/test-bewerken", data={"titel": "x"}).status_code == 403
    assert client.post("/test-bewerken", data={"titel": "x", "csrf_token": "forged"}).status_code == 403
    assert saved == []
    r = client.post("/test-bewerken", data={"titel": "Wlz-toeleiding", "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 303
    assert saved == [{"titel": "Wlz-toeleiding", "by": users["gemeente"]}]
    assert "Maatregel opgeslagen." in client.get(r.headers["location"]).text
    client.cookies.clear()
    login(client, users["regio"])
    page = client.get("/overzicht")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/test-bewerken", data={"titel": "y", "csrf_token": token}).status_code == 403
    assert len(saved) == 1
