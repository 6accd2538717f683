"""Anomaly injection (``--inject-anomalies``) for the provider-signal analyses (issue 5).

Types (the names of the signals that should find them):
- rule based, per case: ``declared_over_assigned`` (one month above the assigned Omvang), ``after_stop``
  (a prestatie after the 307 stop date, still inside the toewijzing), ``before_start`` (ProductPeriode
  begins on the toewijzing Ingangsdatum, before the 305 Begindatum), ``no_start_message`` (a declared
  toewijzing whose 305 and 307 are never sent), ``duplicate_declaration`` (the same client, product and
  period again under a new ReferentieNummer, sometimes in another 323), ``non_contracted`` (a product that is
  not on the provider's contract list), ``tariff_deviation`` (ProductTarief 10 % above the contract);
  ``outside_assignment`` (the municipality shortens the toewijzing with a 301, RedenWijziging 05, to the end
  of an earlier month; the provider keeps delivering and declaring until its own 307 stop);
- statistical, per provider: ``intensity_outlier`` (delivered units per client x 2.0 vs peers, Omvang
  assigned accordingly), ``late_declaring`` (4-18 extra months of declaration lag), ``growth_by_intensity``
  (delivered units per client rising 40 % a year up to the usual level in the last year, Omvang assigned
  accordingly), ``high_rejection`` (25 % of the
  provider's lines rejected in the 325 instead of 1.5 %) and ``declaration_backlog`` (the care of the last
  six service months is declared only after the extract date; the amount is the care held back).

Only cases whose lines are written (declared on or before the extract date) are recorded in
``ground_truth.json`` under ``anomalies``; injected lines are never rejected or credited.
"""

from __future__ import annotations

import random
from collections import defaultdict
from datetime import timedelta
from typing import Any

from jeugdregie.synth.calendar import mi_of, month_end
from jeugdregie.synth.catalogue import CATALOGUE, PRODUCTS, Provider
from jeugdregie.synth.declare import Declarer, tariff
from jeugdregie.synth.model import Assignment, Episode, Line, Version, World
from jeugdregie.synth.simulate import Simulator

INTENSITY_FACTOR = 2.0
TARIFF_MARKUP = 1.10
EXTRA_LAG = 18
INTENSITY_GROWTH = 0.40
REJECT_P = 0.25
BACKLOG_MONTHS = 6


class AnomalyInjector:
    def __init__(self, rng: random.Random, providers: list[Provider]) -> None:
        self.rng = random.Random(rng.random())
        self.providers = providers
        big = sorted((p for p in providers if not p.small), key=lambda p: p.agb)
        amb = [p for p in big if p.archetype in ("ambulant", "ggz")]
        self.intense = amb[0]
        self.tariff_p = amb[1]
        self.noncontract = amb[2] if len(amb) > 2 else amb[0]
        self.late = next(p for p in big if p.archetype in ("wlz_grens", "residentieel"))
        self.growth = amb[3] if len(amb) > 3 else amb[-1]
        other = [p for p in big if p.archetype in ("gi", "lta", "maatwerk")]
        self.backlog = other[0]
        self.reject = other[1] if len(other) > 1 else next(
            p for p in big if p not in (self.intense, self.late, self.tariff_p, self.noncontract, self.growth,
                                        self.backlog))
        self.rule_p = [p for p in big if p.archetype in ("ambulant", "ggz", "residentieel", "wlz_grens")
                       and p not in (self.intense, self.late)]
        self.small = sorted((p for p in providers if p.small), key=lambda p: p.agb)
        self.tariff_code = next(c for c in self.tariff_p.products if c.startswith("45"))
        self.extra_code = ""

    def before_simulation(self) -> None:
        self.intense.intensity_factor *= INTENSITY_FACTOR
        self.late.extra_lag = EXTRA_LAG
        self.tariff_p.tariff_markup[self.tariff_code] = TARIFF_MARKUP
        self.growth.intensity_growth = INTENSITY_GROWTH
        self.reject.reject_p = REJECT_P
        self.backlog_from = 0  # set in inject(), when the years are known
        options = [p.code for p in CATALOGUE if p.code not in self.noncontract.products
                   and p.category in ("45", "54", "51") and p.border_group is None and p.weight >= 3]
        self.extra_code = options[0]
        self.noncontract.products = tuple(sorted(self.noncontract.products + (self.extra_code,)))
        self.noncontract.uncontracted = (self.extra_code,)

    # -------------------------------------------------------------------------------------------
    def inject(self, sim: Simulator, decl: Declarer, world: World) -> None:
        self.backlog_from = self.backlog.backlog_from = decl.last_mi - BACKLOG_MONTHS + 1
        decl.care_lines()
        rng = self.rng
        by_tw: dict[int, list[Line]] = defaultdict(list)
        for ln in world.lines:
            by_tw[ln.nummer].append(ln)
        assignments: list[tuple[Episode, Assignment]] = [
            (ep, a) for ep in world.episodes for a in ep.assignments if by_tw.get(a.nummer)]
        cases: list[tuple[str, list[Line], int | None]] = []  # type, lines, amount override
        used: set[int] = set()

        def pick(agbs: set[str], cond: Any, n: int) -> list[tuple[Episode, Assignment]]:
            cands = [(ep, a) for ep, a in assignments if ep.agb in agbs and a.nummer not in used and cond(ep, a)]
            chosen = rng.sample(cands, min(n, len(cands)))
            used.update(a.nummer for _, a in chosen)
            return chosen

        rule_agbs = {p.agb for p in self.rule_p}
        # declared_over_assigned: one month far above the monthly Omvang
        for _ep, a in pick(rule_agbs, lambda ep, a: a.omvang is not None and a.omvang[2] == "4"
                          and a.omvang[1] != "14" and len(by_tw[a.nummer]) >= 2, 3):
            ln = by_tw[a.nummer][len(by_tw[a.nummer]) // 2]
            assert a.omvang is not None
            old = ln.amount
            ln.volume = a.omvang[0] + max(2, a.omvang[0] // 2)
            ln.amount = ln.volume * (ln.tariff or 1)
            self._mark(ln)
            cases.append(("declared_over_assigned", [ln], ln.amount - min(old, a.omvang[0] * (ln.tariff or 1))))
        # after_stop: a month after an early stop, still inside the toewijzing
        for ep, a in pick(rule_agbs, lambda ep, a: a.stop_written and a.stop is not None
                          and a.stop + timedelta(days=20) < a.einddatum and a.stop.year <= decl.o.last_year
                          and mi_of(a.stop + timedelta(days=1)) <= decl.last_mi and a.omvang is not None, 3):
            assert a.stop is not None
            begin = a.stop + timedelta(days=1)
            end = min(month_end(mi_of(begin)), a.einddatum)
            src = by_tw[a.nummer][-1]
            vol = max(1, min(src.volume, (end - begin).days + 1 if a.omvang and a.omvang[1] == "14" else src.volume))
            ln = decl.add_line(ep, a, mi_of(begin), begin, end, vol, rng.randint(0, 2), "anomaly")
            self._mark(ln)
            cases.append(("after_stop", [ln], None))
        # before_start: the first prestatie begins on the Ingangsdatum, before the 305 Begindatum
        for _ep, a in pick(rule_agbs, lambda ep, a: a.start is not None and a.start_written and a.ingang < a.start
                          and mi_of(a.ingang) == mi_of(a.start) and by_tw[a.nummer][0].begin == a.start
                          and mi_of(a.start) >= decl.first_mi, 3):
            ln = by_tw[a.nummer][0]
            ln.begin = a.ingang
            self._mark(ln)
            cases.append(("before_start", [ln], None))
        # no_start_message: the provider never sends the 305 (nor the 307) of a declared toewijzing
        for ep, a in pick(rule_agbs, lambda ep, a: a.start_written and len(ep.assignments) == 1, 2):
            world.messages = [m for m in world.messages
                              if not (m.mtype in ("JW305", "JW307") and m.payload[1] is ep)]
            a.start_written = a.stop_written = False
            for ln in by_tw[a.nummer]:
                self._mark(ln)
            cases.append(("no_start_message", list(by_tw[a.nummer]), None))
        # duplicate_declaration: same client/product/period again, new ReferentieNummer (also small providers)
        dup_agbs = rule_agbs | {p.agb for p in self.small[:1]}
        for _ep, a in pick(dup_agbs, lambda ep, a: len(by_tw[a.nummer]) >= 2, 4):
            src = by_tw[a.nummer][0]
            self._mark(src)
            dup = decl.copy_line(src, src.period + rng.choice((0, 1, 2)), "anomaly")
            cases.append(("duplicate_declaration", [dup], None))
        # outside_assignment: the municipality shortens the toewijzing (301, RedenWijziging 05) to the end of a
        # month; the provider keeps declaring until its own stop, so the later months are outside the toewijzing
        for ep, a in pick(rule_agbs, lambda ep, a: len(ep.assignments) == 1 and a.omvang is not None
                          and a.omvang[2] == "4" and a.stop_written and a.start_written and a.stop is not None
                          and len(by_tw[a.nummer]) >= 3 and by_tw[a.nummer][-1].end <= a.stop, 3):
            lines = sorted(by_tw[a.nummer], key=lambda ln: ln.begin)
            new_end = month_end(mi_of(lines[-2].begin))
            v = a.versions[-1]
            sent = max(new_end - timedelta(days=rng.randint(5, 20)), v.toewijzingsdatum + timedelta(days=1))
            a.versions.append(Version(sent, v.tijd, new_end, "05", v.budget))
            sim.add_message("JW301", ep.gemeente, sent, ep.gemeente, ep.agb,
                            ("tw", ep, [sim.tw_state(a, len(a.versions) - 1, False)]))
            outside = [ln for ln in lines if ln.begin > new_end]
            for ln in outside:
                self._mark(ln)
            cases.append(("outside_assignment", outside, None))
        self.cases = cases
        decl.process()
        self.record(world, decl)

    @staticmethod
    def _mark(ln: Line) -> None:
        ln.kind = "anomaly"
        ln.no_reject = True

    def record(self, world: World, decl: Declarer) -> None:
        out: list[dict[str, Any]] = []

        def entry(kind: str, lines: list[Line], amount: int | None, agb: str | None = None) -> dict[str, Any]:
            first = min(lines, key=lambda ln: ln.begin)
            return {"type": kind, "provider_agb": agb or first.agb, "municipality": first.gemeente,
                    "toewijzing_nummer": first.nummer, "referentie_nummers": [ln.ref for ln in lines],
                    "service_month": first.begin.strftime("%Y-%m"),
                    "amount_cents": amount if amount is not None else sum(ln.signed for ln in lines)}

        for kind, lines, amount in self.cases:
            written = [ln for ln in lines if ln.written]
            if written:
                out.append(entry(kind, written, amount if len(written) == len(lines) else None))
        # per toewijzing: non-contracted product and tariff deviation
        groups: dict[tuple[str, int], list[Line]] = defaultdict(list)
        credited = {ln.vorig for ln in world.lines if ln.dc == "C" and ln.written and ln.rejected is None}
        for ln in world.lines:
            if not ln.written or ln.dc != "D" or ln.rejected is not None or ln.ref in credited:
                continue
            if ln.agb == self.noncontract.agb and ln.code == self.extra_code:
                groups[("non_contracted", ln.nummer)].append(ln)
            elif ln.agb == self.tariff_p.agb and ln.code == self.tariff_code:
                groups[("tariff_deviation", ln.nummer)].append(ln)
        for (kind, _), lines in sorted(groups.items()):
            if kind == "tariff_deviation":
                base = PRODUCTS[self.tariff_code].tariff_cents or 0
                excess = sum(ln.volume * ((ln.tariff or 0) - tariff(base, ln.year, decl.o)) for ln in lines)
                out.append(entry(kind, lines, excess))
            else:
                out.append(entry(kind, lines, None))
        # per provider: intensity outlier and late declaring (statistical signals)
        intense = [ln for ln in world.lines if ln.agb == self.intense.agb and ln.written and ln.rejected is None]
        if intense:
            total = sum(ln.signed for ln in intense)
            out.append({"type": "intensity_outlier", "provider_agb": self.intense.agb, "municipality": None,
                        "toewijzing_nummer": None, "referentie_nummers": [], "service_month": None,
                        "amount_cents": int(total * (1 - 1 / INTENSITY_FACTOR)),
                        "factor": INTENSITY_FACTOR})
        late = [ln for ln in world.lines if ln.agb == self.late.agb and ln.written
                and ln.period - mi_of(ln.begin) >= 4]
        if late:
            out.append({"type": "late_declaring", "provider_agb": self.late.agb, "municipality": None,
                        "toewijzing_nummer": None, "referentie_nummers": [], "service_month": None,
                        "amount_cents": sum(ln.signed for ln in late), "extra_lag_months": [4, EXTRA_LAG]})
        grow = [ln for ln in world.lines if ln.agb == self.growth.agb and ln.written and ln.rejected is None
                and ln.year == decl.o.last_year]
        if grow:
            g = 1 + INTENSITY_GROWTH
            out.append({"type": "growth_by_intensity", "provider_agb": self.growth.agb, "municipality": None,
                        "toewijzing_nummer": None, "referentie_nummers": [], "service_month": None,
                        "amount_cents": int(sum(ln.signed for ln in grow) * (1 - 1 / g)),
                        "intensity_growth_per_year": INTENSITY_GROWTH})
        rejected = [ln for ln in world.lines if ln.agb == self.reject.agb and ln.written and ln.dc == "D"
                    and ln.rejected is not None]
        if rejected:
            out.append({"type": "high_rejection", "provider_agb": self.reject.agb, "municipality": None,
                        "toewijzing_nummer": None, "referentie_nummers": [], "service_month": None,
                        "amount_cents": sum(ln.amount for ln in rejected), "rejection_rate": REJECT_P})
        held = [ln for ln in world.lines if ln.agb == self.backlog.agb and ln.kind == "orig" and not ln.written
                and mi_of(ln.begin) >= self.backlog_from]
        if held:
            months = sorted({ln.begin.strftime("%Y-%m") for ln in held})
            out.append({"type": "declaration_backlog", "provider_agb": self.backlog.agb, "municipality": None,
                        "toewijzing_nummer": None, "referentie_nummers": [], "service_month": months[0],
                        "amount_cents": sum(ln.amount for ln in held), "held_back_months": months})
        world.anomalies = out
