"""Budget & prognose: the year-end forecast with its interval (late declarations) against the budget."""

from __future__ import annotations

from typing import Any

from jeugdregie.web.registry import Section, page


def forecast_chart(ctx: Any, year: int, municipality: str | None) -> str:
    """Realisation + forecast fan vs budget per month (the chart of ``jeugdregie forecast --chart``)."""
    from jeugdregie.analysis.forecast import monthly_realisation
    from jeugdregie.cli.forecast import resolve_as_of
    from jeugdregie.report.forecast_charts import realisation_fan

    def draw(db: Any, args: dict[str, Any]) -> str:
        monthly = monthly_realisation(db, year, resolve_as_of(db, None), municipality=args.get("municipality"))
        return str(ctx.svg(realisation_fan(monthly, fmt="svg")))

    return str(ctx.analysis("forecast", draw, "realisation_fan", year=year, municipality=municipality))


@page("budget", "Budget & prognose", {"gemeente", "regio", "contractmanager"}, order=30,
      description="Verwachte jaarkosten inclusief nog te verwachten declaraties, met bandbreedte, tegenover het budget.")
def budget(ctx: Any) -> list[Section]:
    from jeugdregie.web.permissions import Denied
    from jeugdregie.web.service import CommandError

    m = ctx.municipality
    sections: list[Section] = []
    if ctx.has("forecast"):
        title = f"Prognose zorgjaar {ctx.year}"
        try:
            chart = forecast_chart(ctx, ctx.year, m)
            sections.append(Section(f"Realisatie en prognose {ctx.year}", chart_svg=chart,
                                    text="Staven: al gedeclareerd. Lijn en band: verwachte eindkosten met "
                                         "80%-interval (late declaraties). Stippellijn: begroting, indien ingelezen."))
        except (Denied, CommandError) as exc:
            sections.append(Section(title, notice="denied" if isinstance(exc, Denied) else "error",
                                    text=exc.message))
        sections.append(ctx.section(title, "forecast", year=ctx.year, municipality=m))
        sections.append(ctx.section(f"Prognose {ctx.year} per categorie", "forecast", year=ctx.year, by="category",
                                    municipality=m))
    else:
        sections.append(ctx.unavailable("Prognose", "De jaarprognose met late declaraties"))
    if ctx.has("budget/monitor"):
        sections.append(ctx.section("Begroting tegenover realisatie en prognose", "budget/monitor", year=ctx.year,
                                    municipality=m))
    else:
        sections.append(ctx.unavailable("Begroting tegenover realisatie", "Het begrotingsregister"))
    if ctx.has("budget/propose") and ctx.user.role == "gemeente":
        # the own municipality's proposal for the next year; ?index=0.035 sets the indexation (default none)
        nxt = ctx.year + 1
        sections.append(ctx.section(f"Begrotingsvoorstel {nxt} per perceel", "budget/propose", year=nxt,
                                    index=(ctx.query.get("index") or "0").strip(), municipality=ctx.user.municipality))
    return sections
