"""`jeugdregie providers meetings add|list`: conversations with providers and their outcomes, shareable within
the region and linked to the signals they discussed (docs/signals.md, "Gesprekken met aanbieders")."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, command_db, fail
from jeugdregie.cli.output import Column, Table, emit

providers_app = typer.Typer(help="Aanbieders: gesprekken en afspraken.", no_args_is_help=True)
meetings_app = typer.Typer(help="Gesprekken met aanbieders en hun uitkomst (deelbaar binnen de regio).",
                           no_args_is_help=True)
providers_app.add_typer(meetings_app, name="meetings")

MunicipalityOption = Annotated[str | None, typer.Option(
    "--municipality", help="Gemeente die het gesprek voerde (CBS-code); ook het gemeentefilter van de signalen")]


def register(app: typer.Typer) -> None:
    app.add_typer(providers_app, name="providers")


@meetings_app.command("add")
def meetings_add(
    provider_agb: Annotated[str, typer.Argument(help="AGB-code van de aanbieder")],
    meeting_date: Annotated[str, typer.Option("--date", help="Datum van het gesprek (JJJJ-MM-DD)")],
    subject: Annotated[str, typer.Option("--subject", help="Onderwerp (geen cliëntgegevens)")],
    outcome: Annotated[str, typer.Option("--outcome", help="Uitkomst van het gesprek (geen cliëntgegevens)")],
    agreements: Annotated[str | None, typer.Option("--agreements", help="Gemaakte afspraken")] = None,
    next_date: Annotated[str | None, typer.Option("--next-date", help="Afgesproken vervolgdatum (JJJJ-MM-DD)")]
    = None,
    municipality: MunicipalityOption = None,
    shared: Annotated[bool, typer.Option("--shared/--not-shared",
                                         help="Zichtbaar voor de andere gemeenten in de regio")] = True,
    signal_keys: Annotated[list[str] | None, typer.Option(
        "--signal", help="Sleutel van een besproken signaal (herhaalbaar; kolom 'Sleutel' in jeugdregie signals)")]
    = None,
    period: Annotated[str | None, typer.Option("--period", help="Zorgperiode van de besproken signalen")] = None,
    status: Annotated[str, typer.Option("--status", help="Opvolgstatus voor de besproken signalen")] = "besproken",
    db: DbOption = None,
) -> None:
    """Een gesprek met een aanbieder vastleggen, met de besproken signalen."""
    from jeugdregie.analysis.signals import SignalError, compute_signals
    from jeugdregie.analysis.signals.meetings import add_meeting
    from jeugdregie.cli.forecast import parse_date

    keys = list(dict.fromkeys(signal_keys or []))
    if keys and not period:
        raise fail(SignalError("--period is nodig om de signalen (--signal) te vinden"))
    found = []
    with command_db(db) as database:
        if keys:
            assert period is not None
            by_key = {s.key: s for s in compute_signals(database, period, provider=provider_agb,
                                                        municipality=municipality)}
            missing = [k for k in keys if k not in by_key]
            if missing:
                raise SignalError(f"geen signaal van {provider_agb} in {period} met sleutel {', '.join(missing)}")
            found = [by_key[k] for k in keys]
        mid = add_meeting(database, provider_agb, parse_date(meeting_date), subject, outcome,
                          municipality=municipality, agreements=agreements,
                          next_date=parse_date(next_date) if next_date else None, shared=shared, signals=found,
                          followup_status=status)
    Console().print(f"Gesprek vastgelegd ({mid[:12]}) met {provider_agb}"
                    + (f"; {len(found)} signaal/signalen op '{status}'" if found else ""))


@meetings_app.command("list")
def meetings_list(
    provider_agb: Annotated[str | None, typer.Option("--provider", help="Alleen deze aanbieder")] = None,
    municipality: Annotated[str | None, typer.Option(
        "--municipality", help="Eigen gesprekken van deze gemeente plus de gedeelde en regionale")] = None,
    signal_key: Annotated[str | None, typer.Option("--signal", help="Alleen gesprekken over dit signaal")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Gesprekken met aanbieders tonen (nieuwste eerst)."""
    from jeugdregie.analysis.signals.meetings import list_meetings

    with command_db(db) as database:
        rows = list_meetings(database, provider_agb, municipality, signal_key)
    for r in rows:
        r["signals"] = ", ".join(f"{s['type']} {s['period']} ({s['key']})" for s in r["signals"])
        r["shared"] = "ja" if r["shared"] else "nee"
    cols = [Column("meeting_date", "Datum", "date"), Column("provider_agb", "AGB"),
            Column("municipality", "Gemeente"), Column("subject", "Onderwerp"), Column("outcome", "Uitkomst"),
            Column("agreements", "Afspraken"), Column("next_date", "Vervolg", "date"),
            Column("signals", "Besproken signalen"), Column("shared", "Gedeeld"), Column("actor", "Door")]
    emit(fmt, [Table("Gesprekken met aanbieders", cols, rows)], out=out, default_name="gesprekken")
