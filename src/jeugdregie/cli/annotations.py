"""`jeugdregie annotations`: mark periods with known disturbances (corona, the 2020 financing change) (C54)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, command_db, fail
from jeugdregie.cli.output import Column, Table, emit

annotations_app = typer.Typer(help="Bijzondere perioden die in elke trend en vergelijking worden gemarkeerd.",
                              no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(annotations_app, name="annotations")


@annotations_app.command("add")
def annotations_add(
    start: Annotated[str, typer.Option("--from", help="Eerste maand: 2020-03, 2020Q2 of 2020")],
    end: Annotated[str, typer.Option("--to", help="Laatste maand (inclusief): 2021-12, 2021Q4 of 2021")],
    label: Annotated[str, typer.Option("--label", help="Korte naam, bijv. 'Corona'")],
    description: Annotated[str | None, typer.Option("--description", help="Toelichting")] = None,
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen voor deze gemeente")] = None,
    source: Annotated[str | None, typer.Option("--source", help="Bron")] = None,
    db: DbOption = None,
) -> None:
    """Markeer een bijzondere periode."""
    from jeugdregie.analysis.special_periods import add

    with command_db(db) as database:
        aid = add(database, start, end, label, description, municipality, source)
    Console(stderr=True).print(f"Markering {aid} opgeslagen.")


@annotations_app.command("list")
def annotations_list(municipality: Annotated[str | None, typer.Option("--municipality", help="CBS-code")] = None,
                     db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """Toon de gemarkeerde perioden."""
    from jeugdregie.analysis.special_periods import list_annotations

    with command_db(db) as database:
        rows = list_annotations(database, municipality)
    cols = [Column("annotation_id", "Id"), Column("municipality", "Gemeente"), Column("start_month", "Van", "date"),
            Column("end_month", "Tot en met", "date"), Column("label", "Naam"), Column("description", "Toelichting"),
            Column("source", "Bron")]
    emit(fmt, [Table("Bijzondere perioden", cols, rows)], json_obj={"annotations": rows}, out=out,
         default_name="markeringen")


@annotations_app.command("remove")
def annotations_remove(annotation_id: Annotated[str, typer.Argument(help="Id uit 'annotations list'")],
                       db: DbOption = None) -> None:
    """Verwijder een markering."""
    from jeugdregie.analysis.special_periods import remove

    with command_db(db) as database:
        found = remove(database, annotation_id)
    if not found:
        raise fail(ValueError(f"geen markering {annotation_id}"))
    Console(stderr=True).print(f"Markering {annotation_id} verwijderd.")
