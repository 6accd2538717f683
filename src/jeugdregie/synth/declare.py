"""Monthly declarations (JW323) and their answers (JW325).

Per assignment and service month one prestatie (IV084): ProductPeriode = the delivery days of that month
(from the 305 start to the 307 stop), GeleverdVolume from the product's typical monthly volume times the
client's and provider's intensity and the intensity knob of the service year, never above the assigned
Omvang; IngediendBedrag = GeleverdVolume x ProductTarief (TR346), for Eenheid 83 = GeleverdVolume (CS339).

Each prestatie is declared in the DeclaratiePeriode ``service month + lag``; one 323 per provider x
municipality x DeclaratiePeriode. The 323 is dated 3-15 days after the end of its period; it is written only
when that date is on or before the extract date (the rest counts for ``final_net_cents`` only).
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Callable
from datetime import date, timedelta

from jeugdregie.synth.calendar import days_in_month, mi_of, month_end, month_start
from jeugdregie.synth.catalogue import PRODUCTS, Provider
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.model import Assignment, Declaration, Episode, Line, Message, World

REJECT_CODES = ("9321", "0611", "9307", "9308", "9338")
LINE_REJECT_P = 0.015
WHOLE_REJECT_P = 0.003
CREDIT_P = 0.02
RESUBMIT_P = 0.5


def tariff(base: int, year: int, opts: SynthOptions) -> int:
    """Contract tariff in cents for a service year: base x (1 + tariff_growth)^(year - first), half up."""
    factor = (1 + opts.knobs.tariff_growth) ** (year - opts.first_year)
    return int(base * factor + 0.5)


def sample_lag(rng: random.Random, p0: float) -> int:
    """Months between service month and DeclaratiePeriode: most 0-3, a long tail up to 58 (TR335)."""
    if rng.random() < p0:
        return 0
    r = rng.random()
    if r < 0.45:
        return 1
    if r < 0.70:
        return 2
    if r < 0.85:
        return rng.randint(3, 6)
    if r < 0.97:
        return rng.randint(7, 24)
    return rng.randint(25, 58)


class Declarer:
    def __init__(self, opts: SynthOptions, rng: random.Random, world: World, providers: list[Provider],
                 message_id: Callable[[str], str], progress: Callable[[int], None] | None = None) -> None:
        self.o = opts
        self.rng = rng
        self.w = world
        self.prov = {p.agb: p for p in providers}
        self.message_id = message_id
        self.progress = progress or (lambda n: None)
        self.first_mi = opts.first_year * 12
        self.last_mi = opts.last_year * 12 + 11
        self.n_ref = 0
        self.n_decl = 0
        self.buckets: dict[int, dict[tuple[str, str], list[Line]]] = defaultdict(dict)

    def ref(self) -> str:
        self.n_ref += 1
        return f"R{self.n_ref:010d}"

    def intensity(self, year: int) -> float:
        return (1 + self.o.knobs.intensity_growth) ** (year - self.o.first_year)

    def put(self, line: Line) -> None:
        self.buckets[line.period].setdefault((line.agb, line.gemeente), []).append(line)

    def volume(self, a: Assignment, mi: int, begin: date, end: date, prov: Provider) -> int:
        prod = PRODUCTS[a.code]
        days = (end - begin).days + 1
        frac = days / days_in_month(mi)
        raw = prod.base_per_month * a.client_intensity * self.intensity(mi // 12) * frac
        raw *= prov.intensity_trend(mi // 12, self.o.last_year)
        raw *= self.rng.uniform(0.88, 1.10)
        if prod.eenheid == "83":
            vol = max(100, int(round(raw / 100)) * 100)
            return vol
        vol = max(1, int(raw + 0.5))
        if prod.eenheid == "14":
            vol = min(vol, days)
        if a.omvang is not None:
            if a.omvang[2] == "2":
                cap = days * a.omvang[0] // 7
            else:
                cap = a.omvang[0]
            if vol > cap:
                vol = cap
        return vol

    def care_lines(self) -> None:
        """Original debet prestaties for every delivered month."""
        hz = date(self.o.last_year, 12, 31)
        for ep in self.w.episodes:
            prov = self.prov[ep.agb]
            for a in ep.assignments:
                if a.start is None or a.start > hz:
                    continue
                stop = a.stop if a.stop is not None and a.stop <= hz else hz
                budget_left = a.budget
                for mi in range(max(mi_of(a.start), self.first_mi), min(mi_of(stop), self.last_mi) + 1):
                    begin = max(month_start(mi), a.start)
                    end = min(month_end(mi), stop)
                    vol = self.volume(a, mi, begin, end, prov)
                    if budget_left is not None:
                        vol = min(vol, budget_left)
                        budget_left -= vol
                    if vol <= 0:
                        continue
                    lag = sample_lag(self.rng, prov.lag_p0)
                    if prov.extra_lag:
                        lag = min(58, lag + self.rng.randint(4, prov.extra_lag))
                    if prov.backlog_from and mi >= prov.backlog_from:
                        # held back: declared only after the extract date
                        lag = max(lag, mi_of(self.o.extract_date) - mi + self.rng.randint(1, 6))
                    self.add_line(ep, a, mi, begin, end, vol, lag, "orig")
            self.progress(1)

    def add_line(self, ep: Episode, a: Assignment, mi: int, begin: date, end: date, vol: int, lag: int,
                 kind: str, code: str | None = None, tariff_cents: int | None = None) -> Line:
        prod = PRODUCTS[code or a.code]
        if prod.eenheid == "83":
            t: int | None = None
            amount = vol
        else:
            t = tariff_cents if tariff_cents is not None else tariff(prod.tariff_cents or 0, mi // 12, self.o)
            markup = self.prov[ep.agb].tariff_markup.get(prod.code)
            if markup:
                t = int(t * markup + 0.5)
            amount = vol * t
        line = Line(self.ref(), ep.client, ep.agb, ep.gemeente, a.nummer, prod.category, prod.code, begin,
                    end, vol, prod.eenheid, t, amount, "D", None, mi + lag, kind)
        self.w.lines.append(line)
        self.put(line)
        return line

    def copy_line(self, src: Line, period: int, kind: str, dc: str = "D", vorig: str | None = None,
                  volume: int | None = None) -> Line:
        vol = src.volume if volume is None else volume
        amount = vol if src.tariff is None else vol * src.tariff
        line = Line(self.ref(), src.client, src.agb, src.gemeente, src.nummer, src.category, src.code,
                    src.begin, src.end, vol, src.eenheid, src.tariff, amount, dc, vorig, period, kind,
                    no_reject=True)
        self.w.lines.append(line)
        self.put(line)
        return line

    def run(self) -> None:
        self.care_lines()
        self.process()

    def process(self) -> None:
        """Group the lines per provider x municipality x DeclaratiePeriode into 323s, answer each with a 325."""
        rng = self.rng
        extract = self.o.extract_date
        periods_done = 0
        p = min(self.buckets) if self.buckets else 0
        while self.buckets:
            groups = self.buckets.pop(p, None)
            if groups:
                for (agb, g) in sorted(groups):
                    lines = groups[(agb, g)]
                    nxt = p + 1
                    dag = month_start(nxt) + timedelta(days=2 + (int(agb) + p) % 8 + rng.randint(0, 5))
                    self.n_decl += 1
                    decl = Declaration(agb, g, p, f"D{self.n_decl:09d}", "", dag, lines, dag <= extract)
                    if decl.written:
                        decl.identificatie = self.message_id("JW323")
                    for ln in lines:
                        ln.written = decl.written
                    self.w.declarations.append(decl)
                    self.answer(decl)
            periods_done += 1
            p += 1

    def adjudicate(self, decl: Declaration) -> None:
        """Random 325 rejections, and the resubmissions, credits and corrected debets they lead to."""
        rng = self.rng
        if rng.random() < WHOLE_REJECT_P and not any(ln.no_reject for ln in decl.lines):
            decl.whole_rejected = "9333"
            for ln in decl.lines:
                ln.rejected = "9333"
                if ln.dc == "D":
                    self.copy_line(ln, decl.period + 1, "resubmit")
        else:
            for ln in decl.lines:
                if ln.no_reject or ln.dc != "D":
                    continue
                if rng.random() < (self.prov[ln.agb].reject_p or LINE_REJECT_P):
                    ln.rejected = rng.choice(REJECT_CODES)
                    if rng.random() < RESUBMIT_P:
                        self.copy_line(ln, decl.period + rng.randint(1, 3), "resubmit")
                elif ln.kind == "orig" and rng.random() < CREDIT_P:
                    later = decl.period + rng.randint(1, 4)
                    self.copy_line(ln, later, "credit", "C", ln.ref)
                    vol = ln.volume - max(1, ln.volume // 10) if ln.volume > 1 else ln.volume
                    if ln.eenheid == "83":
                        vol = max(100, (ln.volume * 9 // 10) // 100 * 100)
                    self.copy_line(ln, later, "correction", volume=vol)

    def answer(self, decl: Declaration) -> None:
        """Decide the 325 outcome (in the exact knob mode every line is granted as declared) and write both."""
        rng = self.rng
        if not self.o.exact_knobs:
            self.adjudicate(decl)
        if decl.written:
            decl.response_date = min(decl.dagtekening + timedelta(days=rng.randint(2, 12)), self.o.extract_date)
            decl.response_id = self.message_id("JW325")
            self.w.messages.append(Message("JW323", decl.gemeente, decl.dagtekening, decl.identificatie,
                                           decl.agb, decl.gemeente, decl))
            self.w.messages.append(Message("JW325", decl.gemeente, decl.response_date, decl.response_id,
                                           decl.gemeente, decl.agb, decl))
