"""Maatregelen: the measures register with financial effect per year, and (for a gemeente user, policy
``edit``) the form to add, change and delete the own municipality's measures.

Views (GET): the register; ``?nummer=A1&van=0603`` one measure with its amounts, checkpoints and version
history; ``?bewerken=nieuw`` an empty form; ``&verwijderen=1`` the delete confirmation. A POST saves through
``measures.register.save_measure(expected_version=...)``: when someone else saved in between the form comes
back (409) with the entered values and who saved which version. Every change is audit-logged
(``PageContext.write``).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from jeugdregie.cli.output import Column, Table
from jeugdregie.measures import register
from jeugdregie.measures.files import EURO_KEYS
from jeugdregie.measures.model import (
    KINDS,
    MONEY_FIELDS,
    QUALITATIVE,
    STATUSES,
    Checkpoint,
    Measure,
    MeasureError,
)
from jeugdregie.measures.model import MeasureYear as Year
from jeugdregie.measures.periods import parse_half
from jeugdregie.money import format_eur, parse_eur_input
from jeugdregie.web.permissions import Denied
from jeugdregie.web.registry import Field, FormError, Section, page

#: form field -> (model attribute, Dutch label, kind)
TEXT_FIELDS: dict[str, tuple[str, str, str]] = {
    "titel": ("title", "Titel", "text"),
    "soort": ("kind", "Soort", "select"),
    "actielijn": ("action_line", "Actielijn / categorie", "text"),
    "sturingsniveau": ("steering_level", "Sturingsniveau", "text"),
    "eigenaar": ("owner", "Eigenaar", "text"),
    "status": ("status", "Status", "select"),
    "kwalitatief": ("qualitative_effect", "Kwalitatief effect", "select"),
    "startdatum": ("start_date", "Startdatum", "date"),
    "thema": ("theme", "Thema (gedeelde code, bv. POH-jeugd)", "text"),
    "beoogd_effect": ("intended_effect", "Beoogd effect", "textarea"),
    "tussenresultaat": ("interim_result", "Tussenresultaat", "textarea"),
    "risicos": ("risks", "Risico's", "textarea"),
    "aannames": ("assumptions", "Aannames", "textarea"),
    "toelichting": ("note", "Toelichting", "textarea"),
}
#: euro key (form) -> Dutch label; amounts are entered in euros ('1.234,56' or '1234.56')
MONEY_LABELS = {key: MONEY_FIELDS[cents] for key, cents in EURO_KEYS.items()}
YEAR_TEXT = {"needed_nature": "Aard benodigde bedragen", "realised_note": "Toelichting realisatie"}
CHECKPOINT_FIELDS = {"period": "Halfjaarrapportage (bv. 2025H2)", "label": "Omschrijving",
                     "focus": "Waarop getoetst wordt", "due_date": "Uiterlijk op", "outcome": "Uitkomst"}
BLANK_YEARS = 2
BLANK_CHECKPOINTS = 1
MAX_ROWS = 40


def _url(**query: Any) -> str:
    return "/maatregelen?" + urlencode({k: v for k, v in query.items() if v not in (None, "")})


@page("maatregelen", "Maatregelen", {"gemeente", "regio"}, order=60, filters=("municipality",),
      description="Register van maatregelen met beoogd effect, status en financieel effect.",
      on_post=lambda ctx, form: save(ctx, form), edit_policy="edit")
def maatregelen(ctx: Any) -> list[Section]:
    if not ctx.has("measures/list"):
        return [ctx.unavailable("Maatregelen", "Het maatregelenregister")]
    q = ctx.query
    own = ctx.user.municipality if ctx.can_edit else None
    number = (ctx.posted or q).get("nummer", "").strip()
    of = (q.get("van") or own or "").strip()
    if q.get("bewerken") == "nieuw" or (ctx.posted is not None and ctx.posted.get("nieuw")):
        return [_form(ctx, None, own)] if own else [Section("Nieuwe maatregel", notice="denied",
                                                            text="Alleen de eigen gemeente voegt maatregelen toe.")]
    if number and of:
        return _detail(ctx, of, number, own)
    listing = ctx.section("Maatregelen", "measures/list", municipality=ctx.municipality)
    listing.row_links = {"number": lambda r: _url(nummer=r["number"], van=r["municipality"])
                         if r.get("number") else None}
    if own:
        listing.links = [("Nieuwe maatregel toevoegen", _url(bewerken="nieuw"))]
        listing.notes.append("Klik op een nummer om de maatregel te bekijken, te wijzigen of te verwijderen.")
    return [listing]


# -- reading ----------------------------------------------------------------------------------------------
def _load(ctx: Any, municipality: str, number: str) -> tuple[Measure | None, list[dict[str, Any]]]:
    """The measure and its saved versions, read under the policy of ``measures/list`` (region-wide
    aggregate: measures hold no client data, the register page lists every municipality's measures)."""
    def read(db: Any, _args: dict[str, Any]) -> tuple[Measure | None, list[dict[str, Any]]]:
        return register.get_measure(db, municipality, number), register.history(db, municipality, number)
    return ctx.analysis("measures/list", read, f"measure:{municipality}:{number}")  # type: ignore[no-any-return]


def _detail(ctx: Any, municipality: str, number: str, own: str | None) -> list[Section]:
    try:
        measure, versions = _load(ctx, municipality, number)
    except Denied as exc:
        return [Section(f"Maatregel {number}", notice="denied", text=exc.message)]
    back = ("Terug naar het register", _url())
    if measure is None:
        text = f"Maatregel {number} van gemeente {municipality} bestaat niet (meer)."
        if versions:
            text += f" Laatst opgeslagen als versie {versions[0]['version']} door {versions[0]['saved_by']}."
        return [Section(f"Maatregel {number}", notice="info", text=text, links=[back]), _history(versions)]
    editable = own == municipality
    conflict = ctx.form_error is not None and ctx.form_error.status == 409
    q_delete = ctx.query.get("verwijderen") == "1" and editable and ctx.posted is None
    sections = [_summary(measure, [back] + ([("Verwijderen", _url(nummer=number, van=municipality,
                                                                  verwijderen="1"))] if editable else []))]
    if q_delete:
        sections.insert(0, Section(
            f"Maatregel {number} verwijderen?", notice="error",
            text=f"Weet u zeker dat u maatregel {number} ({measure.title}) wilt verwijderen? De bedragen, "
                 "ijkmomenten en gekoppelde indicatoren verdwijnen uit het register; de versiegeschiedenis blijft "
                 "bewaard.",
            form=[Field("actie", "", "verwijderen", "hidden"), Field("nummer", "", number, "hidden"),
                  Field("versie", "", measure.version, "hidden")],
            form_button="Definitief verwijderen", form_danger=True, links=[("Annuleren", _url(
                nummer=number, van=municipality))]))
    sections += [_years_table(measure), _checkpoints_table(measure)]
    if editable:
        if conflict and versions:
            v = versions[0]
            sections.insert(0, Section(
                "Intussen gewijzigd", notice="error",
                text=f"{v['saved_by']} heeft deze maatregel opgeslagen op {v['saved_at']:%d-%m-%Y %H:%M} (versie "
                     f"{v['version']}) terwijl u hem bewerkte. Uw wijzigingen zijn niet opgeslagen; ze staan "
                     "hieronder nog in het formulier. Vergelijk ze met de opgeslagen versie hierboven en sla "
                     "opnieuw op om versie " f"{v['version']} te overschrijven."))
        sections.append(_form(ctx, measure, municipality))
    sections.append(_history(versions))
    return sections


def _summary(m: Measure, links: list[tuple[str, str]]) -> Section:
    rows = [{"label": label, "value": getattr(m, attr) if attr != "qualitative_effect" or not m.qualitative_effect
             else f"{m.qualitative_effect} {QUALITATIVE[m.qualitative_effect]}"}
            for _name, (attr, label, _k) in TEXT_FIELDS.items()]
    nxt = next((c for c in m.checkpoints if not c.done and c.period), None)
    rows.insert(6, {"label": "Volgend ijkmoment", "value": f"{nxt.period} {nxt.label or ''}".strip() if nxt else None})
    rows.append({"label": "Versie", "value": m.version})
    table = Table(f"Maatregel {m.number} (gemeente {m.municipality})",
                  [Column("label", "Veld"), Column("value", "Waarde")],
                  [{**r, "value": "–" if r["value"] in (None, "") else str(r["value"])} for r in rows])
    return Section(f"Maatregel {m.number}: {m.title}", table=table, links=links)


def _years_table(m: Measure) -> Section:
    cols = [Column("year", "Jaar"), *(Column(c, h, "cents") for c, h in MONEY_FIELDS.items())]
    rows: list[dict[str, Any]] = [{"year": str(y.year), **{c: getattr(y, c) for c in MONEY_FIELDS}} for y in m.years]
    if rows:
        rows.append({"year": "Totaal", **m.totals()})
    notes = [f"{y.year}: netto wijkt {format_eur(d)} af van bruto − benodigd (zo vermeld in het plan)"
             for y in m.years if (d := y.net_check())]
    return Section("Financieel effect per jaar", table=Table("Bedragen per jaar (leeg = niet vermeld)", cols, rows),
                   notes=notes)


def _checkpoints_table(m: Measure) -> Section:
    cols = [Column("period", "Halfjaar"), Column("label", "Omschrijving"), Column("focus", "Waarop getoetst"),
            Column("due_date", "Uiterlijk", "date"), Column("done", "Afgerond"), Column("outcome", "Uitkomst")]
    rows = [{**vars(c), "done": "ja" if c.done else "nee"} for c in m.checkpoints]
    notes = ([f"Gekoppelde indicatoren (beheerd via import): {', '.join(i.label for i in m.indicators)}"]
             if m.indicators else [])
    return Section("IJkmomenten", table=Table("IJkmomenten (halfjaarrapportages)", cols, rows), notes=notes)


def _history(versions: list[dict[str, Any]]) -> Section:
    cols = [Column("version", "Versie", "int"), Column("saved_at", "Opgeslagen"), Column("saved_by", "Door"),
            Column("title", "Titel"), Column("status", "Status"), Column("net_cents", "Netto (alle jaren)", "cents"),
            Column("next", "Volgend ijkmoment")]
    rows = []
    for v in versions:
        m: Measure = v["measure"]
        nxt = next((c.period for c in m.checkpoints if not c.done and c.period), None)
        rows.append({"version": v["version"], "saved_at": f"{v['saved_at']:%d-%m-%Y %H:%M}", "saved_by": v["saved_by"],
                     "title": m.title, "status": m.status, "net_cents": m.totals()["net_cents"], "next": nxt})
    return Section("Versiegeschiedenis", table=Table("Opgeslagen versies, nieuwste eerst", cols, rows))


# -- the form ---------------------------------------------------------------------------------------------
def _form(ctx: Any, m: Measure | None, own: str) -> Section:
    errors = ctx.form_error.errors if ctx.form_error is not None else {}
    new = m is None
    stored = m or Measure(own, "", "")
    posted = ctx.posted

    def val(name: str, value: Any) -> str:
        return ctx.value(name, value)

    def f(name: str, label: str, value: Any, kind: str = "text", **kw: Any) -> Field:
        return Field(name, label, val(name, value), kind, error=errors.get(name, ""), **kw)

    fields = [Field("actie", "", "opslaan", "hidden")]
    # after a conflict the form carries the user's values but the version now stored, so saving again overwrites
    version = m.version if m is not None else 0
    fields.append(Field("versie", "", version if posted is None or (ctx.form_error and ctx.form_error.status == 409)
                        else posted.get("versie", version), "hidden"))
    if new:
        fields += [Field("nieuw", "", "1", "hidden"),
                   f("nummer", "Nummer", "", required=True, hint="bijv. M12 of A3; uniek binnen de gemeente")]
    else:
        fields.append(Field("nummer", "", stored.number, "hidden"))
    options = {"soort": [(k, k) for k in KINDS], "status": [(s, s) for s in STATUSES],
               "kwalitatief": [("", "niet vermeld"), *((k, f"{k} {v}") for k, v in QUALITATIVE.items())]}
    for name, (attr, label, kind) in TEXT_FIELDS.items():
        value = getattr(stored, attr)
        if isinstance(value, date):
            value = value.isoformat()
        fields.append(f(name, label, value, kind, options=options.get(name, []), required=name == "titel",
                        group="Maatregel" if kind != "textarea" else ""))
    years = list(stored.years)
    n_years = _rows(posted, "year") if posted is not None else len(years) + BLANK_YEARS
    for i in range(n_years):
        y = years[i] if i < len(years) else None
        group = f"Financieel effect {y.year}" if y else f"Financieel effect, extra jaar {i - len(years) + 1}"
        fields.append(f(f"year_{i}", "Jaar", y.year if y else "", "number", group=group))
        for key, label in MONEY_LABELS.items():
            cents = getattr(y, EURO_KEYS[key]) if y else None
            fields.append(f(f"{key}_{i}", f"{label} (€)", _euro_text(cents), "number", group=group))
        for key, label in YEAR_TEXT.items():
            fields.append(f(f"{key}_{i}", label, getattr(y, key) if y else "", group=group))
    cps = list(stored.checkpoints)
    n_cps = _rows(posted, "cp_period") if posted is not None else len(cps) + BLANK_CHECKPOINTS
    for i in range(n_cps):
        c = cps[i] if i < len(cps) else None
        group = f"IJkmoment {i + 1}" if c else f"Nieuw ijkmoment {i - len(cps) + 1}"
        for key, label in CHECKPOINT_FIELDS.items():
            value = getattr(c, key) if c else ""
            fields.append(f(f"cp_{key}_{i}", label, value.isoformat() if isinstance(value, date) else value,
                            "date" if key == "due_date" else "text", group=group))
        fields.append(f(f"cp_done_{i}", "Afgerond", "ja" if c and c.done else "", "checkbox", group=group))
    title = "Nieuwe maatregel" if new else f"Maatregel {stored.number} wijzigen (versie {stored.version})"
    return Section(title, form=fields, form_button="Maatregel opslaan",
                   text="Bedragen in euro; een leeg bedrag betekent 'niet vermeld', niet nul. Laat een jaar of "
                        "ijkmoment leeg om het weg te laten of te verwijderen.",
                   form_action=urlencode({"nummer": stored.number, "van": own}) if not new else "bewerken=nieuw")


def _rows(posted: dict[str, str], prefix: str) -> int:
    """How many numbered rows (``<prefix>_0``, ``_1``, …) the posted form had."""
    n = 0
    while f"{prefix}_{n}" in posted and n < MAX_ROWS:
        n += 1
    return n


def _euro_text(cents: int | None) -> str:
    """Cents as the form shows them: '109000' or '109000,50' (Dutch decimal comma, no grouping)."""
    if cents is None:
        return ""
    sign = "-" if cents < 0 else ""
    whole, rest = divmod(abs(cents), 100)
    return f"{sign}{whole}" + (f",{rest:02d}" if rest else "")


# -- saving -----------------------------------------------------------------------------------------------
def measure_from_form(form: dict[str, str], municipality: str, stored: Measure | None) -> Measure:
    """The measure the form describes, or ``FormError`` with a Dutch message per invalid field. Indicator links
    and the source, which the form does not edit, are kept from the stored measure."""
    errors: dict[str, str] = {}

    def text(name: str) -> str | None:
        return (form.get(name) or "").strip() or None

    number = text("nummer") or ""
    if not number:
        errors["nummer"] = "Vul een nummer in."
    elif len(number) > 20 or not all(ch.isalnum() or ch in "-_." for ch in number):
        errors["nummer"] = "Een nummer bestaat uit letters, cijfers, '-', '_' of '.' (hoogstens 20 tekens)."
    if not text("titel"):
        errors["titel"] = "Vul een titel in."
    data: dict[str, Any] = {}
    for name, (attr, _label, _kind) in TEXT_FIELDS.items():
        data[attr] = text(name)
    if data["kind"] not in KINDS:
        errors["soort"] = f"Kies een soort: {', '.join(KINDS)}."
    if data["status"] not in STATUSES:
        errors["status"] = f"Kies een status: {', '.join(STATUSES)}."
    if data["qualitative_effect"] is not None and data["qualitative_effect"] not in QUALITATIVE:
        errors["kwalitatief"] = "Kies ++, + of 0 (of niet vermeld)."
    if data["start_date"] is not None:
        try:
            data["start_date"] = date.fromisoformat(data["start_date"])
        except ValueError:
            errors["startdatum"] = "Geen geldige datum (JJJJ-MM-DD)."
            data["start_date"] = None
    years: list[Year] = []
    for i in range(_rows(form, "year")):
        filled = [k for k in (*MONEY_LABELS, *YEAR_TEXT) if text(f"{k}_{i}")]
        raw = text(f"year_{i}")
        if raw is None:
            if filled:
                errors[f"year_{i}"] = "Vul het jaar in waar deze bedragen bij horen."
            continue
        if not raw.isdigit() or not 1990 <= int(raw) <= 2100:
            errors[f"year_{i}"] = "Een jaar tussen 1990 en 2100."
            continue
        if any(y.year == int(raw) for y in years):
            errors[f"year_{i}"] = f"Het jaar {raw} staat al in het formulier."
            continue
        y = Year(int(raw))
        for key in MONEY_LABELS:
            try:
                setattr(y, EURO_KEYS[key], parse_eur_input(text(f"{key}_{i}")))
            except ValueError:
                errors[f"{key}_{i}"] = "Geen geldig eurobedrag (bijv. 12500, 12.500 of 12.500,50)."
        for key in YEAR_TEXT:
            setattr(y, key, text(f"{key}_{i}"))
        years.append(y)
    checkpoints: list[Checkpoint] = []
    for i in range(_rows(form, "cp_period")):
        values = {k: text(f"cp_{k}_{i}") for k in CHECKPOINT_FIELDS}
        if not any(values.values()):
            continue
        if values["period"] is None:
            errors[f"cp_period_{i}"] = "Vul de halfjaarrapportage in (bijv. 2025H2)."
        else:
            try:
                parse_half(values["period"])
                values["period"] = values["period"].upper()
            except MeasureError:
                errors[f"cp_period_{i}"] = "Een halfjaar als 2025H1 of 2025H2."
        due = None
        if values["due_date"]:
            try:
                due = date.fromisoformat(values["due_date"])
            except ValueError:
                errors[f"cp_due_date_{i}"] = "Geen geldige datum (JJJJ-MM-DD)."
        checkpoints.append(Checkpoint(period=values["period"], label=values["label"], focus=values["focus"],
                                      due_date=due, done=bool(text(f"cp_done_{i}")), outcome=values["outcome"]))
    if errors:
        raise FormError(f"{len(errors)} veld{'en' if len(errors) > 1 else ''} niet goed ingevuld; zie de "
                        "meldingen bij de velden.", 400, errors)
    m = Measure(municipality=municipality, number=number, title=str(data.pop("title")), years=years,
                checkpoints=checkpoints, source=stored.source if stored else "web",
                indicators=list(stored.indicators) if stored else [],
                **{k: v for k, v in data.items() if not (k in ("kind", "status") and v is None)})
    try:
        m.validate()
    except MeasureError as exc:
        raise FormError(str(exc), 400) from exc
    return m


def save(ctx: Any, form: dict[str, str]) -> str:
    """POST handler: save or delete one measure of the user's own municipality."""
    action = form.get("actie", "opslaan")
    number = (form.get("nummer") or "").strip()
    try:
        expected = int(form.get("versie") or 0)
    except ValueError as exc:
        raise FormError("Ongeldig formulier (versie); laad de pagina opnieuw.") from exc
    new = bool(form.get("nieuw"))

    def check_version(db: Any, municipality: str) -> Measure | None:
        stored = register.get_measure(db, municipality, number)
        current = stored.version if stored else 0
        if new and stored is not None:
            raise FormError(f"Maatregel {number} bestaat al. Kies een ander nummer of wijzig de bestaande "
                            "maatregel.", 400, {"nummer": "Dit nummer is al in gebruik."})
        if not new and current != expected:
            last = register.history(db, municipality, number)[:1]
            who = f" door {last[0]['saved_by']} op {last[0]['saved_at']:%d-%m-%Y %H:%M}" if last else ""
            raise FormError(f"Iemand anders heeft maatregel {number} intussen {'verwijderd' if not stored else 'opgeslagen'}"
                            f"{who} (versie {max(current, last[0]['version'] if last else 0)}; u bewerkte versie "
                            f"{expected}). Uw wijzigingen zijn niet opgeslagen.", 409)
        return stored

    if action == "verwijderen":
        def delete(db: Any, municipality: str) -> None:
            check_version(db, municipality)
            register.delete_measure(db, municipality, number)
        ctx.write("maatregel", delete, {"actie": "verwijderen", "nummer": number, "versie": expected})
        return f"Maatregel {number} is verwijderd (versie {expected}); de versiegeschiedenis blijft bewaard."

    def change(db: Any, municipality: str) -> Measure:
        stored = check_version(db, municipality)
        m = measure_from_form(form, municipality, stored)
        return register.save_measure(db, m, actor=ctx.user.email, expected_version=stored.version if stored else 0)

    saved: Measure = ctx.write("maatregel", change, {"actie": "nieuw" if new else "wijzigen", "nummer": number,
                                                     "versie": expected})
    ctx.next_query = {"nummer": saved.number, "van": saved.municipality}
    return f"Maatregel {saved.number} is opgeslagen (versie {saved.version})."
