"""Beheer: import runs, quarantine with reasons, the audit log and the users."""

from __future__ import annotations

from typing import Any

from jeugdregie.web.registry import Section, page


@page("import", "Import", {"beheer"}, order=80, filters=(),
      description="Ingelezen bestanden en wat in quarantaine ging, met de reden.")
def imports(ctx: Any) -> list[Section]:
    run = (ctx.query.get("run") or "").strip() or None
    return [ctx.section("Importruns", "imports/runs", limit=200),
            ctx.section("Quarantaine per reden", "imports/quarantine", run=run),
            ctx.section("Quarantaine-items", "imports/quarantine", table_index=1, run=run)]


@page("auditlog", "Auditlog", {"beheer"}, order=85, filters=(),
      description="Elke weergave of export van gegevens op clientniveau: wie, wanneer, wat en met welk filter.")
def auditlog(ctx: Any) -> list[Section]:
    return [ctx.section("Auditlog", "audit", limit=500)]


@page("gebruikers", "Gebruikers", {"beheer"}, order=90, filters=(),
      description="Gebruikers en rollen. Toevoegen: jeugdregie users add --email … --role … .")
def gebruikers(ctx: Any) -> list[Section]:
    return [ctx.section("Gebruikers", "users/list")]
