"""`jeugdregie ingest` and `jeugdregie status`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from jeugdregie.cli.common import DbOption, Format, FormatOption, open_db
from jeugdregie.cli.output import Column, Table, emit
from jeugdregie.money import format_eur, format_int


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("status")(status)


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Bestanden, mappen of zip-archieven met iJw-berichten of CSV/Excel")],
    db: DbOption = None,
    allow_quarantine: Annotated[bool, typer.Option("--allow-quarantine",
                                                   help="Exitcode 0, ook als er regels in quarantaine gingen")] = False,
    xsd_dir: Annotated[Path | None, typer.Option("--xsd-dir", help="Map met de officiele iJw 3.2-XSD's")] = None,
) -> None:
    """Lees iJw 3.2-berichten (301, 305, 307, 315, 317, 323, 325) en CSV/Excel-exports in."""
    from jeugdregie.ingest.loader import Ingester
    from jeugdregie.ingest.sources import iter_sources
    from jeugdregie.settings import MissingKeyError, get_settings

    settings = get_settings()
    console = Console(stderr=True)
    try:
        key = settings.key_bytes()
        sources = list(iter_sources(paths))
        xsd = xsd_dir or settings.xsd_dir
        if xsd is not None:
            from jeugdregie.ijw.xsd import XsdValidator

            XsdValidator(xsd)  # checks the folder up front: a wrong path is a message, not a traceback
    except (MissingKeyError, FileNotFoundError) as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(code=2) from None
    database = open_db(db)
    ing = Ingester(database, key, user=settings.user, xsd_dir=xsd)
    with Progress(TextColumn("[bold]Inlezen[/bold]"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console, transient=False) as progress:
        task = progress.add_task("ingest", total=len(sources))
        summary = ing.run([], on_file=lambda s, r: progress.advance(task), sources=sources)
    c = summary.counts
    console.print(
        f"Bestanden: {format_int(summary.files)} ingelezen, {format_int(summary.files_skipped)} al eerder ingelezen, "
        f"{format_int(summary.files_failed)} mislukt")
    console.print(
        f"Berichten: {format_int(c['messages_in'])} = {format_int(c['messages_stored'])} opgeslagen + "
        f"{format_int(c['messages_quarantined'])} in quarantaine + {format_int(c['messages_duplicate'])} dubbel")
    console.print(
        f"Regels: {format_int(c['lines_in'])} = {format_int(c['lines_stored'])} opgeslagen + "
        f"{format_int(c['lines_quarantined'])} in quarantaine")
    for t, n in sorted(summary.by_type.items()):
        console.print(f"  {t}: {format_int(n)}")
    for reason, n in summary.reasons.most_common(10):
        console.print(f"  [yellow]quarantaine[/yellow] {reason}: {format_int(n)}")
    for name, err in summary.failures[:10]:
        console.print(f"  [red]mislukt[/red] {name}: {err}")
    database.close()
    if summary.files_failed or (summary.quarantined and not allow_quarantine):
        raise typer.Exit(code=2 if summary.files_failed else 1)


def status(db: DbOption = None, fmt: FormatOption = Format.table) -> None:
    """Wat staat er in de database: berichten, quarantaine en gedeclareerde bedragen."""
    from jeugdregie.analysis.status import status as compute

    database = open_db(db)
    s = compute(database)
    database.close()
    rows = [{"k": f"Berichten {t}", "v": format_int(n)} for t, n in s["messages"].items()]
    rows += [
        {"k": "Quarantaine", "v": format_int(s["quarantined"])},
        {"k": "Gedeclareerd debet", "v": format_eur(s["declared_cents"]["debit"], True)},
        {"k": "Gedeclareerd credit", "v": format_eur(s["declared_cents"]["credit"], True)},
        {"k": "Gedeclareerd netto", "v": format_eur(s["declared_cents"]["net"], True)},
        {"k": "Clienten", "v": format_int(s["clients"])},
        {"k": "Aanbieders", "v": format_int(s["providers"])},
        {"k": "Gemeenten", "v": format_int(s["municipalities"])},
    ]
    rows += [{"k": f"Netto zorgjaar {y}", "v": format_eur(v, True)}
             for y, v in s["declared_net_cents_by_service_year"].items()]
    rows += [{"k": f"Quarantaine {r}", "v": format_int(n)} for r, n in s["quarantine_reasons"].items()]
    emit(fmt, [Table("Status", [Column("k", "Onderdeel"), Column("v", "Waarde")], rows)], json_obj=s,
         default_name="status")
