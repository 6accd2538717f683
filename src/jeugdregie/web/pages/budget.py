"""Budget & prognose: the year-end forecast with its interval (late declarations) against the budget."""

from __future__ import annotations

from typing import Any

from jeugdregie.web.registry import Section, page


@page("budget", "Budget & prognose", {"gemeente", "regio", "contractmanager"}, order=30,
      description="Verwachte jaarkosten inclusief nog te verwachten declaraties, met bandbreedte, tegenover het budget.")
def budget(ctx: Any) -> list[Section]:
    m = ctx.municipality
    sections: list[Section] = []
    if ctx.has("forecast"):
        try:
            from jeugdregie.web.service import CommandError

            out = ctx.run("forecast", year=ctx.year, municipality=m)
            for i, table in enumerate(out.tables):
                sections.append(Section(table.title, table=table, notes=list(table.notes),
                                        download=("forecast", {"year": ctx.year, "municipality": m})
                                        if i == 0 else None))
        except Exception as exc:  # noqa: BLE001 - Denied/CommandError shown as a notice
            from jeugdregie.web.permissions import Denied

            if isinstance(exc, Denied | CommandError):
                sections.append(Section("Prognose", notice="denied" if isinstance(exc, Denied) else "error",
                                        text=exc.message))
            else:
                raise
    else:
        sections.append(ctx.unavailable("Prognose", "De jaarprognose met late declaraties"))
    if ctx.has("budget"):
        sections.append(ctx.section("Budget tegenover realisatie", "budget", year=ctx.year, municipality=m))
    else:
        sections.append(ctx.unavailable("Budget tegenover realisatie", "Het budgetregister"))
    sections.append(ctx.section(f"Realisatie {ctx.year} per kwartaal (gedeclareerd tot nu toe)", "costs",
                                period=str(ctx.year), by="total", per="quarter", municipality=m))
    return sections
