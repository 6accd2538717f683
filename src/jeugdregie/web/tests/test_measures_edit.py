"""Editing the measures register in the web monitor: create, change, version conflict, validation, delete,
who may (policy ``edit``), CSRF and the audit log, on DuckDB and on PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest

from jeugdregie.web.tests.conftest import MUN, OTHER, app_db, csrf, login


def new_measure(**extra: str) -> dict[str, str]:
    """The fields the 'Nieuwe maatregel' form posts (two blank year rows and one blank checkpoint)."""
    form = {"actie": "opslaan", "versie": "0", "nieuw": "1", "nummer": "M7", "titel": "Praktijkondersteuner jeugd",
            "soort": "maatregel", "actielijn": "A2", "sturingsniveau": "toegang", "eigenaar": "beleid jeugd",
            "status": "in uitvoering", "kwalitatief": "+", "startdatum": "2025-01-01", "thema": "",
            "beoogd_effect": "Minder verwijzingen naar specialistische jeugdhulp",
            "tussenresultaat": "POH in 12 huisartsenpraktijken", "risicos": "Werving", "aannames": "Instroom daalt",
            "toelichting": "",
            "year_0": "2025", "gross_0": "12.500,50", "needed_0": "2500", "net_0": "10000,50", "structural_0": "",
            "year_1": "", "gross_1": "",
            "cp_period_0": "2025h2", "cp_label_0": "tweede halfjaarrapportage 2025", "cp_focus_0": "aantal POH",
            "cp_due_date_0": "2026-02-01", "cp_outcome_0": ""}
    form.update(extra)
    return form


def _stored(client: Any, number: str = "M7", municipality: str = MUN) -> Any:
    from jeugdregie.measures import register

    with app_db(client) as db:
        return register.get_measure(db, municipality, number)


def create(client: Any, **extra: str) -> Any:
    page = client.get("/maatregelen?bewerken=nieuw")
    assert page.status_code == 200
    return client.post("/maatregelen?bewerken=nieuw", data={**new_measure(**extra), "csrf_token": csrf(page.text)},
                       follow_redirects=False)


def test_create_edit_history_and_audit(forms_client: Any) -> None:
    from jeugdregie.store.audit import audit_entries

    client, users = forms_client
    login(client, users["gemeente"])
    listing = client.get("/maatregelen")
    assert 'href="/maatregelen?bewerken=nieuw"' in listing.text
    form = client.get("/maatregelen?bewerken=nieuw").text
    for name in ("nummer", "titel", "actielijn", "sturingsniveau", "beoogd_effect", "tussenresultaat", "status",
                 "gross_0", "net_0", "social_0", "cp_period_0", "risicos", "aannames"):
        assert f'name="{name}"' in form, name
    r = create(client, municipality=OTHER)  # a tampered municipality field is ignored: always the own one
    assert r.status_code == 303, r.text[:500]
    assert r.headers["location"].startswith(f"/maatregelen?nummer=M7&van={MUN}")
    m = _stored(client)
    assert m.version == 1 and m.title == "Praktijkondersteuner jeugd" and m.action_line == "A2"
    assert (m.years[0].gross_cents, m.years[0].needed_cents, m.years[0].net_cents) == (1_250_050, 250_000, 1_000_050)
    assert m.years[0].structural_cents is None  # blank = not stated, not zero
    assert [(c.period, c.focus) for c in m.checkpoints] == [("2025H2", "aantal POH")]
    assert _stored(client, municipality=OTHER) is None
    detail = client.get(r.headers["location"])
    assert "Maatregel M7 is opgeslagen (versie 1)." in detail.text
    assert "Versiegeschiedenis" in detail.text and users["gemeente"] in detail.text
    assert "2025H2 tweede halfjaarrapportage 2025" in detail.text  # volgend ijkmoment
    # the register page shows it at once (the data version is refreshed after a change)
    assert 'href="/maatregelen?nummer=M7&amp;van=0603"' in client.get("/maatregelen").text
    # change the title: version 2, history keeps version 1
    edit = client.get(f"/maatregelen?nummer=M7&van={MUN}").text
    assert 'name="versie" value="1"' in edit
    data = {**new_measure(titel="POH-jeugd in alle praktijken", status="afgerond"), "csrf_token": csrf(edit)}
    del data["nieuw"]
    data["versie"] = "1"
    r = client.post(f"/maatregelen?nummer=M7&van={MUN}", data=data, follow_redirects=False)
    assert r.status_code == 303
    m = _stored(client)
    assert (m.version, m.title, m.status) == (2, "POH-jeugd in alle praktijken", "afgerond")
    from jeugdregie.measures import register

    with app_db(client) as db:
        assert [v["version"] for v in register.history(db, MUN, "M7")] == [2, 1]
        audit = [a for a in audit_entries(db) if a["object"] == "maatregel"]
    assert len(audit) == 2
    assert {a["actor"] for a in audit} == {users["gemeente"]} and {a["action"] for a in audit} == {"wijziging"}
    assert all(a["municipality"] == MUN for a in audit)


def test_concurrent_edit_is_refused_with_a_clear_message(forms_client: Any) -> None:
    client, users = forms_client
    login(client, users["gemeente"])
    assert create(client).status_code == 303
    edit = client.get(f"/maatregelen?nummer=M7&van={MUN}").text
    mine = {**new_measure(titel="Mijn titel"), "csrf_token": csrf(edit), "versie": "1"}
    del mine["nieuw"]
    theirs = {**mine, "titel": "Titel van de collega"}
    assert client.post(f"/maatregelen?nummer=M7&van={MUN}", data=theirs, follow_redirects=False).status_code == 303
    r = client.post(f"/maatregelen?nummer=M7&van={MUN}", data=mine, follow_redirects=False)
    assert r.status_code == 409
    assert "Iemand anders heeft maatregel M7 intussen opgeslagen" in r.text
    assert f"door {users['gemeente']}" in r.text and "versie 2; u bewerkte versie 1" in r.text
    assert 'value="Mijn titel"' in r.text  # the entered values are kept
    assert 'name="versie" value="2"' in r.text  # saving again knowingly overwrites version 2
    assert _stored(client).title == "Titel van de collega"
    # creating a number that exists is refused too
    r = create(client)
    assert r.status_code == 400 and "Maatregel M7 bestaat al" in r.text
    assert _stored(client).version == 2


def test_validation_messages_in_dutch_and_nothing_saved(forms_client: Any) -> None:
    client, users = forms_client
    login(client, users["gemeente"])
    r = create(client, titel="", gross_0="twaalf", year_1="", net_1="100", cp_period_0="2025Q3",
               startdatum="1-1-2025", status="bedacht")
    assert r.status_code == 400
    text = r.text
    for message in ("Vul een titel in.", "Geen geldig eurobedrag", "Vul het jaar in waar deze bedragen bij horen.",
                    "Een halfjaar als 2025H1 of 2025H2.", "Geen geldige datum", "Kies een status",
                    "velden niet goed ingevuld"):
        assert message in text, message
    assert 'aria-invalid="true"' in text and 'value="twaalf"' in text
    assert _stored(client) is None


def test_delete_with_confirmation(forms_client: Any) -> None:
    from jeugdregie.measures import register

    client, users = forms_client
    login(client, users["gemeente"])
    assert create(client).status_code == 303
    confirm = client.get(f"/maatregelen?nummer=M7&van={MUN}&verwijderen=1")
    assert "Maatregel M7 verwijderen?" in confirm.text and "Definitief verwijderen" in confirm.text
    assert _stored(client) is not None  # asking is not deleting
    r = client.post("/maatregelen", data={"actie": "verwijderen", "nummer": "M7", "versie": "1",
                                          "csrf_token": csrf(confirm.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert "Maatregel M7 is verwijderd" in client.get(r.headers["location"]).text
    assert _stored(client) is None
    with app_db(client) as db:
        assert [v["version"] for v in register.history(db, MUN, "M7")] == [1]
    # deleting again with the old version: someone (here: we) deleted it in between
    r = client.post("/maatregelen", data={"actie": "verwijderen", "nummer": "M7", "versie": "0",
                                          "csrf_token": csrf(confirm.text)}, follow_redirects=False)
    assert r.status_code == 303  # version 0 = does not exist: nothing to refuse, nothing deleted


@pytest.mark.parametrize("role", ["regio", "contractmanager", "aanbieder", "beheer", "gemeente_other"])
def test_only_the_own_gemeente_may_edit(forms_client: Any, role: str) -> None:
    client, users = forms_client
    login(client, users["gemeente"])
    assert create(client).status_code == 303
    client.cookies.clear()
    login(client, users[role])
    token = csrf(client.get("/").text)  # the landing page of the role (its logout form holds the token)
    view = client.get(f"/maatregelen?nummer=M7&van={MUN}")
    if role in ("regio", "gemeente_other"):
        assert view.status_code == 200 and "Praktijkondersteuner jeugd" in view.text
        assert "Maatregel opslaan" not in view.text and "Verwijderen" not in view.text
        listing = client.get("/maatregelen").text  # another gemeente adds its own measures; regio none
        assert ("Nieuwe maatregel toevoegen" in listing) == (role == "gemeente_other")
    else:
        assert view.status_code == 403
    data = {**new_measure(titel="Overgenomen"), "csrf_token": token, "versie": "1"}
    del data["nieuw"]
    # another gemeente's POST can only address its own register (where M7 does not exist: 409)
    refused = 409 if role == "gemeente_other" else 403
    assert client.post(f"/maatregelen?nummer=M7&van={MUN}", data=data, follow_redirects=False).status_code == refused
    assert client.post("/maatregelen", data={"actie": "verwijderen", "nummer": "M7", "versie": "1",
                                             "csrf_token": token}, follow_redirects=False).status_code == refused
    assert _stored(client).title == "Praktijkondersteuner jeugd"
    if role == "gemeente_other":  # its own new measure lands in its own municipality, never in 0603
        assert create(client, nummer="M8").status_code == 303
        assert _stored(client, "M8", OTHER) is not None and _stored(client, "M8") is None


def test_csrf_and_login_required(forms_client: Any) -> None:
    client, users = forms_client
    assert client.post("/maatregelen", data=new_measure(), follow_redirects=False).headers["location"] == "/login"
    login(client, users["gemeente"])
    assert client.post("/maatregelen?bewerken=nieuw", data=new_measure()).status_code == 403
    assert client.post("/maatregelen?bewerken=nieuw", data={**new_measure(), "csrf_token": "vervalst"}).status_code == 403
    assert _stored(client) is None


@pytest.mark.postgres
def test_edit_on_postgres(pg_url: str) -> None:
    """The same create / conflict / delete on PostgreSQL (owner connection for writes, audit in one
    transaction with the change)."""
    from fastapi.testclient import TestClient

    from jeugdregie.store import connect
    from jeugdregie.store.audit import audit_entries
    from jeugdregie.web.accounts import add_user
    from jeugdregie.web.app import create_app
    from jeugdregie.web.tests.conftest import PASSWORD

    db = connect(pg_url)
    db.execute("INSERT INTO municipality (code, name) VALUES (?, ?), (?, ?)", [MUN, "Rijswijk", OTHER, "Zoetermeer"])
    add_user(db, "g0603@example.nl", "gemeente", MUN, None, password=PASSWORD)
    users = {"gemeente": "g0603@example.nl"}
    db.close()
    app = create_app(pg_url)
    try:
        with TestClient(app, base_url="https://testserver") as client:
            login(client, users["gemeente"])
            assert create(client).status_code == 303
            m = _stored(client)
            assert m.version == 1 and m.years[0].net_cents == 1_000_050
            edit = client.get(f"/maatregelen?nummer=M7&van={MUN}").text
            data = {**new_measure(titel="Nieuwe titel"), "csrf_token": csrf(edit), "versie": "1"}
            del data["nieuw"]
            assert client.post(f"/maatregelen?nummer=M7&van={MUN}", data=data,
                               follow_redirects=False).status_code == 303
            assert client.post(f"/maatregelen?nummer=M7&van={MUN}", data=data).status_code == 409
            r = client.post("/maatregelen", data={"actie": "verwijderen", "nummer": "M7", "versie": "2",
                                                  "csrf_token": csrf(edit)}, follow_redirects=False)
            assert r.status_code == 303 and _stored(client) is None
            with app_db(client) as pdb:
                assert len([a for a in audit_entries(pdb) if a["object"] == "maatregel"]) == 3
    finally:
        app.state.stores.close()


@pytest.mark.parametrize(("typed", "cents"), [("150.000", 15_000_000), ("1.250.000,50", 125_000_050),
                                              ("12500,50", 1_250_050), ("12500.50", 1_250_050), ("€ 250", 25_000),
                                              ("-1.000", -100_000), ("1,5", 150), ("", None)])
def test_amounts_as_dutch_users_type_them(typed: str, cents: int | None) -> None:
    from jeugdregie.money import parse_eur_input

    assert parse_eur_input(typed) == cents


@pytest.mark.parametrize("typed", ["veel", "1.2.3", "12,505", "1.50.000", "12.50,5"])
def test_amounts_that_are_refused(typed: str) -> None:
    from jeugdregie.money import parse_eur_input

    with pytest.raises(ValueError, match="geen geldig eurobedrag"):
        parse_eur_input(typed)
