"""Login, sessions, CSRF, pages, API and downloads of the web monitor (DuckDB store)."""

from __future__ import annotations

import io
import json
from typing import Any

from jeugdregie.web.tests.conftest import MUN, OTHER, login


def test_login_page_and_redirect_when_anonymous(client: Any) -> None:
    assert client.get("/kosten", follow_redirects=False).headers["location"] == "/login"
    page = client.get("/login")
    assert page.status_code == 200 and "Inloggen" in page.text
    assert "Content-Security-Policy" in page.headers


def test_login_sets_secure_httponly_cookie_and_shows_banner(client: Any, app_env: Any) -> None:
    users = app_env[1]
    resp = login(client, users["gemeente"])
    assert resp.status_code == 303
    cookie = resp.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie.replace("Strict", "strict")
    page = client.get("/overzicht")
    assert page.status_code == 200
    assert "Synthetische gegevens" in page.text
    assert "Kerncijfers gemeente 0603" in page.text
    assert "data:image/svg+xml;base64," in page.text  # server-rendered trend chart
    assert "€ " in page.text


def test_wrong_password_and_rate_limit(client: Any, app_env: Any) -> None:
    email = app_env[1]["regio"]
    for _ in range(5):
        assert login(client, email, "wrong password!").status_code == 401
    blocked = login(client, email)  # right password, but blocked for now
    assert blocked.status_code == 429
    assert "Te veel" in blocked.text


def test_login_without_csrf_token_is_refused(client: Any, app_env: Any) -> None:
    client.get("/login")
    resp = client.post("/login", data={"email": app_env[1]["regio"], "password": "x", "csrf_token": "forged"})
    assert resp.status_code == 403


def test_logout_needs_csrf_and_ends_the_session(client: Any, app_env: Any) -> None:
    login(client, app_env[1]["regio"])
    assert client.get("/api/whoami").json()["role"] == "regio"
    assert client.post("/logout", data={"csrf_token": "forged"}).status_code == 403
    page = client.get("/overzicht")
    token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/api/whoami").status_code == 401


def test_api_mirrors_cli_json(client: Any, app_env: Any, web_db: Any) -> None:
    from typer.testing import CliRunner

    from jeugdregie.cli import app as cli_app
    from jeugdregie.cli import load_commands

    login(client, app_env[1]["gemeente"])
    api = client.get(f"/api/costs?period=2025&by=category&municipality={MUN}")
    assert api.status_code == 200
    load_commands()
    cli = CliRunner().invoke(cli_app, ["costs", "--period", "2025", "--by", "category", "--municipality", MUN,
                                       "--format", "json", "--db", str(web_db)])
    assert cli.exit_code == 0, cli.output
    assert api.json() == json.loads(cli.stdout)
    assert api.json()["rows"], "the synthetic region has costs in 2025"
    tariffs = client.get(f"/api/tariffs?period=2025&municipality={MUN}")
    assert tariffs.status_code == 200
    cli = CliRunner().invoke(cli_app, ["tariffs", "--period", "2025", "--municipality", MUN, "--format", "json",
                                       "--db", str(web_db)])
    assert cli.exit_code == 0, cli.output
    assert tariffs.json() == json.loads(cli.stdout)


def test_api_bad_input_is_400_json(client: Any, app_env: Any) -> None:
    login(client, app_env[1]["regio"])
    r = client.get("/api/costs?period=zz")
    assert r.status_code == 400 and "periode" in r.json()["error"]
    r = client.get("/api/costs?period=2025&by=nonsense")
    assert r.status_code == 400
    r = client.get("/api/costs?period=2025&db=/etc/passwd")
    assert r.status_code == 400 and "onbekende parameter" in r.json()["error"]


def test_bearer_token_and_403_json(client: Any, app_env: Any, web_db: Any) -> None:
    from jeugdregie.store import connect
    from jeugdregie.web.accounts import new_token

    db = connect(str(web_db))
    token = new_token(db, app_env[1]["gemeente"])
    db.close()
    h = {"Authorization": f"Bearer {token}"}
    assert client.get("/api/whoami", headers=h).json()["via"] == "token"
    own = client.get(f"/api/lists/wlz?period=2025&municipality={MUN}", headers=h)
    assert own.status_code == 200 and own.json()["municipality"] == MUN
    other = client.get(f"/api/lists/wlz?period=2025&municipality={OTHER}", headers=h)
    assert other.status_code == 403
    assert set(other.json()) == {"error", "status"}
    assert client.get("/api/costs?period=2025", headers={"Authorization": "Bearer jr_wrong"}).status_code == 401


def test_downloads_open_as_csv_and_excel(client: Any, app_env: Any) -> None:
    from openpyxl import load_workbook

    login(client, app_env[1]["gemeente"])
    csv = client.get(f"/download/csv/costs?period=2025&municipality={MUN}")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    assert "attachment" in csv.headers["content-disposition"]
    text = csv.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("Productcategorie;Cliënten")
    xlsx = client.get(f"/download/xlsx/costs?period=2025&municipality={MUN}")
    wb = load_workbook(io.BytesIO(xlsx.content))
    assert wb.active is not None and wb.active.cell(row=1, column=1).value == "Productcategorie"


def test_client_list_views_and_exports_are_audit_logged(client: Any, app_env: Any) -> None:
    users = app_env[1]
    login(client, users["gemeente"])
    assert client.get(f"/api/lists/adulthood?period=2025&municipality={MUN}").status_code == 200
    assert client.get(f"/download/csv/lists/adulthood?period=2025&municipality={MUN}").status_code == 200
    client.cookies.clear()
    login(client, users["beheer"])
    log = client.get("/api/audit").json()["rows"]
    mine = [r for r in log if r["actor"] == users["gemeente"] and r["object"] == "lists.adulthood"]
    assert {r["action"] for r in mine} == {"view", "export"}
    assert all(r["municipality"] == MUN for r in mine)
    page = client.get("/auditlog")
    assert page.status_code == 200 and users["gemeente"] in page.text


def test_openapi_lists_mirrored_commands_with_their_options(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    costs = spec["paths"]["/api/costs"]["get"]
    names = {p["name"] for p in costs["parameters"]}
    assert {"period", "by", "per", "municipality", "approved-only"} <= names
    assert not names & {"db", "format", "out", "chart"}
    assert "/api/lists/wlz" in spec["paths"]
