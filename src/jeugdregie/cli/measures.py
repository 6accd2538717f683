"""`jeugdregie measures ...`: the measures register (import, list, show, export) and effect monitoring."""

from __future__ import annotations

import sys
from typing import Annotated, Any

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

measures_app = typer.Typer(help="Maatregelenregister: importeren, tonen, exporteren en effect volgen.",
                           no_args_is_help=True)

MunicipalityOption = Annotated[str | None, typer.Option("--municipality", "-m", help="CBS-gemeentecode, bv. 0637")]


def register(app: typer.Typer) -> None:
    app.add_typer(measures_app, name="measures")


def _fail(exc: Exception) -> None:
    Console(stderr=True).print(f"[red]Fout:[/red] {exc}")
    raise typer.Exit(2)


def _find(measures: list[Any], number: str) -> Any:
    found = [m for m in measures if m.number == number]
    if len(found) != 1:
        _fail(ValueError(f"maatregel {number} {'niet gevonden' if not found else 'bestaat in meer gemeenten'}"
                         "; geef --municipality"))
    return found[0]


@measures_app.command("import")
def import_cmd(file: Annotated[str, typer.Argument(help="YAML-, CSV- of Excel-bestand (of een seed-tabel)")],
               municipality: MunicipalityOption = None, db: DbOption = None) -> None:
    """Maatregelen inlezen; bestaande maatregelen met hetzelfde nummer worden bijgewerkt (nieuwe versie)."""
    from jeugdregie.measures import files
    from jeugdregie.measures import register as reg
    from jeugdregie.measures.model import MeasureError
    from jeugdregie.settings import get_settings

    try:
        measures = files.read_file(file, municipality)
    except (MeasureError, OSError) as exc:
        _fail(exc)
    with open_db(db) as database:
        n = reg.save_all(database, measures, actor=get_settings().user)
    Console(stderr=True).print(f"{n} maatregelen ingelezen uit {file}")


def list_table(summary: dict[str, Any]) -> Table:
    cols = [Column("municipality", "Gemeente"), Column("number", "Nr"), Column("title", "Titel"),
            Column("status", "Status"), Column("qualitative_effect", "Kwal."),
            Column("gross_cents", "Bruto", "cents"), Column("needed_cents", "Benodigd", "cents"),
            Column("investment_cents", "Investering", "cents"), Column("net_cents", "Netto", "cents"),
            Column("social_cents", "Maatschappelijk", "cents"), Column("realised_cents", "Gerealiseerd", "cents"),
            Column("next_checkpoint", "Volgend ijkmoment")]
    rows = [*summary["measures"], {"title": "Totaal", **summary["totals"]}]
    notes = [f"Maatregel {r['number']}: netto wijkt {r['net_differs_cents'] / 100:,.0f} euro af van bruto − benodigd "
             "(zo vermeld in het plan)".replace(",", ".") for r in summary["measures"] if r["net_differs_cents"]]
    year = f" {summary['year']}" if summary["year"] else " (alle jaren opgeteld)"
    return Table(f"Maatregelen{year}", cols, rows, notes)


@measures_app.command("list")
def list_cmd(municipality: MunicipalityOption = None,
             year: Annotated[int | None, typer.Option("--year", help="Alleen bedragen van dit jaar")] = None,
             fmt: FormatOption = Format.table, out: OutOption = None, db: DbOption = None) -> None:
    """Maatregelen met bruto, benodigd, netto en maatschappelijk effect, en kolomtotalen."""
    from jeugdregie.measures import register as reg

    with open_db(db) as database:
        summary = reg.summary(reg.list_measures(database, municipality), year)
    emit(fmt, [list_table(summary)], json_obj=summary, out=out, default_name="maatregelen")


@measures_app.command("export")
def export_cmd(file: Annotated[str, typer.Argument(help="Doelbestand .yaml, .csv of .xlsx")],
               municipality: MunicipalityOption = None, db: DbOption = None) -> None:
    """Het register wegschrijven als YAML, CSV of Excel (dezelfde formaten als import)."""
    from jeugdregie.measures import files
    from jeugdregie.measures import register as reg
    from jeugdregie.measures.model import MeasureError

    with open_db(db) as database:
        measures = reg.list_measures(database, municipality)
    try:
        files.write_file(measures, file)
    except MeasureError as exc:
        _fail(exc)
    Console(stderr=True).print(f"{len(measures)} maatregelen geschreven naar {file}")


@measures_app.command("show")
def show_cmd(number: Annotated[str, typer.Argument(help="Maatregelnummer")], municipality: MunicipalityOption = None,
             fmt: FormatOption = Format.table, db: DbOption = None) -> None:
    """Eén maatregel: velden, bedragen per jaar, ijkmomenten en gekoppelde indicatoren."""
    from jeugdregie.measures import files
    from jeugdregie.measures import register as reg

    with open_db(db) as database:
        m = _find(reg.list_measures(database, municipality), number)
    if fmt == Format.json:
        emit(fmt, [], json_obj=m.to_dict())
        return
    sys.stdout.write(files.write_yaml([m]))


@measures_app.command("effect")
def effect_cmd(number: Annotated[str, typer.Argument(help="Maatregelnummer")],
               municipality: MunicipalityOption = None,
               level: Annotated[float, typer.Option("--level", help="Betrouwbaarheid van het interval")] = 0.9,
               maturity: Annotated[int, typer.Option("--maturity-months",
                                                     help="Laatste maanden weglaten (late declaraties)")] = 3,
               chart: Annotated[str | None, typer.Option("--chart", help="Grafiek per indicator: bestandsnaam "
                                                         "(.png/.svg); bij meer indicatoren volgt -1, -2")] = None,
               fmt: FormatOption = Format.table, out: OutOption = None, db: DbOption = None) -> None:
    """Effect van een maatregel op elke gekoppelde indicator: trend, vergelijkingsgroep en wat de data niet zeggen."""
    from pathlib import Path

    from jeugdregie.analysis import effect
    from jeugdregie.analysis.indicators import IndicatorError
    from jeugdregie.measures import register as reg
    from jeugdregie.report import charts

    with open_db(db) as database:
        m = _find(reg.list_measures(database, municipality), number)
        if not m.indicators:
            _fail(ValueError(f"maatregel {number} heeft geen gekoppelde indicatoren (zie docs/measures.md)"))
        try:
            results = effect.monitor_measure(database, m, level=level, maturity_months=maturity)
        except IndicatorError as exc:
            _fail(exc)
    if chart:
        for i, r in enumerate(results, start=1):
            best = r.best
            path = Path(chart) if len(results) == 1 else Path(chart).with_stem(f"{Path(chart).stem}-{i}")
            charts.write_chart(path, charts.effect_chart(
                r.periods, r.observed, r.pre_count, counterfactual=best.counterfactual if best else None,
                band=best.band if best else None, title=r.indicator, money=r.unit == "cents",
                fmt=charts.chart_format(path)))
    rows = []
    for r in results:
        for e in (r.trend, r.did):
            if e is not None:
                rows.append({"indicator": r.indicator, "method": {"trend": "Trend", "did": "Vergelijkingsgroep"}[
                    e.method], "effect": effect.fmt_value(e.effect, r.unit), "low": effect.fmt_value(e.low, r.unit),
                    "high": effect.fmt_value(e.high, r.unit), "relative": e.relative, "verdict": r.verdict})
    table = Table(f"Effect maatregel {m.number} {m.title}",
                  [Column("indicator", "Indicator"), Column("method", "Methode"), Column("effect", "Effect/maand"),
                   Column("low", "Interval van"), Column("high", "tot"), Column("relative", "Relatief", "pct"),
                   Column("verdict", "Oordeel")], rows,
                  notes=[s for r in results for s in [f"{r.indicator}:", *r.statements]])
    emit(fmt, [table], json_obj={"measure": m.number, "municipality": m.municipality,
                                 "results": [r.as_dict() for r in results]}, out=out, default_name="effect")
