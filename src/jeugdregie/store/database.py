"""The one object that owns a connection and the dialect differences (DuckDB vs PostgreSQL).

Analyses receive a ``Database`` and never open connections themselves. SQL is written once with ``?``
placeholders in the subset both engines run; ``Database`` rewrites placeholders for PostgreSQL.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import duckdb

_PLACEHOLDER = re.compile(r"\?")


class Database:
    """A connection to the jeugdregie store.

    ``url`` is a DuckDB file path (default engine) or a ``postgresql://`` URL.
    """

    def __init__(self, url: str, read_only: bool = False) -> None:
        self.url = url
        self.engine = "postgres" if url.startswith(("postgresql://", "postgres://")) else "duckdb"
        self._tx_depth = 0
        if self.engine == "duckdb":
            path = Path(url)
            if url != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            self._con: Any = duckdb.connect(url, read_only=read_only)
        else:
            import psycopg

            self._con = psycopg.connect(url, autocommit=True)

    # -- basic API -------------------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        if self.engine == "postgres":
            return _PLACEHOLDER.sub("%s", sql.replace("%", "%%"))
        return sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.engine == "duckdb":
            self._con.execute(sql, list(params))
        else:
            with self._con.cursor() as cur:
                cur.execute(self._sql(sql), list(params) if params else None)

    def executescript(self, sql: str) -> None:
        for statement in split_statements(sql):
            self.execute(statement)

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        """Rows as dicts (column name -> value)."""
        if self.engine == "duckdb":
            cur = self._con.execute(sql, list(params))
            cols = [d[0] for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
        with self._con.cursor() as cur:
            cur.execute(self._sql(sql), list(params) if params else None)
            if cur.description is None:
                return []
            cols = [d.name for d in cur.description]
            return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]

    def query_value(self, sql: str, params: Sequence[Any] = ()) -> Any:
        rows = self.query(sql, params)
        if not rows:
            return None
        return next(iter(rows[0].values()))

    def insert_rows(self, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]],
                    on_conflict_ignore: bool = False) -> None:
        """Bulk insert. Uses DuckDB's DataFrame scan or PostgreSQL COPY where possible."""
        if not rows:
            return
        cols = ", ".join(columns)
        if self.engine == "duckdb":
            import numpy as np

            # object columns keep None as NULL and ints as ints (no float round trip); DuckDB casts to the
            # table's column types while scanning. DuckDB scans a dict of NumPy arrays directly: no DataFrame
            # (building and registering one cost several milliseconds per call, more than small batches)
            data = {}
            for c, values in zip(columns, zip(*rows, strict=True), strict=True):
                col = np.empty(len(rows), dtype=object)
                col[:] = values
                data[c] = col
            name = f"_ins_{table}"
            self._con.register(name, data)
            try:
                conflict = " ON CONFLICT DO NOTHING" if on_conflict_ignore else ""
                self._con.execute(
                    f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {name}{conflict}"  # noqa: S608
                )
            finally:
                self._con.unregister(name)
        else:
            if on_conflict_ignore:
                ph = ", ".join(["%s"] * len(columns))
                with self._con.cursor() as cur:
                    cur.executemany(
                        f"INSERT INTO {table} ({cols}) VALUES ({ph}) ON CONFLICT DO NOTHING",  # noqa: S608
                        [list(r) for r in rows],
                    )
            else:
                with self._con.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
                    for r in rows:
                        copy.write_row(r)

    @contextlib.contextmanager
    def rows_as_table(self, name: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> Iterator[None]:
        """Make ``rows`` queryable as table ``name`` (all columns VARCHAR) inside the block, e.g. to join a batch
        of keys against the store in one query. DuckDB scans the rows in place (no table is stored);
        PostgreSQL gets a temporary table that is dropped afterwards."""
        if self.engine == "duckdb":
            import numpy as np

            data = {}
            for i, c in enumerate(columns):
                col = np.empty(len(rows), dtype=object)
                col[:] = [r[i] for r in rows]
                data[c] = col
            self._con.register(name, data)
            try:
                yield
            finally:
                self._con.unregister(name)
            return
        self.execute(f"CREATE TEMPORARY TABLE {name} ({', '.join(f'{c} VARCHAR' for c in columns)})")
        try:
            self.insert_rows(name, columns, rows)
            yield
        finally:
            self.execute(f"DROP TABLE {name}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """Atomic block; nested calls join the outer transaction."""
        if self._tx_depth:
            self._tx_depth += 1
            try:
                yield self
            finally:
                self._tx_depth -= 1
            return
        self._tx_depth = 1
        if self.engine == "duckdb":
            self._con.execute("BEGIN TRANSACTION")
            try:
                yield self
            except BaseException:
                self._con.execute("ROLLBACK")
                raise
            else:
                self._con.execute("COMMIT")
            finally:
                self._tx_depth = 0
        else:
            try:
                with self._con.transaction():
                    yield self
            finally:
                self._tx_depth = 0

    def table_exists(self, name: str) -> bool:
        if self.engine == "duckdb":
            sql = "SELECT count(*) AS n FROM information_schema.tables WHERE table_name = ?"
        else:
            sql = ("SELECT count(*) AS n FROM information_schema.tables "
                   "WHERE table_name = ? AND table_schema = current_schema()")
        return bool(self.query_value(sql, [name]))

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def raw(self) -> Any:
        """The driver connection, for engine-specific code paths (benchmarks, RLS tests)."""
        return self._con


def split_statements(sql: str) -> list[str]:
    """Split a migration script on ';' at line ends (no semicolons inside our literals)."""
    parts, buf = [], []
    for line in sql.splitlines():
        if line.strip().startswith("--"):
            continue
        buf.append(line)
        if line.rstrip().endswith(";"):
            stmt = "\n".join(buf).strip().rstrip(";").strip()
            if stmt:
                parts.append(stmt)
            buf = []
    tail = "\n".join(buf).strip()
    if tail:
        parts.append(tail)
    return parts


def connect(url: str | None = None, migrate: bool = True, read_only: bool = False) -> Database:
    """Open the configured store and bring its schema up to date."""
    from jeugdregie.settings import get_settings
    from jeugdregie.store.migrations import migrate as run_migrations

    db = Database(url or get_settings().db, read_only=read_only)
    if migrate and not read_only:
        run_migrations(db)
    return db
