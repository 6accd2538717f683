"""Options and helpers shared by the access commands (norms, lists, referrals, flows, waiting, outcomes)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Annotated, Any, TypeVar

import typer

from jeugdregie.analysis import smallcells
from jeugdregie.analysis.service_periods import ServicePeriod, parse_period
from jeugdregie.cli.common import open_db

R = TypeVar("R")

PeriodOption = Annotated[
    str | None,
    typer.Option("--period", "-p",
                 help="Periode: 2023, 2021-2023, 2023H1, 2023Q2 of 2023-05 (standaard: vorig jaar)"),
]
MunicipalityOption = Annotated[
    str | None, typer.Option("--municipality", "-g", help="CBS-gemeentecode (4 cijfers), bijv. 0637")
]


def period_or_exit(text: str | None) -> ServicePeriod:
    try:
        return parse_period(text or str(date.today().year - 1))
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--period") from None


def municipality_or_exit(code: str | None, required: bool = False) -> str | None:
    if code is None:
        if required:
            raise typer.BadParameter(
                "verplicht voor lijsten op clientniveau: alleen de eigen gemeente", param_hint="--municipality")
        return None
    code = code.strip()
    if code.isdigit() and len(code) < 4:
        code = code.zfill(4)
    if not (code.isdigit() and len(code) == 4):
        raise typer.BadParameter("gebruik de 4-cijferige CBS-code, bijv. 0637", param_hint="--municipality")
    return code


def suppression_note(n: int) -> list[str]:
    if not n:
        return []
    return [smallcells.NOTE_NL.format(n=n, t=smallcells.threshold())]


def scope_label(municipality: str | None) -> str:
    return f"gemeente {municipality}" if municipality else "alle gemeenten"


def run_on_store(analysis: Callable[..., R], period: str | None, municipality: str | None, db: str | None,
                 *args: Any) -> tuple[ServicePeriod, str | None, R]:
    """Parse ``--period``/``--municipality``, open the store, run ``analysis(db, period, municipality, *args)``."""
    p = period_or_exit(period)
    gm = municipality_or_exit(municipality)
    database = open_db(db)
    try:
        return p, gm, analysis(database, p, gm, *args)
    finally:
        database.close()
