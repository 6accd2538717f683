"""Accessibility basics checked on every page's HTML: language, one h1, labelled form fields, alt text on
charts, table headers with scope, a skip link and a status role for notices."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from jeugdregie.web.registry import load_pages
from jeugdregie.web.tests.conftest import login

EDIT_URLS = ["/maatregelen?bewerken=nieuw", "/duiding?period=2025H1&sleutel=kosten", "/maatwerkbudget?jaar=2026"]


class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang: str | None = None
        self.h1 = 0
        self.labels: set[str] = set()
        self.fields: list[str] = []
        self.images: list[str | None] = []
        self.th_without_scope = 0
        self.skip = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "html":
            self.lang = a.get("lang")
        elif tag == "h1":
            self.h1 += 1
        elif tag == "label" and a.get("for"):
            self.labels.add(str(a["for"]))
        elif tag in ("input", "select", "textarea") and a.get("type") != "hidden":
            self.fields.append(str(a.get("id")))
        elif tag == "img":
            self.images.append(a.get("alt"))
        elif tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        elif tag == "a" and a.get("class") == "skip":
            self.skip = True


def test_pages_meet_accessibility_basics(client: Any, app_env: Any) -> None:
    for role in ("gemeente", "beheer"):
        client.cookies.clear()
        login(client, app_env[1][role])
        for slug, pg in load_pages().items():
            if role not in pg.roles:
                continue
            scan = _Scan()
            scan.feed(client.get(f"/{slug}?period=2025").text)
            assert scan.lang == "nl", slug
            assert scan.h1 == 1, slug
            assert scan.skip, slug
            assert all(f in scan.labels for f in scan.fields), (slug, scan.fields, scan.labels)
            assert all(alt for alt in scan.images), slug
            assert scan.th_without_scope == 0, slug


def test_edit_forms_label_every_field(client: Any, app_env: Any) -> None:
    """The edit forms (new measure, narratives, maatwerkbudget): every visible field has a label."""
    login(client, app_env[1]["gemeente"])
    for url in EDIT_URLS:
        scan = _Scan()
        r = client.get(url)
        assert r.status_code == 200, url
        scan.feed(r.text)
        assert scan.fields, url
        assert all(f in scan.labels for f in scan.fields), (url, scan.fields, scan.labels)
        assert len(scan.fields) == len(set(scan.fields)), url  # ids unique on the page
