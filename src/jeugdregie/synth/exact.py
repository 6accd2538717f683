"""Deterministic knob mode (``SynthOptions.exact_knobs``, ``jeugdregie synth --exact-knobs``).

The ordinary simulation realises the knobs only in expectation. This mode builds the region from a fixed cohort
structure so that what ``explain`` measures equals the knobs:

* **Blocks.** The first service year has ``K`` blocks of ``m`` clients; a block is one product (one assignment
  per client), one municipality and one provider. Every product in reach gets at least one block, the rest is
  apportioned by the catalogue weights. ``m`` is the smallest block size (<= ``MAX_BLOCK``) for which
  ``m * (1 + client_growth)^t`` is a whole number for every service year ``t`` (10 % growth, 2 years: m = 10);
  when there is none, ``m`` is ``FALLBACK_BLOCK`` and block sizes are rounded (within one client per block).
* **Clients.** In year ``t`` the region has ``N_t = round(K * m * (1 + client_growth)^t)`` clients, apportioned
  over the blocks (largest remainder) with weights ``(mix factor of the block's product)^t``: without a mix
  shift every block has exactly ``m * (1 + client_growth)^t`` clients, so every product keeps its share. Half of
  a block's clients continue into the next year, the others stop on 31 December and new ones start on
  1 January. All care runs in whole calendar months and every client is counted once (one product).
* **Units.** A block's units in year ``t`` are ``round(clients * 12 * base * (1 + intensity_growth)^t)``, spread
  over its client-months as evenly as whole units allow (``base`` = the product's typical monthly volume; for
  residential products (days) lowered so the last year still fits in a 28-day month).
* **Price.** The ordinary contract tariff ``tariff(base, year)`` (tariff knob, rounded to the cent). Products
  paid in euros (Eenheid 83) are left out: their price per unit is always one cent.
* **Declarations.** Every month is declared in its own DeclaratiePeriode (no lag), nothing is rejected or
  credited and nothing is injected, so declared = granted = final; the extract date must lie after the last
  declaration (``SynthOptions.check``).

Requests, assignments, starts and stops go through the ordinary message workflow (``Simulator.emit_workflow``)
and the declarations through ``Declarer`` and ``xmlbuild``: the output is ordinary iJw 3.2 traffic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

from jeugdregie.analysis.decomposition import largest_remainder
from jeugdregie.synth.calendar import days_in_month, month_end, month_start
from jeugdregie.synth.catalogue import CATALOGUE, LEAD_MEDIANS, Product, Provider
from jeugdregie.synth.declare import Declarer
from jeugdregie.synth.model import Assignment, Client, Episode, Version, World
from jeugdregie.synth.simulate import AGE_WEIGHTS, REFERRERS, Simulator

MAX_BLOCK = 1000
FALLBACK_BLOCK = 20
#: highest delivered days of care in one month for residential products (every month has >= 28 days)
MAX_DAYS = 27
CONTINUE_SHARE = Fraction(1, 2)


def _fraction(x: float) -> Fraction:
    return Fraction(repr(x))


def block_size(client_growth: float, n_years: int) -> int | None:
    """Smallest m <= MAX_BLOCK with m * (1 + client_growth)^t whole for t = 0 .. n_years - 1 (None: none)."""
    a = 1 + _fraction(client_growth)
    if a <= 0:
        raise ValueError("exacte knoppen: de cliëntgroei moet groter zijn dan -100 %")
    denominators = [(a ** t).denominator for t in range(n_years)]
    m = math.lcm(*denominators)
    return m if m <= MAX_BLOCK else None


@dataclass
class Block:
    idx: int
    product: Product
    gemeente: str
    provider: Provider
    base: Fraction  # units per client per full month in the first year
    clients: list[int] = field(default_factory=list)  # per year: number of clients
    units: list[int] = field(default_factory=list)  # per year: units delivered in the block


def _eligible(sim: Simulator, n_years: int) -> list[Product]:
    """Products with a provider, paid per unit, and an age range a client can stay in for every year."""
    return [p for p in CATALOGUE if p.code in sim.by_product and p.eenheid != "83"
            and p.max_age - p.min_age >= n_years]


def _base_volume(p: Product, peak_intensity: Fraction) -> Fraction:
    base = _fraction(p.base_per_month)
    if p.eenheid == "14":
        base = min(base, Fraction(MAX_DAYS) / peak_intensity)
    return base


def _whole_units(per_year: Fraction, factors: list[Fraction], cap: Fraction | None) -> Fraction:
    """Units per client in the first year: ``per_year`` moved to the nearest multiple of the smallest ``d`` for
    which ``d * f`` is whole for every factor (clients x intensity factor of a year), so every year's units are
    whole without rounding; never above ``cap``. Kept as it is when that would change it by more than a tenth."""
    d = math.lcm(*(f.denominator for f in factors))
    down = Fraction((per_year // d) * d)
    up = down + d
    whole = up if per_year - down > up - per_year and (cap is None or up <= cap) else down
    return whole if whole > 0 and abs(per_year - whole) <= per_year / 10 else per_year


def plan(sim: Simulator) -> tuple[list[Block], dict[str, Any]]:
    """The blocks with their clients and units per service year (see the module docstring)."""
    o = sim.o
    years = list(range(o.first_year, o.last_year + 1))
    n = len(years)
    knobs = o.knobs
    m_exact = block_size(knobs.client_growth, n)
    m = m_exact or FALLBACK_BLOCK
    products = _eligible(sim, n)
    target = sum(sim.target.values())
    k_total = max(len(products), round(target / m))
    extra = largest_remainder([Fraction(k_total - len(products)) * _fraction(p.weight)
                               / sum(_fraction(q.weight) for q in products) for p in products],
                              k_total - len(products))
    a = 1 + _fraction(knobs.client_growth)
    b = 1 + _fraction(knobs.intensity_growth)
    if b <= 0:
        raise ValueError("exacte knoppen: de intensiteitsgroei moet groter zijn dan -100 %")
    peak = max(b ** t for t in range(n))
    munis = sorted(sim.target)
    blocks: list[Block] = []
    for p, k in zip(products, extra, strict=True):
        for _ in range(1 + k):
            g = sim.rng.choices(munis, weights=[sim.target[c] for c in munis])[0]
            blocks.append(Block(len(blocks), p, g, sim.choose_provider(p.code), _base_volume(p, peak)))
    for t, year in enumerate(years):
        n_t = round(len(blocks) * m * a ** t)
        weights = [_fraction(sim.product_weight(bl.product, year) / bl.product.weight) for bl in blocks]
        sizes = largest_remainder([Fraction(n_t) * w / sum(weights) for w in weights], n_t)
        for bl, size in zip(blocks, sizes, strict=True):
            if size < 1:
                raise ValueError(f"exacte knoppen: product {bl.product.code} houdt in {year} geen cliënten over")
            bl.clients.append(size)
    for bl in blocks:
        cap = 12 * Fraction(MAX_DAYS) / peak if bl.product.eenheid == "14" else None
        per_year = _whole_units(12 * bl.base, [size * b ** t for t, size in enumerate(bl.clients)], cap)
        for t, size in enumerate(bl.clients):
            units = round(size * per_year * b ** t)
            if units < size * 12:
                raise ValueError(f"exacte knoppen: minder dan één eenheid per maand voor {bl.product.code} "
                                 f"in {years[t]}; kies een kleinere daling van de intensiteit")
            bl.units.append(units)
    info = {"block_size": m, "blocks": len(blocks), "exact_client_counts": m_exact is not None,
            "products": sorted({bl.product.code for bl in blocks}),
            "excluded_products": sorted(p.code for p in CATALOGUE if p not in products)}
    return blocks, info


def _monthly(units: int, clients: int) -> list[list[int]]:
    """``units`` over ``clients`` x 12 months, as even as whole units allow: [client][month]."""
    q, r = divmod(units, clients * 12)
    return [[q + (month * clients + c < r) for month in range(12)] for c in range(clients)]


@dataclass
class _Trajectory:
    client: Client
    block: Block
    first: int
    last: int
    volumes: dict[int, list[int]] = field(default_factory=dict)  # year -> 12 monthly volumes


def _age(sim: Simulator, p: Product, years_in_care: int) -> int:
    hi = min(p.max_age - years_in_care, 22)
    ages = [x for x in range(len(AGE_WEIGHTS)) if p.min_age <= x <= hi] or [p.min_age]
    return sim.rng.choices(ages, weights=[AGE_WEIGHTS[x] for x in ages])[0]


def realise(sim: Simulator, decl: Declarer) -> World:
    """Build the world of the exact mode: clients, episodes and their messages, then the declarations."""
    o = sim.o
    o.check()
    blocks, info = plan(sim)
    last = o.last_year
    trajectories: list[_Trajectory] = []
    for bl in blocks:
        active: list[_Trajectory] = []
        for t, size in enumerate(bl.clients):
            year = o.first_year + t
            keep = int(min(len(active), size) * CONTINUE_SHARE)
            for tr in active[keep:]:
                tr.last = year - 1
            active = active[:keep]
            while len(active) < size:
                age = _age(sim, bl.product, last - year + 1)
                client = sim.new_client(bl.gemeente, date(year, 1, 1), age)
                tr = _Trajectory(client, bl, year, last)
                active.append(tr)
                trajectories.append(tr)
            for tr, months in zip(active, _monthly(bl.units[t], size), strict=True):
                tr.volumes[year] = months
    for tr in trajectories:
        a, ep, provider = _episode(sim, tr)
        for year, months in sorted(tr.volumes.items()):
            for month, vol in enumerate(months):
                mi = year * 12 + month
                assert tr.block.product.eenheid != "14" or vol <= days_in_month(mi)  # MAX_DAYS keeps it so
                decl.add_line(ep, a, mi, month_start(mi), month_end(mi), vol, 0, "orig")
        sim.emit_workflow(ep, provider)
        decl.progress(1)
    decl.process()
    sim.world.exact_plan = info
    return sim.world


def _episode(sim: Simulator, tr: _Trajectory) -> tuple[Assignment, Episode, Provider]:
    rng = sim.rng
    p, provider = tr.block.product, tr.block.provider
    start = date(tr.first, 1, 1)
    lead1, lead2 = LEAD_MEDIANS[p.category]
    assigned = start - timedelta(days=max(1, int(lead2)))
    request = assigned - timedelta(days=max(1, int(lead1)))
    protection = p.category in ("47", "48")
    if protection:
        referrer = "04" if rng.random() < 0.75 else "08"
    else:
        referrer = rng.choices([r for r, _ in REFERRERS], weights=[w for _, w in REFERRERS])[0]
    # care that continues after the last service year is assigned (and stopped) a year later, beyond the horizon
    end = date(tr.last + (1 if tr.last == sim.o.last_year else 0), 12, 31)
    peak = max(max(months) for months in tr.volumes.values())
    omvang = (math.ceil(peak / 4), p.eenheid, "2") if p.frequentie == "2" else (peak, p.eenheid, "4")
    nummer = sim.next_id("toewijzing") + 100_000
    tijd = f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}"
    a = Assignment(nummer, p.code, p.category, False, start, [Version(assigned, tijd, end, None)], omvang,
                   f"VOT{nummer}", 1.0, start=start, stop=end, stop_reason="31")
    ep = Episode(len(sim.world.episodes), tr.client, tr.block.gemeente, provider.agb, request, referrer, [a])
    sim.world.episodes.append(ep)
    return a, ep, provider
