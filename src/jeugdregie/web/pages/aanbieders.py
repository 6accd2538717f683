"""Aanbieders: ranking (cost and, when available, signals with evidence) and a provider profile."""

from __future__ import annotations

from typing import Any

from jeugdregie.web.registry import Section, page


@page("aanbieders", "Aanbieders", {"gemeente", "regio", "contractmanager", "aanbieder"}, order=40,
      filters=("period", "municipality", "provider"),
      description="Aanbieders naar omzet en signalen; kies een aanbieder (AGB) voor het profiel met onderbouwing.")
def aanbieders(ctx: Any) -> list[Section]:
    m = ctx.municipality
    provider = (ctx.query.get("provider") or "").strip() or ctx.user.provider_agb
    sections: list[Section] = []
    if ctx.user.role != "aanbieder":
        sections.append(ctx.section(f"Aanbieders naar netto kosten {ctx.period}", "costs", period=ctx.period,
                                    by="provider", municipality=m))
    if ctx.has("signals"):
        sections.append(ctx.section(f"Signalen {ctx.period} (rangorde)", "signals", period=ctx.period,
                                    provider=provider if ctx.user.role == "aanbieder" else None,
                                    municipality=m if ctx.user.role == "gemeente" else None))
    else:
        sections.append(ctx.unavailable("Signalen", "De signalen over aanbieders"))
    if provider:
        if ctx.has("provider"):
            sections.append(ctx.section(f"Profiel aanbieder {provider}", "provider", agb=provider,
                                        period=ctx.period,
                                        municipality=m if ctx.user.role == "gemeente" else None))
        elif ctx.user.role != "aanbieder":
            sections.append(ctx.section(
                f"Aanbieder {provider}: netto kosten per kwartaal {ctx.year}", "costs", period=str(ctx.year),
                by="provider", per="quarter", municipality=m,
                row_filter=lambda r: str(r.get("group", "")).split(" ")[0] == provider))
            sections.append(ctx.unavailable(f"Profiel aanbieder {provider}", "Het volledige aanbiedersprofiel"))
        else:
            sections.append(ctx.unavailable(f"Profiel aanbieder {provider}", "Het aanbiedersprofiel"))
    return sections
