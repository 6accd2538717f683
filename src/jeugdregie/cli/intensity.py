"""`jeugdregie intensity`: units per client per product and year, and which products got heavier (C31)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, command_db
from jeugdregie.cli.forecast import AsOfOption, parse_date
from jeugdregie.cli.output import Column, Table, emit

FLAG_ORDER = ("stijging", "daling", "stabiel", "te weinig cliënten", "niet in beide jaren")


def register(app: typer.Typer) -> None:
    app.command("intensity")(intensity)


def intensity_table(result: dict[str, Any]) -> Table:
    y0, y1 = result["from_year"], result["to_year"]
    rows = []
    for r in result["rows"]:
        a, b = r["years"].get(y0) or {}, r["years"].get(y1) or {}
        rows.append({**r, "clients_from": a.get("clients"), "clients_to": b.get("clients"),
                     "upc_from": a.get("units_per_client"), "upc_to": b.get("units_per_client"),
                     "interval_text": None if r["interval"] is None
                     else f"{_nl(r['interval'][0])} … {_nl(r['interval'][1])}"})
    cols = [Column("label", "Product"), Column("unit", "Eenheid"),
            Column("clients_from", f"Cliënten {y0}", "int"), Column("clients_to", f"Cliënten {y1}", "int"),
            Column("upc_from", f"Eenheden per cliënt {y0}", "float"),
            Column("upc_to", f"Eenheden per cliënt {y1}", "float"),
            Column("change_pct", "Verandering", "pct"), Column("interval_text", "95%-marge verschil"),
            Column("flag", "Signaal")]
    title = f"Intensiteit per product {result['period']}" + (
        f" gemeente {result['municipality']}" if result["municipality"] else "")
    return Table(title=title, columns=cols, rows=rows, notes=result["notes"])


def _nl(x: float) -> str:
    return f"{x:+.2f}".replace(".", ",")


def intensity(
    period: Annotated[str, typer.Option("--period", help="Reeks zorgjaren, bijv. 2021-2025 (eerste en laatste jaar "
                                                         "worden vergeleken)")],
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")] = None,
    threshold: Annotated[float, typer.Option("--threshold", help="Minimale verandering voor een signaal (0.10 = 10%)")]
    = 0.10,
    min_clients: Annotated[int, typer.Option("--min-clients", help="Minimaal aantal cliënten in beide jaren")] = 10,
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Alleen door de 325 toegekende regels")]
    = False,
    as_of: AsOfOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Intensiteit per product: eenheden per cliënt per zorgjaar en welke producten zwaarder werden."""
    from jeugdregie.analysis.intensity import intensity_trend

    with command_db(db) as database:
        result = intensity_trend(database, period, municipality=municipality, approved_only=approved_only,
                                 as_of=parse_date(as_of) if as_of else None, threshold=threshold,
                                 min_clients=min_clients)
    emit(fmt, [intensity_table(result)], json_obj=result, out=out, default_name="intensiteit")
