"""End to end in headless Debian Chromium (Playwright): log in, open every page, filter, download, log out.

Skipped with a message when /usr/bin/chromium or Playwright is absent. No screenshots are written here
(``python -m jeugdregie.web.screenshots`` does that on request)."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.web.browser import CHROMIUM
from jeugdregie.web.tests.conftest import MUN, OTHER, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.fixture
def site(app_env: Any) -> Iterator[tuple[Any, str, dict[str, str]]]:
    if not CHROMIUM.is_file():
        pytest.skip(f"browser tests need Debian Chromium at {CHROMIUM} (apt-get install chromium)")
    pytest.importorskip("playwright.sync_api", reason="browser tests need the Python playwright package")
    from jeugdregie.web.browser import browser, serve_in_thread

    app, users = app_env
    with serve_in_thread(app) as base, browser() as b:
        context = b.new_context(accept_downloads=True, locale="nl-NL")
        yield context.new_page(), base, users
        context.close()


def _login(page: Any, base: str, email: str) -> None:
    from jeugdregie.web.browser import login

    login(page, base, email, PASSWORD)


def test_gemeente_flow(site: tuple[Any, str, dict[str, str]], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    page, base, users = site
    _login(page, base, users["gemeente"])
    assert page.url.endswith("/overzicht")
    assert page.locator(".banner").inner_text().startswith("Synthetische gegevens")
    assert page.locator("figure.chart img").count() >= 1
    assert page.evaluate("document.querySelector('figure.chart img').naturalWidth") > 0
    assert "€" in page.locator("dl.figures").first.inner_text()
    # every page in the menu opens without an error notice
    for link in page.locator("nav a").all_inner_texts():
        page.click(f"nav >> text={link}")
        page.wait_for_load_state("networkidle")
        assert page.locator("h1").inner_text() == link
        assert page.locator(".notice.error").count() == 0, link
    # Kosten: filter on a category
    page.goto(f"{base}/kosten?period=2025")
    options = page.locator("#f-cat option").all()
    category = options[1].get_attribute("value")
    page.select_option("#f-cat", category)
    page.click("form.filters button")
    page.wait_for_load_state("networkidle")
    assert f"category={category}" in page.url
    assert page.locator("table").count() >= 1
    # downloads: CSV and Excel open
    with page.expect_download() as dl:
        page.locator("p.downloads a", has_text="CSV").first.click()
    csv_path = tmp_path / "k.csv"
    dl.value.save_as(csv_path)
    assert csv_path.read_text(encoding="utf-8-sig").splitlines()[0].startswith("Product")
    with page.expect_download() as dl:
        page.locator("p.downloads a", has_text="Excel").first.click()
    xlsx = tmp_path / "k.xlsx"
    dl.value.save_as(xlsx)
    assert load_workbook(io.BytesIO(xlsx.read_bytes())).active is not None
    # another municipality: only aggregates
    page.goto(f"{base}/kosten?period=2025&municipality={OTHER}")
    assert "alleen geaggregeerde" in page.locator(".notice.denied").first.inner_text()
    # client-level signal list of the own municipality
    page.goto(f"{base}/toegang?period=2025&lijst=adulthood")
    assert f"gemeente {MUN}" in page.locator("h2").all_inner_texts()[0]
    # logout
    page.click("form.logout button")
    page.wait_for_load_state("networkidle")
    assert page.url.endswith("/login")
    page.goto(f"{base}/kosten")
    assert page.url.endswith("/login")


def test_beheer_sees_imports_and_audit_but_not_figures(site: tuple[Any, str, dict[str, str]]) -> None:
    page, base, users = site
    _login(page, base, users["beheer"])
    assert page.url.endswith("/import")
    assert page.locator("table").first.is_visible()
    page.goto(f"{base}/auditlog")
    assert page.locator("h1").inner_text() == "Auditlog"
    response = page.goto(f"{base}/kosten")
    assert response is not None and response.status == 403


def test_api_denied_is_json_in_the_browser(site: tuple[Any, str, dict[str, str]]) -> None:
    page, base, users = site
    _login(page, base, users["gemeente"])
    response = page.goto(f"{base}/api/lists/wlz?period=2025&municipality={OTHER}")
    assert response is not None and response.status == 403
    assert response.json()["status"] == 403


def test_gemeente_edits_a_measure_and_a_narrative(site: tuple[Any, str, dict[str, str]]) -> None:
    from jeugdregie.web.browser import DEMO_MEASURE, add_measure

    page, base, users = site
    _login(page, base, users["gemeente"])
    add_measure(page, base)
    assert "Maatregel M12 is opgeslagen (versie 1)." in page.locator("p.notice.info").inner_text()
    assert f"nummer=M12&van={MUN}" in page.url
    years = page.locator("section", has_text="Financieel effect per jaar").locator("table").inner_text()
    assert "€ 250.000" in years and "€ 160.000" in years  # '250.000' typed in the form is 250 thousand euros
    # change the title: version 2, and the history lists both versions
    page.fill("form.edit [name=titel]", "POH-jeugd in alle praktijken")
    page.click("form.edit button:has-text('Maatregel opslaan')")
    page.wait_for_load_state("networkidle")
    assert "(versie 2)" in page.locator("p.notice.info").inner_text()
    assert page.locator("section", has_text="Versiegeschiedenis").locator("tbody tr").count() == 2
    # an invalid amount: the form comes back with the input and the field marked
    page.fill("form.edit [name=gross_0]", "veel")
    page.click("form.edit button:has-text('Maatregel opslaan')")
    page.wait_for_load_state("networkidle")
    assert page.locator("[aria-invalid=true]").count() == 1
    assert page.locator("form.edit [name=gross_0]").input_value() == "veel"
    assert "Geen geldig eurobedrag" in page.locator(".field-error").inner_text()
    # the interpretation text of the cost section of the half-year report
    page.goto(f"{base}/duiding?period=2025H1")
    page.click("text=Kostenontwikkeling")
    page.fill("form.edit [name=tekst]", "De kosten stegen vooral door verblijf.")
    page.click("form.edit button[type=submit]")
    page.wait_for_load_state("networkidle")
    assert "Duiding opgeslagen (versie 1)" in page.locator("p.notice.info").inner_text()
    # delete with confirmation
    page.goto(f"{base}/maatregelen?nummer=M12&van={MUN}")
    page.click("p.links >> text=Verwijderen")
    page.wait_for_load_state("networkidle")
    assert DEMO_MEASURE["nummer"] in page.locator("h2").first.inner_text()
    page.click("button:has-text('Definitief verwijderen')")
    page.wait_for_load_state("networkidle")
    assert "is verwijderd" in page.locator("p.notice.info").inner_text()
