"""Aanbieders: ranking (cost and signals with a transparent score) and the provider profile with evidence."""

from __future__ import annotations

from typing import Any

from jeugdregie.web.registry import Section, page


@page("aanbieders", "Aanbieders", {"gemeente", "regio", "contractmanager", "aanbieder"}, order=40,
      filters=("period", "municipality", "provider"),
      description="Aanbieders naar omzet en signalen; kies een aanbieder (AGB) voor het profiel met onderbouwing.")
def aanbieders(ctx: Any) -> list[Section]:
    role = ctx.user.role
    m = ctx.municipality if role == "gemeente" else None
    provider = ctx.user.provider_agb if role == "aanbieder" else ((ctx.query.get("provider") or "").strip() or None)
    sections: list[Section] = []
    if role != "aanbieder":
        sections.append(ctx.section(f"Aanbieders naar netto kosten {ctx.period}", "costs", period=ctx.period,
                                    by="provider", municipality=ctx.municipality))
    if ctx.has("signals") and role in ("gemeente", "contractmanager", "aanbieder"):
        if provider is None:
            sections.append(ctx.section(f"Signalen {ctx.period}: rangorde", "signals", period=ctx.period,
                                        municipality=m))
    elif not ctx.has("signals"):
        sections.append(ctx.unavailable("Signalen", "De signalen over aanbieders"))
    if provider:
        if ctx.has("provider") and role in ("gemeente", "contractmanager", "aanbieder"):
            sections += ctx.sections(f"Profiel aanbieder {provider} ({ctx.period})", "provider", agb=provider,
                                     period=ctx.period, municipality=m)
        elif role != "aanbieder":
            sections.append(ctx.section(
                f"Aanbieder {provider}: netto kosten per kwartaal {ctx.year}", "costs", period=str(ctx.year),
                by="provider", per="quarter", municipality=ctx.municipality,
                row_filter=lambda r: str(r.get("group", "")).split(" ")[0] == provider))
            if not ctx.has("provider"):
                sections.append(ctx.unavailable(f"Profiel aanbieder {provider}", "Het aanbiedersprofiel"))
    elif role != "aanbieder":
        sections.append(Section("Profiel", notice="info",
                                text="Vul een AGB-code in bij 'Provider' (filter) voor het profiel van één aanbieder."))
    return sections
