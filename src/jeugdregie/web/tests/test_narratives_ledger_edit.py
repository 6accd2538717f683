"""Web forms for the narratives of the half-year report (duiding, C137) and the maatwerkbudget ledger (C131):
versions, conflicts, the ledger's rules as Dutch messages, who may, audit; the narrative shows in the report."""

from __future__ import annotations

from typing import Any

import pytest

from jeugdregie.web.tests.conftest import MUN, OTHER, app_db, csrf, login
from jeugdregie.web.tests.test_measures_edit import create

PERIOD = "2025H1"


def _say(client: Any, key: str, text: str, version: int, period: str = PERIOD) -> Any:
    page = client.get(f"/duiding?period={period}&sleutel={key}")
    return client.post(f"/duiding?period={period}&sleutel={key}", follow_redirects=False,
                       data={"sleutel": key, "period": period, "versie": str(version), "tekst": text,
                             "csrf_token": csrf(page.text)})


def test_narrative_versions_conflict_and_report(forms_client: Any) -> None:
    from jeugdregie.report import halfyear
    from jeugdregie.report.narratives import history
    from jeugdregie.store.audit import audit_entries

    client, users = forms_client
    login(client, users["gemeente"])
    overview = client.get(f"/duiding?period={PERIOD}")
    assert overview.status_code == 200 and "Kostenontwikkeling" in overview.text
    assert f'href="/duiding?period={PERIOD}&amp;sleutel=kosten"' in overview.text
    editor = client.get(f"/duiding?period={PERIOD}&sleutel=kosten")
    assert 'name="tekst"' in editor.text and 'name="versie" value="0"' in editor.text
    r = _say(client, "kosten", "De kosten stegen door meer verblijf.", 0)
    assert r.status_code == 303 and "sleutel=kosten" in r.headers["location"]
    assert "Duiding opgeslagen (versie 1)" in client.get(r.headers["location"]).text
    assert _say(client, "kosten", "De kosten stegen vooral door verblijf en crisis.", 1).status_code == 303
    stale = _say(client, "kosten", "Mijn oude versie.", 1)
    assert stale.status_code == 409
    assert f"{users['gemeente']} heeft deze duiding intussen opgeslagen" in stale.text
    assert "Mijn oude versie." in stale.text and 'name="versie" value="2"' in stale.text
    empty = _say(client, "kosten", "   ", 2)
    assert empty.status_code == 400 and "Schrijf een tekst" in empty.text
    assert _say(client, "bestaat-niet", "x", 0).status_code == 400
    with app_db(client) as db:
        versions = history(db, MUN, PERIOD, "kosten")
        assert [n.version for n in versions] == [2, 1]
        assert versions[0].author == users["gemeente"]
        assert len([a for a in audit_entries(db) if a["object"] == "duiding"]) == 2
        # the report shows the latest version with the section
        report = halfyear.build(db, PERIOD, MUN).to_dict()
    kosten = next(s for s in report["sections"] if s["key"] == "kosten")
    assert kosten["narrative"]["body"] == "De kosten stegen vooral door verblijf en crisis."
    assert kosten["narrative"]["version"] == 2
    page = client.get(f"/duiding?period={PERIOD}&sleutel=kosten").text
    assert "Versie 2, geschreven door" in page and "De kosten stegen door meer verblijf." in page  # history


def test_narrative_for_a_measure_and_who_may(forms_client: Any) -> None:
    client, users = forms_client
    login(client, users["gemeente"])
    assert create(client).status_code == 303  # measure M7 of 0603
    assert "Maatregel M7: Praktijkondersteuner jeugd" in client.get(f"/duiding?period={PERIOD}").text
    assert _say(client, "maatregel:M7", "Twaalf praktijken doen mee.", 0).status_code == 303
    client.cookies.clear()
    login(client, users["regio"])
    page = client.get(f"/duiding?period={PERIOD}")
    assert page.status_code == 200 and "de regio" in page.text
    assert 'name="tekst"' not in client.get(f"/duiding?period={PERIOD}&sleutel=kosten").text
    assert _say(client, "kosten", "Regio schrijft mee.", 0).status_code == 403
    client.cookies.clear()
    login(client, users["gemeente_other"])
    # another municipality writes its own texts; the measure of 0603 is not one of its sections
    assert _say(client, "maatregel:M7", "Niet van ons.", 0).status_code == 400
    assert _say(client, "kosten", "Eigen duiding 0629.", 0).status_code == 303
    from jeugdregie.report.narratives import latest

    with app_db(client) as db:
        assert latest(db, OTHER, PERIOD)["kosten"].body == "Eigen duiding 0629."
        assert "kosten" not in latest(db, MUN, PERIOD)


def _ledger(client: Any, action: str, year: int = 2026, **fields: str) -> Any:
    page = client.get(f"/maatwerkbudget?jaar={year}")
    return client.post(f"/maatwerkbudget?jaar={year}", follow_redirects=False,
                       data={"actie": action, "jaar": str(year), "csrf_token": csrf(page.text), **fields})


def test_ledger_request_four_eyes_spend_and_budget(forms_client: Any) -> None:
    from jeugdregie.measures import ledger
    from jeugdregie.store.audit import audit_entries
    from jeugdregie.web.accounts import add_user
    from jeugdregie.web.tests.conftest import PASSWORD

    client, users = forms_client
    with app_db(client) as db:
        add_user(db, "coach2@example.nl", "gemeente", MUN, None, password=PASSWORD)
    login(client, users["gemeente"])
    page = client.get("/maatwerkbudget?jaar=2026")
    assert page.status_code == 200 and "Nieuwe aanvraag" in page.text and "€ 200.000" in page.text
    refused = _ledger(client, "aanvragen", doel="Huur voor een gezin", bedrag="1.200,50")  # route not checked
    assert refused.status_code == 400 and "eerst nagaan of de reguliere route" in refused.text
    assert 'value="1.200,50"' in refused.text  # the entered values stay
    too_much = _ledger(client, "aanvragen", doel="Huur", bedrag="6000", regulier="ja")
    assert too_much.status_code == 400 and "hoger dan het maximum per casus" in too_much.text
    bad = _ledger(client, "aanvragen", doel="", bedrag="veel", regulier="ja")
    assert bad.status_code == 400 and "Geen geldig eurobedrag" in bad.text and "Beschrijf het doel" in bad.text
    r = _ledger(client, "aanvragen", doel="Huur voor een gezin", bedrag="1.200,50", vermeden="8000", regulier="ja")
    assert r.status_code == 303
    case_id = f"{MUN}-2026-001"
    with app_db(client) as db:
        case = ledger.get_case(db, case_id)
    assert (case.amount_cents, case.coach, case.status) == (120_050, users["gemeente"], "aangevraagd")
    # four eyes: the requesting coach cannot approve
    own = _ledger(client, "toetsen", casus=case_id, besluit="goedkeuren")
    assert own.status_code == 400 and "vier ogen" in own.text
    client.cookies.clear()
    login(client, "coach2@example.nl")
    assert _ledger(client, "toetsen", casus=case_id, besluit="goedkeuren").status_code == 303
    over = _ledger(client, "uitgave", casus=case_id, uitgegeven="2000")
    assert over.status_code == 400 and "tussen nul en het toegekende bedrag" in over.text
    assert _ledger(client, "uitgave", casus=case_id, uitgegeven="1000").status_code == 303
    low = _ledger(client, "budget", totaal="1000", maximum="500")
    assert low.status_code == 400 and "kan niet lager worden" in low.text
    assert _ledger(client, "budget", totaal="150.000", maximum="4000").status_code == 303
    with app_db(client) as db:
        t = ledger.totals(db, MUN, 2026)
        audit = [a for a in audit_entries(db) if a["object"] == "maatwerkbudget"]
    assert (t["approved_cents"], t["spent_cents"], t["budget_cents"], t["remaining_cents"]) == (
        120_050, 100_000, 15_000_000, 15_000_000 - 120_050)
    assert len(audit) == 4 and {a["actor"] for a in audit} == {users["gemeente"], "coach2@example.nl"}
    page = client.get("/maatwerkbudget?jaar=2026").text
    assert "€ 150.000" in page and case_id in page


@pytest.mark.parametrize("role", ["regio", "contractmanager", "aanbieder", "beheer"])
def test_ledger_page_only_for_gemeente(forms_client: Any, role: str) -> None:
    client, users = forms_client
    login(client, users[role])
    assert client.get("/maatwerkbudget").status_code == 403
    token = csrf(client.get("/").text)
    r = client.post("/maatwerkbudget", data={"actie": "budget", "jaar": "2026", "totaal": "1", "maximum": "1",
                                             "csrf_token": token}, follow_redirects=False)
    assert r.status_code == 403


def test_ledger_case_of_another_municipality_is_refused(forms_client: Any) -> None:
    from datetime import date

    from jeugdregie.measures import ledger

    client, users = forms_client
    with app_db(client) as db:
        case = ledger.request_case(db, municipality=OTHER, year=2026, purpose="x", coach="c1", amount_cents=100,
                                   requested_on=date(2026, 1, 5), regular_route_checked=True)
    login(client, users["gemeente"])
    r = _ledger(client, "toetsen", casus=case.case_id, besluit="goedkeuren")
    assert r.status_code == 400 and "hoort niet bij uw gemeente" in r.text
    with app_db(client) as db:
        assert ledger.get_case(db, case.case_id).status == "aangevraagd"

