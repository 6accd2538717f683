"""``jeugdregie referrals``: volume and cost per referrer type, category and provider; LTA and
non-contracted shares; the complex-segment share of new inflow against its target band."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from jeugdregie.analysis.access import contracts
from jeugdregie.analysis.access import referrals as referrals_analysis
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

BASE = [Column("new_assignments", "Nieuwe toewijzingen", "int"), Column("clients", "Cliënten", "int"),
        Column("share_of_new", "Aandeel nieuw", "pct"), Column("cost_cents", "Kosten", "cents"),
        Column("lta_share", "Aandeel LTA (55)", "pct"), Column("lta_cost_share", "Kostenaandeel LTA", "pct"),
        Column("non_contracted_share", "Aandeel niet-gecontracteerd", "pct")]


def referrals_cmd(
    period: PeriodOption = None, municipality: MunicipalityOption = None,
    segment: Annotated[Path | None, typer.Option("--segment", help="YAML met het complexe segment en doelband")] = None,
    contracted: Annotated[Path | None, typer.Option(
        "--gecontracteerd", "--contracted",
        help="Contractenlijst (gemeente,agb,product_category,product_code,valid_from,valid_to) of AGB-codes")] = None,
    db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None,
) -> None:
    """Verwijzingen: wie verwijst waarheen, tegen welke kosten; trend per halfjaar; complex segment."""
    try:
        seg = rulefiles.load("complex_segment", segment)
    except rulefiles.RuleError as exc:
        raise typer.BadParameter(str(exc), param_hint="--segment") from None
    agbs = None
    if contracted is not None:
        try:
            agbs = contracts.read_file(contracted)
        except (OSError, contracts.ContractFileError) as exc:
            raise typer.BadParameter(str(exc), param_hint="--gecontracteerd") from None
    p, gm, res = run_on_store(referrals_analysis.referrals, period, municipality, db, seg, agbs)
    ref = Column("referrer_label", "Verwijzer")
    cs = res.complex_segment
    tables = [
        Table(f"Verwijzingen {p.label}, {scope_label(gm)}: per verwijzer", [ref, *BASE], res.by_referrer,
              [*res.notes, *suppression_note(res.suppressed)]),
        Table("Per verwijzer en categorie", [ref, Column("product_category", "Cat."),
                                            Column("category_label", "Categorie"), *BASE], res.by_category),
        Table("Per verwijzer en aanbieder", [ref, Column("provider", "Aanbieder (AGB)"), *BASE], res.by_provider),
        Table("Trend per halfjaar", [Column("half_year", "Halfjaar"), ref,
                                     Column("new_assignments", "Nieuwe toewijzingen", "int"),
                                     Column("clients", "Cliënten", "int"),
                                     Column("share_of_new", "Aandeel", "pct")], res.trend),
        Table(f"{cs['name']}: aandeel nieuwe instroom", [
            Column("new_assignments", "Nieuwe toewijzingen", "int"),
            Column("segment_assignments", "In segment", "int"), Column("share", "Aandeel", "pct"),
            Column("target_low", "Doel van", "pct"), Column("target_high", "Doel tot", "pct"),
            Column("status", "Oordeel")], [cs]),
    ]
    obj = {"period": p.label, "municipality": gm, "rows": res.by_referrer, "by_category": res.by_category,
           "by_provider": res.by_provider, "trend": res.trend, "complex_segment": cs,
           "suppressed": res.suppressed}
    emit(fmt, tables, json_obj=obj, out=out, default_name=f"verwijzingen_{p.label}")


def register(root: typer.Typer) -> None:
    root.command("referrals")(referrals_cmd)
