"""Budget & prognose page: the next-year budget proposal of the own municipality (budget propose)."""

from __future__ import annotations

from typing import Any

import pytest

from jeugdregie.web.tests.conftest import MUN, login


@pytest.fixture
def budget_register(web_db: Any, tmp_path: Any) -> None:
    """A budget 2025 for the own municipality, imported before the app starts."""
    from jeugdregie.analysis.budget import import_budget
    from jeugdregie.store import connect

    (tmp_path / "begroting.csv").write_text(f"year,municipality,budget_line,amount_eur\n2025,{MUN},Ambulant,1000\n",
                                            encoding="utf-8")
    db = connect(str(web_db))
    import_budget(db, tmp_path / "begroting.csv")
    db.close()


def test_budget_proposal_on_budget_page(budget_register: None, client: Any, app_env: Any) -> None:
    login(client, app_env[1]["gemeente"])
    page = client.get("/budget?period=2025&index=0.035")
    assert page.status_code == 200 and "Begrotingsvoorstel 2026 per perceel" in page.text
    # budget 2025 EUR 1,000 + 3.5% = EUR 1,035, with its grondslag
    assert "€ 1.035" in page.text and "Begroting 2025 € 1.000 + indexatie 3,5% (€ 35)" in page.text
    bad = client.get("/budget?period=2025&index=abc")
    assert bad.status_code == 200 and "ongeldige indexatie" in bad.text
    client.cookies.clear()
    login(client, app_env[1]["regio"])
    assert "Begrotingsvoorstel" not in client.get("/budget?period=2025").text
