"""``jeugdregie waiting``: lead times request -> assignment (315 -> 301) and assignment -> start (301 -> 305)."""

from __future__ import annotations

import typer

from jeugdregie.analysis.access import waiting as waiting_analysis
from jeugdregie.cli._access import (
    MunicipalityOption,
    PeriodOption,
    run_on_store,
    scope_label,
    suppression_note,
)
from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption
from jeugdregie.cli.output import Column, Table, emit

LEG = Column("leg_label", "Stap")
STATS = [Column("n", "Aantal", "int"), Column("p25", "P25", "float"), Column("median", "Mediaan", "float"),
         Column("p75", "P75", "float"), Column("p90", "P90", "float"), Column("mean", "Gemiddeld", "float"),
         Column("max", "Max", "int"), Column("retroactive", "Terugwerkend", "int"), Column("open", "Nog open", "int")]
LEG_LABELS = {"verzoek_toewijzing": "Verzoek → toewijzing (315→301)",
              "toewijzing_start": "Toewijzing → start (301→305)"}


def waiting_cmd(period: PeriodOption = None, municipality: MunicipalityOption = None, db: DbOption = None,
                fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """Doorlooptijden (dagen) als verdeling per aanbieder en categorie."""
    p, gm, res = run_on_store(waiting_analysis.waiting, period, municipality, db)
    for rows in (res.overall, res.by_category, res.by_provider, res.by_provider_category):
        for r in rows:
            r["leg_label"] = LEG_LABELS[r["leg"]]
    cat = [Column("category", "Cat."), Column("category_label", "Categorie")]
    prov = [Column("provider", "Aanbieder (AGB)")]
    tables = [
        Table(f"Doorlooptijden {p.label}, {scope_label(gm)} (dagen)", [LEG, *STATS], res.overall,
              [*res.notes, *suppression_note(res.suppressed)]),
        Table("Per categorie", [LEG, *cat, *STATS], res.by_category),
        Table("Per aanbieder", [LEG, *prov, *STATS], res.by_provider),
        Table("Per aanbieder en categorie", [LEG, *prov, *cat, *STATS], res.by_provider_category),
    ]
    obj = {"period": p.label, "municipality": gm, "rows": res.overall, "by_category": res.by_category,
           "by_provider": res.by_provider, "by_provider_category": res.by_provider_category,
           "suppressed": res.suppressed}
    emit(fmt, tables, json_obj=obj, out=out, default_name=f"doorlooptijden_{p.label}")


def register(root: typer.Typer) -> None:
    root.command("waiting")(waiting_cmd)
