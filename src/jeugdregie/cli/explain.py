"""`jeugdregie explain`: why did the cost change between two periods (volume, intensity, price, mix)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, fail, open_db
from jeugdregie.cli.forecast import AsOfOption, parse_date
from jeugdregie.cli.output import Column, Table, emit


class Method(StrEnum):
    shapley = "shapley"
    lmdi = "lmdi"


class ExplainBy(StrEnum):
    category = "category"
    product = "product"
    provider = "provider"
    municipality = "municipality"


ChartOption = Annotated[str | None, typer.Option("--chart", help="Schrijf een watervalgrafiek (.png of .svg)")]


def register(app: typer.Typer) -> None:
    app.command("explain")(explain)


_STATUS_NL = {"new": "nieuw", "vanished": "verdwenen", "both": ""}


def decomposition_table(result: dict[str, Any], group_header: str = "Groep") -> Table:
    """The decomposition as one table: a row per group plus a total row; notes carry the explanation."""
    cols = [
        Column("group", group_header),
        Column("cost_from_cents", f"Kosten {result['from']}", "cents"),
        Column("cost_to_cents", f"Kosten {result['to']}", "cents"),
        Column("clients_from", f"Cliënten {result['from']}", "int"),
        Column("clients_to", f"Cliënten {result['to']}", "int"),
        Column("change", "Verschil", "cents"),
        Column("volume", "Volume", "cents"),
    ]
    if result.get("price_basis") != "client":
        cols.append(Column("intensity", "Intensiteit", "cents"))
    cols += [
        Column("price", "Prijs" if result.get("price_basis") != "client" else "Kosten per cliënt", "cents"),
        Column("mix", "Mix", "cents"),
        Column("status", "Status"),
    ]
    rows: list[dict[str, Any]] = []
    for r in result["rows"]:
        rows.append({"group": r["group"], "cost_from_cents": r["cost_from_cents"],
                     "cost_to_cents": r["cost_to_cents"], "clients_from": r["clients"]["from"],
                     "clients_to": r["clients"]["to"], "change": r["change"], **r["components"],
                     "status": _STATUS_NL.get(r["status"], "")})
    rows.append({"group": "Totaal", "cost_from_cents": result["cost_from_cents"],
                 "cost_to_cents": result["cost_to_cents"], "clients_from": result["clients"]["from"],
                 "clients_to": result["clients"]["to"], "change": result["total_change_cents"],
                 **result["components"], "status": ""})
    return Table(title=f"Verklaring kostenverschil {result['from']}-{result['to']}", columns=cols, rows=rows,
                 notes=[result["explanation"], *result["notes"][1:]])


def summary_table(result: dict[str, Any]) -> Table:
    """The total change per component with its share: the figures of the waterfall."""
    from jeugdregie.analysis.decomposition import LABELS_NL, PRICE_PER_CLIENT_NL

    per_client = result.get("price_basis") == "client"
    rows = [{"component": (PRICE_PER_CLIENT_NL if per_client and k == "price" else LABELS_NL[k]).capitalize(),
             "cents": result["components"][k], "share": result["shares"][k]}
            for k in ("volume", "intensity", "price", "mix") if not (per_client and k == "intensity")]
    rows.append({"component": "Totaal verschil", "cents": result["total_change_cents"],
                 "share": 1.0 if result["total_change_cents"] else None})
    base = result["cost_from_cents"]
    for r in rows:
        r["growth"] = r["cents"] / base if base else None
    return Table(title=f"Samenvatting {result['from']}-{result['to']}",
                 columns=[Column("component", "Component"), Column("cents", "Bedrag", "cents"),
                          Column("share", "Aandeel van het verschil", "pct"),
                          Column("growth", f"Bijdrage aan de groei (% van kosten {result['from']})", "pct")],
                 rows=rows, notes=[f"Methode: {result['method_reference']}."])


def maturing_table(cmp: dict[str, Any]) -> Table:
    """The same decomposition at two reference dates, per component, with the move between them."""
    from jeugdregie.analysis.decomposition import LABELS_NL
    from jeugdregie.money import format_date

    a, b = format_date(cmp["as_of_earlier"]), format_date(cmp["as_of_later"])
    rows = [{**r, "label": "Totaal verschil" if r["component"] == "total" else LABELS_NL[r["component"]].capitalize()}
            for r in cmp["rows"]]
    return Table(title=f"Verklaring {cmp['from']}-{cmp['to']} op peildatum {a} en {b}",
                 columns=[Column("label", "Component"), Column("earlier_cents", f"Peildatum {a}", "cents"),
                          Column("later_cents", f"Peildatum {b}", "cents"),
                          Column("move_cents", "Verschuiving", "cents"),
                          Column("earlier_share", f"Aandeel {a}", "pct"), Column("later_share", f"Aandeel {b}", "pct")],
                 rows=rows, notes=cmp["notes"][:1])


def explain(
    period_from: Annotated[str | None, typer.Option(
        "--from", help="Beginperiode, bijv. 2022, 2022H1, 2022Q2, 2022-04 (standaard: --to een jaar eerder)")] = None,
    period_to: Annotated[str | None, typer.Option("--to", help="Eindperiode (zelfde soort periode)")] = None,
    from_table: Annotated[str | None, typer.Option(
        "--from-table", help="CSV met period,group,cost_eur,clients[,units] (geaggregeerde tabel)")] = None,
    by: Annotated[ExplainBy, typer.Option("--by", help="Rijen per category, product, provider of municipality")]
    = ExplainBy.category,
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")] = None,
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Alleen door de 325 toegekende regels")]
    = False,
    method: Annotated[Method, typer.Option("--method", help="shapley (standaard) of lmdi")] = Method.shapley,
    chart: ChartOption = None,
    as_of: AsOfOption = None,
    compare_as_of: Annotated[str | None, typer.Option(
        "--compare-as-of", help="Tweede (latere) peildatum JJJJ-MM-DD: dezelfde verklaring opnieuw, met de "
                                "verschuiving door nagekomen declaraties (vereist --as-of)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Verklaar het kostenverschil tussen twee perioden: volume, intensiteit, prijs en mix (exact op de cent)."""
    from jeugdregie.report.charts import chart_format, decomposition_waterfall

    chart_fmt = chart_format(chart) if chart else None
    try:
        if from_table:
            from jeugdregie.analysis.decomposition import decompose_table, read_table

            result = decompose_table(read_table(from_table), period_from, period_to, method=method.value)
            header = "Groep"
        else:
            if not period_to:
                raise ValueError("geef --to (en --from, standaard dezelfde periode een jaar eerder) of --from-table")
            if not period_from:  # H1 against H1 of the previous year, a year against the year before
                from jeugdregie.analysis.service_periods import parse_period, previous

                period_from = previous(parse_period(period_to)).label
            from jeugdregie.analysis.cost_change import BY_HEADERS, explain_store

            if compare_as_of and not as_of:
                raise ValueError("--compare-as-of vergelijkt met --as-of: geef beide peildata")
            database = open_db(db)
            try:
                result = explain_store(database, period_from, period_to, by=by.value, municipality=municipality,
                                       approved_only=approved_only, method=method.value,
                                       as_of=parse_date(as_of) if as_of else None)
                if compare_as_of and as_of:
                    from jeugdregie.analysis.cost_change import explain_maturing

                    result["compare"] = explain_maturing(
                        database, period_from, period_to, parse_date(as_of), parse_date(compare_as_of),
                        by=by.value, municipality=municipality, approved_only=approved_only, method=method.value)
            finally:
                database.close()
            header = BY_HEADERS[by.value]
    except (ValueError, OSError) as exc:
        raise fail(exc) from exc
    tables = [decomposition_table(result, header), summary_table(result)]
    if result.get("compare"):
        tables.append(maturing_table(result["compare"]))
    emit(fmt, tables, json_obj=result, out=out, default_name="verklaring")
    if chart and chart_fmt:
        from pathlib import Path

        Path(chart).write_bytes(decomposition_waterfall(result, fmt=chart_fmt))
        Console(stderr=True).print(f"Grafiek geschreven: {chart}")
