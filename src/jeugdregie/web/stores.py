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
        self._version: tuple[float, Any] = (0.0, None)
        self._lock = threading.Lock()

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
    def admin(self) -> Iterator[Database]:
        """Accounts, sessions, audit log (owner connection)."""
        if self.engine == "duckdb":
            db = _duck_cursor(self.main)
            try:
                yield db
            finally:
                db.close()
        else:
            with self._from(self._admin) as db:
                yield db

    @contextlib.contextmanager
    def scoped(self, grant: Grant) -> Iterator[Database]:
        """The connection an analysis runs on for this grant."""
        if self.engine == "duckdb":
            db = _duck_cursor(self.main)
            try:
                yield db
            finally:
                db.close()
        elif grant.scope == "tenant":
            from jeugdregie.store.rls import tenant_settings

            with self._from(self._tenant, tenant_settings(self._secret, grant.municipality, grant.provider)) as db:
                yield db
        else:
            with self._from(self._region) as db:
                yield db

    def data_version(self, ttl: float = 2.0) -> Any:
        """Changes whenever data that analyses read changes (imports, norms, population); checked at most
        every ``ttl`` seconds. Used as part of the result-cache key."""
        now = time.monotonic()
        with self._lock:
            if now - self._version[0] < ttl:
                return self._version[1]
        parts = []
        with self.admin() as db:
            for table, col in (("import_run", "finished_at"), ("access_norm", "imported_at"),
                               ("population", "year"), ("store_meta", "meta_value")):
                if db.table_exists(table):
                    parts.append(tuple(db.query(
                        f"SELECT count(*) AS n, max({col}) AS m FROM {table}")[0].values()))  # noqa: S608 - fixed names
        version = tuple(parts)
        with self._lock:
            self._version = (now, version)
        return version

    def close(self) -> None:
        if self.engine == "postgres":
            for pool in (self._admin, self._tenant, self._region):
                pool.close()
        self.main.close()
