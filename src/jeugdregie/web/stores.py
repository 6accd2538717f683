"""Connections of the web monitor, one per request and scope.

DuckDB (one file): every request gets its own cursor on the one open database (DuckDB runs them
concurrently); tenant isolation is enforced by the application (``permissions``).

PostgreSQL: three connection strings. ``db`` (owner: migrations, accounts, sessions, audit log),
``web_tenant_db`` (a role under row-level security: each connection is limited with
``set_config('jeugdregie.municipality' | 'jeugdregie.provider', …)`` before any query) and
``web_region_db`` (a role that may read all rows, used only for aggregated and administrative commands).
See ``jeugdregie.store.rls``. Without the two role URLs both fall back to ``db`` and only the application
enforces isolation (``serve`` says so at start-up).
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

from jeugdregie.store.database import Database, connect
from jeugdregie.web.permissions import Grant

_SET_TENANT = ("SELECT set_config('jeugdregie.municipality', ?, false), "
               "set_config('jeugdregie.municipality_sig', ?, false), set_config('jeugdregie.provider', ?, false), "
               "set_config('jeugdregie.provider_sig', ?, false)")


#: tables that are not registers: written only by an import (covered by import_run), or by the web layer
_NOT_REGISTERS = {"import_run", "quarantine", "message", "client", "request", "assignment_version", "care_start_event",
                  "care_stop_event", "change_request", "change_request_line", "declaration", "declaration_line",
                  "declaration_response", "declaration_response_line", "audit_log", "web_user", "web_session",
                  "web_login_attempt", "schema_migration", "rls_secret", "codelist"}


class _Pool:
    def __init__(self, url: str, size: int = 8) -> None:
        self.url = url
        self.idle: queue.LifoQueue[Database] = queue.LifoQueue(maxsize=size)

    def get(self) -> Database:
        try:
            return self.idle.get_nowait()
        except queue.Empty:
            return Database(self.url)

    def put(self, db: Database) -> None:
        try:
            self.idle.put_nowait(db)
        except queue.Full:
            db.close()

    def close(self) -> None:
        while True:
            try:
                self.idle.get_nowait().close()
            except queue.Empty:
                return


def _duck_cursor(main: Database) -> Database:
    db = Database.__new__(Database)
    db.url, db.engine, db._tx_depth = main.url, main.engine, 0
    db._con = main.raw.cursor()
    return db


class Stores:
    def __init__(self, url: str, tenant_url: str | None = None, region_url: str | None = None) -> None:
        self.url = url
        self.main = connect(url)  # brings the schema up to date
        self.engine = self.main.engine
        self.rls = bool(self.engine == "postgres" and tenant_url and region_url)
        self._secret = ""
        if self.rls:
            from jeugdregie.store.rls import apply_rls

            tenant_role, region_role = urlsplit(str(tenant_url)).username, urlsplit(str(region_url)).username
            if not tenant_role or not region_role or tenant_role == region_role:
                raise ValueError("web_tenant_db en web_region_db: twee verschillende rollen in de URL nodig")
            self._secret = apply_rls(self.main, tenant_role, region_role)
        if self.engine == "postgres":
            self._admin = _Pool(url)
            self._tenant = _Pool(tenant_url or url)
            self._region = _Pool(region_url or url)
        self._version: tuple[float, Any] = (-1e9, None)
        self._registers: list[str] | None = None
        self._lock = threading.Lock()
        self._changes = 0  # changes made through this process's edit pages (some keep every row count)

    @contextlib.contextmanager
    def _from(self, pool: _Pool, setup: list[str] | None = None) -> Iterator[Database]:
        db = pool.get()
        ok = False
        try:
            if setup is not None:
                db.execute(_SET_TENANT, setup)
            yield db
            ok = True
        finally:
            if ok and setup is not None:
                try:
                    db.execute(_SET_TENANT, ["", "", "", ""])
                except Exception:  # noqa: BLE001 - a broken connection is dropped below
                    ok = False
            if ok:
                pool.put(db)
            else:
                db.close()

    @contextlib.contextmanager
    def _cursor(self) -> Iterator[Database]:
        db = _duck_cursor(self.main)
        try:
            yield db
        finally:
            db.close()

    def admin(self) -> contextlib.AbstractContextManager[Database]:
        """Accounts, sessions, audit log (owner connection)."""
        return self._cursor() if self.engine == "duckdb" else self._from(self._admin)

    @contextlib.contextmanager
    def scoped(self, grant: Grant) -> Iterator[Database]:
        """The connection an analysis runs on for this grant."""
        if self.engine == "duckdb":
            with self._cursor() as db:
                yield db
        elif grant.scope == "tenant":
            from jeugdregie.store.rls import tenant_settings

            with self._from(self._tenant, tenant_settings(self._secret, grant.municipality, grant.provider)) as db:
                yield db
        else:
            with self._from(self._region) as db:
                yield db

    def data_version(self, ttl: float = 2.0) -> Any:
        """Changes whenever data that analyses read changes: import runs, and the row count of every register
        table (norms, population, budgets, measures, …); checked at most every ``ttl`` seconds. Part of the
        result-cache key (the cache also expires entries after a few minutes)."""
        now = time.monotonic()
        with self._lock:
            if now - self._version[0] < ttl:
                return self._version[1]
        with self.admin() as db:
            if self._registers is None:
                self._registers = [r["t"] for r in db.query(
                    "SELECT table_name AS t FROM information_schema.tables WHERE table_type = 'BASE TABLE' "
                    "AND table_schema = current_schema() ORDER BY 1") if r["t"] not in _NOT_REGISTERS]
            parts: list[Any] = [tuple(db.query("SELECT count(*) AS n, max(finished_at) AS m FROM import_run")[0]
                                      .values())]
            if self._registers:
                union = " UNION ALL ".join(
                    f"SELECT '{t}' AS t, count(*) AS n FROM {t}" for t in self._registers)  # noqa: S608
                parts += sorted((r["t"], int(r["n"])) for r in db.query(union))
            parts.append(db.query_value("SELECT meta_value FROM store_meta WHERE meta_key = 'synthetic'"))
        parts.append(self._changes)
        version = tuple(parts)
        with self._lock:
            self._version = (now, version)
        return version

    def refresh(self) -> None:
        """A change was made through the web: a new data version at once (also when the change kept every row
        count, e.g. a decision in the maatwerkbudget), so cached results of the old data are not reused. Other
        processes see it through the row counts of the history tables within ``ttl``."""
        with self._lock:
            self._version = (-1e9, None)
            self._changes += 1

    def close(self) -> None:
        if self.engine == "postgres":
            for pool in (self._admin, self._tenant, self._region):
                pool.close()
        self.main.close()
