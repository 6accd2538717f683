"""Maatwerkbudget (doorbraakmethode, C131): the ledger of the own municipality, and the forms to request a case,
decide on it (four eyes), record what was spent and set the budget. The rules are the ledger's
(``measures.ledger``: regular route first, cap per case, budget, four eyes); its Dutch refusals come back on the
form. The logged-in user is the coach who requests and the coach who decides, so four eyes means two accounts.
Every change is audit-logged (``PageContext.write``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from jeugdregie.measures import ledger
from jeugdregie.money import format_eur, parse_eur_input
from jeugdregie.web.mirror import CommandError
from jeugdregie.web.permissions import Denied
from jeugdregie.web.registry import Field, FormError, Section, page


def _year(ctx: Any) -> int:
    raw = (ctx.query.get("jaar") or "").strip()
    if raw.isdigit() and 1990 <= int(raw) <= 2100:
        return int(raw)
    return date.today().year


@page("maatwerkbudget", "Maatwerkbudget", {"gemeente"}, order=62, filters=("jaar",),
      description="Doorbraakmethode: aanvragen, toetsing door een tweede coach, uitgaven en resterend budget van "
                  "de eigen gemeente.",
      on_post=lambda ctx, form: save(ctx, form), edit_policy="edit")
def maatwerkbudget(ctx: Any) -> list[Section]:
    if not ctx.has("ledger/list"):
        return [ctx.unavailable("Maatwerkbudget", "Het maatwerkbudget")]
    year = _year(ctx)
    ctx.query["jaar"] = str(year)
    args = {"municipality": ctx.user.municipality, "year": year}
    try:
        out = ctx.run("ledger/list", **args)
    except Denied as exc:
        return [Section("Maatwerkbudget", notice="denied", text=exc.message)]
    except CommandError as exc:
        return [Section("Maatwerkbudget", notice="error", text=exc.message)]
    tot, cases = out.json_obj["totals"], out.json_obj["cases"]
    overview = Section(f"Maatwerkbudget {year}", table=out.tables[0], download=("ledger/list", args),
                       figures=[("Budget", format_eur(tot["budget_cents"])),
                                ("Toegekend", format_eur(tot["approved_cents"])),
                                ("Uitgegeven", format_eur(tot["spent_cents"])),
                                ("Resterend", format_eur(tot["remaining_cents"])),
                                ("In aanvraag", format_eur(tot["pending_cents"]))])
    if tot["default_budget"]:
        overview.notes.append(f"Nog geen budget vastgelegd voor {year}: de standaard van "
                              f"{format_eur(ledger.DEFAULT_TOTAL_CENTS)} en {format_eur(ledger.DEFAULT_CAP_CENTS)} "
                              "per casus geldt.")
    sections = [overview]
    if not ctx.can_edit:
        return sections
    errors = ctx.form_error.errors if ctx.form_error is not None else {}

    def f(action: str, name: str, label: str, default: Any = "", kind: str = "text", **kw: Any) -> Field:
        mine = ctx.posted is not None and ctx.posted.get("actie") == action
        value = ctx.posted.get(name, "") if mine else default
        return Field(name, label, value, kind, error=errors.get(name, "") if mine else "", **kw)

    hidden = [Field("jaar", "", year, "hidden")]
    today = date.today().isoformat()
    sections.append(Section(
        "Nieuwe aanvraag", text=f"U bent de doorbraakcoach die de casus aanvraagt ({ctx.user.email}); een andere "
                                "coach toetst het plan. Bedragen in euro.",
        form=[Field("actie", "", "aanvragen", "hidden"), *hidden,
              f("aanvragen", "doel", "Doel van de inzet", kind="textarea", required=True,
                hint="Geen namen of andere persoonsgegevens."),
              f("aanvragen", "soort_hulp", "Soort hulp"),
              f("aanvragen", "aangevraagd_door", "Aangevraagd door (team of functie)"),
              f("aanvragen", "bedrag", "Bedrag (€)", kind="number", required=True,
                hint=f"Hoogstens {format_eur(tot['case_cap_cents'])} per casus."),
              f("aanvragen", "vermeden", "Verwachte vermeden kosten (€)", kind="number"),
              f("aanvragen", "rendement", "Maatschappelijk rendement (€)", kind="number"),
              f("aanvragen", "datum", "Datum aanvraag", today, "date"),
              f("aanvragen", "regulier", "De reguliere route is nagegaan en lost dit niet op", "", "checkbox")],
        form_button="Aanvraag indienen"))
    pending = [c for c in cases if c["status"] == "aangevraagd"]
    if pending:
        sections.append(Section(
            "Aanvraag toetsen (vier ogen)",
            text="Alleen een andere coach dan de aanvrager kan goedkeuren of afwijzen.",
            form=[Field("actie", "", "toetsen", "hidden"), *hidden,
                  f("toetsen", "casus", "Casus", pending[0]["case_id"], "select", options=[
                      (c["case_id"], f"{c['case_id']}: {format_eur(c['amount_cents'])}, {c['coach']}")
                      for c in pending]),
                  f("toetsen", "besluit", "Besluit", "goedkeuren", "select",
                    options=[("goedkeuren", "goedkeuren"), ("afwijzen", "afwijzen")]),
                  f("toetsen", "datum", "Datum besluit", today, "date")],
            form_button="Besluit vastleggen"))
    approved = [c for c in cases if c["status"] == "goedgekeurd"]
    if approved:
        sections.append(Section(
            "Uitgave vastleggen",
            form=[Field("actie", "", "uitgave", "hidden"), *hidden,
                  f("uitgave", "casus", "Casus", approved[0]["case_id"], "select", options=[
                      (c["case_id"], f"{c['case_id']}: toegekend {format_eur(c['amount_cents'])}, uitgegeven "
                                     f"{format_eur(c['spent_cents'])}") for c in approved]),
                  f("uitgave", "uitgegeven", "Totaal uitgegeven (€)", kind="number", required=True)],
            form_button="Uitgave vastleggen"))
    sections.append(Section(
        f"Budget {year}",
        form=[Field("actie", "", "budget", "hidden"), *hidden,
              f("budget", "totaal", "Totaal budget (€)", _euros(tot["budget_cents"]), "number", required=True),
              f("budget", "maximum", "Maximum per casus (€)", _euros(tot["case_cap_cents"]), "number", required=True)],
        form_button="Budget vastleggen"))
    return sections


def _euros(cents: int) -> str:
    return str(cents // 100) if cents % 100 == 0 else f"{cents // 100},{cents % 100:02d}"


def _amount(form: dict[str, str], name: str, errors: dict[str, str], required: bool = False) -> int | None:
    try:
        cents = parse_eur_input(form.get(name))
    except ValueError:
        errors[name] = "Geen geldig eurobedrag (bijv. 2500 of 2.500,50)."
        return None
    if cents is None and required:
        errors[name] = "Vul een bedrag in."
    return cents


def _day(form: dict[str, str], name: str, errors: dict[str, str]) -> date:
    raw = (form.get(name) or "").strip()
    try:
        return date.fromisoformat(raw) if raw else date.today()
    except ValueError:
        errors[name] = "Geen geldige datum (JJJJ-MM-DD)."
        return date.today()


def save(ctx: Any, form: dict[str, str]) -> str:
    """POST handler: one ledger action for the user's own municipality."""
    action = form.get("actie", "")
    raw_year = (form.get("jaar") or "").strip()
    if not raw_year.isdigit() or not 1990 <= int(raw_year) <= 2100:
        raise FormError("Ongeldig formulier (jaar); laad de pagina opnieuw.")
    year = int(raw_year)
    ctx.next_query = {"jaar": str(year)}
    errors: dict[str, str] = {}
    case_id = (form.get("casus") or "").strip()

    def own_case(db: Any, municipality: str) -> None:
        try:
            case = ledger.get_case(db, case_id)
        except ledger.LedgerError as exc:
            raise FormError(str(exc), 400, {"casus": str(exc)}) from exc
        if case.municipality != municipality:
            raise FormError(f"casus {case_id} hoort niet bij uw gemeente", 400, {"casus": "Niet van uw gemeente."})

    def run(change: Any, details: dict[str, Any]) -> Any:
        if errors:
            raise FormError("Niet alle velden zijn goed ingevuld; zie de meldingen bij de velden.", 400, errors)

        def guarded(db: Any, municipality: str) -> Any:
            try:
                return change(db, municipality)
            except ledger.LedgerError as exc:
                raise FormError(f"Geweigerd: {exc}.", 400) from exc
        return ctx.write("maatwerkbudget", guarded, {"actie": action, **details})

    if action == "aanvragen":
        amount = _amount(form, "bedrag", errors, required=True)
        avoided = _amount(form, "vermeden", errors)
        social = _amount(form, "rendement", errors)
        on = _day(form, "datum", errors)
        if not (form.get("doel") or "").strip():
            errors["doel"] = "Beschrijf het doel van de inzet."
        case = run(lambda db, m: ledger.request_case(
            db, municipality=m, year=year, purpose=form.get("doel") or "", coach=ctx.user.email,
            amount_cents=amount or 0, requested_on=on, regular_route_checked=bool(form.get("regulier")),
            requested_by=(form.get("aangevraagd_door") or "").strip() or None,
            help_type=(form.get("soort_hulp") or "").strip() or None, expected_avoided_cents=avoided,
            social_return_cents=social), {"bedrag_cents": amount, "jaar": year})
        return f"Casus {case.case_id} aangevraagd ({format_eur(case.amount_cents, True)}); een tweede coach toetst het plan."
    if action == "toetsen":
        approve = form.get("besluit") == "goedkeuren"
        on = _day(form, "datum", errors)

        def decide(db: Any, m: str) -> ledger.FlexCase:
            own_case(db, m)
            return ledger.decide(db, case_id, ctx.user.email, on, approve)
        case = run(decide, {"casus": case_id, "besluit": "goedkeuren" if approve else "afwijzen"})
        return f"Casus {case.case_id} is {case.status}."
    if action == "uitgave":
        spent = _amount(form, "uitgegeven", errors, required=True)

        def spend(db: Any, m: str) -> ledger.FlexCase:
            own_case(db, m)
            return ledger.record_spent(db, case_id, spent or 0)
        case = run(spend, {"casus": case_id, "uitgegeven_cents": spent})
        return f"Uitgave voor casus {case.case_id} vastgelegd: {format_eur(case.spent_cents, True)}."
    if action == "budget":
        total = _amount(form, "totaal", errors, required=True)
        cap = _amount(form, "maximum", errors, required=True)
        run(lambda db, m: ledger.set_budget(db, m, year, total or 0, cap or 0),
            {"jaar": year, "totaal_cents": total, "maximum_cents": cap})
        return f"Budget {year} vastgelegd: {format_eur(total, True)}, hoogstens {format_eur(cap, True)} per casus."
    raise FormError("Onbekende actie; laad de pagina opnieuw.")
