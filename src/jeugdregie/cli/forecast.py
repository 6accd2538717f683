"""`jeugdregie triangle`, `chainladder`, `forecast`, `lag`, `budget ...` and `bench forecast`: late
declarations (IBNR), year-end forecasts and the budget monitor. Methods: docs/forecast.md."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit


class Grain(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class TriangleBy(StrEnum):
    total = "total"
    municipality = "municipality"
    category = "category"
    provider = "provider"
    product = "product"


class Basis(StrEnum):
    granted = "granted"
    declared = "declared"


class ForecastBy(StrEnum):
    category = "category"
    municipality = "municipality"
    provider = "provider"
    product = "product"
    budget_line = "budget_line"


class Interp(StrEnum):
    loglinear = "log-linear"
    mack = "mack"


AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Peildatum JJJJ-MM-DD: alleen declaraties "
                                                "ontvangen op of voor deze datum (standaard: laatste in de store)")]
MunicipalityOption = Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")]


def register(app: typer.Typer) -> None:
    app.command("triangle")(triangle)
    app.command("chainladder")(chainladder)
    app.command("forecast")(forecast)


def fail(exc: Exception) -> typer.Exit:
    Console(stderr=True).print(f"[red]Fout:[/red] {exc}")
    return typer.Exit(code=2)


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"ongeldige datum {text!r}: gebruik JJJJ-MM-DD") from exc


def resolve_as_of(db: Any, text: str | None) -> date:
    from jeugdregie.analysis.forecast import latest_receipt

    return parse_date(text) if text else latest_receipt(db)


def triangle(
    grain: Annotated[Grain, typer.Option("--grain", help="Herkomstperiode: month, quarter of year")] = Grain.month,
    by: Annotated[TriangleBy, typer.Option("--by", help="Per total, municipality, category, provider of product")]
    = TriangleBy.total,
    as_of: AsOfOption = None,
    municipality: MunicipalityOption = None,
    basis: Annotated[Basis, typer.Option("--basis", help="granted: afwijzingen (325) eraf; declared: alles")]
    = Basis.granted,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Ontwikkeldriehoek: zorgperiode x declaratievertraging, netto bedragen (debet min credit)."""
    from jeugdregie.analysis.triangle import triangle_export

    try:
        database = open_db(db)
        try:
            result = triangle_export(database, resolve_as_of(database, as_of), grain.value, by.value, municipality,
                                     basis.value)
        finally:
            database.close()
    except ValueError as exc:
        raise fail(exc) from exc
    table = Table(
        title=f"Ontwikkeldriehoek per {grain.value} ({by.value}) peildatum {result['as_of']}",
        columns=[Column("group", "groep"), Column("origin", "origin"), Column("development", "development", "int"),
                 Column("cumulative_cents", "value", "cents"), Column("incremental_cents", "incrementeel", "cents")],
        rows=result["rows"], notes=result["notes"])
    emit(fmt, [table], json_obj=result, out=out, default_name="driehoek")


def chainladder(
    triangle_file: Annotated[Path, typer.Option("--triangle", help="CSV in lange vorm: origin,development,value")],
    incremental: Annotated[bool, typer.Option("--incremental", help="Waarden zijn incrementeel (niet cumulatief)")]
    = False,
    group: Annotated[str | None, typer.Option("--group", help="Groep uit een export met een kolom 'groep'")] = None,
    sigma: Annotated[Interp, typer.Option("--sigma", help="Laatste sigma: log-linear of mack")] = Interp.loglinear,
    tail: Annotated[str, typer.Option("--tail", help="Staart: none, exponential of een factor (bv. 1.02)")] = "none",
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Chain ladder met Mack-standaardfouten op een driehoek uit een CSV-bestand."""
    from jeugdregie.analysis.chainladder import fit, read_long_csv

    try:
        tail_arg: str | float = tail if tail in ("none", "exponential") else float(tail)
        tri = read_long_csv(triangle_file, cumulative=not incremental, group=group)
        result = fit(tri, sigma_interpolation=sigma.value, tail=tail_arg).as_dict()
    except (ValueError, OSError) as exc:
        raise fail(exc) from exc
    rows = [{"origin": o, "latest": result["latest"][o], "ibnr": result["ibnr"][o],
             "ultimate": result["ultimate"][o], "mack_se": result["mack_se"][o]} for o in result["origins"]]
    rows.append({"origin": "Totaal", "latest": result["latest_total"], "ibnr": result["ibnr_total"],
                 "ultimate": result["ultimate_total"], "mack_se": result["mack_se_total"]})
    lo, hi = result["interval_80_total"]
    notes = [f"80%-interval totaal: {lo:,.0f} – {hi:,.0f}; staartfactor {result['tail']:.4f}; "
             f"sigma-interpolatie {result['sigma_interpolation']}."]
    if result["not_projected"]:
        notes.append("Niet geprojecteerd (laatste waarde <= 0): " + ", ".join(result["not_projected"]))
    table = Table(title=f"Chain ladder {triangle_file.name}", columns=[
        Column("origin", "origin"), Column("latest", "Laatste", "float"), Column("ibnr", "IBNR", "float"),
        Column("ultimate", "Ultimate", "float"), Column("mack_se", "Mack-standaardfout", "float")],
        rows=rows, notes=notes)
    emit(fmt, [table], json_obj=result, out=out, default_name="chainladder")


FORECAST_COLUMNS = [
    Column("declared_cents", "Gedeclareerd tot peildatum", "cents"),
    Column("ibnr_cents", "Verwacht nog te declareren", "cents"),
    Column("expected_final_cents", "Verwachte eindkosten", "cents"),
    Column("interval_80_low", "80%-interval laag", "cents"),
    Column("interval_80_high", "80%-interval hoog", "cents"),
    Column("budget_cents", "Begroting", "cents"),
    Column("expected_over_under_cents", "Verwachte over-/onderschrijding", "cents"),
    Column("share_declared", "Aandeel al gedeclareerd", "pct"),
]


def forecast_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for r in [*result.get("rows", []), {**result, "group": "Totaal"}]:
        lo, hi = r["interval_80_cents"]
        rows.append({**r, "interval_80_low": lo, "interval_80_high": hi})
    return rows


def forecast(
    year: Annotated[int, typer.Option("--year", help="Zorgjaar (jaar van levering)")],
    as_of: AsOfOption = None,
    by: Annotated[ForecastBy | None, typer.Option("--by", help="Per category, municipality, provider, product of "
                                                  "budget_line")] = None,
    municipality: MunicipalityOption = None,
    chart: Annotated[str | None, typer.Option("--chart", help="Grafiek realisatie + prognosewaaier vs begroting "
                                              "(.png of .svg)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Verwachte eindkosten van een zorgjaar: gedeclareerd + verwachte late declaraties (IBNR), interval, begroting."""
    from jeugdregie.analysis.forecast import forecast_year, monthly_realisation
    from jeugdregie.report.charts import chart_format

    try:
        chart_fmt = chart_format(chart) if chart else None
        database = open_db(db)
        try:
            peil = resolve_as_of(database, as_of)
            result = forecast_year(database, year, peil, by=by.value if by else None, municipality=municipality)
            monthly = monthly_realisation(database, year, peil, municipality=municipality) if chart else None
        finally:
            database.close()
    except ValueError as exc:
        raise fail(exc) from exc
    cols = ([Column("group", "Groep")] if by else []) + FORECAST_COLUMNS
    title = f"Prognose zorgjaar {year}, peildatum {result['as_of']}" + (
        f", gemeente {municipality}" if municipality else "")
    emit(fmt, [Table(title=title, columns=cols, rows=forecast_rows(result), notes=result["notes"])],
         json_obj=result, out=out, default_name="prognose")
    if chart and chart_fmt and monthly is not None:
        from jeugdregie.report.forecast_charts import realisation_fan

        Path(chart).write_bytes(realisation_fan(monthly, fmt=chart_fmt))
        Console(stderr=True).print(f"Grafiek geschreven: {chart}")
