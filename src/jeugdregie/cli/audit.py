"""`jeugdregie audit`: the append-only log of client-level views and exports."""

from __future__ import annotations

from typing import Annotated

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

AUDIT_COLUMNS = [
    Column("logged_at", "Tijdstip"), Column("actor", "Wie"), Column("action", "Actie"), Column("object", "Wat"),
    Column("filters", "Filter"), Column("municipality", "Gemeente"), Column("row_count", "Rijen", "int"),
]


def register(app: typer.Typer) -> None:
    app.command("audit")(audit_cmd)


def audit_cmd(
    actor: Annotated[str | None, typer.Option("--actor", help="Alleen deze gebruiker")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="Aantal regels")] = 500,
    db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None,
) -> None:
    """Auditlog: wie heeft wanneer welke gegevens op clientniveau bekeken of geëxporteerd, met welk filter."""
    from jeugdregie.store.audit import audit_entries

    database = open_db(db)
    try:
        rows = audit_entries(database, limit, actor)
    finally:
        database.close()
    emit(fmt, [Table("Auditlog", AUDIT_COLUMNS, rows)], json_obj={"rows": rows}, out=out, default_name="auditlog")
