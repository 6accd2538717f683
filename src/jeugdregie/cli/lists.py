"""``jeugdregie lists``: client-level signal lists for the own municipality (audit-logged)."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated, Any

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

TITLES = {"wlz": "Wlz-kandidaten", "adulthood": "18-/18+", "residence": "Woonplaatsbeginsel",
          "providers": "Aanbieders per jeugdige", "stacking": "Stapeling", "reentry": "Herinstroom",
          "intake": "Pilot-instroom", "segment": "Complex segment", "noncontracted": "Niet-gecontracteerde zorg",
          "lta": "LTA-verwijzingen", "protection": "Jeugdbescherming en jeugdreclassering"}
_CLIENT = [Column("client_id", "Cliënt (pseudoniem)"), Column("age", "Leeftijd", "int")]
_CASE = [*_CLIENT, Column("products", "Producten"), Column("providers", "Aanbieders"),
         Column("start", "Start", "date"), Column("cost_cents", "Gedeclareerd", "cents"), Column("reason", "Reden")]
COLUMNS = {
    "wlz": [*_CLIENT, Column("products", "Producten"), Column("months", "Maanden", "int"),
            Column("cost_cents", "Kosten", "cents"), Column("reason", "Reden")],
    "adulthood": [*_CLIENT, Column("turns_on", "Wordt 18 op", "date"), Column("products", "Producten"),
                  Column("cost_cents", "Kosten 18+", "cents"), Column("reason", "Reden")],
    "residence": [Column("client_id", "Cliënt (pseudoniem)"), Column("pc4", "PC4"),
                  Column("residence_municipality", "Gemeente volgens PC4"),
                  Column("assignments", "Toewijzingen", "int"), Column("reason", "Reden")],
    "providers": [*_CLIENT, Column("max_providers", "Aanbieders tegelijk", "int"),
                  Column("days_simultaneous", "Dagen tegelijk", "int"),
                  Column("providers", "Aanbieders (producten)"),
                  Column("providers_on_peildatum", "Actief op peildatum"), Column("reason", "Reden")],
    "stacking": [*_CLIENT, Column("months_stacked", "Maanden gestapeld", "int"),
                 Column("max_products", "Max. producten", "int"), Column("max_providers", "Max. aanbieders", "int"),
                 Column("products", "Producten"), Column("cost_cents", "Gedeclareerd", "cents"),
                 Column("reason", "Reden")],
    "reentry": [*_CLIENT, Column("ended_on", "Zorg geëindigd", "date"), Column("returned_on", "Terug op", "date"),
                Column("products_before", "Producten ervoor"), Column("products", "Producten erna"),
                Column("reason", "Reden")],
    "intake": [*_CASE[:-1], Column("referrers", "Verwijzer"), Column("reason", "Reden")],
    "segment": _CASE,
    "noncontracted": _CASE,
    "lta": [*_CASE[:-1], Column("referrers", "Verwijzer"), Column("reason", "Reden")],
    "protection": _CASE,
}
HELP = {
    "wlz": "Wlz-kandidaten: combinatie van grensproducten met minimale duur en kosten, en kinderen die 8 worden.",
    "adulthood": "18-/18+: wordt binnenkort 18 met actieve toewijzingen, en 18-23 jaar in verlengde jeugdhulp.",
    "residence": "Woonplaatsbeginsel: PC4 van de client hoort bij een andere gemeente dan de betalende.",
    "providers": "Aanbieders per jeugdige: jeugdigen met zorg van meerdere aanbieders tegelijk, en met wie.",
    "stacking": "Stapeling: maanden met meerdere producten of aanbieders tegelijk, voor alle clienten.",
    "reentry": "Herinstroom: terug in zorg binnen 12 maanden na het einde, en of het zwaarder is.",
    "intake": "Pilot-instroom: nieuwe toewijzingen voor de pilotproducten (--product of regelbestand).",
    "segment": "Complex segment: nieuwe en verlengde toewijzingen in het dure segment, per casus.",
    "noncontracted": "Niet-gecontracteerde zorg: clienten met zorg bij een aanbieder zonder contract voor het product.",
    "lta": "LTA-verwijzingen: jeugdigen verwezen naar landelijk ingekochte zorg (categorie 55).",
    "protection": "Jeugdbescherming/-reclassering (47/48) of juridische status: voor dossierbeoordeling.",
}


def _run(kind: str, period: str | None, municipality: str | None, rules: Path | None, peildatum: str | None,
         db: str | None, fmt: Format, out: str | None, overrides: dict[str, Any] | None = None) -> None:
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
        res = lists_analysis.produce(database, kind, gm, p, rules, peil, action=action, overrides=overrides)
    except RuleError as exc:
        raise typer.BadParameter(str(exc), param_hint="--regels") from None
    finally:
        database.close()
    rows = [{k: ", ".join(map(str, v)) if isinstance(v, list) else v for k, v in r.items()} for r in res.rows]
    table = Table(f"{TITLES[kind]} {gm}, {p.label} ({len(rows)} cliënten)", COLUMNS[kind], rows,
                  [*res.notes, "Clientgegevens: alleen voor de eigen gemeente; deze weergave is gelogd."])
    emit(fmt, [table], json_obj=res.as_json(), out=out, default_name=f"lijst_{kind}_{gm}_{p.label}")


def _command(kind: str) -> None:
    def command(period: PeriodOption = None, municipality: MunicipalityOption = None, rules: RulesOption = None,
                peildatum: PeilOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
                out: OutOption = None) -> None:
        _run(kind, period, municipality, rules, peildatum, db, fmt, out)

    command.__doc__ = HELP[kind]
    app.command(kind)(command)


for _kind in TITLES:
    if _kind != "intake":
        _command(_kind)


@app.command("intake")
def intake_cmd(period: PeriodOption = None, municipality: MunicipalityOption = None, rules: RulesOption = None,
               product: Annotated[list[str] | None, typer.Option(
                   "--product", help="Pilotproduct (herhaalbaar): productcode, of 2 cijfers voor een hele categorie; "
                                     "vervangt de keuze in het regelbestand")] = None,
               peildatum: PeilOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
               out: OutOption = None) -> None:
    """Pilot-instroom: nieuwe toewijzingen voor de pilotproducten (--product of regelbestand)."""
    overrides = None
    if product:
        codes = [c.strip().upper() for c in product if c.strip()]
        overrides = {"categorieen": [c for c in codes if len(c) == 2],
                     "productcodes": [c for c in codes if len(c) != 2]}
    _run("intake", period, municipality, rules, peildatum, db, fmt, out, overrides)


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="lists")
