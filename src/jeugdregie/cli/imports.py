"""`jeugdregie imports runs|quarantine`: what the imports did and what was held back, with reasons."""

from __future__ import annotations

from typing import Annotated

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

imports_app = typer.Typer(help="Importruns en quarantaine (met reden).", no_args_is_help=True)

RUN_COLUMNS = [
    Column("started_at", "Gestart"), Column("source", "Bestand"), Column("kind", "Soort"),
    Column("status", "Status"), Column("user_name", "Door"), Column("messages_in", "Berichten", "int"),
    Column("messages_stored", "Opgeslagen", "int"), Column("messages_quarantined", "Quarantaine", "int"),
    Column("messages_duplicate", "Dubbel", "int"), Column("lines_in", "Regels", "int"),
    Column("lines_stored", "Regels opgeslagen", "int"), Column("lines_quarantined", "Regels quarantaine", "int"),
    Column("error", "Fout"),
]
REASON_COLUMNS = [
    Column("rule", "Regel"), Column("reason_nl", "Reden"), Column("level", "Niveau"),
    Column("items", "Aantal", "int"), Column("amount_cents", "Bedrag (323)", "cents"),
]
ITEM_COLUMNS = [
    Column("created_at", "Tijdstip"), Column("source", "Bestand"), Column("message_type", "Bericht"),
    Column("message_id", "Berichtidentificatie"), Column("element_path", "Element"), Column("rule", "Regel"),
    Column("reason_nl", "Reden"), Column("municipality", "Gemeente"), Column("provider_agb", "Aanbieder"),
    Column("item_ref", "Referentie"), Column("signed_amount_cents", "Bedrag", "cents"),
]


def register(app: typer.Typer) -> None:
    app.add_typer(imports_app, name="imports")


@imports_app.command("runs")
def runs_cmd(
    limit: Annotated[int, typer.Option("--limit", min=1, max=5000, help="Aantal recente runs")] = 200,
    db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None,
) -> None:
    """Importruns (één per bestand), nieuwste eerst, met aantallen opgeslagen, dubbel en in quarantaine."""
    from jeugdregie.ingest.runs import import_runs

    database = open_db(db)
    try:
        rows = import_runs(database, limit)
    finally:
        database.close()
    emit(fmt, [Table("Importruns", RUN_COLUMNS, rows)], json_obj={"rows": rows}, out=out, default_name="importruns")


@imports_app.command("quarantine")
def quarantine_cmd(
    run: Annotated[str | None, typer.Option("--run", help="Alleen deze importrun (run_id)")] = None,
    rule: Annotated[str | None, typer.Option("--rule", help="Alleen deze regel (bijv. TR346)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=10000, help="Aantal items")] = 500,
    db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None,
) -> None:
    """Quarantaine: per regel het aantal en de reden, en de afzonderlijke items."""
    from jeugdregie.ingest.runs import quarantine_items, quarantine_reasons

    database = open_db(db)
    try:
        reasons = quarantine_reasons(database, run)
        items = quarantine_items(database, run, rule, limit)
    finally:
        database.close()
    tables = [Table("Quarantaine per reden", REASON_COLUMNS, reasons),
              Table("Quarantaine-items", ITEM_COLUMNS, items)]
    emit(fmt, tables, json_obj={"rows": reasons, "items": items}, out=out, default_name="quarantaine")
