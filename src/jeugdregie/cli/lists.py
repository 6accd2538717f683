"""``jeugdregie lists``: client-level signal lists for the own municipality (audit-logged)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from jeugdregie.analysis.access import lists as lists_analysis
from jeugdregie.analysis.access.rules import RuleError
from jeugdregie.cli._access import MunicipalityOption, PeriodOption, municipality_or_exit, period_or_exit
from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

app = typer.Typer(help="Signaallijsten op clientniveau (alleen eigen gemeente; elke weergave wordt gelogd).",
                  no_args_is_help=True)

RulesOption = Annotated[Path | None, typer.Option("--regels", "--rules",
                                                  help="Eigen YAML-regelbestand (standaard: meegeleverd)")]
PeilOption = Annotated[str | None, typer.Option("--peildatum", help="JJJJ-MM-DD (standaard: einde periode)")]

TITLES = {"wlz": "Wlz-kandidaten", "adulthood": "18-/18+", "residence": "Woonplaatsbeginsel"}
COLUMNS = {
    "wlz": [Column("client_id", "Cliënt (pseudoniem)"), Column("age", "Leeftijd", "int"),
            Column("products", "Producten"), Column("months", "Maanden", "int"),
            Column("cost_cents", "Kosten", "cents"), Column("reason", "Reden")],
    "adulthood": [Column("client_id", "Cliënt (pseudoniem)"), Column("age", "Leeftijd", "int"),
                  Column("turns_on", "Wordt 18 op", "date"), Column("products", "Producten"),
                  Column("cost_cents", "Kosten 18+", "cents"), Column("reason", "Reden")],
    "residence": [Column("client_id", "Cliënt (pseudoniem)"), Column("pc4", "PC4"),
                  Column("residence_municipality", "Gemeente volgens PC4"),
                  Column("assignments", "Toewijzingen", "int"), Column("reason", "Reden")],
}


def _run(kind: str, period: str | None, municipality: str | None, rules: Path | None, peildatum: str | None,
         db: str | None, fmt: Format, out: str | None) -> None:
    p = period_or_exit(period)
    gm = municipality_or_exit(municipality, required=True)
    assert gm is not None
    peil = None
    if peildatum:
        try:
            peil = date.fromisoformat(peildatum)
        except ValueError:
            raise typer.BadParameter("gebruik JJJJ-MM-DD", param_hint="--peildatum") from None
    database = open_db(db)
    try:
        action = "export" if fmt in {Format.xlsx, Format.csv} or out else "view"
        res = lists_analysis.produce(database, kind, gm, p, rules, peil, action=action)
    except RuleError as exc:
        raise typer.BadParameter(str(exc), param_hint="--regels") from None
    finally:
        database.close()
    rows = [{**r, "products": ", ".join(r.get("products") or [])} for r in res.rows]
    table = Table(f"{TITLES[kind]} {gm}, {p.label} ({len(rows)} cliënten)", COLUMNS[kind], rows,
                  [*res.notes, "Clientgegevens: alleen voor de eigen gemeente; deze weergave is gelogd."])
    emit(fmt, [table], json_obj=res.as_json(), out=out, default_name=f"lijst_{kind}_{gm}_{p.label}")


@app.command("wlz")
def wlz_cmd(period: PeriodOption = None, municipality: MunicipalityOption = None, rules: RulesOption = None,
            peildatum: PeilOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
            out: OutOption = None) -> None:
    """Wlz-kandidaten: combinatie van grensproducten met minimale duur en kosten, en kinderen die 8 worden."""
    _run("wlz", period, municipality, rules, peildatum, db, fmt, out)


@app.command("adulthood")
def adulthood_cmd(period: PeriodOption = None, municipality: MunicipalityOption = None, rules: RulesOption = None,
                  peildatum: PeilOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
                  out: OutOption = None) -> None:
    """18-/18+: wordt binnenkort 18 met actieve toewijzingen, en 18-23 jaar in verlengde jeugdhulp."""
    _run("adulthood", period, municipality, rules, peildatum, db, fmt, out)


@app.command("residence")
def residence_cmd(period: PeriodOption = None, municipality: MunicipalityOption = None, rules: RulesOption = None,
                  peildatum: PeilOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
                  out: OutOption = None) -> None:
    """Woonplaatsbeginsel: PC4 van de client hoort bij een andere gemeente dan de betalende."""
    _run("residence", period, municipality, rules, peildatum, db, fmt, out)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="lists")
