"""Row-level security on PostgreSQL: a tenant connection sees only its own municipality's rows, whatever SQL
it runs, and cannot widen its scope; the region role reads all; the audit log is append-only."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import pytest

pytestmark = pytest.mark.postgres

MUN, OTHER = "0603", "0629"


def _line(mun: str, client: str, ref: str, cents: int) -> tuple[Any, ...]:
    return ("11111111", ref, None, "D1", "m1", mun, client, 1, "45", "45A65", date(2025, 1, 1), date(2025, 1, 31),
            date(2025, 1, 1), 10, "01", 100, cents, "D", cents, 10, date(2025, 2, 1))


LINE_COLS = ["provider_agb", "referentie_nummer", "vorig_referentie_nummer", "declaratie_nummer", "message_key",
             "municipality", "client_id", "toewijzing_nummer", "product_category", "product_code", "period_start",
             "period_end", "service_month", "volume", "unit", "tariff_cents", "amount_cents", "debit_credit",
             "signed_amount_cents", "signed_volume", "declaration_date"]


def seed(db: Any) -> None:
    db.insert_rows("declaration_line", LINE_COLS, [_line(MUN, "c-own", "r1", 1000), _line(OTHER, "c-other", "r2", 2000)])
    db.insert_rows("client", ["client_id", "birth_date", "gender", "pc4", "last_seen"],
                   [("c-own", date(2010, 1, 1), "1", "2281", date(2025, 1, 1)),
                    ("c-other", date(2011, 1, 1), "2", "2611", date(2025, 1, 1))])
    for mun, client, nr in ((MUN, "c-own", 1), (OTHER, "c-other", 2)):
        db.execute("INSERT INTO assignment_version (municipality, toewijzing_nummer, assigned_at, provider_agb, "
                   "client_id, product_category, product_code, start_date, message_key) "
                   "VALUES (?, ?, ?, '11111111', ?, '45', '45A65', ?, 'm')",
                   [mun, nr, datetime(2025, 1, 1), client, date(2025, 1, 1)])
    for mid, mun, shared in (("m-own", MUN, False), ("m-shared", OTHER, True), ("m-other", OTHER, False)):
        db.execute("INSERT INTO provider_meeting (meeting_id, provider_agb, municipality, meeting_date, subject, "
                   "outcome, shared, actor, recorded_at) VALUES (?, '11111111', ?, ?, 's', 'o', ?, 'a', ?)",
                   [mid, mun, date(2026, 1, 1), shared, datetime(2026, 1, 1)])
        db.execute("INSERT INTO provider_meeting_signal VALUES (?, ?, 'after_stop', '2025')", [mid, f"k-{mid}"])
    db.execute("INSERT INTO import_run (run_id, batch_id, source, file_sha256, kind, user_name, started_at, status) "
               "VALUES ('run1', 'b', 'f.xml', 'x', 'ijw', 'test', ?, 'done')", [datetime(2025, 3, 1)])


@pytest.fixture
def secured(pg_url: str) -> Iterator[tuple[str, str, str, str]]:
    """A seeded PostgreSQL store with RLS; yields (owner URL, tenant URL, region URL, secret)."""
    import psycopg

    from jeugdregie.store import connect
    from jeugdregie.store.rls import apply_rls

    tag = uuid.uuid4().hex[:8]
    tenant, region = f"jrt_{tag}", f"jrr_{tag}"
    db = connect(pg_url)
    seed(db)
    secret = apply_rls(db, tenant, region)
    db.close()
    host, name = pg_url.split("@", 1)[1].rsplit("/", 1)
    try:
        yield pg_url, f"postgresql://{tenant}@{host}/{name}", f"postgresql://{region}@{host}/{name}", secret
    finally:
        with psycopg.connect(pg_url, autocommit=True) as con:
            for role in (tenant, region):
                con.execute(f'DROP OWNED BY "{role}" CASCADE')
        with psycopg.connect(pg_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as admin:
            for role in (tenant, region):
                admin.execute(f'DROP ROLE IF EXISTS "{role}"')


def _tenant(url: str, secret: str, municipality: str | None = None, provider: str | None = None) -> Any:
    import psycopg

    from jeugdregie.store.rls import tenant_settings

    con = psycopg.connect(url, autocommit=True)
    con.execute("SELECT set_config('jeugdregie.municipality', %s, false), "
                "set_config('jeugdregie.municipality_sig', %s, false), set_config('jeugdregie.provider', %s, false), "
                "set_config('jeugdregie.provider_sig', %s, false)", tenant_settings(secret, municipality, provider))
    return con


def _rows(con: Any, sql: str) -> list[tuple[Any, ...]]:
    return list(con.execute(sql).fetchall())


def test_tenant_sees_only_own_municipality_even_with_handwritten_sql(secured: tuple[str, str, str, str]) -> None:
    _, tenant_url, _, secret = secured
    con = _tenant(tenant_url, secret, MUN)
    assert _rows(con, "SELECT DISTINCT municipality FROM declaration_line") == [(MUN,)]
    assert _rows(con, "SELECT * FROM declaration_line WHERE municipality = '0629'") == []
    assert _rows(con, "SELECT sum(signed_amount_cents) FROM declaration_line") == [(1000,)]
    assert _rows(con, "SELECT client_id FROM client ORDER BY 1") == [("c-own",)]
    assert _rows(con, "SELECT DISTINCT municipality FROM assignment") == [(MUN,)]  # views apply the caller's policy
    con.close()


def test_tenant_cannot_widen_its_scope(secured: tuple[str, str, str, str]) -> None:
    import psycopg

    _, tenant_url, _, secret = secured
    con = _tenant(tenant_url, secret, MUN)
    # switching the municipality by hand: the signature no longer matches, so nothing is visible
    con.execute(f"SELECT set_config('jeugdregie.municipality', '{OTHER}', false)")
    assert _rows(con, "SELECT count(*) FROM declaration_line") == [(0,)]
    con.execute("SELECT set_config('jeugdregie.municipality_sig', '', false)")
    assert _rows(con, "SELECT count(*) FROM client") == [(0,)]
    for sql in ("SELECT * FROM rls_secret", "SELECT * FROM import_run", "SELECT * FROM web_user",
                "SELECT * FROM audit_log", "SET ROLE postgres", "UPDATE declaration_line SET amount_cents = 0"):
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute(sql)
    con.close()


def test_no_setting_means_no_rows(secured: tuple[str, str, str, str]) -> None:
    import psycopg

    _, tenant_url, _, _ = secured
    with psycopg.connect(tenant_url, autocommit=True) as con:
        assert _rows(con, "SELECT count(*) FROM declaration_line") == [(0,)]


def test_provider_scope(secured: tuple[str, str, str, str]) -> None:
    _, tenant_url, _, secret = secured
    con = _tenant(tenant_url, secret, None, "11111111")
    assert _rows(con, "SELECT count(*) FROM declaration_line") == [(2,)]
    con.close()
    con = _tenant(tenant_url, secret, None, "99999999")
    assert _rows(con, "SELECT count(*) FROM declaration_line") == [(0,)]
    con.close()


def test_audit_log_insert_own_only_and_append_only(secured: tuple[str, str, str, str]) -> None:
    import psycopg

    owner_url, tenant_url, region_url, secret = secured
    con = _tenant(tenant_url, secret, MUN)
    ins = ("INSERT INTO audit_log (audit_id, logged_at, actor, action, object, filters, municipality, row_count) "
           "VALUES (%s, now(), 'a', 'view', 'lists.wlz', '{}', %s, 1)")
    con.execute(ins, ["a1", MUN])
    with pytest.raises(psycopg.errors.InsufficientPrivilege):
        con.execute(ins, ["a2", OTHER])
    con.close()
    with psycopg.connect(owner_url, autocommit=True) as owner:
        with pytest.raises(psycopg.errors.RaiseException):
            owner.execute("UPDATE audit_log SET actor = 'x'")
        with pytest.raises(psycopg.errors.RaiseException):
            owner.execute("DELETE FROM audit_log")
    with psycopg.connect(region_url, autocommit=True) as region:
        assert _rows(region, "SELECT count(*) FROM audit_log") == [(1,)]


def test_region_role_reads_all_and_writes_nothing(secured: tuple[str, str, str, str]) -> None:
    import psycopg

    _, _, region_url, _ = secured
    with psycopg.connect(region_url, autocommit=True) as con:
        assert _rows(con, "SELECT DISTINCT municipality FROM declaration_line ORDER BY 1") == [(MUN,), (OTHER,)]
        assert _rows(con, "SELECT count(*) FROM client") == [(2,)]
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("DELETE FROM declaration_line")
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            con.execute("SELECT * FROM rls_secret")


def test_web_monitor_on_postgres_with_rls(secured: tuple[str, str, str, str]) -> None:
    from fastapi.testclient import TestClient

    from jeugdregie.store import connect
    from jeugdregie.web.accounts import add_user
    from jeugdregie.web.app import create_app
    from jeugdregie.web.tests.conftest import PASSWORD, login

    owner_url, tenant_url, region_url, _ = secured
    db = connect(owner_url)
    add_user(db, "g@example.nl", "gemeente", MUN, password=PASSWORD)
    db.close()
    app = create_app(owner_url, tenant_url=tenant_url, region_url=region_url)
    try:
        assert app.state.stores.rls
        with TestClient(app, base_url="https://testserver") as client:
            login(client, "g@example.nl")
            own = client.get(f"/api/costs?period=2025&by=municipality&municipality={MUN}").json()
            assert [r["group"].split(" ")[0] for r in own["rows"]] == [MUN]
            assert own["totals"][0]["net_cents"] == 1000
            region = client.get("/api/costs?period=2025&by=municipality").json()
            assert region["suppressed"] > 0  # one client per municipality: counts hidden
            assert sorted(r["net_cents"] for r in region["rows"]) == [1000, 2000]
            assert client.get(f"/api/costs?period=2025&municipality={OTHER}").status_code == 403
            assert client.get("/overzicht?period=2025").status_code == 200
    finally:
        app.state.stores.close()


def test_meetings_shared_within_the_region_not_with_the_provider(secured: tuple[str, str, str, str]) -> None:
    _, tenant_url, _, secret = secured
    con = _tenant(tenant_url, secret, MUN)
    assert _rows(con, "SELECT meeting_id FROM provider_meeting ORDER BY 1") == [("m-own",), ("m-shared",)]
    assert _rows(con, "SELECT signal_key FROM provider_meeting_signal ORDER BY 1") == [("k-m-own",), ("k-m-shared",)]
    con.close()
    con = _tenant(tenant_url, secret, None, "11111111")
    assert _rows(con, "SELECT count(*) FROM provider_meeting") == [(0,)]
    con.close()


def test_edit_pages_under_row_level_security(secured: tuple[str, str, str, str]) -> None:
    """With RLS the edit pages read through the tenant/region roles and write through the owner: measure,
    narrative and ledger case are saved for the own municipality and read back on the pages."""
    from fastapi.testclient import TestClient

    from jeugdregie.store import connect
    from jeugdregie.web.accounts import add_user
    from jeugdregie.web.app import create_app
    from jeugdregie.web.tests.conftest import PASSWORD, login
    from jeugdregie.web.tests.test_measures_edit import create
    from jeugdregie.web.tests.test_narratives_ledger_edit import PERIOD, _ledger, _say

    owner_url, tenant_url, region_url, _ = secured
    db = connect(owner_url)
    add_user(db, "g@example.nl", "gemeente", MUN, password=PASSWORD)
    db.close()
    app = create_app(owner_url, tenant_url=tenant_url, region_url=region_url)
    try:
        assert app.state.stores.rls
        with TestClient(app, base_url="https://testserver") as client:
            login(client, "g@example.nl")
            assert create(client).status_code == 303
            assert "Praktijkondersteuner jeugd" in client.get(f"/maatregelen?nummer=M7&van={MUN}").text
            assert _say(client, "maatregel:M7", "Twaalf praktijken doen mee.", 0).status_code == 303
            assert "Twaalf praktijken doen mee." in client.get(f"/duiding?period={PERIOD}&sleutel=maatregel:M7").text
            assert _ledger(client, "aanvragen", doel="Huur", bedrag="1.000", regulier="ja").status_code == 303
            assert f"{MUN}-2026-001" in client.get("/maatwerkbudget?jaar=2026").text
    finally:
        app.state.stores.close()
