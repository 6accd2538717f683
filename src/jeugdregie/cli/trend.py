"""`jeugdregie trend`: does cost growth accelerate or flatten? (C35)"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, command_db
from jeugdregie.cli.forecast import AsOfOption, parse_date
from jeugdregie.cli.output import Column, Table, emit


def register(app: typer.Typer) -> None:
    app.command("trend")(trend)


def trend_table(result: dict[str, Any]) -> Table:
    rows = [{**s, "status": "volledig" if s["mature"] else "nog onvolledig"} for s in result["series"]]
    title = f"Kostentrend {result['period']}" + (f" gemeente {result['municipality']}" if result["municipality"] else "")
    if result["verdict"]:
        title += f": {result['verdict']}"
    return Table(title=title, columns=[Column("quarter", "Kwartaal"), Column("net_cents", "Netto kosten", "cents"),
                                       Column("status", "Stand")], rows=rows, notes=result["notes"])


def trend(
    period: Annotated[str, typer.Option("--period", help="Reeks zorgjaren, bijv. 2020-2025 (minstens 3 jaar)")],
    break_at: Annotated[str | None, typer.Option("--break", help="Breekpunt: jaar of kwartaal, bijv. 2024 of 2024Q2 "
                                                                 "(standaard: begin van de laatste 8 kwartalen)")]
    = None,
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")] = None,
    mature_months: Annotated[int, typer.Option("--mature-months", help="Kwartalen pas meetellen als ze zo veel "
                                                                       "maanden voor de peildatum eindigden")] = 6,
    chart: Annotated[str | None, typer.Option("--chart", help="Grafiek (.png of .svg) van de kwartaalreeks")] = None,
    as_of: AsOfOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Kostentrend per kwartaal: groeit het sneller of vlakt het af (met 95%-marge)?"""
    from pathlib import Path

    from rich.console import Console

    from jeugdregie.analysis.special_periods import spans
    from jeugdregie.analysis.trend import cost_trend
    from jeugdregie.report.charts import chart_format
    from jeugdregie.report.charts import trend as trend_chart

    with command_db(db) as database:
        chart_fmt = chart_format(chart) if chart else None
        result = cost_trend(database, period, municipality=municipality, break_at=break_at,
                            mature_months=mature_months, as_of=parse_date(as_of) if as_of else None)
        chart_spans = spans(database, [x["quarter"] for x in result["series"]], municipality)
    emit(fmt, [trend_table(result)], json_obj=result, out=out, default_name="trend")
    if chart and chart_fmt:
        s = result["series"]
        series = {"Netto kosten": [x["net_cents"] if x["mature"] else None for x in s],
                  "Nog onvolledig": [None if x["mature"] else x["net_cents"] for x in s]}
        Path(chart).write_bytes(trend_chart([x["quarter"] for x in s], series,
                                            title=f"Netto kosten per kwartaal {result['period']}", fmt=chart_fmt,
                                            spans=chart_spans))
        Console(stderr=True).print(f"Grafiek geschreven: {chart}")
