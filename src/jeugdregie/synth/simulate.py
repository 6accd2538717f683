"""Simulation of a region: clients, trajectories, assignments, care periods and declared lines.

The simulation produces plain records; ``writer.py`` turns them into iJw 3.2 XML. Everything is driven by one
``random.Random(seed)``, so the same arguments give the same region. Every declared line is generated here with
its declaration month; lines declared after the extract date are kept in the ground truth (``final``) but not
written, which is exactly the late-declaration problem the forecast has to solve.
"""

from __future__ import annotations

import bisect
import itertools
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from jeugdregie.synth.model import (
    CATALOGUE,
    END_REASONS,
    FIRST_NAMES,
    LAG,
    LAST_NAMES,
    MUNICIPALITIES,
    REFERRERS,
    STREETS,
    Knobs,
    Product,
    Scale,
)


@dataclass
class Client:
    ref: str  # stable synthetic reference (ground truth uses it instead of the BSN)
    bsn: str
    birth_date: date
    gender: str
    first_name: str
    last_name: str
    street: str
    house_number: int
    postcode: str
    municipality: str


@dataclass
class Line:
    service_month: date
    period_start: date
    period_end: date
    volume: int
    tariff_cents: int
    declared_month: date  # month in which the 323 carrying the line is sent
    rejected: bool = False
    credit_month: date | None = None  # a granted line may be credited and re-declared later
    corrected_volume: int | None = None

    @property
    def amount_cents(self) -> int:
        return self.volume * self.tariff_cents


@dataclass
class Trajectory:
    number: int  # ToewijzingNummer (unique per municipality)
    client: Client
    municipality: str
    provider: str
    product: Product
    referrer: str
    request_date: date | None  # 315 Dagtekening (None: the municipality assigned without a request)
    assigned_on: date  # 301 Toewijzingsdatum
    start: date  # 301 Ingangsdatum
    end: date  # 301 Einddatum
    care_start: date  # 305 Begindatum
    care_end: date  # 307 Einddatum
    end_reason: str
    monthly_volume: int  # assigned Omvang per month (frequency 4)
    lines: list[Line] = field(default_factory=list)
    reference: str = ""


def month_add(d: date, n: int) -> date:
    m = d.month - 1 + n
    return date(d.year + m // 12, m % 12 + 1, 1)


def month_end(d: date) -> date:
    return month_add(d, 1) - timedelta(days=1)


def bsn_from(n: int) -> str:
    """A valid (11-proef) BSN from a counter, in the 9xxxxxxxx test range."""
    base = 900_000_000 + n * 10
    for candidate in range(base, base + 10):
        s = f"{candidate:09d}"
        total = sum(int(d) * w for d, w in zip(s[:8], range(9, 1, -1), strict=True)) - int(s[8])
        if total % 11 == 0:
            return s
    return bsn_from(n + 7_000_000)


def _cumulative(pairs: list[tuple[str, float]] | list[tuple[int, float]]) -> tuple[list[Any], list[float]]:
    values = [v for v, _ in pairs]
    cum = list(itertools.accumulate(w for _, w in pairs))
    return values, cum


_REFERRERS = _cumulative(REFERRERS)
_END_REASONS = _cumulative(END_REASONS)
_LAG = _cumulative(LAG)


def _draw(rng: random.Random, table: tuple[list[Any], list[float]]) -> Any:
    values, cum = table
    return values[min(len(values) - 1, bisect.bisect(cum, rng.random() * cum[-1]))]


class Region:
    def __init__(self, scale: Scale, knobs: Knobs, seed: int, years: tuple[int, int] | None = None) -> None:
        self.scale = scale
        self.knobs = knobs
        self.rng = random.Random(seed)
        self.years = years or scale.years
        self.munis = MUNICIPALITIES[: scale.municipalities]
        total_res = sum(m[2] for m in self.munis)
        self._muni_table = (list(range(len(self.munis))),
                            list(itertools.accumulate(m[2] / total_res for m in self.munis)))
        self.providers = self._providers(scale.providers)
        self._by_product = {p.code: _cumulative([(agb, size) for agb, prods, size in self.providers
                                                 if p.code in prods]) for p in CATALOGUE}
        self.trajectories: list[Trajectory] = []
        self.clients: dict[str, Client] = {}
        self._counter = itertools.count(1)
        self._numbers = {m[0]: itertools.count(100_001) for m in self.munis}

    def _providers(self, n: int) -> list[tuple[str, set[str], float]]:
        rng = self.rng
        out = []
        codes = set()
        for i in range(n):
            agb = f"{rng.randrange(10_000_000, 99_999_999):08d}"
            while agb in codes:
                agb = f"{rng.randrange(10_000_000, 99_999_999):08d}"
            codes.add(agb)
            k = rng.randint(2, 6)
            products = {p.code for p in rng.sample(CATALOGUE, k)}
            size = 1 / (i + 1) ** 0.9  # a few large providers, a long tail of small ones
            out.append((agb, products, size))
        for p in CATALOGUE:  # every product has at least one provider
            if not any(p.code in prods for _, prods, _ in out):
                out[rng.randrange(len(out))][1].add(p.code)
        return out

    def _new_client(self, muni: tuple[str, str, int, tuple[int, int]], year: int) -> Client:
        rng = self.rng
        n = next(self._counter)
        age = min(22, max(0, int(rng.triangular(0, 23, 11))))
        born = date(year - age, 1, 1) + timedelta(days=rng.randrange(365))
        pc4 = rng.randint(*muni[3])
        c = Client(f"C{n:07d}", bsn_from(n), born, rng.choice("12"), rng.choice(FIRST_NAMES),
                   rng.choice(LAST_NAMES), rng.choice(STREETS), rng.randint(1, 199),
                   f"{pc4}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}{rng.choice('ABCDEFGHJKLMNPRSTVWXZ')}", muni[0])
        self.clients[c.ref] = c
        return c

    def _weights(self, t: int) -> list[float]:
        shift = (1 + self.knobs.mix_shift) ** t
        return [p.weight * (shift if p.heavy else 1.0) for p in CATALOGUE]

    def simulate(self) -> None:
        rng = self.rng
        first, last = self.years
        previous: list[Client] = []
        for year in range(first, last + 1):
            t = year - first
            n_clients = round(self.scale.clients_per_year * (1 + self.knobs.client_growth) ** t)
            keep = [c for c in previous if rng.random() < 0.45 and year - c.birth_date.year <= 22]
            keep = keep[:n_clients]
            clients = keep + [self._new_client(self.munis[_draw(rng, self._muni_table)], year)
                              for _ in range(n_clients - len(keep))]
            weights = self._weights(t)
            cum = list(itertools.accumulate(weights))
            for c in clients:
                n_traj = 1 if rng.random() < 0.75 else 2
                for _ in range(n_traj):
                    product = CATALOGUE[bisect.bisect(cum, rng.random() * cum[-1])]
                    self.trajectories.append(self._trajectory(c, product, year, t))
            previous = clients

    def _trajectory(self, c: Client, p: Product, year: int, t: int) -> Trajectory:
        rng = self.rng
        lo, hi = p.months
        months = rng.randint(lo, hi)
        start_month = rng.randint(1, max(1, 13 - months))
        months = min(months, 13 - start_month)
        start = date(year, start_month, 1)
        end = month_end(month_add(start, months - 1))
        provider = _draw(rng, self._by_product[p.code])
        referrer = _draw(rng, _REFERRERS)
        assigned_on = start - timedelta(days=rng.randint(1, 21))
        request = assigned_on - timedelta(days=rng.randint(5, 30)) if rng.random() < 0.85 else None
        care_start = start + timedelta(days=min(20, int(rng.expovariate(1 / 6))))
        reason = _draw(rng, _END_REASONS)
        care_end = end if reason == "31" else max(care_start, end - timedelta(days=rng.randint(0, 20)))
        base = p.monthly_units * (1 + self.knobs.intensity_growth) ** t
        tariff = round(p.tariff_cents * (1 + self.knobs.tariff_growth) ** t)
        muni = c.municipality
        tr = Trajectory(next(self._numbers[muni]), c, muni, provider, p, referrer, request, assigned_on, start, end,
                        care_start, care_end, reason, max(1, round(base * 1.25)))
        m = date(care_start.year, care_start.month, 1)
        while m <= care_end:
            ps = max(m, care_start)
            pe = min(month_end(m), care_end)
            frac = ((pe - ps).days + 1) / ((month_end(m) - m).days + 1)
            vol = max(1, round(base * frac * rng.uniform(0.8, 1.2))) if p.unit != "82" else 1
            vol = min(vol, tr.monthly_volume)
            lag = _draw(rng, _LAG)
            line = Line(m, ps, pe, vol, tariff, month_add(m, 1 + lag))
            line.rejected = rng.random() < 0.012
            if not line.rejected and rng.random() < 0.02 and vol > 1:
                line.credit_month = month_add(line.declared_month, rng.randint(1, 4))
                line.corrected_volume = vol - 1
            tr.lines.append(line)
            m = month_add(m, 1)
        return tr
