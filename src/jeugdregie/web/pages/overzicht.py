"""Overzicht: key figures, the cost trend against the previous year, forecast vs budget, and the region."""

from __future__ import annotations

from typing import Any

from jeugdregie.money import format_eur, format_int
from jeugdregie.web.registry import Section, page

FIGURE_ROLES = {"gemeente", "regio", "contractmanager"}


def _total(out: Any) -> dict[str, Any]:
    totals = out.json_obj.get("totals") or []
    return totals[0] if totals else {}


@page("overzicht", "Overzicht", FIGURE_ROLES, order=10,
      description="Kerncijfers van de gekozen periode, de trend per kwartaal en de gemeenten in de regio.")
def overzicht(ctx: Any) -> list[Section]:
    from jeugdregie.report.charts import trend
    from jeugdregie.web.permissions import Denied
    from jeugdregie.web.service import CommandError

    sections: list[Section] = []
    m = ctx.municipality
    scope = f"gemeente {m}" if m else "hele regio"
    try:
        now = ctx.run("costs", period=ctx.period, by="total", municipality=m)
        prev_period = str(ctx.year - 1) + ctx.period[4:]
        try:
            prev = ctx.run("costs", period=prev_period, by="total", municipality=m)
        except CommandError:
            prev = None
        t, tp = _total(now), (_total(prev) if prev else {})
        figures = [("Netto kosten " + ctx.period, format_eur(t.get("net_cents"))),
                   ("Cliënten", format_int(t.get("clients"))),
                   ("Trajecten", format_int(t.get("trajectories"))),
                   ("Kosten per cliënt", format_eur(t.get("cost_per_client_cents")))]
        if tp.get("net_cents"):
            change = (t.get("net_cents") or 0) - tp["net_cents"]
            figures.append((f"Verschil t.o.v. {prev_period}", ("+" if change >= 0 else "") + format_eur(change)))
        sections.append(Section(f"Kerncijfers {scope}", figures=figures, notes=list(now.json_obj.get("notes", []))))
        # trend per quarter, this year and last year
        series: dict[str, list[int | None]] = {}
        for y in (ctx.year - 1, ctx.year):
            try:
                q = ctx.run("costs", period=str(y), by="total", per="quarter", municipality=m)
            except CommandError:
                continue
            by_q = {r["period"][-2:]: r["net_cents"] for r in q.json_obj["rows"]}
            series[str(y)] = [by_q.get(k) for k in ("Q1", "Q2", "Q3", "Q4")]
        if series:
            svg = ctx.chart("trend", (scope, series), lambda: trend(
                ["Q1", "Q2", "Q3", "Q4"], series, title=f"Netto kosten per kwartaal, {scope}", fmt="svg"))
            sections.append(Section("Trend per kwartaal", chart_svg=svg,
                                    text="Per kwartaal van de zorgperiode; het laatste kwartaal kan nog groeien "
                                         "door late declaraties."))
    except Denied as exc:
        sections.append(Section(f"Kerncijfers {scope}", notice="denied", text=exc.message))
    except CommandError as exc:
        sections.append(Section(f"Kerncijfers {scope}", notice="error", text=exc.message))
    if ctx.has("forecast"):
        sections.append(_forecast(ctx, m))
    else:
        sections.append(ctx.unavailable("Prognose tegenover budget", "De prognose (late declaraties)"))
    sections.append(ctx.section("Gemeenten in de regio (geaggregeerd)", "costs", period=ctx.period,
                                by="municipality"))
    return sections


def _forecast(ctx: Any, m: str | None) -> Section:
    from jeugdregie.web.permissions import Denied
    from jeugdregie.web.service import CommandError

    title = f"Prognose {ctx.year} tegenover budget"
    try:
        f = ctx.run("forecast", year=ctx.year, municipality=m).json_obj
    except (Denied, CommandError) as exc:
        return Section(title, notice="denied" if isinstance(exc, Denied) else "error", text=exc.message)
    lo, hi = f["interval_80_cents"]
    figures = [("Verwachte eindkosten", format_eur(f["expected_final_cents"])),
               ("80%-interval", f"{format_eur(lo)} – {format_eur(hi)}"),
               ("Al gedeclareerd", format_eur(f["declared_cents"])),
               ("Nog te verwachten", format_eur(f["ibnr_cents"]))]
    if f.get("budget_cents") is not None:
        figures.append(("Begroting", format_eur(f["budget_cents"])))
        over = f.get("expected_over_under_cents")
        if over is not None:
            figures.append(("Verwacht over (+) / onder (-)", ("+" if over >= 0 else "") + format_eur(over)))
    else:
        figures.append(("Begroting", "niet ingelezen"))
    return Section(title, figures=figures, text=f"Peildatum {_nl_date(f['as_of'])}; zie Budget & prognose.",
                   notes=list(f.get("notes", [])))


def _nl_date(iso: str) -> str:
    y, mo, d = iso[:10].split("-")
    return f"{d}-{mo}-{y}"
