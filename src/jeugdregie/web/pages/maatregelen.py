"""Maatregelen: the measures register with financial effect per year (read-only here; editing is a later page
with a POST handler, see docs/web.md)."""

from __future__ import annotations

from typing import Any

from jeugdregie.web.registry import Section, page


@page("maatregelen", "Maatregelen", {"gemeente", "regio"}, order=60, filters=("municipality",),
      description="Register van maatregelen met beoogd effect, status en financieel effect.")
def maatregelen(ctx: Any) -> list[Section]:
    if not ctx.has("measures/list"):
        return [ctx.unavailable("Maatregelen", "Het maatregelenregister")]
    number = (ctx.query.get("nummer") or "").strip()
    sections = [ctx.section("Maatregelen", "measures/list", municipality=ctx.municipality)]
    if number and ctx.has("measures/show"):
        sections.append(ctx.section(f"Maatregel {number}", "measures/show", number=number,
                                    municipality=ctx.municipality))
    return sections
