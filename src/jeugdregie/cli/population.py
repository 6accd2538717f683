"""`jeugdregie population import` and `jeugdregie reach`: population denominators and reach rates."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

population_app = typer.Typer(help="Inwonertallen (CBS) per gemeente, jaar en leeftijdsgroep.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(population_app, name="population")
    app.command("reach")(reach_cmd)


@population_app.command("import")
def population_import(file: Annotated[Path, typer.Argument(help="CSV: gemeente,jaar,leeftijd_van,leeftijd_tot,inwoners")],
                      db: DbOption = None) -> None:
    """Lees inwonertallen in (vervangt bestaande cijfers voor dezelfde gemeente, jaar en leeftijdsgroep)."""
    from jeugdregie.analysis.reach import import_population

    database = open_db(db)
    n = import_population(database, file)
    database.close()
    Console(stderr=True).print(f"{n} regels inwonertallen ingelezen uit {file}")


def reach_cmd(year: Annotated[int, typer.Option("--year", help="Jaar")],
              municipality: Annotated[str | None, typer.Option("--municipality", help="CBS-gemeentecode")] = None,
              db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """Bereik: aandeel 0- t/m 22-jarigen met jeugdhulp, per gemeente en leeftijdsgroep."""
    from jeugdregie.analysis.reach import reach

    database = open_db(db)
    result = reach(database, year, municipality)
    database.close()
    cols = [Column("municipality", "Gemeente"), Column("clients_0_22", "Jeugdigen met zorg", "int"),
            Column("residents_0_22", "Inwoners 0-22", "int"), Column("reach", "Bereik", "pct")]
    for a, b in (("0", "3"), ("4", "11"), ("12", "17"), ("18", "22")):
        cols.append(Column(f"reach_{a}_{b}", f"Bereik {a}-{b} jr", "pct"))
    emit(fmt, [Table(f"Bereik jeugdhulp {year}", cols, result["rows"],
                     [result["note"], "Landelijk 2021: 9,8% (VNG 2022)."])], json_obj=result, out=out,
         default_name=f"bereik_{year}")
