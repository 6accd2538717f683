"""`jeugdregie ledger ...`: the maatwerkbudget (doorbraakmethode) ledger with four eyes and caps."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

ledger_app = typer.Typer(help="Maatwerkbudget: aanvragen, vier-ogen-toetsing, uitgaven en resterend budget.",
                         no_args_is_help=True)
Muni = Annotated[str, typer.Option("--municipality", "-m", help="CBS-gemeentecode")]
Year = Annotated[int, typer.Option("--year", help="Budgetjaar")]


def register(app: typer.Typer) -> None:
    app.add_typer(ledger_app, name="ledger")


def _cents(text: str | None) -> int | None:
    from jeugdregie.money import eur_to_cents

    return None if text is None else eur_to_cents(text)


def _run(fn: object) -> None:
    from jeugdregie.measures.ledger import LedgerError

    try:
        fn()  # type: ignore[operator]
    except (LedgerError, ValueError) as exc:
        Console(stderr=True).print(f"[red]Geweigerd:[/red] {exc}")
        raise typer.Exit(2) from exc


@ledger_app.command("budget")
def budget_cmd(municipality: Muni, year: Year,
               total: Annotated[str, typer.Option("--total", help="Totaal budget in euro")] = "200000",
               cap: Annotated[str, typer.Option("--cap", help="Maximum per casus in euro")] = "5000",
               db: DbOption = None) -> None:
    """Budget en maximum per casus vastleggen (standaard € 200.000 en € 5.000)."""
    from jeugdregie.measures import ledger

    with open_db(db) as database:
        _run(lambda: ledger.set_budget(database, municipality, year, _cents(total) or 0, _cents(cap) or 0))


@ledger_app.command("request")
def request_cmd(municipality: Muni, year: Year,
                purpose: Annotated[str, typer.Option("--purpose", help="Doel van de inzet")],
                coach: Annotated[str, typer.Option("--coach", help="Doorbraakcoach die de casus oppakt")],
                amount: Annotated[str, typer.Option("--amount", help="Bedrag in euro")],
                regular_route_checked: Annotated[bool, typer.Option(
                    "--regular-route-checked/--regular-route-not-checked",
                    help="Is nagegaan dat de reguliere route het niet oplost?")] = False,
                requested_on: Annotated[str | None, typer.Option("--date", help="Datum JJJJ-MM-DD")] = None,
                requested_by: Annotated[str | None, typer.Option("--requested-by")] = None,
                help_type: Annotated[str | None, typer.Option("--help-type", help="Soort hulp")] = None,
                avoided: Annotated[str | None, typer.Option("--expected-avoided", help="Verwachte vermeden kosten "
                                                                                        "(euro)")] = None,
                social: Annotated[str | None, typer.Option("--social-return", help="Maatschappelijk rendement "
                                                                                     "(euro)")] = None,
                db: DbOption = None) -> None:
    """Een casus aanvragen (maximaal het bedrag per casus)."""
    from jeugdregie.measures import ledger

    def go() -> None:
        c = ledger.request_case(database, municipality=municipality, year=year, purpose=purpose, coach=coach,
                                amount_cents=_cents(amount) or 0,
                                requested_on=date.fromisoformat(requested_on) if requested_on else date.today(),
                                regular_route_checked=regular_route_checked, requested_by=requested_by,
                                help_type=help_type, expected_avoided_cents=_cents(avoided),
                                social_return_cents=_cents(social))
        Console(stderr=True).print(f"Casus {c.case_id} aangevraagd; toetsing door een tweede coach nodig")

    with open_db(db) as database:
        _run(go)


@ledger_app.command("approve")
def approve_cmd(case_id: Annotated[str, typer.Argument()],
                approver: Annotated[str, typer.Option("--approver", help="Tweede doorbraakcoach")],
                reject: Annotated[bool, typer.Option("--reject", help="Afwijzen in plaats van goedkeuren")] = False,
                decided_on: Annotated[str | None, typer.Option("--date")] = None, db: DbOption = None) -> None:
    """Plan toetsen door een tweede coach (vier ogen): goedkeuren of afwijzen."""
    from jeugdregie.measures import ledger

    with open_db(db) as database:
        _run(lambda: ledger.decide(database, case_id, approver,
                                   date.fromisoformat(decided_on) if decided_on else date.today(), not reject))


@ledger_app.command("spend")
def spend_cmd(case_id: Annotated[str, typer.Argument()], amount: Annotated[str, typer.Argument(help="euro")],
              db: DbOption = None) -> None:
    """Vastleggen hoeveel er werkelijk is uitgegeven."""
    from jeugdregie.measures import ledger

    with open_db(db) as database:
        _run(lambda: ledger.record_spent(database, case_id, _cents(amount) or 0))


@ledger_app.command("list")
def list_cmd(municipality: Muni, year: Year, fmt: FormatOption = Format.table, out: OutOption = None,
             db: DbOption = None) -> None:
    """Casussen en totalen: budget, toegekend, uitgegeven en resterend."""
    from jeugdregie.measures import ledger

    with open_db(db) as database:
        cases = [c.as_dict() for c in ledger.list_cases(database, municipality, year)]
        tot = ledger.totals(database, municipality, year)
    table = Table(f"Maatwerkbudget {municipality} {year}", [
        Column("case_id", "Casus"), Column("requested_on", "Datum", "date"), Column("purpose", "Doel"),
        Column("coach", "Coach"), Column("approver", "Getoetst door"), Column("status", "Status"),
        Column("amount_cents", "Bedrag", "cents"), Column("spent_cents", "Uitgegeven", "cents"),
        Column("expected_avoided_cents", "Verwacht vermeden", "cents")], cases,
        notes=[f"Budget € {tot['budget_cents'] / 100:,.2f}; toegekend € {tot['approved_cents'] / 100:,.2f}; "
               f"uitgegeven € {tot['spent_cents'] / 100:,.2f}; resterend € {tot['remaining_cents'] / 100:,.2f}"
               .replace(",", "X").replace(".", ",").replace("X", ".")])
    emit(fmt, [table], json_obj={"cases": cases, "totals": tot}, out=out, default_name="maatwerkbudget")
