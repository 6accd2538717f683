"""Kosten: cost overview by any grouping, the decomposition of the change, the cost trend (acceleration or
flattening) and the intensity trend per product."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from jeugdregie.web.registry import Section, page


@page("kosten", "Kosten", {"gemeente", "regio", "contractmanager"}, order=20,
      filters=("period", "municipality", "category"),
      description="Waar gaat het geld heen, en waarom veranderde het: volume, intensiteit, prijs en mix.")
def kosten(ctx: Any) -> list[Section]:
    from jeugdregie.report.charts import decomposition_waterfall
    from jeugdregie.web.permissions import Denied
    from jeugdregie.web.service import CommandError

    m = ctx.municipality
    cat = ctx.category
    by = ctx.query.get("by") or ("product" if cat else "category")
    if by not in _BY:
        by = "category"
    row_filter = None
    if cat and by == "product":
        def row_filter(r: dict[str, Any]) -> bool:
            return str(r.get("group", "")).startswith(cat) or str(r.get("group", "")).startswith("Totaal")
    sections = [ctx.section(f"Kostenoverzicht {ctx.period} per {_BY[by]}", "costs", period=ctx.period, by=by,
                            municipality=m, row_filter=row_filter)]
    if cat and by == "product":
        sections[0].notes.append(f"Getoond: producten van categorie {cat}. De download bevat alle producten.")
    keep = {k: v for k, v in ctx.query.items() if k in ("period", "municipality", "category")}
    sections[0].links = [(("▸ " if key == by else "per ") + label, "/kosten?" + urlencode({**keep, "by": key}))
                         for key, label in _BY.items()]
    previous = str(ctx.year - 1) + ctx.period[4:]
    title = f"Verklaring kostenverschil {previous} → {ctx.period}"
    try:
        out = ctx.run("explain", **{"from": previous, "to": ctx.period, "by": "category", "municipality": m})
        r = out.json_obj
        svg = ctx.chart("waterfall", (r["from"], r["to"], r["cost_from_cents"], r["cost_to_cents"], r["components"],
                                      r.get("price_basis")), lambda: decomposition_waterfall(r, fmt="svg"))
        table = out.tables[0]
        sections.append(Section(title, chart_svg=svg, table=table, notes=list(table.notes),
                                download=("explain", {"from": previous, "to": ctx.period, "by": "category",
                                                      "municipality": m})))
    except Denied as exc:
        sections.append(Section(title, notice="denied", text=exc.message))
    except CommandError as exc:
        sections.append(Section(title, notice="error", text=exc.message))
    sections.append(_trend(ctx, m))
    if ctx.year - 1 in ctx.years:
        span = f"{ctx.year - 1}-{ctx.year}"
        sections.append(ctx.section(f"Intensiteit per product {span}", "intensity", period=span, municipality=m))
    return sections


def _trend(ctx: Any, m: str | None) -> Section:
    """Quarterly net cost over all years in the store, with the acceleration/flattening verdict."""
    from jeugdregie.report.charts import trend
    from jeugdregie.web.permissions import Denied
    from jeugdregie.web.service import CommandError

    span = f"{ctx.years[0]}-{ctx.years[-1]}"
    title = f"Kostentrend per kwartaal {span}"
    args = {"period": span, "municipality": m}
    try:
        out = ctx.run("trend", **args)
    except Denied as exc:
        return Section(title, notice="denied", text=exc.message)
    except CommandError as exc:
        return Section(title, notice="error", text=exc.message)
    r = out.json_obj
    quarters = [x["quarter"] for x in r["series"]]
    series = {"Netto kosten": [x["net_cents"] if x["mature"] else None for x in r["series"]],
              "Nog onvolledig": [None if x["mature"] else x["net_cents"] for x in r["series"]]}
    marks = ctx.analysis("annotations/list", lambda db, a: special_spans(db, quarters, m), "spans", municipality=m)
    svg = ctx.chart("trend", (quarters, series, marks), lambda: trend(
        quarters, series, title=f"Netto kosten per kwartaal {span}", fmt="svg", spans=marks))
    verdict = {"versnelling": "De kostengroei versnelt", "afvlakking": "De kostengroei vlakt af",
               "daling": "De kosten dalen", "geen aantoonbare verandering": "Geen aantoonbare verandering in het "
               "groeitempo", "te weinig gegevens": "Te weinig volledige kwartalen voor een oordeel"}[r["verdict"]]
    figures = [("Oordeel", verdict)]
    if r["growth_before"] is not None:
        figures += [(f"Groei per jaar vóór {r['break']}", _pct(r["growth_before"])),
                    (f"Groei per jaar vanaf {r['break']}", _pct(r["growth_after"]))]
    return Section(title, chart_svg=svg, figures=figures, notes=list(r["notes"]), download=("trend", args))


def special_spans(db: Any, labels: list[str], municipality: str | None) -> list[tuple[int, int, str]]:
    from jeugdregie.analysis.special_periods import spans

    return spans(db, labels, municipality)


def _pct(x: float) -> str:
    return f"{x * 100:+.1f}%".replace(".", ",")


_BY = {"category": "productcategorie", "product": "product", "provider": "aanbieder", "referrer": "verwijzer",
       "budget_line": "begrotingspost", "age_band": "leeftijdsklasse", "gender": "geslacht", "pc4": "postcode (PC4)"}
