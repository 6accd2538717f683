"""Why did the cost change? Exact decomposition into volume, intensity, price and mix.

For every group ``g`` (a product, or a product within a provider/municipality) the cost in a period is the
product of four factors::

    cost_g = C * s_g * i_g * p_g
    C   = number of clients (volume)             s_g = c_g / C   (mix: share of clients in group g)
    i_g = u_g / c_g (intensity: units per client) p_g = cost_g / u_g (price: cost per unit)

Without units (aggregated tables with cost and clients only) the model is ``cost_g = C * s_g * q_g`` with
``q_g = cost_g / c_g`` (cost per client), reported under ``price``; ``intensity`` is then 0.

The change ``cost_g(1) - cost_g(0)`` is split over the factors with the Shapley value (Shapley 1953; in
index decomposition Sun 1998 and Albrecht, François & Schoors 2002; Ang,
Liu & Chew 2003): each factor's effect is its marginal contribution averaged over every order in which
the factors can switch from period 0 to period 1. It has no residual, is symmetric in the periods and,
unlike LMDI, is defined at zero (new or vanished groups). All arithmetic is in exact rationals; the
integer-cent result is obtained by controlled largest-remainder rounding so that every row's components
add up to the row's change and the column totals add up to the total change. LMDI-I (Ang 2004) is
available as ``method="lmdi"`` for comparison; cells where it is undefined fall back to Shapley.

See docs/decomposition.md for formulas, a worked example and the treatment of new/vanished groups.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from fractions import Fraction
from itertools import combinations
from typing import Any

from jeugdregie.money import format_eur, format_pct

COMPONENTS = ("volume", "intensity", "price", "mix")

#: Dutch names of the components, for explanations and tables
LABELS_NL = {
    "volume": "aantal cliënten (volume)",
    "intensity": "eenheden per cliënt (intensiteit)",
    "price": "prijs per eenheid (prijs)",
    "mix": "verschuiving tussen groepen (mix)",
}
PRICE_PER_CLIENT_NL = "kosten per cliënt (prijs × intensiteit)"

DESCRIPTIVE_NOTE = (
    "Deze verdeling is beschrijvend, niet causaal: ze laat zien welke factor rekenkundig hoeveel bijdraagt "
    "aan het verschil, niet waarom cliënten, uren of prijzen veranderden."
)


@dataclass(frozen=True)
class GroupFigures:
    """One group's aggregates in one period. ``units`` may be fractional (minutes normalised to hours)."""

    cost_cents: int
    clients: int
    units: Fraction | None = None

    @property
    def present(self) -> bool:
        return self.clients > 0 or self.cost_cents != 0


@dataclass
class _Cell:
    key: str
    row: str
    base: GroupFigures | None
    current: GroupFigures | None
    exact: dict[str, Fraction] = field(default_factory=dict)
    status: str = "both"  # both | new | vanished
    uses_units: bool = True
    method: str = "shapley"


# -- the Shapley value of a product of factors ------------------------------------------------------


def shapley_product(x0: Sequence[Fraction], x1: Sequence[Fraction]) -> list[Fraction]:
    """Shapley effects of each factor on ``prod(x1) - prod(x0)``; they sum exactly to that difference.

    effect_k = sum over subsets S of the other factors of |S|!(n-|S|-1)!/n! *
               (prod(S and k at period 1, rest at 0) - prod(S at 1, k and rest at 0)).
    """
    n = len(x0)
    effects: list[Fraction] = []
    for k in range(n):
        others = [j for j in range(n) if j != k]
        total = Fraction(0)
        if x0[k] == x1[k]:
            effects.append(total)
            continue
        for r in range(n):
            weight = Fraction(math.factorial(r) * math.factorial(n - r - 1), math.factorial(n))
            for subset in combinations(others, r):
                rest = Fraction(1)
                for j in others:
                    rest *= x1[j] if j in subset else x0[j]
                total += weight * rest * (x1[k] - x0[k])
        effects.append(total)
    return effects


def _logmean(a: Decimal, b: Decimal) -> Decimal:
    if a == b:
        return a
    return (a - b) / (a.ln() - b.ln())


def lmdi_product(x0: Sequence[Fraction], x1: Sequence[Fraction]) -> list[Fraction] | None:
    """LMDI-I effects (Ang 2004): L(V1, V0) * ln(x1_k / x0_k). None when a value is not positive."""
    if any(v <= 0 for v in (*x0, *x1)):
        return None
    with localcontext() as ctx:
        ctx.prec = 50

        def dec(f: Fraction) -> Decimal:
            return Decimal(f.numerator) / Decimal(f.denominator)

        v0 = dec(math.prod(x0, start=Fraction(1)))
        v1 = dec(math.prod(x1, start=Fraction(1)))
        weight = _logmean(v1, v0)
        return [Fraction(weight * (dec(b) / dec(a)).ln()) for a, b in zip(x0, x1, strict=True)]


# -- integer-cent rounding -------------------------------------------------------------------------


def largest_remainder(values: Sequence[Fraction], target: int) -> list[int]:
    """Round ``values`` to integers summing to ``target`` (Hamilton's largest-remainder rule).

    ``target`` must be within len(values) of sum(floor(values)); ties go to the earlier value.
    """
    floors = [math.floor(v) for v in values]
    extra = target - sum(floors)
    if not 0 <= extra <= len(values):
        raise ValueError("target not reachable by rounding")
    order = sorted(range(len(values)), key=lambda i: (-(values[i] - floors[i]), i))
    for i in order[:extra]:
        floors[i] += 1
    return floors


def controlled_round(rows: Sequence[Sequence[Fraction]], row_targets: Sequence[int]) -> list[list[int]]:
    """Round a matrix so each row sums to its target and each column sum is its exact total rounded.

    Rows are first rounded on their own (largest remainder). Column totals are then moved to the
    largest-remainder rounding of the exact column totals by shifting single cents within rows along
    augmenting paths, never moving a cell outside [floor, ceil] of its exact value. Row sums stay exact
    throughout; if a column target is unreachable (not expected) the closest reachable totals remain.
    """
    result = [largest_remainder(list(r), t) for r, t in zip(rows, row_targets, strict=True)]
    if not rows:
        return result
    ncol = len(rows[0])
    col_exact = [sum((r[j] for r in rows), Fraction(0)) for j in range(ncol)]
    col_target = largest_remainder(col_exact, sum(row_targets))

    def col_sum(j: int) -> int:
        return sum(r[j] for r in result)

    def can_up(i: int, j: int) -> bool:
        return result[i][j] < math.ceil(rows[i][j])

    def can_down(i: int, j: int) -> bool:
        return result[i][j] > math.floor(rows[i][j])

    for _ in range(sum(abs(col_sum(j) - col_target[j]) for j in range(ncol)) + 1):
        deficit = [j for j in range(ncol) if col_sum(j) < col_target[j]]
        if not deficit:
            break
        # BFS over columns: edge a -> b via row i when cell (i, a) can go up and (i, b) can go down.
        start = deficit[0]
        prev: dict[int, tuple[int, int]] = {}
        queue, seen, found = [start], {start}, None
        while queue and found is None:
            a = queue.pop(0)
            for b in range(ncol):
                if b in seen:
                    continue
                row = next((i for i in range(len(rows)) if can_up(i, a) and can_down(i, b)), None)
                if row is None:
                    continue
                prev[b] = (a, row)
                seen.add(b)
                if col_sum(b) > col_target[b]:
                    found = b
                    break
                queue.append(b)
        if found is None:
            break
        b = found
        while b != start:
            a, i = prev[b]
            result[i][a] += 1
            result[i][b] -= 1
            b = a
    return result


# -- decomposition --------------------------------------------------------------------------------


def _factors(fig: GroupFigures, total_clients: int, use_units: bool) -> list[Fraction]:
    c = Fraction(fig.clients)
    share = c / total_clients if total_clients else Fraction(0)
    per_client = Fraction(fig.cost_cents) / c
    if not use_units:
        return [Fraction(total_clients), share, per_client]
    assert fig.units is not None
    units = Fraction(fig.units)
    return [Fraction(total_clients), share, units / c, Fraction(fig.cost_cents) / units]


def _usable_units(fig: GroupFigures | None) -> bool:
    return fig is None or (fig.units is not None and fig.units > 0 and fig.clients > 0)


def _check(fig: GroupFigures | None, key: str) -> GroupFigures | None:
    if fig is None or not fig.present:
        return None
    if fig.clients <= 0:
        raise ValueError(f"groep {key!r}: kosten zonder cliënten kunnen niet worden ontleed")
    return fig


def _decompose_cell(cell: _Cell, c0: int, c1: int, method: str) -> None:
    base, cur = cell.base, cell.current
    assert base is not None or cur is not None
    cell.status = "new" if base is None else "vanished" if cur is None else "both"
    cell.uses_units = _usable_units(base) and _usable_units(cur)
    ref = cur if cur is not None else base
    assert ref is not None
    f_ref = _factors(ref, c1 if cur is not None else c0, cell.uses_units)
    if base is None:
        # New group: no base share (s0 = 0); intensity and price have no base value, so they are held at
        # the current value (no intensity or price change can be attributed to a group that did not exist).
        x1 = f_ref
        x0 = [Fraction(c0), Fraction(0), *f_ref[2:]]
    elif cur is None:
        x0 = f_ref
        x1 = [Fraction(c1), Fraction(0), *f_ref[2:]]
    else:
        x0 = _factors(base, c0, cell.uses_units)
        x1 = f_ref
    effects: list[Fraction] | None = None
    if method == "lmdi" and cell.status == "both":
        effects = lmdi_product(x0, x1)
        if effects is not None:
            cell.method = "lmdi"
            # LMDI sums to the change only up to the Decimal precision: put the tiny remainder on the
            # largest effect so the cell is exact before rounding.
            change = Fraction(cur.cost_cents - base.cost_cents)  # type: ignore[union-attr]
            gap = change - sum(effects, Fraction(0))
            big = max(range(len(effects)), key=lambda i: abs(effects[i]))  # type: ignore[index]
            effects[big] += gap
    if effects is None:
        effects = shapley_product(x0, x1)
        cell.method = "shapley"
    if cell.uses_units:
        volume, mix, intensity, price = effects
    else:
        volume, mix, price = effects
        intensity = Fraction(0)
    cell.exact = {"volume": volume, "intensity": intensity, "price": price, "mix": mix}


def _sum_units(figs: Iterable[GroupFigures | None]) -> Fraction | None:
    total = Fraction(0)
    for f in figs:
        if f is None:
            continue
        if f.units is None:
            return None
        total += f.units
    return total


def _units_json(u: Fraction | None) -> int | float | None:
    if u is None:
        return None
    return int(u) if u.denominator == 1 else round(float(u), 4)


def _shares(components: Mapping[str, int], change: int) -> dict[str, float | None]:
    return {k: (v / change if change else None) for k, v in components.items()}


def decompose(
    base: Mapping[str, GroupFigures],
    current: Mapping[str, GroupFigures],
    *,
    period_from: str = "van",
    period_to: str = "tot",
    total_clients: tuple[int, int] | None = None,
    row_of: Callable[[str], str] | None = None,
    row_clients: Mapping[str, tuple[int, int]] | None = None,
    row_units: Mapping[str, tuple[Fraction | None, Fraction | None]] | None = None,
    method: str = "shapley",
) -> dict[str, Any]:
    """Decompose the cost change between two periods; see the module docstring.

    ``base``/``current`` map a cell key (a product, or a product within a provider) to its figures.
    ``total_clients`` is (C0, C1), the number of distinct clients; default: the sum of the cells' clients
    (clients counted once per group, as in aggregated tables). ``row_of`` maps a cell key to the output row
    it is aggregated into (default: the cell itself); ``row_clients``/``row_units`` give the distinct clients
    and units per output row when they are not the sum of its cells.
    """
    if method not in {"shapley", "lmdi"}:
        raise ValueError(f"onbekende methode {method!r} (shapley of lmdi)")
    keys = sorted(set(base) | set(current))
    cells: list[_Cell] = []
    for k in keys:
        b, c = _check(base.get(k), k), _check(current.get(k), k)
        if b is None and c is None:
            continue
        cells.append(_Cell(key=k, row=row_of(k) if row_of else k, base=b, current=c))
    if total_clients is None:
        c0 = sum(cell.base.clients for cell in cells if cell.base)
        c1 = sum(cell.current.clients for cell in cells if cell.current)
        volume_basis = "som van de cliënten per groep (een cliënt telt mee in elke groep waarin hij zit)"
    else:
        c0, c1 = total_clients
        volume_basis = "unieke cliënten in de hele selectie"
    for cell in cells:
        _decompose_cell(cell, c0, c1, method)

    uses_units = any(cell.uses_units for cell in cells)
    all_units = all(cell.uses_units for cell in cells)
    # aggregate exact cell effects into output rows
    row_names = sorted({cell.row for cell in cells})
    by_row: dict[str, list[_Cell]] = {r: [] for r in row_names}
    for cell in cells:
        by_row[cell.row].append(cell)
    exact_rows = [[sum((c.exact[k] for c in by_row[r]), Fraction(0)) for k in COMPONENTS] for r in row_names]
    cost0 = {r: sum(c.base.cost_cents for c in by_row[r] if c.base) for r in row_names}
    cost1 = {r: sum(c.current.cost_cents for c in by_row[r] if c.current) for r in row_names}
    targets = [cost1[r] - cost0[r] for r in row_names]
    rounded = controlled_round(exact_rows, targets)

    rows: list[dict[str, Any]] = []
    for r, ints in zip(row_names, rounded, strict=True):
        comps = dict(zip(COMPONENTS, ints, strict=True))
        change = cost1[r] - cost0[r]
        group_cells = by_row[r]
        statuses = {c.status for c in group_cells}
        status = statuses.pop() if len(statuses) == 1 else "both"
        if row_clients and r in row_clients:
            cl0, cl1 = row_clients[r]
        else:
            cl0 = sum(c.base.clients for c in group_cells if c.base)
            cl1 = sum(c.current.clients for c in group_cells if c.current)
        if row_units is not None:
            u0, u1 = row_units.get(r, (None, None))
        else:
            u0, u1 = _sum_units(c.base for c in group_cells), _sum_units(c.current for c in group_cells)
        notes = []
        if status == "new":
            notes.append(f"nieuw in {period_to}: geen kosten in {period_from}; de toename is verdeeld over "
                         f"volume en mix (intensiteit en prijs hebben geen beginwaarde)")
        elif status == "vanished":
            notes.append(f"verdwenen in {period_to}: de afname is verdeeld over volume en mix "
                         f"(intensiteit en prijs hebben geen eindwaarde)")
        elif any(c.status != "both" for c in group_cells):
            n_new = sum(c.status == "new" for c in group_cells)
            n_gone = sum(c.status == "vanished" for c in group_cells)
            notes.append(f"bevat {n_new} nieuwe en {n_gone} verdwenen onderdelen (toegerekend aan volume en mix)")
        if uses_units and not all(c.uses_units for c in group_cells):
            notes.append("zonder (bruikbare) eenheden: intensiteit en prijs samen als kosten per cliënt onder prijs")
        rows.append({
            "group": r,
            "status": status,
            "cost_from_cents": cost0[r],
            "cost_to_cents": cost1[r],
            "clients": {"from": cl0, "to": cl1},
            "units": {"from": _units_json(u0), "to": _units_json(u1)},
            "total_change_cents": change,
            "change": change,
            "components": comps,
            "shares": _shares(comps, change),
            "note": "; ".join(notes) or None,
        })

    total_from = sum(cost0.values())
    total_to = sum(cost1.values())
    total_change = total_to - total_from
    total_components = {k: sum(row["components"][k] for row in rows) for k in COMPONENTS}
    assert sum(total_components.values()) == total_change
    methods_used = sorted({c.method for c in cells})
    notes = [DESCRIPTIVE_NOTE, f"Volume = {volume_basis}; mix = verschuiving van het aandeel cliënten tussen groepen."]
    if not all_units:
        notes.append("Waar eenheden ontbreken is de prijs de kosten per cliënt (intensiteit en prijs samen); "
                     "intensiteit is daar 0." if uses_units else
                     "Geen eenheden in de invoer: prijs = kosten per cliënt (intensiteit en prijs samen), "
                     "intensiteit = 0.")
    n_new = sum(c.status == "new" for c in cells)
    n_gone = sum(c.status == "vanished" for c in cells)
    if n_new or n_gone:
        notes.append(f"{n_new} nieuwe en {n_gone} verdwenen groepen: hun hele kosten zijn toegerekend aan volume en "
                     "mix (Shapley met beginaandeel 0), omdat intensiteit en prijs geen waarde hebben in de periode "
                     "waarin de groep ontbreekt.")
    if method == "lmdi" and "shapley" in methods_used:
        notes.append("LMDI is niet gedefinieerd bij nul of negatieve waarden; die groepen zijn met Shapley ontleed.")
    notes.append("Afronding op centen: grootste-restmethode per rij, kolomtotalen gecorrigeerd zodat rijen en "
                 "totaal exact optellen.")
    result: dict[str, Any] = {
        "method": "shapley" if method == "shapley" else "lmdi-i",
        "method_reference": (
            "Shapley-decompositie (Shapley 1953; Sun 1998; Albrecht, François & Schoors 2002; Ang, Liu & Chew 2003)"
            if method == "shapley" else "LMDI-I (Ang 2004), Shapley waar LMDI niet gedefinieerd is"),
        "model": ("kosten = cliënten × aandeel × eenheden per cliënt × prijs per eenheid" if uses_units
                  else "kosten = cliënten × aandeel × kosten per cliënt"),
        "price_basis": "unit" if all_units else ("mixed" if uses_units else "client"),
        "from": period_from,
        "to": period_to,
        "cost_from_cents": total_from,
        "cost_to_cents": total_to,
        "clients": {"from": c0, "to": c1},
        "total_change_cents": total_change,
        "components": total_components,
        "shares": _shares(total_components, total_change),
        "rows": rows,
        "notes": notes,
        "descriptive_not_causal": True,
    }
    result["explanation"] = explanation(result)
    return result


def explanation(result: Mapping[str, Any]) -> str:
    """One Dutch paragraph generated from the figures."""
    change = int(result["total_change_cents"])
    c0, c1 = int(result["cost_from_cents"]), int(result["cost_to_cents"])
    verb = "stegen" if change > 0 else "daalden" if change < 0 else "bleven gelijk"
    sign = "+" if change >= 0 else ""
    pct = f"; {sign}{format_pct(change / c0)}" if c0 else ""
    head = (f"De kosten {verb} van {format_eur(c0)} in {result['from']} naar {format_eur(c1)} in {result['to']}"
            f" ({sign}{format_eur(change)}{pct}).")
    if change == 0:
        return head + " " + DESCRIPTIVE_NOTE
    parts = []
    price_label = PRICE_PER_CLIENT_NL if result.get("price_basis") == "client" else LABELS_NL["price"]
    # Shares of the change read well when every component moves with the change. When components pull in
    # opposite directions, a share like "-70 %" of a decrease confuses; then each component is given as
    # percentage points of the cost in the first period (they add up to the total percentage change).
    comps = {k: int(v) for k, v in result["components"].items()}
    same_direction = all(v == 0 or (v > 0) == (change > 0) for v in comps.values())
    for k in COMPONENTS:
        v = comps[k]
        if k == "intensity" and result.get("price_basis") == "client":
            continue
        label = price_label if k == "price" else LABELS_NL[k]
        if same_direction or not c0:
            detail = format_pct(result["shares"][k])
        else:
            detail = f"{'+' if v >= 0 else '-'}{format_pct(abs(v) / c0).rstrip('%')} procentpunt"
        parts.append(f"{'+' if v >= 0 else ''}{format_eur(v)} ({detail}) door {label}")
    tail = "" if same_direction or not c0 else (
        " De factoren werken hier in tegengestelde richting; de procentpunten tellen op tot de totale "
        "procentuele verandering.")
    return head + " Daarvan: " + ", ".join(parts[:-1]) + " en " + parts[-1] + "." + tail + " " + DESCRIPTIVE_NOTE


# -- aggregated tables (purchasing-office input) ---------------------------------------------------


@dataclass(frozen=True)
class TableRow:
    period: str
    group: str
    cost_cents: int
    clients: int
    units: Fraction | None


def read_table(path: str) -> list[TableRow]:
    """Read ``period,group,cost_eur,clients[,units]`` (extra columns ignored); euros parsed exactly."""
    import csv

    from jeugdregie.money import eur_to_cents

    rows: list[TableRow] = []
    with open(path, encoding="utf-8-sig", newline="") as fh:
        sample = fh.read(4096)
        fh.seek(0)
        delimiter = ";" if sample.count(";") > sample.count(",") else ","
        reader = csv.DictReader(fh, delimiter=delimiter)
        fields = {f.strip().lower(): f for f in reader.fieldnames or []}
        missing = {"period", "group", "cost_eur", "clients"} - set(fields)
        if missing:
            raise ValueError(f"kolommen ontbreken in {path}: {', '.join(sorted(missing))} "
                             "(verwacht: period,group,cost_eur,clients[,units])")
        for n, rec in enumerate(reader, start=2):
            get = {k: (rec.get(v) or "").strip() for k, v in fields.items()}
            if not get["period"] and not get["group"]:
                continue
            try:
                units_raw = get.get("units", "")
                rows.append(TableRow(
                    period=get["period"], group=get["group"], cost_cents=eur_to_cents(get["cost_eur"]),
                    clients=int(get["clients"]),
                    units=Fraction(Decimal(units_raw.replace(",", "."))) if units_raw else None))
            except Exception as exc:  # noqa: BLE001 - report the line to the user
                raise ValueError(f"{path} regel {n}: {exc}") from exc
    return rows


def table_periods(rows: Sequence[TableRow]) -> list[str]:
    from jeugdregie.analysis.service_periods import sort_key

    return sorted({r.period for r in rows}, key=sort_key)


def decompose_table(rows: Sequence[TableRow], period_from: str | None = None, period_to: str | None = None,
                    method: str = "shapley") -> dict[str, Any]:
    """Decompose between two periods of an aggregated table (default: first and last period)."""
    periods = table_periods(rows)
    if len(periods) < 2 and (period_from is None or period_to is None):
        raise ValueError("de tabel moet minstens twee perioden bevatten")
    p0 = period_from or periods[0]
    p1 = period_to or periods[-1]
    for p in (p0, p1):
        if p not in periods:
            raise ValueError(f"periode {p!r} staat niet in de tabel (wel: {', '.join(periods)})")

    def figures(period: str) -> dict[str, GroupFigures]:
        out: dict[str, GroupFigures] = {}
        for r in rows:
            if r.period != period:
                continue
            if r.group in out:
                raise ValueError(f"groep {r.group!r} staat twee keer in periode {period}")
            out[r.group] = GroupFigures(r.cost_cents, r.clients, r.units)
        return out

    result = decompose(figures(p0), figures(p1), period_from=p0, period_to=p1, method=method)
    if any(r.units is None for r in rows) and any(r.units is not None for r in rows):
        result["notes"].append("Eenheden ontbreken voor een deel van de groepen.")
    result["source"] = "table"
    return result
