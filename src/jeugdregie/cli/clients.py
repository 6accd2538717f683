"""`jeugdregie top-clients` (client level, audit-logged) and `jeugdregie trajectories` (cost awareness)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, command_db
from jeugdregie.cli.output import Column, Table, emit
from jeugdregie.money import format_pct


def register(app: typer.Typer) -> None:
    app.command("top-clients")(top_clients)
    app.command("trajectories")(trajectories)


def top_clients_table(r: dict[str, Any]) -> Table:
    # the municipality is in the title (always the own municipality); it stays in JSON and per row in Excel
    cols = [Column("rank", "#", "int"), Column("client_id", "Pseudoniem"), Column("age", "Leeftijd", "int"),
            Column("net_cents", "Kosten", "cents"), Column("products", "Producten", "int"),
            Column("providers", "Aanbieders", "int"), Column("categories", "Categorieën", "int"),
            Column("youth_protection_nl", "JB/JR (47/48)"),
            Column("months_in_care", "Maanden in zorg", "int"), Column("stacking_nl", "Stapeling"),
            Column("stacking_months", "Maanden gestapeld", "int")]
    if r.get("compare"):
        cols += [Column("previous_net_cents", f"Kosten {r['compare']}", "cents"),
                 Column("previous_rank", f"# {r['compare']}", "int")]
    rows = [{**x, "rank": i, "youth_protection_nl": "ja" if x["youth_protection"] else "nee",
             "stacking_nl": "ja" if x["stacking"] else "nee"} for i, x in enumerate(r["rows"], start=1)]
    return Table(title=f"Duurste {r['n']} cliënten {r['period']} gemeente {r['municipality']}", columns=cols,
                 rows=rows, notes=[*r["notes"], "JB/JR = jeugdbescherming of jeugdreclassering betrokken."])


def top_clients(
    period: Annotated[str, typer.Option("--period", help="Zorgperiode: 2023, 2023H1, 2023Q2 of 2023-04")],
    municipality: Annotated[str, typer.Option("--municipality", help="Eigen gemeente (CBS-code), verplicht")],
    n: Annotated[int, typer.Option("--n", help="Aantal cliënten")] = 20,
    compare: Annotated[str | None, typer.Option("--compare", help="Vergelijk met een eerdere periode, bijv. 2022")]
    = None,
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Alleen toegekende declaraties")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """De duurste cliënten van de eigen gemeente (gepseudonimiseerd, vastgelegd in het auditlog)."""
    from jeugdregie.analysis.top_clients import top_clients_logged
    from jeugdregie.store.audit import current_actor

    with command_db(db, (ValueError,)) as database:
        result = top_clients_logged(database, current_actor(), period, municipality, n, approved_only,
                                    action="export" if fmt in (Format.csv, Format.xlsx) or out else "view",
                                    compare=compare)
    emit(fmt, [top_clients_table(result)], json_obj=result, out=out, default_name="top-clienten")


def trajectories_table(r: dict[str, Any]) -> Table:
    """One row per statistic; columns cost (cents), months with care and assigned days (ended), and with a norm
    period its cost and months next to them."""
    stats = [("mean", "Gemiddeld"), ("min", "Minimum"), ("p25", "Eerste kwartiel"), ("median", "Mediaan"),
             ("p75", "Derde kwartiel"), ("p90", "P90"), ("max", "Maximum")]
    norm = r.get("norm")
    rows = [{"stat": name, "cost": r["cost_cents"][k], "months": r["months_declared"][k],
             "days": r["assigned_days_ended"][k],
             **({"norm_cost": norm["cost_cents"][k], "norm_months": norm["months_declared"][k]} if norm else {})}
            for k, name in stats]
    cols = [Column("stat", "Maat"), Column("cost", f"Kosten per traject {r['period']}", "cents"),
            Column("months", "Maanden met zorg", "float"), Column("days", "Toegewezen dagen (beëindigd)", "float")]
    if norm:
        cols += [Column("norm_cost", f"Kosten per traject {norm['period']} (norm)", "cents"),
                 Column("norm_months", f"Maanden met zorg {norm['period']}", "float")]
    n_ended = r["assigned_days_ended"]["n"]
    notes = [f"Trajecten: {r['trajectories']}; met einddatum: {'–' if n_ended is None else n_ended}."
             + (f" Normperiode {norm['period']}: {norm['trajectories']} trajecten." if norm else "")]
    if r.get("mean_vs_norm") is not None:
        change = r["mean_vs_norm"]
        notes.append(f"Gemiddelde kosten per traject {'+' if change >= 0 else ''}{format_pct(change)} ten opzichte "
                     f"van de norm {norm['period'] if norm else ''}.")
    notes += r["notes"]
    return Table(title=f"Trajecten product {r['product']} ({r['period']})", columns=cols, rows=rows, notes=notes)


def trajectory_groups_table(r: dict[str, Any]) -> Table:
    header = {"referrer": "Verwijzer", "provider": "Aanbieder"}[r["by"]]
    cols = [Column("group", header), Column("trajectories", "Trajecten", "int"),
            Column("cost_mean_cents", "Gemiddeld", "cents"), Column("cost_p25_cents", "Eerste kwartiel", "cents"),
            Column("cost_median_cents", "Mediaan", "cents"), Column("cost_p75_cents", "Derde kwartiel", "cents"),
            Column("cost_p90_cents", "P90", "cents"), Column("months_median", "Mediaan maanden", "float"),
            Column("total_cents", "Totaal", "cents")]
    return Table(title=f"Kosten per traject product {r['product']} ({r['period']}) per {header.lower()}",
                 columns=cols, rows=r["groups"],
                 notes=["Terugkoppeling: wat kosten de trajecten die elke verwijzer (of aanbieder) start; "
                        "beschrijvend, geen oordeel over de verwijzing (zwaarte van de vraag verschilt)."])


class TrajectoryBy(StrEnum):
    referrer = "referrer"
    provider = "provider"


def trajectories(
    product: Annotated[str, typer.Option("--product", help="Productcode, bijv. 45A65")],
    period: Annotated[str | None, typer.Option("--period", help="Zorgperiode (standaard: alles)")] = None,
    norm_period: Annotated[str | None, typer.Option("--norm-period", help="Vergelijk met deze normperiode")] = None,
    by: Annotated[TrajectoryBy | None, typer.Option("--by", help="Ook per referrer (verwijzer) of provider")] = None,
    municipality: Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente")] = None,
    approved_only: Annotated[bool, typer.Option("--approved-only", help="Alleen toegekende declaraties")] = False,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Verdeling van kosten en duur per traject van een product (mediaan, kwartielen, P90), desgewenst per
    verwijzer of aanbieder en naast een normperiode."""
    from jeugdregie.analysis.trajectories import trajectories as compute

    with command_db(db, (ValueError,)) as database:
        result = compute(database, product, period, municipality, approved_only,
                         by=by.value if by else None, norm_period=norm_period)
    tables = [trajectories_table(result)] + ([trajectory_groups_table(result)] if by else [])
    emit(fmt, tables, json_obj=result, out=out, default_name="trajecten")
