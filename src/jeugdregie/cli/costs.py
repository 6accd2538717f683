"""`jeugdregie costs`: cost overview by service period and by category, product, provider, municipality or
referrer type."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, fail, open_db
from jeugdregie.cli.forecast import AsOfOption, parse_date
from jeugdregie.cli.output import Column, Table, emit
from jeugdregie.money import format_date


class CostBy(StrEnum):
    category = "category"
    product = "product"
    provider = "provider"
    municipality = "municipality"
    referrer = "referrer"
    budget_line = "budget_line"
    age_band = "age_band"
    gender = "gender"
    pc4 = "pc4"
    total = "total"


class Per(StrEnum):
    month = "month"
    quarter = "quarter"
    half = "half"
    year = "year"


def register(app: typer.Typer) -> None:
    app.command("costs")(costs)


def costs_table(result: dict[str, Any]) -> Table:
    from jeugdregie.analysis.costs import COST_BY_HEADERS

    cols = []
    if result["per"]:
        cols.append(Column("period", "Periode"))
    cols += [
        Column("group", COST_BY_HEADERS[result["by"]]),
        Column("clients", "Cliënten", "int"),
        Column("trajectories", "Trajecten", "int"),
    ]
    if result["by"] == "product":
        cols += [Column("unit", "Eenheid"), Column("units", "Eenheden", "float")]
    cols += [
        Column("debit_cents", "Debet", "cents"),
        Column("credit_cents", "Credit", "cents"),
        Column("net_cents", "Netto kosten", "cents"),
        Column("cost_per_client_cents", "Kosten per cliënt", "cents"),
    ]
    if result["by"] == "product":
        cols.append(Column("units_per_client", "Eenheden per cliënt", "float"))
    rows = list(result["rows"])
    if result["by"] != "total":  # with --by total the rows already are the totals
        for t in result["totals"]:
            rows.append({**t, "group": "Totaal (unieke cliënten)"})
    if result.get("grand_total"):
        rows.append({**result["grand_total"], "group": f"Totaal {result['period']} (unieke cliënten)"})
    title = f"Kosten {result['period']}" + (f" gemeente {result['municipality']}" if result["municipality"] else "")
    if result.get("as_of"):
        title += f", peildatum {format_date(result['as_of'])}"
    return Table(title=title, columns=cols, rows=rows, notes=result["notes"])


def product_selection(products: str | None, product_set: str | None,
                      rules: str | None) -> tuple[list[str] | None, str | None]:
    """Product codes of ``--products`` or ``--product-set`` (and a Dutch name for the notes)."""
    if products and product_set:
        raise ValueError("kies --products of --product-set, niet beide")
    if products:
        return [c.strip().upper() for c in products.split(",") if c.strip()], None
    if product_set is None:
        return None, None
    if product_set != "wlz":
        raise ValueError(f"onbekende productset {product_set!r}: alleen 'wlz'")
    from jeugdregie.analysis.access.rules import load

    groups = load("wlz", rules).get("productgroepen") or {}
    return sorted({str(c) for codes in groups.values() for c in codes}), "de producten van het grensgebied Wlz/Jeugdwet"


def costs(
    period: Annotated[str, typer.Option(
        "--period", help="Zorgperiode: 2023, 2023H1, 2023Q2, 2023-04, of een reeks voor trends: 2021-2025")],
    by: Annotated[CostBy, typer.Option("--by", help="Indeling: category, product, provider, municipality, referrer, "
                                          "budget_line (begrotingspost), age_band, gender, pc4")]
    = CostBy.category,
    per: Annotated[Per | None, typer.Option("--per", help="Uitsplitsen per month, quarter, half of year")] = None,
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")] = None,
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Alleen door de 325 toegekende regels")]
    = False,
    chart: Annotated[str | None, typer.Option("--chart", help="Trendgrafiek (.png of .svg) van de netto kosten")]
    = None,
    products: Annotated[str | None, typer.Option(
        "--products", help="Alleen deze productcodes, komma-gescheiden (bijv. 41A03,45A65)")] = None,
    product_set: Annotated[str | None, typer.Option(
        "--product-set", help="Alleen een vaste productset: 'wlz' (grensgebied Wlz/Jeugdwet uit de regels van "
                              "'lists wlz')")] = None,
    rules: Annotated[str | None, typer.Option("--regels", help="Eigen regelbestand voor --product-set wlz")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Kostenoverzicht per zorgperiode: cliënten, trajecten, eenheden, netto kosten en kosten per cliënt."""
    from jeugdregie.analysis.costs import cost_overview
    from jeugdregie.analysis.service_periods import parse_period
    from jeugdregie.analysis.special_periods import spans
    from jeugdregie.report.charts import chart_format, trend

    try:
        chart_fmt = chart_format(chart) if chart else None
        codes, set_name = product_selection(products, product_set, rules)
        database = open_db(db)
        try:
            peil = parse_date(as_of) if as_of else None
            result = cost_overview(database, period, by=by.value, per=per.value if per else None,
                                   municipality=municipality, approved_only=approved_only, as_of=peil,
                                   products=codes, product_set=set_name)
            months = parse_period(period).months
            auto = "month" if months <= 12 else "quarter" if months <= 36 else "year"  # readable number of points
            trend_result = result if (per or not chart) else cost_overview(
                database, period, by=by.value, per=auto, municipality=municipality, approved_only=approved_only,
                as_of=peil, products=codes, product_set=set_name)
            chart_spans = spans(database, sorted({r["period"] for r in trend_result["rows"]}), municipality)
        finally:
            database.close()
    except ValueError as exc:
        raise fail(exc) from exc
    emit(fmt, [costs_table(result)], json_obj=result, out=out, default_name="kosten")
    if chart and chart_fmt:
        from pathlib import Path

        periods = sorted({r["period"] for r in trend_result["rows"]})
        totals: dict[str, int] = {}
        for r in trend_result["rows"]:
            totals[r["group"]] = totals.get(r["group"], 0) + r["net_cents"]
        top = sorted(totals, key=lambda g: -totals[g])[:8]
        series = {g: [next((r["net_cents"] for r in trend_result["rows"] if r["group"] == g and r["period"] == p), 0)
                      for p in periods] for g in top}
        Path(chart).write_bytes(trend(periods, series, title=f"Netto kosten {result['period']}", fmt=chart_fmt,
                                          spans=chart_spans))
        Console(stderr=True).print(f"Grafiek geschreven: {chart}")
