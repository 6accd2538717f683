"""``jeugdregie flows``: active clients per month, in-/through-/outflow per category, residential care on
its own, and re-entry within 12 months."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jeugdregie.analysis.access import flows as flows_analysis
from jeugdregie.analysis.access import rules as rulefiles
from jeugdregie.cli._access import (
    MunicipalityOption,
    PeriodOption,
    run_on_store,
    scope_label,
    suppression_note,
)
from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption
from jeugdregie.cli.output import Column, Table, emit

FLOW_COLS = [Column("begin", "Begin", "int"), Column("instroom", "Instroom", "int"),
             Column("door_in", "Doorstroom in", "int"), Column("wissel", "Wissel product/aanbieder", "int"),
             Column("door_uit", "Doorstroom uit", "int"), Column("uitstroom", "Uitstroom", "int"),
             Column("eind", "Eind", "int"), Column("median_days_ended", "Mediane duur beëindigd (dagen)", "float")]


def flows_cmd(
    period: PeriodOption = None, municipality: MunicipalityOption = None,
    rules: Annotated[Path | None, typer.Option("--regels", "--rules", help="Eigen flows.yaml")] = None,
    db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None,
) -> None:
    """In-, door- en uitstroom per categorie, verblijf apart, actieve cliënten per maand en herinstroom."""
    try:
        r = rulefiles.load("flows", rules)
    except rulefiles.RuleError as exc:
        raise typer.BadParameter(str(exc), param_hint="--regels") from None
    p, gm, res = run_on_store(flows_analysis.flows, period, municipality, db, r)
    grp = [Column("group", "Cat."), Column("label", "Categorie")]
    re = res.reentry
    tables = [
        Table(f"Stromen {p.label}, {scope_label(gm)}: per categorie", [*grp, *FLOW_COLS], res.by_category,
              [*res.notes, *suppression_note(res.suppressed)]),
        Table("Verblijf (residentieel)", [*grp, *FLOW_COLS], res.residential),
        Table("Per toegangspartner (verwijzer)", [Column("label", "Verwijzer"), *FLOW_COLS], res.by_referrer),
        Table("Actieve cliënten per maand", [Column("month", "Maand", "date"), Column("clients", "Cliënten", "int"),
                                            Column("residential_clients", "Waarvan verblijf", "int")], res.active),
        Table(f"Herinstroom binnen {re['months']} maanden", [
            Column("ended", "Beëindigde trajecten", "int"), Column("reentered", "Herinstroom", "int"),
            Column("reentry_share", "Aandeel herinstroom", "pct"), Column("heavier", "Zwaarder terug", "int"),
            Column("heavier_share_of_reentries", "Zwaarder (van herinstroom)", "pct"),
            Column("heavier_share_of_ended", "Zwaarder (van beëindigd)", "pct")], [re]),
    ]
    obj = {"period": p.label, "municipality": gm, "rows": res.by_category, "residential": res.residential, "by_referrer": res.by_referrer,
           "active_per_month": res.active, "reentry": re, "suppressed": res.suppressed}
    emit(fmt, tables, json_obj=obj, out=out, default_name=f"stromen_{p.label}")


def register(root: typer.Typer) -> None:
    root.command("flows")(flows_cmd)
