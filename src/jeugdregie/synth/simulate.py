"""The trajectory simulation: inflow of clients, requests, assignments, starts, stops, re-entries.

Every random draw goes through one ``random.Random(seed)`` in a fixed order, so a run is reproducible.
Care is simulated from ``burn_in_years`` (default two) burn-in years before the first service year (so the first year starts in a
steady state) until the end of the last year (the horizon). Messages are only produced for events on or
before the horizon; declarations only for service months inside the years (DeclaratiePeriode >= 2021, CS100).
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from jeugdregie.synth.calendar import birthday, days_in_month, mi_of, month_start
from jeugdregie.synth.catalogue import CATALOGUE, LEAD_MEDIANS, PRODUCTS, Product, Provider
from jeugdregie.synth.config import Municipality, SynthOptions, client_targets
from jeugdregie.synth.identity import BsnFactory, make_person
from jeugdregie.synth.model import Assignment, Client, Episode, Message, Version, World

#: COD327 referrer mix for ordinary requests (jeugdteam ~40 %, huisarts ~30 %)
REFERRERS = (("01", 40), ("02", 30), ("03", 8), ("05", 9), ("06", 5), ("04", 5), ("08", 3))
#: JZ588 end reasons for ordinary trajectories
END_REASONS = (("31", 72), ("32", 7), ("33", 3), ("34", 8), ("35", 4), ("38", 5), ("39", 1))
AGE_WEIGHTS = (3, 3, 3, 4, 5, 6, 7, 8, 10, 8, 7, 7, 7, 7, 8, 8, 9, 10, 8, 4, 3, 2, 2, 1)  # ages 0..23
REENTRY_SHARE = 0.20
#: share of new clients whose PC4 lies in another municipality of the region than the paying one (moved,
#: woonplaatsbeginsel signal); drawn from a separate random stream so the rest of the region is unchanged
MOVED_SHARE = 0.03
#: ~ (1 + mean duration in years) x (1 + re-entries): annual unique clients per yearly new client
CLIENTS_PER_NEW = 1.75


class Simulator:
    def __init__(self, opts: SynthOptions, rng: random.Random, municipalities: list[Municipality],
                 providers: list[Provider], progress: Callable[[int], None] | None = None) -> None:
        self.o = opts
        self.rng = rng
        self.munis = municipalities
        self.providers = providers
        self.progress = progress or (lambda n: None)
        self.world = World()
        self.first = opts.first_year
        self.last = opts.last_year
        self.horizon = date(self.last, 12, 31)
        self.burn_start = date(self.first - opts.burn_in_years, 1, 1)
        self.bsn = BsnFactory(offset=opts.seed * 1_000_003 % 5_000_000)
        self.counters: dict[str, int] = {}
        self.by_product: dict[str, list[Provider]] = {}
        for p in providers:
            for code in p.products:
                self.by_product.setdefault(code, []).append(p)
        self.muni = {m.code: m for m in municipalities}
        # annual new clients per municipality in the first year
        self.target = client_targets(opts, municipalities)
        self.new_per_month = {k: v / 12 / CLIENTS_PER_NEW for k, v in self.target.items()}
        self._small_weight: dict[str, float] = {}
        self.rng_moves = random.Random(f"verhuisd-{opts.seed}")

    # ---- helpers -------------------------------------------------------------------------------
    def next_id(self, kind: str) -> int:
        n = self.counters.get(kind, 0) + 1
        self.counters[kind] = n
        return n

    def message_id(self, mtype: str) -> str:
        return f"{mtype[2:]}{self.next_id('msg' + mtype):09d}"  # <= 12 chars, unique per type

    def intensity(self, year: int) -> float:
        return (1 + self.o.knobs.intensity_growth) ** (year - self.first)

    def product_weight(self, p: Product, year: int) -> float:
        shift = self.o.knobs.mix_shift
        if shift == 0 or p.heavy == 0:
            return p.weight
        return p.weight * max(0.05, (1 + shift * p.heavy)) ** (year - self.first)

    def choose_provider(self, code: str) -> Provider:
        cands = self.by_product[code]
        # small providers get ~2 trajectories a year in total; big ones share the rest by size
        yearly = sum(self.new_per_month.values()) * 12 * PRODUCTS[code].weight / 100
        small = [p for p in cands if p.small]
        big = [p for p in cands if not p.small]
        p_small = min(0.5, 2.0 * len(small) / max(yearly, 1.0)) if big else 1.0
        if small and self.rng.random() < p_small:
            return self.rng.choice(small)
        return self.rng.choices(big, weights=[p.size for p in big])[0]

    def lognorm_days(self, median: float, sigma: float) -> int:
        return max(0, int(round(median * math.exp(self.rng.gauss(0, sigma)))))

    def add_message(self, mtype: str, gemeente: str, dag: date, afz: str, ont: str, payload: object) -> None:
        if dag > self.o.extract_date:
            return
        self.world.messages.append(Message(mtype, gemeente, dag, self.message_id(mtype), afz, ont, payload))

    def new_client(self, gemeente: str, at: date, age: int) -> Client:
        rng = self.rng
        idx = len(self.world.clients)
        gender = "1" if rng.random() < 0.56 else "2"  # 56 % boys (VNG 2022)
        birth = at - timedelta(days=int(age * 365.25) + rng.randint(0, 364))
        m = self.muni[gemeente]
        person = make_person(rng, gender, m.pc4, m.pc4_weights, m.name.replace("'s-Gravenhage", "Den Haag"))
        c = Client(idx, f"C{idx + 1:07d}", self.bsn.next(), birth, gender, person, gemeente)
        others = [o for o in self.munis if o.code != gemeente]
        if others and self.rng_moves.random() < MOVED_SHARE:
            o = self.rng_moves.choice(others)
            person.postcode = f"{self.rng_moves.choice(o.pc4)}{person.postcode[4:]}"
            c.residence = o.code
        self.world.clients.append(c)
        return c

    # ---- main loop -----------------------------------------------------------------------------
    def run(self) -> World:
        rng = self.rng
        queue: list[tuple[date, int, str, int, int | None, bool]] = []  # date, seq, gemeente, client, prev, heavier
        seq = 0
        mi = mi_of(self.burn_start)
        last_mi = mi_of(self.horizon)
        carry = {g: rng.random() for g in self.target}
        while mi <= last_mi:
            years_from_first = (mi - self.first * 12) / 12
            growth = (1 + self.o.knobs.client_growth) ** years_from_first
            for g in sorted(self.target):
                expected = self.new_per_month[g] * growth + carry[g]
                n = int(expected)
                carry[g] = expected - n
                for _ in range(n):
                    day = month_start(mi) + timedelta(days=rng.randint(0, days_in_month(mi) - 1))
                    heapq.heappush(queue, (day, seq, g, -1, None, False))
                    seq += 1
            mi += 1
        done = 0
        while queue:
            day, _, g, client_idx, prev, heavier = heapq.heappop(queue)
            if day > self.horizon:
                continue
            ep = self.episode(day, g, client_idx, prev, heavier)
            done += 1
            if done % 500 == 0:
                self.progress(500)
            if ep is None:
                continue
            # re-entry: ~20 % of ended trajectories lead to new care within 12 months, often heavier
            stops = [a.stop for a in ep.assignments if a.stop is not None]
            reasons = {a.stop_reason for a in ep.assignments}
            if stops and not reasons & {"39", "02"} and rng.random() < REENTRY_SHARE:
                again = max(stops) + timedelta(days=rng.randint(30, 360))
                if again <= self.horizon:
                    heapq.heappush(queue, (again, seq, g, ep.client.idx, ep.idx, rng.random() < 0.45))
                    seq += 1
        self.progress(done % 500)
        return self.world

    def pick_products(self, age: int, year: int, heavier: bool) -> tuple[list[str], bool]:
        rng = self.rng
        if 3 <= age <= 12 and not heavier and rng.random() < 0.035:
            return ["41A03", "45A65", rng.choice(["45C02", "45C05", "45C09"]),
                    rng.choice(["44C01", "44C02", "44C03"])], True
        allowed = [p for p in CATALOGUE if p.min_age <= age <= p.max_age and p.code in self.by_product]
        if heavier:
            allowed = [p for p in allowed if p.heavy == 1] or allowed
        weights = [self.product_weight(p, year) for p in allowed]
        main = rng.choices(allowed, weights=weights)[0].code
        codes = [main]
        if main in ("45A03", "45A04", "54A01", "51A01") and rng.random() < 0.12 and age <= 17:
            codes.append(rng.choice(["45B01", "40A01"]))
        elif main == "41A01" and rng.random() < 0.5:
            codes.append("42A01")
        return codes, False

    def episode(self, day: date, g: str, client_idx: int, prev: int | None, heavier: bool) -> Episode | None:
        rng = self.rng
        if client_idx >= 0:
            client = self.world.clients[client_idx]
            age = int((day - client.birth).days // 365.25)
            if age > 22:
                return None
        else:
            age = rng.choices(range(24), weights=AGE_WEIGHTS)[0]
            client = self.new_client(g, day, age)
        codes, wlz = self.pick_products(age, day.year, heavier)
        if wlz:
            provider = self.rng.choice([p for p in self.providers if p.archetype == "wlz_grens"])
        else:
            provider = self.choose_provider(codes[0])
            codes = [c for c in codes if c in provider.products]
        main = PRODUCTS[codes[0]]
        cat = main.category
        # request (315) or an assignment on the municipality's own initiative
        protection = cat in ("47", "48")
        has_315 = rng.random() < (0.6 if protection else 0.88)
        if protection:
            referrer = "04" if rng.random() < 0.75 else "08"
        else:
            referrer = rng.choices([r for r, _ in REFERRERS], weights=[w for _, w in REFERRERS])[0]
        lead1_med, lead2_med = LEAD_MEDIANS[cat]
        if has_315:
            lead1 = self.lognorm_days(lead1_med * provider.lead_factor, 0.5)
            assign = day + timedelta(days=lead1)
        else:
            lead1 = 0
            assign = day
        months = main.median_months * math.exp(rng.gauss(0, 0.45))
        if wlz:
            months = rng.uniform(18, 36)
        months = min(max(months, 1.0), 48.0)
        ingang = assign
        eind = ingang + timedelta(days=max(20, int(months * 30.44)) - 1)
        if all(PRODUCTS[c].max_age <= 17 for c in codes):
            eind18 = birthday(client.birth, 18) - timedelta(days=1)
            if eind18 < eind:
                eind = eind18
        if eind < ingang + timedelta(days=20):
            return None
        ep = Episode(len(self.world.episodes), client, g, provider.agb, day if has_315 else None,
                     referrer if has_315 else None, [], wlz, prev, heavier)
        # end of care
        reason = "39" if wlz and rng.random() < 0.35 else rng.choices(
            [r for r, _ in END_REASONS], weights=[w for _, w in END_REASONS])[0]
        extension = 0
        if reason == "31" and rng.random() < 0.18:
            extension = rng.randint(90, 270)
        tijd = f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
        client_intensity = min(1.6, max(0.6, rng.lognormvariate(0, 0.25))) * provider.intensity_factor
        final_end = eind + timedelta(days=extension)
        for code in codes:
            prod = PRODUCTS[code]
            nummer = self.next_id("toewijzing") + 100_000
            ref = f"VOT{nummer}" if has_315 else None
            y_max = max(final_end.year, ingang.year)
            i_max = max(self.intensity(y) * provider.intensity_trend(y, self.last)
                        for y in range(ingang.year, y_max + 1))
            a = Assignment(nummer, code, prod.category, prod.eenheid == "83", ingang,
                           [Version(assign, tijd, eind, None)], None, ref, client_intensity)
            monthly = prod.base_per_month * client_intensity * i_max * 1.25
            if prod.eenheid == "83":
                n_months = (eind - ingang).days / 30.44 + 1
                a.versions[0].budget = int(math.ceil(monthly * n_months / 10_000)) * 10_000
            elif prod.frequentie == "2":
                a.omvang = (max(1, math.ceil(monthly * 7 / 30.44)), prod.eenheid, "2")
            else:
                vol = math.ceil(monthly)
                if prod.eenheid == "14":
                    vol = min(vol, 31)
                a.omvang = (max(1, vol), prod.eenheid, "4")
            ep.assignments.append(a)
        self.world.episodes.append(ep)
        if prev is not None:
            before = self.world.episodes[prev]
            prev_stop = max((a.stop for a in before.assignments if a.stop is not None), default=None)
            self.world.reentries.append({
                "client_ref": client.ref, "municipality": g, "previous_stop": prev_stop.isoformat() if prev_stop else None,
                "new_request": day.isoformat(), "previous_products": sorted(a.code for a in before.assignments),
                "new_products": codes, "heavier": heavier})
        # start(s)
        for a in ep.assignments:
            lead2 = self.lognorm_days(lead2_med * provider.lead_factor, 0.6)
            start = min(assign + timedelta(days=lead2), eind - timedelta(days=14))
            a.start = max(start, ingang)
        first_start = min(a.start for a in ep.assignments if a.start is not None)
        if extension:
            ext_date = eind - timedelta(days=rng.randint(10, 30))
            ext_date = max(ext_date, first_start + timedelta(days=1))
            for a in ep.assignments:
                budget = a.budget
                if budget is not None:
                    budget = int(math.ceil(budget * (1 + extension / max(30, (eind - ingang).days)) / 10_000)) * 10_000
                a.versions.append(Version(ext_date, tijd, final_end, "04", budget))
        for a in ep.assignments:
            assert a.start is not None
            if reason == "31":
                stop = a.einddatum
            else:
                span = (a.einddatum - a.start).days
                frac = rng.uniform(0.5, 1.0) if reason == "39" else rng.uniform(0.15, 0.85)
                stop = a.start + timedelta(days=int(span * frac))
            a.stop = stop
            a.stop_reason = reason
        self.change_request(ep, provider, tijd)
        self.emit_workflow(ep, provider)
        if prev is not None:
            started = [a.start for a in ep.assignments if a.start_written and a.start is not None]
            self.world.reentries[-1]["new_start"] = min(started).isoformat() if started else None
        # lead-time records (only when both messages are written)
        return ep

    def change_request(self, ep: Episode, provider: Provider, tijd: str) -> None:
        """~5 % of single-product trajectories: a JW317 asks for an extra product; the 301 answers it."""
        rng = self.rng
        if ep.wlz_like or len(ep.assignments) != 1 or rng.random() >= 0.05:
            return
        a = ep.assignments[0]
        assert a.start is not None and a.stop is not None
        if (a.stop - a.start).days < 150:
            return
        options = [c for c in provider.products if c != a.code and PRODUCTS[c].border_group is None
                   and PRODUCTS[c].eenheid != "83"]
        if not options:
            return
        code = rng.choice(options)
        prod = PRODUCTS[code]
        age_then = (a.start - ep.client.birth).days / 365.25
        if not prod.min_age <= age_then <= prod.max_age:
            return
        req_date = a.start + timedelta(days=rng.randint(45, 90))
        wanted = req_date + timedelta(days=14)
        answer = req_date + timedelta(days=rng.randint(3, 10))
        start = max(wanted, answer) + timedelta(days=rng.randint(5, 21))
        if start >= a.stop - timedelta(days=30):
            return
        nummer = self.next_id("toewijzing") + 100_000
        ref = f"VOW{nummer}"
        i_max = max(self.intensity(y) * provider.intensity_trend(y, self.last)
                    for y in range(wanted.year, a.einddatum.year + 1))
        monthly = prod.base_per_month * a.client_intensity * i_max * 1.25
        if prod.frequentie == "2":
            omvang = (max(1, math.ceil(monthly * 7 / 30.44)), prod.eenheid, "2")
        else:
            vol = math.ceil(monthly)
            omvang = (max(1, min(vol, 31) if prod.eenheid == "14" else vol), prod.eenheid, "4")
        ingang = max(wanted, answer)
        new = Assignment(nummer, code, prod.category, False, ingang,
                         [Version(answer, tijd, a.einddatum, None)], omvang, ref, a.client_intensity)
        new.start, new.stop, new.stop_reason = start, a.stop, a.stop_reason
        ep.assignments.append(new)
        # the 317 is sent by the provider; the answer 301 and the new start are emitted in emit_workflow
        if req_date <= self.horizon:
            self.add_message("JW317", ep.gemeente, req_date, provider.agb, ep.gemeente,
                             ("vow", ep, ref, [a.nummer], code, wanted, omvang, a.einddatum))

    def tw_state(self, a: Assignment, version: int, with_ref: bool) -> tuple[object, ...]:
        v = a.versions[version]
        return (a.nummer, a.referentie if with_ref else None, a.category, None if a.aspecifiek else a.code,
                v.toewijzingsdatum, v.tijd, a.ingang, v.einddatum, v.reden, a.omvang, v.budget)

    def emit_workflow(self, ep: Episode, provider: Provider) -> None:
        rng = self.rng
        g, agb, hz = ep.gemeente, provider.agb, self.horizon
        base = [a for a in ep.assignments if not (a.referentie or "").startswith("VOW")]
        extra = [a for a in ep.assignments if (a.referentie or "").startswith("VOW")]
        if ep.request_date is not None:
            self.add_message("JW315", g, ep.request_date, agb, g, ("vot", ep, base))
        assign_date = base[0].versions[0].toewijzingsdatum
        if assign_date > hz:
            return
        self.add_message("JW301", g, assign_date, g, agb, ("tw", ep, [self.tw_state(a, 0, True) for a in base]))
        if ep.request_date is not None and assign_date <= self.o.extract_date:
            self.world.lead_request_assign.append((agb, base[0].category, (assign_date - ep.request_date).days))
            self.world.lead_request_assign_products.extend(
                (agb, a.category, (assign_date - ep.request_date).days) for a in base)
        # starts grouped by date
        by_start: dict[date, list[Assignment]] = {}
        for a in ep.assignments:
            assert a.start is not None
            if a.start <= hz:
                by_start.setdefault(a.start, []).append(a)
        # extension versions and the VOW answer are 301s too
        events: list[tuple[date, int, str, Any]] = []
        for d, group in sorted(by_start.items()):
            events.append((d, 2, "start", group))
        if len(base[0].versions) > 1:
            events.append((base[0].versions[1].toewijzingsdatum, 1, "ext", None))
        for a in extra:
            events.append((a.versions[0].toewijzingsdatum, 1, "vow", a))
        stops: dict[date, list[Assignment]] = {}
        for a in ep.assignments:
            if a.stop is not None and a.stop <= hz:
                stops.setdefault(a.stop, []).append(a)
        for d, group in sorted(stops.items()):
            events.append((d, 3, "stop", group))
        for d, _, kind, obj in sorted(events, key=lambda e: (e[0], e[1])):
            if d > hz:
                continue
            if kind == "start":
                group = obj
                dag = d + timedelta(days=rng.randint(0, 4))
                self.add_message("JW305", g, dag, agb, g, ("start", ep, group))
                if dag <= self.o.extract_date:
                    for a in group:
                        a.start_written = True
                        assert a.start is not None
                        self.world.lead_assign_start.append(
                            (agb, a.category, (a.start - a.versions[0].toewijzingsdatum).days))
            elif kind == "ext":
                states = []
                for a in ep.assignments:
                    if a.versions[0].toewijzingsdatum > d:
                        continue
                    states.append(self.tw_state(a, len(a.versions) - 1 if len(a.versions) > 1 else 0, False))
                self.add_message("JW301", g, d, g, agb, ("tw", ep, states))
            elif kind == "vow":
                a_new = obj
                states = [self.tw_state(a, 0, False) for a in base] + [self.tw_state(a_new, 0, True)]
                self.add_message("JW301", g, d, g, agb, ("tw", ep, states))
            else:
                group = obj
                dag = d + timedelta(days=rng.randint(0, 4))
                self.add_message("JW307", g, dag, agb, g, ("stop", ep, group))
                if dag <= self.o.extract_date:
                    for a in group:
                        a.stop_written = True
