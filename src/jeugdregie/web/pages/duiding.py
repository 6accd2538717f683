"""Duiding ("tellen en vertellen"): the interpretation text per section of the half-year report, written and
versioned on the web (``report.narratives``); the report (``report.halfyear.build``) shows the latest version of
each with its author and date.

Views (GET): every section of the report for a period (``?period=2025H1``) with its current text; ``&sleutel=kosten``
one section: its text, the edit form (gemeente, policy ``edit``, own municipality) and all versions. A regio user
reads the texts of the region report (key ``regio``). Saving checks the version the form was loaded with: when
someone else saved in between the form comes back (409) with the entered text and the other text above it.
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from jeugdregie.cli.output import Column, Table
from jeugdregie.measures import register
from jeugdregie.measures.model import MeasureError
from jeugdregie.measures.periods import half_of, period_label, report_period
from jeugdregie.report.halfyear import REGION, SECTION_KEYS, data_as_of
from jeugdregie.report.narratives import MAX_LENGTH, Narrative, NarrativeError, add_narrative, history, latest
from jeugdregie.web.permissions import Denied
from jeugdregie.web.registry import Field, FormError, Section, page


def _url(**query: Any) -> str:
    return "/duiding?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})


@page("duiding", "Duiding", {"gemeente", "regio"}, order=65, filters=("period",),
      description="Tellen en vertellen: de toelichting bij elke paragraaf van de halfjaarrapportage, met versies.",
      on_post=lambda ctx, form: save(ctx, form), edit_policy="edit")
def duiding(ctx: Any) -> list[Section]:
    if not ctx.has("report"):
        return [ctx.unavailable("Duiding", "De halfjaarrapportage")]
    own = ctx.user.municipality if ctx.can_edit else None
    try:
        period, texts, keys = _read(ctx, own)
    except (MeasureError, Denied) as exc:
        return [Section("Duiding", notice="error", text=str(exc))]
    whose = f"gemeente {own}" if own else "de regio (alle gemeenten)"
    key = (ctx.posted or ctx.query).get("sleutel", "").strip()
    if key:
        if key not in keys:
            return [Section("Duiding", notice="error", text=f"Onbekende paragraaf {key!r}.",
                            links=[("Alle paragrafen", _url(period=period))])]
        return _one(ctx, period, key, keys[key], texts.get(key, []), own)
    rows = []
    for k, title in keys.items():
        current = texts.get(k, [None])[0]
        rows.append({"key": k, "title": title, "version": current.version if current else None,
                     "author": current.author if current else None,
                     "written_at": f"{current.written_at:%d-%m-%Y %H:%M}" if current else None,
                     "text": _excerpt(current.body) if current else "nog geen duiding"})
    table = Table(f"Duiding {period_label(period)}, {whose}",
                  [Column("title", "Paragraaf"), Column("version", "Versie", "int"), Column("author", "Door"),
                   Column("written_at", "Datum"), Column("text", "Tekst (begin)")], rows)
    section = Section(f"Paragrafen van de rapportage {period}", table=table,
                      row_links={"title": lambda r: _url(period=period, sleutel=r["key"])})
    section.notes.append("De rapportage (jeugdregie report) toont bij elke paragraaf de laatste versie, met auteur "
                         "en datum. " + ("Klik op een paragraaf om de duiding te schrijven of te wijzigen."
                                         if own else "Alleen gebruikers van een gemeente schrijven duiding, "
                                                     "voor de eigen gemeente."))
    return [section]


def _read(ctx: Any, own: str | None) -> tuple[str, dict[str, list[Narrative]], dict[str, str]]:
    """The period (the query's, else the half-year of the latest declaration), every version per section key
    (newest first) and the keys a text may belong to (report sections and the municipality's measures)."""
    def read(db: Any, _args: dict[str, Any]) -> tuple[str, dict[str, list[Narrative]], dict[str, str]]:
        period = (ctx.query.get("period") or "").strip().upper() or half_of(data_as_of(db, str(date.today().year)))
        report_period(period)
        scope = own or REGION
        keys = dict(SECTION_KEYS)
        keys.update({f"maatregel:{m.number}": f"Maatregel {m.number}: {m.title}"
                     for m in register.list_measures(db, own)})
        texts = {k: history(db, scope, period, k) for k in latest(db, scope, period)}
        return period, texts, keys
    # the report's policy: a gemeente reads its own municipality's texts, the regio those of the region report
    period, texts, keys = ctx.analysis("report", read, "narratives", municipality=own)
    ctx.query["period"] = period  # the filter shows the period in use
    return period, texts, keys


def _excerpt(text: str, n: int = 140) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= n else flat[: n - 1].rstrip() + "…"


def _one(ctx: Any, period: str, key: str, title: str, versions: list[Narrative], own: str | None) -> list[Section]:
    current = versions[0] if versions else None
    back = ("Alle paragrafen", _url(period=period))
    shown = Section(f"{title}: duiding {period_label(period)}", links=[back],
                    text=current.body if current else None,
                    notice=None if current else "info")
    if current:
        shown.notes.append(f"Versie {current.version}, geschreven door {current.author} op "
                           f"{current.written_at:%d-%m-%Y %H:%M}. Deze tekst staat in de rapportage.")
    else:
        shown.text = "Bij deze paragraaf staat nog geen duiding."
    sections = [shown]
    conflict = ctx.form_error is not None and ctx.form_error.status == 409
    if own:
        errors = ctx.form_error.errors if ctx.form_error is not None else {}
        version = current.version if current else 0
        if ctx.posted is not None and not conflict:
            version = ctx.posted.get("versie", version)
        sections.append(Section(
            "Duiding schrijven" if current is None else "Duiding wijzigen",
            text="Leg uit wat de cijfers betekenen: oorzaken, wat de gemeente eraan doet, wat nog onzeker is. "
                 "Opslaan maakt een nieuwe versie; eerdere versies blijven bewaard.",
            form=[Field("sleutel", "", key, "hidden"), Field("period", "", period, "hidden"),
                  Field("versie", "", version, "hidden"),
                  Field("tekst", f"Duiding bij {title}", ctx.value("tekst", current.body if current else ""),
                        "textarea", required=True, hint=f"Hoogstens {MAX_LENGTH:,} tekens.".replace(",", "."),
                        error=errors.get("tekst", ""))],
            form_button="Duiding opslaan", form_action=urlencode({"period": period, "sleutel": key})))
    cols = [Column("version", "Versie", "int"), Column("written_at", "Datum"), Column("author", "Door"),
            Column("body", "Tekst")]
    rows = [{"version": n.version, "written_at": f"{n.written_at:%d-%m-%Y %H:%M}", "author": n.author,
             "body": n.body} for n in versions]
    sections.append(Section("Versies", table=Table("Alle versies, nieuwste eerst", cols, rows)))
    return sections


def save(ctx: Any, form: dict[str, str]) -> str:
    """POST handler: a new version of one section's text for the user's own municipality."""
    key = (form.get("sleutel") or "").strip()
    period = (form.get("period") or "").strip().upper()
    body = form.get("tekst") or ""
    try:
        report_period(period)
        expected = int(form.get("versie") or 0)
    except (MeasureError, ValueError) as exc:
        raise FormError("Ongeldig formulier (periode of versie); laad de pagina opnieuw.") from exc
    if not body.strip():
        raise FormError("De tekst is leeg.", 400, {"tekst": "Schrijf een tekst (een lege duiding wordt niet "
                                                           "opgeslagen)."})
    if len(body.strip()) > MAX_LENGTH:
        raise FormError("De tekst is te lang.", 400, {"tekst": f"Hoogstens {MAX_LENGTH} tekens; nu "
                                                               f"{len(body.strip())}."})

    def change(db: Any, municipality: str) -> Narrative:
        if key not in SECTION_KEYS and not (key.startswith("maatregel:") and register.get_measure(
                db, municipality, key.removeprefix("maatregel:"))):
            raise FormError(f"Onbekende paragraaf {key!r}.")
        versions = history(db, municipality, period, key)
        current = versions[0] if versions else None
        if current is None and expected:
            raise FormError("Ongeldig formulier (versie); laad de pagina opnieuw.", 409)
        if current is not None and current.version != expected:
            raise FormError(f"{current.author} heeft deze duiding intussen opgeslagen op "
                            f"{current.written_at:%d-%m-%Y %H:%M} (versie {current.version}; u bewerkte versie "
                            f"{expected}). Uw tekst is niet opgeslagen; hij staat nog in het formulier. Lees de "
                            "nieuwe tekst hierboven en sla opnieuw op om hem te vervangen.", 409)
        try:
            return add_narrative(db, municipality, period, key, body, ctx.user.email, expected_version=expected)
        except NarrativeError as exc:
            raise FormError(str(exc), 400, {"tekst": str(exc)}) from exc

    n: Narrative = ctx.write("duiding", change, {"periode": period, "paragraaf": key, "versie": expected})
    ctx.next_query = {"period": period, "sleutel": key}
    return f"Duiding opgeslagen (versie {n.version}); de rapportage toont deze versie."
