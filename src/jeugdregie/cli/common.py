"""Options shared by commands."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console

from jeugdregie.settings import get_settings
from jeugdregie.store import Database, connect


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"
    xlsx = "xlsx"


DbOption = Annotated[
    str | None,
    typer.Option("--db", help="DuckDB-bestand of postgresql://-URL (standaard: JEUGDREGIE_DB)"),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Uitvoer: table, json, csv of xlsx")]
OutOption = Annotated[
    str | None, typer.Option("--out", "-o", help="Bestand voor csv/xlsx-uitvoer (standaard: stdout / naam)")
]


class BorrowedDatabase(Database):
    """A caller's open ``Database`` lent to a command: same connection, ``close`` does nothing."""

    def __init__(self, db: Database) -> None:  # noqa: D107 - shares the lender's state
        self.__dict__.update(db.__dict__)

    def close(self) -> None:
        pass


_lent: ContextVar[Database | None] = ContextVar("jeugdregie_lent_db", default=None)


@contextlib.contextmanager
def lend_database(db: Database) -> Iterator[None]:
    """Commands run in this block use ``db`` instead of opening the store (the web layer's scoped
    connection); ``--db`` is then ignored."""
    token = _lent.set(BorrowedDatabase(db))
    try:
        yield
    finally:
        _lent.reset(token)


def open_db(db: str | None, read_only: bool = False) -> Database:
    lent = _lent.get()
    if lent is not None:
        return lent
    return connect(db or get_settings().db, read_only=False)


def fail(exc: Exception) -> typer.Exit:
    """The error as a Dutch message on stderr; raise the returned exit (code 2)."""
    Console(stderr=True).print(f"[red]Fout:[/red] {exc}")
    return typer.Exit(code=2)


@contextlib.contextmanager
def command_db(db: str | None, errors: tuple[type[Exception], ...] = (ValueError, OSError)) -> Iterator[Database]:
    """The store for a command, closed after the block; an error of ``errors`` in opening it or in the block
    becomes a Dutch message and exit code 2."""
    try:
        database = open_db(db)
        try:
            yield database
        finally:
            database.close()
    except errors as exc:
        raise fail(exc) from exc
