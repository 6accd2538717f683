"""The half-year report for the council ("tellen en vertellen"): figures, charts and generated Dutch text
from the analyses, plus the narrative sections users entered per indicator.

``build(db, period, municipality)`` collects everything into a ``Report`` (plain data: sections with
paragraphs, tables, PNG charts and the latest narrative); ``report.html.render`` and ``report.pdf.render``
lay it out. The report is a pure function of the store: the reference date is the latest declaration in
the data, no clock is read, so the same data gives a byte-identical HTML file. No client-level data: only
aggregates, small cells suppressed by the analyses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jeugdregie.analysis import effect
from jeugdregie.analysis.service_periods import parse_period, previous
from jeugdregie.measures import register
from jeugdregie.measures.periods import due_key, parse_half, period_bounds, report_period
from jeugdregie.measures.periods import period_label as half_label
from jeugdregie.money import format_date, format_eur, format_int, format_pct
from jeugdregie.report import charts
from jeugdregie.report.narratives import Narrative, latest
from jeugdregie.store.database import Database

#: section keys users can attach a narrative to (plus 'maatregel:<number>')
SECTION_KEYS = {"samenvatting": "Samenvatting", "kosten": "Kostenontwikkeling",
                "verklaring": "Verklaring van het kostenverschil", "prognose": "Prognose en begroting",
                "signalen": "Signalen over aanbieders", "toegang": "Toegang en doorstroom",
                "maatregelen": "Maatregelen"}


@dataclass
class ReportTable:
    title: str
    headers: list[str]
    rows: list[list[str]]
    numeric: set[int] = field(default_factory=set)  # right-aligned columns
    bold_last: bool = False


@dataclass
class Chart:
    caption: str
    png: bytes


@dataclass
class Section:
    key: str
    title: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[ReportTable] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    narrative: Narrative | None = None
    subsections: list[Section] = field(default_factory=list)


REGION = "regio"  # narrative key and label when the report covers every municipality in the store


@dataclass
class Report:
    municipality: str | None
    municipality_name: str
    period: str
    period_label: str
    as_of: date
    synthetic: bool
    sections: list[Section]

    @property
    def title(self) -> str:
        kind = "Jaarrapportage" if report_period(self.period)[1] is None else "Halfjaarrapportage"
        return f"{kind} jeugdhulp {self.period_label.removeprefix('jaar ')}"

    @property
    def scope(self) -> str:
        if self.municipality is None:
            return "Regio: alle gemeenten in de gegevens"
        return f"Gemeente {self.municipality_name} ({self.municipality})"

    def to_dict(self) -> dict[str, Any]:
        """JSON form (charts by caption only), for ``jeugdregie report --format json`` and the web API."""
        def sec(s: Section) -> dict[str, Any]:
            return {"key": s.key, "title": s.title, "paragraphs": s.paragraphs,
                    "tables": [{"title": t.title, "headers": t.headers, "rows": t.rows} for t in s.tables],
                    "charts": [c.caption for c in s.charts], "notes": s.notes,
                    "narrative": s.narrative.as_dict() if s.narrative else None,
                    "subsections": [sec(u) for u in s.subsections]}
        return {"title": self.title, "municipality": self.municipality, "municipality_name": self.municipality_name,
                "period": self.period, "as_of": self.as_of.isoformat(), "synthetic": self.synthetic,
                "sections": [sec(s) for s in self.sections]}


def _pct_change(a: int, b: int) -> str:
    if not a:
        return "–"
    return ("+" if b >= a else "") + format_pct((b - a) / a)


def _signed(c: int) -> str:
    return ("+" if c >= 0 else "") + format_eur(c)


def data_as_of(db: Database, period: str) -> date:
    """Reference date: the latest declaration date in the store (the end of the period when there is none)."""
    v = db.query_value("SELECT MAX(declaration_date) FROM declaration_line")
    return v if v is not None else period_bounds(period)[1]


def municipality_name(db: Database, code: str | None) -> str:
    if code is None:
        return "alle gemeenten"
    name = db.query_value("SELECT name FROM municipality WHERE code = ?", [code])
    return str(name) if name else code


def default_municipality(db: Database) -> str | None:
    """The only municipality in the data (e.g. a municipality's own scoped store), else None (region)."""
    codes = [r["m"] for r in db.query("SELECT DISTINCT municipality AS m FROM declaration_line")]
    return str(codes[0]) if len(codes) == 1 else None


def build(db: Database, period: str, municipality: str | None = None, as_of: date | None = None) -> Report:
    """The report for a half-year ('2024H1') or a year ('2024'); without municipality: the only one in the
    data, or the whole region."""
    period = period.strip().upper()
    report_period(period)
    as_of = as_of or data_as_of(db, period)
    municipality = municipality or default_municipality(db)
    from jeugdregie.store.meta import is_synthetic

    notes = latest(db, municipality or REGION, period)
    builders: list[Callable[[], Section]] = [
        lambda: _costs(db, period, municipality),
        lambda: _decomposition(db, period, municipality),
        lambda: _forecast(db, period, municipality, as_of),
        lambda: _signals(db, period, municipality),
        lambda: _access(db, period, municipality),
        lambda: _measures(db, period, municipality, notes),
    ]
    sections = [b() for b in builders]
    summary = Section("samenvatting", SECTION_KEYS["samenvatting"],
                      paragraphs=[p for s in sections for p in s.paragraphs[:1]])
    sections.insert(0, summary)
    for s in sections:
        s.narrative = notes.get(s.key)
    sections.append(_accountability(period, as_of))
    return Report(municipality, municipality_name(db, municipality), period, half_label(period), as_of,
                  is_synthetic(db), sections)


# -- costs -------------------------------------------------------------------------------------------
def _costs(db: Database, period: str, municipality: str | None) -> Section:
    from jeugdregie.analysis.costs import cost_overview

    sec = Section("kosten", SECTION_KEYS["kosten"])
    y, h = report_period(period)
    first = f"{y - 2}" if h is None else f"{y - 2}H{h}"
    trend = cost_overview(db, f"{first}-{period}", by="total", per="year" if h is None else "half",
                          municipality=municipality)
    totals = {t["period"]: t for t in trend["totals"]}
    prev = previous(parse_period(period)).label
    cur_t, prev_t = totals.get(period), totals.get(prev)
    if cur_t is None:
        sec.paragraphs.append(f"Er zijn geen declaraties over het {half_label(period)}.")
        return sec
    cur, before = int(cur_t["net_cents"]), int(prev_t["net_cents"]) if prev_t else 0
    if prev_t:
        sec.paragraphs.append(
            f"De netto kosten jeugdhulp over het {half_label(period)} zijn {format_eur(cur)}, "
            f"{'meer' if cur >= before else 'minder'} dan in het {half_label(prev)} ({format_eur(before)}): "
            f"{_signed(cur - before)} ({_pct_change(before, cur)}). Het aantal cliënten ging van "
            f"{format_int(prev_t['clients'])} naar {format_int(cur_t['clients'])}; de kosten per cliënt van "
            f"{format_eur(prev_t['cost_per_client_cents'])} naar {format_eur(cur_t['cost_per_client_cents'])}.")
    else:
        sec.paragraphs.append(f"De netto kosten jeugdhulp over het {half_label(period)} zijn {format_eur(cur)} "
                              f"voor {format_int(cur_t['clients'])} cliënten.")
    labels = [t["period"] for t in trend["totals"]]
    per = "jaar" if h is None else "halfjaar"
    sec.charts.append(Chart(f"Netto kosten per {per} (periode van levering)", charts.trend(
        labels, {"Netto kosten": [int(t["net_cents"]) for t in trend["totals"]]},
        title=f"Netto kosten per {per}")))
    by_cat_now = cost_overview(db, period, by="category", municipality=municipality)["rows"]
    by_cat_prev = {r["group"]: r for r in cost_overview(db, prev, by="category", municipality=municipality)["rows"]}
    rows = []
    for r in sorted(by_cat_now, key=lambda r: -int(r["net_cents"])):
        p = by_cat_prev.get(r["group"])
        pc = int(p["net_cents"]) if p else 0
        rows.append([r["group"], format_eur(pc) if p else "–", format_eur(int(r["net_cents"])),
                     _signed(int(r["net_cents"]) - pc), _count(r["clients"]),
                     format_eur(r["cost_per_client_cents"]) if r["cost_per_client_cents"] is not None else "–"])
    rows.append(["Totaal", format_eur(before) if prev_t else "–", format_eur(cur), _signed(cur - before),
                 _count(cur_t["clients"]), format_eur(cur_t["cost_per_client_cents"])])
    sec.tables.append(ReportTable(f"Kosten per productcategorie, {prev} en {period}",
                                  ["Productcategorie", f"Kosten {prev}", f"Kosten {period}", "Verschil",
                                   f"Cliënten {period}", "Kosten per cliënt"], rows, {1, 2, 3, 4, 5}, True))
    ups = sorted(by_cat_now, key=lambda r: -(int(r["net_cents"]) - int(by_cat_prev[r["group"]]["net_cents"])
                                             if r["group"] in by_cat_prev else -int(r["net_cents"])))
    top = [r for r in ups[:3] if r["group"] in by_cat_prev
           and int(r["net_cents"]) > int(by_cat_prev[r["group"]]["net_cents"])]
    if top:
        sec.paragraphs.append("De grootste stijgingen zaten in " + _join([
            f"{r['group']} ({_signed(int(r['net_cents']) - int(by_cat_prev[r['group']]['net_cents']))})"
            for r in top]) + ".")
    sec.notes += trend["notes"]
    return sec


def _count(v: Any) -> str:
    if v is None:
        from jeugdregie.analysis.smallcells import threshold

        return f"<{threshold()}"
    return format_int(int(v))


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def _decomposition(db: Database, period: str, municipality: str | None) -> Section:
    from jeugdregie.analysis.cost_change import explain_store

    sec = Section("verklaring", SECTION_KEYS["verklaring"])
    prev = previous(parse_period(period)).label
    try:
        res = explain_store(db, prev, period, by="category", municipality=municipality)
    except ValueError as exc:
        sec.paragraphs.append(f"De kostenverandering is niet te ontleden: {exc}")
        return sec
    sec.paragraphs.append(str(res["explanation"]))
    sec.charts.append(Chart(f"Kostenverschil {prev} → {period} in volume, intensiteit, prijs en mix",
                            charts.decomposition_waterfall(res)))
    names = {"volume": "Volume (cliënten)", "intensity": "Intensiteit (eenheden per cliënt)",
             "price": "Prijs (per eenheid)", "mix": "Mix (verschuiving tussen categorieën)"}
    rows = [[names.get(k, k), _signed(int(v)), format_pct(res["shares"].get(k)) if res["shares"].get(k) is not None
             else "–"] for k, v in res["components"].items()]
    rows.append(["Totaal", _signed(int(res["total_change_cents"])), format_pct(1.0)])
    sec.tables.append(ReportTable("Ontleding van het kostenverschil (telt exact op)", ["Component", "Bedrag",
                                                                                     "Aandeel"], rows, {1, 2}, True))
    sec.notes += list(res.get("notes") or [])
    return sec


# -- forecast ----------------------------------------------------------------------------------------
def _forecast(db: Database, period: str, municipality: str | None, as_of: date) -> Section:
    from jeugdregie.analysis.forecast import forecast_year, monthly_realisation

    sec = Section("prognose", SECTION_KEYS["prognose"])
    year, _h = report_period(period)
    try:
        f = forecast_year(db, year, as_of, municipality=municipality)
    except ValueError as exc:
        sec.paragraphs.append(f"Geen prognose mogelijk: {exc}")
        return sec
    lo, hi = f["interval_80_cents"]
    text = (f"De verwachte eindkosten over {year} zijn {format_eur(f['expected_final_cents'])} "
            f"(80%-interval {format_eur(lo)} tot {format_eur(hi)}): {format_eur(f['declared_cents'])} is "
            f"gedeclareerd tot de peildatum {format_date(as_of)} en {format_eur(f['ibnr_cents'])} wordt nog "
            "verwacht aan late declaraties.")
    if f.get("budget_cents") is not None:
        ou = int(f["expected_over_under_cents"])
        text += (f" De begroting is {format_eur(f['budget_cents'])}; verwacht wordt een "
                 f"{'overschrijding' if ou > 0 else 'onderschrijding'} van {format_eur(abs(ou))}.")
        if f["budget_cents"] and lo <= f["budget_cents"] <= hi:
            text += " De begroting ligt binnen het interval: over- of onderschrijding is nog niet zeker."
    else:
        text += " Er is geen begroting voor dit jaar geregistreerd, dus geen vergelijking met de begroting."
    sec.paragraphs.append(text)
    rows = [["Gedeclareerd tot peildatum", format_eur(f["declared_cents"])],
            ["Verwachte late declaraties", format_eur(f["ibnr_cents"])],
            ["Verwachte eindkosten", format_eur(f["expected_final_cents"])],
            ["80%-interval", f"{format_eur(lo)} – {format_eur(hi)}"],
            ["Begroting", format_eur(f["budget_cents"])],
            ["Verwachte over-/onderschrijding", "–" if f.get("expected_over_under_cents") is None
             else _signed(int(f["expected_over_under_cents"]))]]
    sec.tables.append(ReportTable(f"Prognose {year} (peildatum {format_date(as_of)})", ["", "Bedrag"], rows, {1}))
    try:
        mr = monthly_realisation(db, year, as_of, municipality=municipality)
        months = [r["month"] for r in mr["rows"]]
        series: dict[str, list[int | None]] = {
            "Gedeclareerd (cumulatief)": [r["cumulative_declared_cents"] for r in mr["rows"]],
            "Verwacht (cumulatief)": [r["cumulative_expected_cents"] for r in mr["rows"]]}
        if any(r.get("cumulative_budget_cents") is not None for r in mr["rows"]):
            series["Begroting (cumulatief)"] = [r.get("cumulative_budget_cents") for r in mr["rows"]]
        sec.charts.append(Chart(f"Realisatie en prognose {year}, cumulatief per maand",
                                charts.trend(months, series, title=f"Realisatie en prognose {year}")))
    except (ValueError, KeyError):
        pass
    sec.notes += list(f.get("notes") or [])
    return sec


# -- signals -----------------------------------------------------------------------------------------
def _signals(db: Database, period: str, municipality: str | None, top: int = 10) -> Section:
    """Top providers by signal score (``analysis.signals``), aggregated per provider and per signal type: no
    client data and no case lists (the evidence stays in ``jeugdregie signals``)."""
    from jeugdregie.analysis.signals import LABELS_NL, compute_signals, rank

    sec = Section("signalen", SECTION_KEYS["signalen"])
    signals = compute_signals(db, period, municipality=municipality)
    ranked = rank(signals)
    if not ranked:
        sec.paragraphs.append(f"Over het {half_label(period)} zijn geen signalen over aanbieders gevonden.")
        return sec
    at_stake = sum(int(r.get("amount_at_stake_cents") or 0) for r in ranked)
    sec.paragraphs.append(
        f"Over het {half_label(period)} gaven {len(ranked)} aanbieder(s) aanleiding tot een signaal, met samen "
        f"{format_eur(at_stake)} aan betrokken declaraties. De tabel toont de {min(top, len(ranked))} met de "
        "hoogste score; elk signaal heeft onderbouwing voor het contractgesprek (jeugdregie signals). Een "
        "signaal is een aanleiding om te vragen, geen vaststelling van onrechtmatigheid.")
    rows = []
    for r in ranked[:top]:
        name = f"{r['provider']} {r.get('provider_name') or ''}".strip()
        rows.append([name, f"{float(r.get('score') or 0):.2f}".replace(".", ","),
                     format_eur(int(r.get("amount_at_stake_cents") or 0)),
                     "; ".join(LABELS_NL.get(t, t) for t in r.get("types") or [])])
    sec.tables.append(ReportTable("Aanbieders met de hoogste signaalscore",
                                  ["Aanbieder", "Score", "Betrokken bedrag", "Signalen"], rows, {1, 2}))
    per_type: dict[str, list[int]] = {}
    for sg in signals:
        acc = per_type.setdefault(sg.type, [0, 0])
        acc[0] += 1
        acc[1] += int(sg.amount_cents)
    sec.tables.append(ReportTable("Signalen per soort", ["Soort signaal", "Aanbieders", "Bedrag"],
                                  [[LABELS_NL.get(t, t), format_int(v[0]), format_eur(v[1])]
                                   for t, v in sorted(per_type.items(), key=lambda kv: -kv[1][1])], {1, 2}))
    sec.notes.append("Het betrokken bedrag per aanbieder telt elke declaratieregel één keer, ook als die bij meer "
                     "signalen hoort; de bedragen per soort kunnen daardoor samen meer zijn.")
    return sec


# -- access and flow ---------------------------------------------------------------------------------
def _access(db: Database, period: str, municipality: str | None) -> Section:
    from jeugdregie.analysis.access import flows, outcomes, referrals, waiting

    sec = Section("toegang", SECTION_KEYS["toegang"])
    p = parse_period(period)
    ref = referrals.referrals(db, p, municipality)
    total_new = int(ref.complex_segment.get("new_assignments") or sum(
        int(r["new_assignments"]) for r in ref.by_referrer if r["new_assignments"] is not None))
    jt = [r for r in ref.by_referrer if r.get("referrer_type") == "01"]
    text = f"In het {half_label(period)} kwamen er {format_int(total_new)} nieuwe toewijzingen bij"
    if jt and jt[0].get("share_of_new") is not None:
        text += f"; {format_pct(jt[0]['share_of_new'])} daarvan via de gemeente (jeugdteam)"
    sec.paragraphs.append(text + ".")
    sec.tables.append(ReportTable("Nieuwe toewijzingen per verwijzer", ["Verwijzer", "Nieuwe toewijzingen",
                                                                        "Aandeel", "Kosten in de periode"],
                                  [[f"{r['referrer_type']} {r.get('referrer_label') or ''}".strip(),
                                    _count(r["new_assignments"]), format_pct(r.get("share_of_new")),
                                    format_eur(r.get("cost_cents"))] for r in ref.by_referrer], {1, 2, 3}))
    cs = ref.complex_segment
    if cs.get("share") is not None:
        sec.paragraphs.append(
            f"Het aandeel van het complexe segment in de nieuwe instroom was {format_pct(cs['share'])} "
            f"(doelband {format_pct(cs.get('target_low'))}–{format_pct(cs.get('target_high'))}).")
    w = waiting.waiting(db, p, municipality)
    leg_names = {"verzoek_toewijzing": "Verzoek → toewijzing", "toewijzing_start": "Toewijzing → start zorg"}
    rows = [[leg_names.get(r["leg"], r["leg"]), _count(r["n"]),
             "–" if r.get("median") is None else format_int(round(r["median"])),
             "–" if r.get("p90") is None else format_int(round(r["p90"]))] for r in w.overall]
    sec.tables.append(ReportTable("Doorlooptijden in kalenderdagen", ["Stap", "Aantal", "Mediaan", "90% binnen"],
                                  rows, {1, 2, 3}))
    med = [r for r in w.overall if r["leg"] == "toewijzing_start" and r.get("median") is not None]
    if med:
        sec.paragraphs.append(f"Van toewijzing tot start van de zorg duurde het in de helft van de gevallen "
                              f"hooguit {format_int(round(med[0]['median']))} dagen; 90% begon binnen "
                              f"{format_int(round(med[0]['p90']))} dagen.")
    o = outcomes.outcomes(db, p, municipality)
    ended = sum(int(r["ended"]) for r in o.by_reason if r.get("ended") is not None)
    planned = sum(int(r["ended"]) for r in o.by_reason if r.get("ended") is not None and r["end_reason"] == "31")
    if ended:
        sec.paragraphs.append(f"Van de {format_int(ended)} beëindigde trajecten (zichtbaar, niet onderdrukt) "
                              f"eindigden er {format_int(planned)} volgens plan ({format_pct(planned / ended)}).")
    fl = flows.flows(db, p, municipality)
    act = [r for r in fl.active if r.get("clients") is not None]
    if act:
        sec.charts.append(Chart("Cliënten met een lopende toewijzing per maand", charts.trend(
            [r["month"].strftime("%m-%Y") for r in act],
            {"Cliënten": [int(r["clients"]) for r in act],
             "waarvan met verblijf": [None if r.get("residential_clients") is None else int(r["residential_clients"])
                                      for r in act]},
            title="Lopende zorg per maand", ylabel="Cliënten", money=False)))
    suppressed = ref.suppressed + w.suppressed + o.suppressed + fl.suppressed
    if suppressed:
        sec.notes.append(f"{suppressed} kleine aantallen zijn onderdrukt (privacy); daardoor tellen sommige "
                         "tabellen niet op tot het totaal.")
    sec.notes += ref.notes + w.notes + o.notes + fl.notes
    return sec


# -- measures ----------------------------------------------------------------------------------------
def _measures(db: Database, period: str, municipality: str | None, notes: dict[str, Narrative]) -> Section:
    sec = Section("maatregelen", SECTION_KEYS["maatregelen"])
    measures = register.list_measures(db, municipality)
    if not measures:
        sec.paragraphs.append("Er zijn geen maatregelen in het register opgenomen.")
        return sec
    due = [(m, c) for m in measures for c in m.checkpoints
           if c.period and not c.done and parse_half(c.period) <= due_key(period)]
    running = [m for m in measures if m.status == "in uitvoering"]
    sec.paragraphs.append(
        f"Het register bevat {len(measures)} maatregelen en actielijnen, waarvan {len(running)} in uitvoering. "
        + (f"{len(due)} ijkmoment(en) vallen in deze rapportage of zijn eerder verlopen zonder afronding."
           if due else "Er vallen geen ijkmomenten in deze rapportage."))
    rows = []
    for m in measures:
        t = m.totals()
        nxt = next((c.period for c in m.checkpoints if c.period and not c.done), None)
        rows.append([m.number, m.title, m.status, nxt or "–", format_eur(t["net_cents"]),
                     format_eur(t["realised_cents"])])
    sec.tables.append(ReportTable("Stand van de maatregelen", ["Nr", "Maatregel", "Status", "Volgend ijkmoment",
                                                               "Verwacht netto (alle jaren)", "Gerealiseerd"],
                                  rows, {4, 5}))
    if due:
        sec.tables.append(ReportTable(f"IJkmomenten tot en met het {half_label(period)}, nog niet afgerond",
                                      ["Nr", "Maatregel", "IJkmoment", "Waarop getoetst wordt"],
                                      [[m.number, m.title, f"{c.period} {c.label or ''}".strip(), c.focus or "–"]
                                       for m, c in due]))
    sv = effect.savings(measures)
    if sv["per_year"]:
        sec.tables.append(ReportTable("Verwachte en gerealiseerde besparingen per jaar",
                                      ["Jaar", "Verwacht", "Gerealiseerd", "Maatregelen met realisatie"],
                                      [[str(r["year"]), format_eur(r["expected_cents"]),
                                        format_eur(r["realised_cents"]), format_int(r["measures_with_realised"])]
                                       for r in sv["per_year"]], {1, 2, 3}))
        sec.notes.append("Verwacht = netto effect volgens het plan voor dat jaar (of structurele + incidentele "
                         "besparing); gerealiseerd = door de gemeente vastgelegde besparing. Een lege realisatie "
                         "betekent: niet vastgelegd, niet nul.")
    due_numbers = {m.number for m, _c in due}
    for m in measures:
        if not m.indicators or (m.number not in due_numbers and m.status != "in uitvoering"):
            continue
        sub = Section(f"maatregel:{m.number}", f"Maatregel {m.number}: {m.title}")
        sub.narrative = notes.get(sub.key)
        if m.intended_effect:
            sub.paragraphs.append(f"Beoogd effect: {m.intended_effect}")
        for res in effect.monitor_measure(db, m):
            sub.paragraphs += [f"{res.indicator}: {s}" if i == 0 else s for i, s in enumerate(res.statements[1:])]
            best = res.best
            if res.periods:
                sub.charts.append(Chart(f"{res.indicator}: waargenomen en "
                                        f"{'vergelijkingsgroep' if res.did else 'trend'} zonder maatregel",
                                        charts.effect_chart(res.periods, res.observed, res.pre_count,
                                                            counterfactual=best.counterfactual if best else None,
                                                            band=best.band if best else None, title=res.indicator,
                                                            money=res.unit == "cents")))
        sec.subsections.append(sub)
    return sec


def _accountability(period: str, as_of: date) -> Section:
    return Section("verantwoording", "Verantwoording", paragraphs=[
        f"Peildatum: {format_date(as_of)} (de laatste declaratie in de gegevens). Bedragen zijn netto "
        "gedeclareerde kosten (debet min credit) naar de maand waarin de zorg is geleverd, niet naar betaaldatum; "
        "declaraties die na de peildatum binnenkomen kunnen de cijfers nog veranderen.",
        "Er staan geen gegevens over individuele cliënten in deze rapportage. Kleine aantallen zijn onderdrukt.",
        "De ontleding van het kostenverschil is rekenkundig en beschrijvend, niet causaal. Bij maatregelen staat "
        "steeds wat de gegevens wel en niet kunnen zeggen over het effect.",
        "De teksten onder 'Duiding' zijn ingevoerd door medewerkers van de gemeente (vertellen); de overige "
        "teksten zijn uit de cijfers afgeleid (tellen).",
    ])
