"""Tenant isolation inside PostgreSQL: row-level security for the web monitor's connections.

Two database roles, neither owning the tables:

- the **tenant role** reads only the rows of one municipality (or one provider). Every table with a
  ``municipality`` column gets a policy ``municipality = tenant('municipality') OR provider_agb =
  tenant('provider')``; meetings with providers are visible to the own municipality and, when shared, to every
  municipality of the region (not to a provider); child tables without the column follow their parent; ``client`` rows are visible
  only for clients with a visible assignment, request or declaration. Administrative tables (import runs,
  accounts, sessions) are not granted at all; the audit log only accepts inserts for the own municipality.
- the **region role** reads all rows, for aggregated figures (small cells suppressed by the analyses) and
  administration; it writes nothing.

The tenant is taken from two connection settings, ``jeugdregie.municipality`` / ``jeugdregie.provider``,
each *signed*: the application also sets ``jeugdregie.<kind>_sig`` = SHA-256 over a secret only the table
owner can read (table ``rls_secret``) and the value. The policy function ``jeugdregie_tenant(kind)``
(SECURITY DEFINER, owned by the owner) returns the value only when the signature matches, so SQL run on a
tenant connection cannot widen its own scope with ``set_config``: without the secret it sees nothing.

Views are switched to ``security_invoker`` so they apply the caller's policies. The audit log is append-only
for everyone (trigger). ``apply_rls`` is idempotent and also covers tables added by later migrations; the web
monitor runs it at start-up when both role URLs are configured.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from jeugdregie.store.database import Database

#: tables the tenant role may not read at all (administration, accounts)
TENANT_DENIED = {"import_run", "web_user", "web_session", "web_login_attempt", "rls_secret", "schema_migration",
                 "quarantine"}
#: child tables without a municipality column: visible when the parent row is
CHILDREN = {
    "change_request_line": ("change_request", "p.provider_agb = t.provider_agb "
                            "AND p.referentie_aanbieder = t.referentie_aanbieder"),
    "declaration_response_line": ("declaration_response", "p.message_key = t.message_key"),
    "provider_meeting_signal": ("provider_meeting", "p.meeting_id = t.meeting_id"),
}
#: tables a municipality shares with the other municipalities of the region (boolean column ``shared``); a
#: provider tenant does not see them (notes about the provider, not for the provider)
SHARED_IN_REGION = {"provider_meeting"}
#: tables whose rows belong to a client, visible when the client is
CLIENT_SOURCES = ("assignment_version", "declaration_line", "request")
INSERT_ONLY = {"audit_log"}


def _ident(name: str) -> str:
    if not name.replace("_", "").isalnum():
        raise ValueError(f"ongeldige naam {name!r}")
    return '"' + name + '"'


def signature(secret: str, kind: str, value: str) -> str:
    """The signature the policy function expects for a tenant setting."""
    return hashlib.sha256(f"{secret}:{kind}:{value}".encode()).hexdigest()


def _columns(cur: Any) -> dict[str, set[str]]:
    cur.execute("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema()")
    out: dict[str, set[str]] = {}
    for table, column in cur.fetchall():
        out.setdefault(table, set()).add(column)
    return out


def _kinds(cur: Any) -> tuple[list[str], list[str]]:
    cur.execute("SELECT table_name, table_type FROM information_schema.tables WHERE table_schema = current_schema()")
    tables: list[str] = []
    views: list[str] = []
    for name, kind in cur.fetchall():
        (views if kind == "VIEW" else tables).append(name)
    return sorted(tables), sorted(views)


def apply_rls(db: Database, tenant_role: str, region_role: str) -> str:
    """Create/refresh roles, grants, policies and the signing secret; returns the secret.

    Run as the owner of the tables (a role with CREATEROLE, or a superuser, to create the two roles)."""
    if db.engine != "postgres":
        raise ValueError("rijbeveiliging (RLS) bestaat alleen op PostgreSQL")
    tr, rr = _ident(tenant_role), _ident(region_role)
    con = db.raw
    with con.transaction(), con.cursor() as cur:
        for role in (tenant_role, region_role):
            cur.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [role])
            if cur.fetchone() is None:
                cur.execute(f"CREATE ROLE {_ident(role)} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOBYPASSRLS")
        cur.execute("CREATE TABLE IF NOT EXISTS rls_secret (secret VARCHAR NOT NULL)")
        cur.execute("SELECT secret FROM rls_secret LIMIT 1")
        row = cur.fetchone()
        secret = str(row[0]) if row else secrets.token_hex(32)
        if not row:
            cur.execute("INSERT INTO rls_secret (secret) VALUES (%s)", [secret])
        cur.execute("SELECT current_schema()")
        schema = str(cur.fetchone()[0])  # type: ignore[index]
        cur.execute(f"GRANT USAGE ON SCHEMA {_ident(schema)} TO {tr}, {rr}")
        cur.execute(
            "CREATE OR REPLACE FUNCTION jeugdregie_tenant(kind TEXT) RETURNS TEXT LANGUAGE plpgsql STABLE "  # noqa: S608
            f"SECURITY DEFINER SET search_path = {_ident(schema)} AS $fn$\n"
            "DECLARE v TEXT; sig TEXT; s TEXT;\n"
            "BEGIN\n"
            "  v := current_setting('jeugdregie.' || kind, true);\n"
            "  sig := current_setting('jeugdregie.' || kind || '_sig', true);\n"
            "  IF v IS NULL OR v = '' OR sig IS NULL OR sig = '' THEN RETURN NULL; END IF;\n"
            "  SELECT secret INTO s FROM rls_secret LIMIT 1;\n"
            "  IF encode(sha256(convert_to(s || ':' || kind || ':' || v, 'UTF8')), 'hex') = sig THEN\n"
            "    RETURN v;\n"
            "  END IF;\n"
            "  RETURN NULL;\n"
            "END\n$fn$")
        cur.execute("REVOKE ALL ON FUNCTION jeugdregie_tenant(TEXT) FROM PUBLIC")
        cur.execute(f"GRANT EXECUTE ON FUNCTION jeugdregie_tenant(TEXT) TO {tr}")
        cur.execute("REVOKE ALL ON rls_secret FROM PUBLIC")
        columns = _columns(cur)
        tables, views = _kinds(cur)
        mine = "(SELECT jeugdregie_tenant('municipality'))"
        prov = "(SELECT jeugdregie_tenant('provider'))"
        for table in tables:
            t = _ident(table)
            cols = columns.get(table, set())
            cur.execute(f"REVOKE ALL ON {t} FROM {tr}, {rr}")
            cur.execute(f"ALTER TABLE {t} ENABLE ROW LEVEL SECURITY")
            for policy in ("jr_tenant", "jr_tenant_insert", "jr_region"):
                cur.execute(f"DROP POLICY IF EXISTS {policy} ON {t}")
            if table == "rls_secret":
                continue
            cur.execute(f"GRANT SELECT ON {t} TO {rr}")
            cur.execute(f"CREATE POLICY jr_region ON {t} FOR SELECT TO {rr} USING (true)")
            if table in TENANT_DENIED:
                continue
            if table in SHARED_IN_REGION:
                cond = f"(municipality = {mine} OR (shared AND {mine} IS NOT NULL))"
            elif "municipality" in cols:
                cond = f"municipality = {mine}"
                if "provider_agb" in cols:
                    cond = f"({cond} OR provider_agb = {prov})"
            elif table in CHILDREN:
                parent, join = CHILDREN[table]
                cond = f"EXISTS (SELECT 1 FROM {_ident(parent)} p WHERE {join})"  # noqa: S608 - fixed names
            elif table == "client":
                cond = " OR ".join(f"EXISTS (SELECT 1 FROM {src} s WHERE s.client_id = t.client_id)"  # noqa: S608
                                   for src in CLIENT_SOURCES if src in columns)
            else:
                cond = "true"  # reference data: code lists, products, norms, municipalities, providers
            if table in INSERT_ONLY:
                cur.execute(f"GRANT INSERT ON {t} TO {tr}")
                cur.execute(f"CREATE POLICY jr_tenant_insert ON {t} FOR INSERT TO {tr} WITH CHECK ({cond})")
                continue
            cur.execute(f"GRANT SELECT ON {t} TO {tr}")
            alias = f"{t} t" if table in CHILDREN or table == "client" else t
            if alias != t:
                # policies cannot alias their own table; qualify with the table name instead
                cond = cond.replace("t.", f"{t}.")
            cur.execute(f"CREATE POLICY jr_tenant ON {t} FOR SELECT TO {tr} USING ({cond})")
        for view in views:
            v = _ident(view)
            cur.execute(f"ALTER VIEW {v} SET (security_invoker = true)")
            cur.execute(f"REVOKE ALL ON {v} FROM {tr}, {rr}")
            cur.execute(f"GRANT SELECT ON {v} TO {tr}, {rr}")
        cur.execute(
            "CREATE OR REPLACE FUNCTION jeugdregie_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
            "BEGIN RAISE EXCEPTION 'audit_log is append-only'; END\n$fn$")
        cur.execute("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log")
        cur.execute("CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
                    "FOR EACH ROW EXECUTE FUNCTION jeugdregie_append_only()")
        for idx, (table, col) in {"jr_dl_client": ("declaration_line", "client_id"),
                                  "jr_av_client": ("assignment_version", "client_id"),
                                  "jr_rq_client": ("request", "client_id")}.items():
            cur.execute(f"CREATE INDEX IF NOT EXISTS {idx} ON {table} ({col})")
    return secret


def tenant_settings(secret: str, municipality: str | None, provider: str | None) -> list[str]:
    """Values for ``set_config`` of municipality, its signature, provider and its signature."""
    m, p = municipality or "", provider or ""
    return [m, signature(secret, "municipality", m) if m else "", p, signature(secret, "provider", p) if p else ""]
