"""Toegang: norms and budget box, referrals, flows, waiting times, and the client-level signal lists
(own municipality only; every view is audit-logged)."""

from __future__ import annotations

from typing import Any

from jeugdregie.cli.lists import TITLES as LISTS
from jeugdregie.web.registry import Section, page


@page("toegang", "Toegang", {"gemeente", "regio", "contractmanager"}, order=50,
      filters=("period", "municipality", "category"),
      description="Normen en budgetbox, verwijzingen, in-/door-/uitstroom, wachttijden en signaallijsten.")
def toegang(ctx: Any) -> list[Section]:
    m = ctx.municipality
    cat = ctx.category
    sections: list[Section] = []
    if ctx.user.role == "gemeente":
        chosen = ctx.query.get("lijst")
        links = " · ".join(f'{label}' for label in LISTS.values())
        if chosen in LISTS:
            sections.append(ctx.section(f"Signaallijst {LISTS[chosen]} (gemeente {ctx.user.municipality})",
                                        f"lists/{chosen}", period=ctx.period, municipality=ctx.user.municipality))
            sections[-1].notes.append("Gegevens op clientniveau (gepseudonimiseerd); deze weergave is vastgelegd "
                                      "in het auditlog.")
        else:
            sections.append(Section("Signaallijsten (eigen gemeente)", notice="info",
                                    text=f"Kies een lijst met ?lijst={', '.join(LISTS)} ({links}). "
                                         "Elke weergave wordt vastgelegd in het auditlog."))
    sections.append(ctx.section(f"Normtoets {ctx.period}", "norms/check", period=ctx.period, municipality=m))

    def in_category(r: dict[str, Any]) -> bool:
        return not cat or str(r.get("product_category") or r.get("group") or "") == cat

    sections.append(ctx.section(f"Verwijzingen {ctx.period} per verwijzer", "referrals", period=ctx.period,
                                municipality=m))
    sections.append(ctx.section("Verwijzingen per verwijzer en categorie", "referrals", table_index=1,
                                period=ctx.period, municipality=m, row_filter=in_category))
    sections.append(ctx.section(f"In-, door- en uitstroom {ctx.period}", "flows", period=ctx.period,
                                municipality=m, row_filter=in_category))
    sections.append(ctx.section("Verblijf (residentieel)", "flows", table_index=1, period=ctx.period,
                                municipality=m))
    sections.append(ctx.section(f"Wachttijden {ctx.period}", "waiting", period=ctx.period, municipality=m))
    return sections
