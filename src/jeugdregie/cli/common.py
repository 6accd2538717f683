"""Options shared by commands."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

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


def open_db(db: str | None, read_only: bool = False) -> Database:
    return connect(db or get_settings().db, read_only=False)
