"""``jeugdregie outcomes``: planned endings and dropout per provider and product; duration against norm."""

from __future__ import annotations

import typer

from jeugdregie.analysis.access import outcomes as outcomes_analysis
from jeugdregie.cli._access import (
    MunicipalityOption,
    PeriodOption,
    run_on_store,
    scope_label,
    suppression_note,
)
from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption
from jeugdregie.cli.output import Column, Table, emit

COLS = [Column("clients", "Cliënten", "int"), Column("ended", "Beëindigd", "int"),
        Column("planned", "Volgens plan (31)", "int"), Column("dropout", "Uitval (32+33)", "int"),
        Column("agreed", "In overeenstemming (34)", "int"), Column("other", "Overig", "int"),
        Column("planned_share", "Aandeel volgens plan", "pct"), Column("dropout_share", "Aandeel uitval", "pct"),
        Column("median_days", "Mediane duur (dagen)", "float"),
        Column("above_norm_share", "Duur boven norm", "pct")]


def outcomes_cmd(period: PeriodOption = None, municipality: MunicipalityOption = None, db: DbOption = None,
                 fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """Uitkomsten: beëindiging volgens plan en uitval (JZ588) per aanbieder en product; duur tegen de norm."""
    p, gm, res = run_on_store(outcomes_analysis.outcomes, period, municipality, db)
    prov = Column("provider_agb", "Aanbieder (AGB)")
    prod = Column("product", "Product")
    tables = [
        Table(f"Uitkomsten {p.label}, {scope_label(gm)}: per aanbieder", [prov, *COLS], res.by_provider,
              [*res.notes, *suppression_note(res.suppressed)]),
        Table("Per product", [prod, *COLS], res.by_product),
        Table("Per aanbieder en product", [prov, prod, *COLS], res.by_provider_product),
        Table("Per reden beëindiging", [Column("end_reason", "JZ588"), Column("label", "Reden"),
                                        Column("cbs", "CBS"), Column("clients", "Cliënten", "int"),
                                        Column("ended", "Beëindigd", "int")], res.by_reason),
    ]
    obj = {"period": p.label, "municipality": gm, "rows": res.by_provider, "by_product": res.by_product,
           "by_provider_product": res.by_provider_product, "by_reason": res.by_reason,
           "suppressed": res.suppressed}
    emit(fmt, tables, json_obj=obj, out=out, default_name=f"uitkomsten_{p.label}")


def register(root: typer.Typer) -> None:
    root.command("outcomes")(outcomes_cmd)
