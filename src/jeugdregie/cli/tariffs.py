"""`jeugdregie tariffs`: price per unit of contracted vs non-contracted care per product (C48) and of LTA vs
regional care, with the LTA cost per referrer type (C39)."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, fail, open_db
from jeugdregie.cli.output import Column, Table, emit


def register(app: typer.Typer) -> None:
    app.command("tariffs")(tariffs)


def tariff_tables(result: dict[str, Any]) -> list[Table]:
    where = f" gemeente {result['municipality']}" if result["municipality"] else ""
    products = Table(
        title=f"Tarieven gecontracteerd vs niet-gecontracteerd {result['period']}{where}",
        columns=[Column("product", "Product"), Column("unit", "Eenheid"),
                 Column("price_cents_c", "Prijs/eenheid gecontr.", "cents"), Column("units_c", "Eenheden gecontr.", "float"),
                 Column("clients_c", "Cliënten gecontr.", "int"), Column("providers_c", "Aanbieders gecontr.", "int"),
                 Column("price_cents_nc", "Prijs/eenheid niet-gecontr.", "cents"),
                 Column("units_nc", "Eenheden niet-gecontr.", "float"),
                 Column("clients_nc", "Cliënten niet-gecontr.", "int"),
                 Column("providers_nc", "Aanbieders niet-gecontr.", "int"),
                 Column("premium_cents", "Meerprijs per eenheid", "cents"), Column("premium_pct", "Meerprijs %", "pct"),
                 Column("extra_cost_cents", "Meerkosten", "cents")],
        rows=[*result["products"], {"product": "Totaal meerkosten", "extra_cost_cents": result["extra_cost_total_cents"]}],
        notes=result["notes"])
    lta = Table(
        title=f"LTA (landelijk ingekocht) vs regionaal per eenheid {result['period']}{where}",
        columns=[Column("unit", "Eenheid"), Column("price_cents_lta", "Prijs/eenheid LTA", "cents"),
                 Column("units_lta", "Eenheden LTA", "float"), Column("clients_lta", "Cliënten LTA", "int"),
                 Column("price_cents_reg", "Prijs/eenheid regionaal", "cents"),
                 Column("units_reg", "Eenheden regionaal", "float"), Column("clients_reg", "Cliënten regionaal", "int"),
                 Column("difference_cents", "Verschil per eenheid", "cents"), Column("difference_pct", "Verschil %", "pct")],
        rows=result["lta"], notes=[])
    refs = Table(
        title=f"Kosten LTA per verwijzer {result['period']}{where}",
        columns=[Column("referrer", "Verwijzer"), Column("net_cents", "Netto kosten LTA", "cents"),
                 Column("share", "Aandeel", "pct"), Column("clients", "Cliënten", "int"),
                 Column("cost_per_client_cents", "Kosten per cliënt", "cents")],
        rows=[*result["lta_referrers"], {"referrer": "Totaal", "net_cents": result["lta_net_cents"]}], notes=[])
    return [products, lta, refs]


def tariffs(
    period: Annotated[str, typer.Option("--period", help="Zorgperiode: 2025, 2025H1, 2025Q2, 2025-04")],
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Tariefvergelijking: prijs per eenheid gecontracteerd vs niet-gecontracteerd en LTA vs regionaal."""
    from jeugdregie.analysis.tariffs import tariff_comparison

    try:
        database = open_db(db)
        try:
            result = tariff_comparison(database, period, municipality=municipality)
        finally:
            database.close()
    except ValueError as exc:
        raise fail(exc) from exc
    emit(fmt, tariff_tables(result), json_obj=result, out=out, default_name="tarieven")
