"""Every page renders for every role that may see it, and is refused (403) for the others."""

from __future__ import annotations

from typing import Any

import pytest

from jeugdregie.web.registry import load_pages
from jeugdregie.web.tests.conftest import MUN, OTHER, login

ROLES = ["gemeente", "regio", "contractmanager", "aanbieder", "beheer"]


@pytest.mark.parametrize("role", ROLES)
def test_pages_per_role(client: Any, app_env: Any, role: str) -> None:
    login(client, app_env[1][role])
    for slug, pg in load_pages().items():
        r = client.get(f"/{slug}?period=2025")
        if role in pg.roles:
            assert r.status_code == 200, (slug, r.text[:500])
            assert "Synthetische gegevens" in r.text
            assert 'class="notice error"' not in r.text, (slug, role)
        else:
            assert r.status_code == 403, slug


def test_gemeente_sees_own_detail_and_others_only_aggregated(client: Any, app_env: Any) -> None:
    login(client, app_env[1]["gemeente"])
    own = client.get(f"/kosten?period=2025&municipality={MUN}")
    assert "Kostenoverzicht 2025" in own.text and 'class="notice denied"' not in own.text
    other = client.get(f"/kosten?period=2025&municipality={OTHER}")
    assert other.status_code == 200 and 'class="notice denied"' in other.text
    assert "alleen geaggregeerde" in other.text
    region = client.get("/overzicht?period=2025&municipality=")
    assert "Kerncijfers hele regio" in region.text


def test_category_filter_and_waterfall(client: Any, app_env: Any) -> None:
    login(client, app_env[1]["gemeente"])
    page = client.get(f"/kosten?period=2025&municipality={MUN}&category=45")
    assert page.status_code == 200
    assert "Verklaring kostenverschil 2024 → 2025" in page.text
    assert page.text.count("data:image/svg+xml") >= 1


def test_signal_list_page_is_audit_logged(client: Any, app_env: Any) -> None:
    users = app_env[1]
    login(client, users["gemeente"])
    assert client.get("/toegang?period=2025&lijst=wlz").status_code == 200
    client.cookies.clear()
    login(client, users["beheer"])
    log = client.get("/api/audit").json()["rows"]
    assert any(r["actor"] == users["gemeente"] and r["object"] == "lists.wlz" for r in log)


def test_kosten_groupings_trend_and_intensity(client: Any, app_env: Any) -> None:
    login(client, app_env[1]["gemeente"])
    page = client.get(f"/kosten?period=2025&municipality={MUN}")
    assert "Kostentrend per kwartaal" in page.text and "Intensiteit per product 2024-2025" in page.text
    assert "by=age_band" in page.text and "by=budget_line" in page.text  # grouping links
    assert page.text.count("data:image/svg+xml") >= 2  # waterfall and trend
    ages = client.get(f"/kosten?period=2025&municipality={MUN}&by=age_band")
    assert "Kostenoverzicht 2025 per leeftijdsklasse" in ages.text and "12 tot 18 jaar" in ages.text
    api = client.get(f"/api/trend?period=2024-2025&municipality={MUN}").json()
    assert api["verdict"] == "te weinig gegevens" and len(api["series"]) == 8
    marks = client.get("/api/annotations/list").json()["annotations"]
    assert {a["label"] for a in marks} >= {"Corona"}
