"""Small-cell protection: one rule for every aggregated output (CLI, exports, web UI, report).

A *cell* is one aggregated figure about people (a count of clients, or a figure derived from such a
count: an amount, a share, a median). A count ``n`` with ``0 < n < threshold`` could identify a person,
so that count and every figure derived from the same population are hidden (set to ``None``). Zero is
shown: it discloses nothing about a person. The threshold is ``settings.small_cell_threshold``
(default 10).

Complementary suppression: when a table also shows a total over a group of rows (e.g. all providers
within a category), a single hidden count could be recovered as *total minus the others*. With
``group_keys`` given, a group with exactly one primary-suppressed row also hides its next-smallest
non-zero row, so no hidden value can be derived by subtraction.

Usage::

    result = suppress_rows(rows, count_key="clients", dependent_keys=["cost_cents", "share"])
    result.rows        # copies; hidden cells are None, and row["suppressed"] is True
    result.suppressed  # number of hidden cells (reported as "suppressed" in JSON)

Client-level lists (signal lists for the user's own municipality) are not aggregates: they are
restricted to the own municipality and audit-logged instead (see ``jeugdregie.store.audit``).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

#: Dutch note shown under tables that hid cells.
NOTE_NL = "{n} cel(len) onderdrukt: aantallen kleiner dan {t} worden niet getoond (kleine-aantallenregel)."


def threshold(value: int | None = None) -> int:
    """The configured threshold (``JEUGDREGIE_SMALL_CELL_THRESHOLD``), unless one is passed."""
    if value is not None:
        return int(value)
    from jeugdregie.settings import get_settings

    return int(get_settings().small_cell_threshold)


def is_small(n: int | None, limit: int | None = None) -> bool:
    """True when a count of people must be hidden: 0 < n < threshold."""
    if n is None:
        return False
    return 0 < int(n) < threshold(limit)


def mask(n: int | None, limit: int | None = None) -> int | None:
    """The count itself, or None when it is small."""
    return None if is_small(n, limit) else n


@dataclass
class Suppressed:
    rows: list[dict[str, Any]]
    suppressed: int = 0
    threshold: int = 10
    hidden_rows: int = 0
    notes: list[str] = field(default_factory=list)

    def note(self) -> str | None:
        if not self.suppressed:
            return None
        return NOTE_NL.format(n=self.suppressed, t=self.threshold)


def suppress_rows(
    rows: Iterable[dict[str, Any]],
    count_key: str | Sequence[str],
    dependent_keys: Sequence[str] = (),
    group_keys: Sequence[str] | None = None,
    limit: int | None = None,
) -> Suppressed:
    """Hide small cells in aggregated rows.

    ``count_key``: the key(s) holding a count of people; a row is *small* when any of them is small.
    ``dependent_keys``: figures derived from the same people, hidden together with the count.
    ``group_keys``: rows sharing these values form a group whose total is disclosed elsewhere;
    enables complementary suppression (see module docstring). ``None`` switches it off.
    Rows are copied; each gets ``suppressed`` (bool). ``Suppressed.suppressed`` counts hidden cells.
    """
    t = threshold(limit)
    keys = [count_key] if isinstance(count_key, str) else list(count_key)
    out = [dict(r) for r in rows]
    primary = [any(is_small(r.get(k), t) for k in keys) for r in out]
    hide = list(primary)

    if group_keys is not None:
        groups: dict[Hashable, list[int]] = {}
        for i, r in enumerate(out):
            groups.setdefault(tuple(r.get(g) for g in group_keys), []).append(i)
        for idx in groups.values():
            if sum(hide[i] for i in idx) != 1:
                continue
            candidates = [i for i in idx if not hide[i] and _min_count(out[i], keys) > 0]
            if candidates:
                hide[min(candidates, key=lambda i: (_min_count(out[i], keys), i))] = True

    hidden_cells = 0
    hidden_rows = 0
    for r, h in zip(out, hide, strict=True):
        r["suppressed"] = h
        if not h:
            continue
        hidden_rows += 1
        for k in [*keys, *dependent_keys]:
            if k in r and r[k] is not None:
                r[k] = None
                hidden_cells += 1
    return Suppressed(rows=out, suppressed=hidden_cells, threshold=t, hidden_rows=hidden_rows)


def suppress_cells(
    rows: Iterable[dict[str, Any]],
    count_keys: Sequence[str],
    dependents: Mapping[str, Sequence[str]] | None = None,
    linked: bool = False,
    limit: int | None = None,
) -> Suppressed:
    """Hide each small count on its own (for rows holding several counts of different people, e.g.
    inflow, outflow and stock per category). ``dependents`` maps a count key to figures derived from
    it (hidden with it). With ``linked`` the counts of a row are tied by an identity (stock-flow), so a
    row with exactly one hidden count also hides its next-smallest non-zero count."""
    t = threshold(limit)
    deps = dependents or {}
    out = [dict(r) for r in rows]
    hidden_cells = hidden_rows = 0
    for r in out:
        hide = {k for k in count_keys if is_small(r.get(k), t)}
        if linked and len(hide) == 1:
            rest = [k for k in count_keys if k not in hide and (r.get(k) or 0) > 0]
            if rest:
                hide.add(min(rest, key=lambda k: (int(r[k]), count_keys.index(k))))
        r["suppressed"] = bool(hide)
        hidden_rows += bool(hide)
        for k in hide:
            for key in [k, *deps.get(k, ())]:
                if r.get(key) is not None:
                    r[key] = None
                    hidden_cells += 1
    return Suppressed(rows=out, suppressed=hidden_cells, threshold=t, hidden_rows=hidden_rows)


def _min_count(row: dict[str, Any], keys: Sequence[str]) -> int:
    values = [int(row[k]) for k in keys if row.get(k) is not None]
    return min(values) if values else 0


def suppress_value(n: int | None, dependents: dict[str, Any] | None = None,
                   limit: int | None = None) -> tuple[int | None, dict[str, Any], int]:
    """One figure and its derived values: returns (count or None, dependents or Nones, hidden cells)."""
    deps = dict(dependents or {})
    if not is_small(n, limit):
        return n, deps, 0
    hidden = 1 + sum(1 for v in deps.values() if v is not None)
    return None, {k: None for k in deps}, hidden


def combine(*parts: Suppressed) -> int:
    """Total hidden cells over several suppressed tables."""
    return sum(p.suppressed for p in parts)
