"""`jeugdregie whatif duration-norm`: savings if trajectories kept the norm period's average cost."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, fail, open_db
from jeugdregie.cli.output import Column, Table, emit

whatif_app = typer.Typer(help="Wat-als-berekeningen voor kostenbewust handelen in de toegang.",
                         no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(whatif_app, name="whatif")


def whatif_table(r: dict[str, Any]) -> Table:
    rows = [
        {"k": f"Kosten {r['norm_period']} (norm)", "v": r["norm_cost_cents"], "n": r["norm_trajectories"]},
        {"k": f"Gemiddeld per traject {r['norm_period']}", "v": r["norm_average_cents"], "n": None},
        {"k": f"Kosten {r['period']}", "v": r["actual_cost_cents"], "n": r["actual_trajectories"]},
        {"k": f"Gemiddeld per traject {r['period']}", "v": r["actual_average_cents"], "n": None},
        {"k": "Instroom tegen gemiddelde periode", "v": r["cost_at_actual_average_cents"], "n": r["inflow"]},
        {"k": "Instroom tegen norm", "v": r["cost_at_norm_cents"], "n": r["inflow"]},
        {"k": "Besparing op jaarbasis", "v": r["saving_full_year_cents"], "n": None},
        {"k": f"Besparing ({r['months']} maanden)", "v": r["saving_cents"], "n": None},
    ]
    return Table(title="Wat als: trajectduur terug naar de norm",
                 columns=[Column("k", "Onderdeel"), Column("v", "Bedrag", "cents"), Column("n", "Trajecten", "int")],
                 rows=rows, notes=[r["explanation"]])


def scenario_table(r: dict[str, Any]) -> Table:
    return Table(title="Scenario's instroom", columns=[
        Column("scenario", "Scenario"), Column("inflow", "Instroom (trajecten)", "int"),
        Column("cost_at_norm_cents", f"Kosten tegen norm {r['norm_period']}", "cents"),
        Column("cost_at_actual_average_cents", f"Kosten tegen gemiddelde {r['period']}", "cents"),
        Column("saving_full_year_cents", "Besparing op jaarbasis", "cents"),
        Column("saving_cents", f"Besparing ({r['months']} maanden)", "cents")], rows=r["scenarios"],
        notes=["Lage en hoge instroom zijn aannames van de gebruiker (--inflow-low, --inflow-high)."])


@whatif_app.command("duration-norm")
def duration_norm(
    norm_period: Annotated[str, typer.Option("--norm-period", help="Normperiode, bijv. 2017")],
    period: Annotated[str, typer.Option("--period", help="Periode die met de norm wordt vergeleken, bijv. 2018")],
    product: Annotated[str | None, typer.Option("--product", help="Productcode (uit de database)")] = None,
    from_table: Annotated[str | None, typer.Option(
        "--from-table", help="CSV met period,cost_eur,trajectories (of het seeds-data metric-formaat)")] = None,
    inflow: Annotated[int | None, typer.Option("--inflow", help="Verwachte instroom (standaard: trajecten in periode)")]
    = None,
    months: Annotated[int, typer.Option("--months", help="Maanden van het jaar waarin de norm geldt (1-12)")] = 12,
    inflow_low: Annotated[int | None, typer.Option("--inflow-low", help="Scenario lage instroom (trajecten)")]
    = None,
    inflow_high: Annotated[int | None, typer.Option("--inflow-high", help="Scenario hoge instroom (trajecten)")]
    = None,
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente")] = None,
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Alleen toegekende declaraties")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Besparing als trajecten de gemiddelde kosten van de normperiode hadden gehouden."""
    from jeugdregie.analysis import whatif

    try:
        if from_table:
            table = whatif.read_trajectory_table(from_table)
            for p in (norm_period, period):
                if p not in table:
                    raise ValueError(f"periode {p} staat niet in {from_table} (wel: {', '.join(sorted(table))})")
            result = whatif.duration_norm(table[norm_period], table[period], inflow=inflow, months=months,
                                          norm_label=norm_period, period_label=period, inflow_low=inflow_low,
                                          inflow_high=inflow_high)
            result["source"] = "table"
        else:
            if not product:
                raise ValueError("geef --product (database) of --from-table")
            database = open_db(db)
            try:
                result = whatif.duration_norm_store(database, product, norm_period, period, inflow=inflow,
                                                    months=months, municipality=municipality,
                                                    approved_only=approved_only, inflow_low=inflow_low,
                                                    inflow_high=inflow_high)
            finally:
                database.close()
    except (ValueError, OSError) as exc:
        raise fail(exc) from exc
    tables = [whatif_table(result)] + ([scenario_table(result)] if result["scenarios"] else [])
    emit(fmt, tables, json_obj=result, out=out, default_name="whatif")
