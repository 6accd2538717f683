"""Kosten: cost overview by category/product/provider/referrer and the decomposition of the change."""

from __future__ import annotations

from typing import Any

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
    if by not in {"category", "product", "provider", "referrer"}:
        by = "category"
    row_filter = None
    if cat and by == "product":
        def row_filter(r: dict[str, Any]) -> bool:
            return str(r.get("group", "")).startswith(cat) or str(r.get("group", "")).startswith("Totaal")
    sections = [ctx.section(f"Kostenoverzicht {ctx.period} per {_BY[by]}", "costs", period=ctx.period, by=by,
                            municipality=m, row_filter=row_filter)]
    if cat and by == "product":
        sections[0].notes.append(f"Getoond: producten van categorie {cat}. De download bevat alle producten.")
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
    return sections


_BY = {"category": "productcategorie", "product": "product", "provider": "aanbieder", "referrer": "verwijzer"}
