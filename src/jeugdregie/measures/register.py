"""The measures register in the store: list, get, save (versioned), delete, totals.

This is the plain Python API the CLI and the web edit page call. ``save_measure`` replaces the measure and
its years, checkpoints and indicator links in one transaction, raises the version and keeps the previous
state in ``measure_history``; ``expected_version`` guards against two people editing at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from jeugdregie.measures.model import (
    MONEY_FIELDS,
    Checkpoint,
    IndicatorLink,
    Measure,
    MeasureError,
    MeasureYear,
)
from jeugdregie.store.database import Database

_MEASURE_COLS = ("municipality", "number", "kind", "title", "action_line", "steering_level", "owner",
                 "intended_effect", "interim_result", "status", "qualitative_effect", "start_date", "theme",
                 "risks", "assumptions", "source", "note", "version")
_YEAR_COLS = ("year", *MONEY_FIELDS, "needed_nature", "realised_note")
_CP_COLS = ("period", "due_date", "label", "focus", "done", "outcome")
_IND_COLS = ("label", "analysis", "filters", "direction", "comparison")


def _sort_key(number: str) -> tuple[str, int, str]:
    """Natural order: A1, A2a, A2b, M1, M2, ..., M10; 1, 2, ..., 17."""
    head = number.rstrip("0123456789abcdefghijklmnopqrstuvwxyz")
    digits = "".join(ch for ch in number[len(head):] if ch.isdigit())
    tail = number[len(head) + len(digits):]
    return head, int(digits) if digits else -1, tail


def list_measures(db: Database, municipality: str | None = None) -> list[Measure]:
    """All measures (of one municipality), in natural number order, with years, checkpoints and indicators."""
    where, params = ("WHERE municipality = ?", [municipality]) if municipality else ("", [])
    heads = db.query(f"SELECT {', '.join(_MEASURE_COLS)} FROM measure {where}", params)  # noqa: S608
    children = {name: _children(db, table, cols, where, params)
                for name, table, cols in (("years", "measure_year", _YEAR_COLS),
                                          ("checkpoints", "measure_checkpoint", _CP_COLS),
                                          ("indicators", "measure_indicator", _IND_COLS))}
    out = []
    for h in heads:
        key = (h["municipality"], h["number"])
        m = Measure(**{k: h[k] for k in _MEASURE_COLS})
        m.years = [MeasureYear(**r) for r in children["years"].get(key, [])]
        m.checkpoints = [Checkpoint(**{**r, "done": bool(r["done"])}) for r in children["checkpoints"].get(key, [])]
        m.indicators = [IndicatorLink(label=r["label"], analysis=r["analysis"], filters=json.loads(r["filters"]),
                                      direction=r["direction"],
                                      comparison=json.loads(r["comparison"]) if r["comparison"] else None)
                        for r in children["indicators"].get(key, [])]
        out.append(m)
    out.sort(key=lambda m: (m.municipality, _sort_key(m.number)))
    return out


def _children(db: Database, table: str, cols: Iterable[str], where: str,
              params: list[Any]) -> dict[tuple[str, str], list[dict[str, Any]]]:
    order = "year" if table == "measure_year" else "seq"
    rows = db.query(f"SELECT municipality, number, {', '.join(cols)} FROM {table} {where} "  # noqa: S608
                    f"ORDER BY municipality, number, {order}", params)
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for r in rows:
        key = (r.pop("municipality"), r.pop("number"))
        out.setdefault(key, []).append(r)
    return out


def get_measure(db: Database, municipality: str, number: str) -> Measure | None:
    return next((m for m in list_measures(db, municipality) if m.number == number), None)


def save_measure(db: Database, measure: Measure, *, actor: str = "onbekend",
                 expected_version: int | None = None) -> Measure:
    """Insert or replace one measure; returns it with its new version."""
    measure.validate()
    with db.transaction():
        current = db.query_value("SELECT version FROM measure WHERE municipality = ? AND number = ?",
                                 [measure.municipality, measure.number])
        if expected_version is not None and (current or 0) != expected_version:
            raise MeasureError(f"maatregel {measure.number} is intussen door iemand anders gewijzigd "
                               f"(versie {current}, u bewerkte versie {expected_version}); laad opnieuw")
        _delete_rows(db, measure.municipality, measure.number)
        measure.version = int(current or 0) + 1
        db.insert_rows("measure", _MEASURE_COLS, [[getattr(measure, c) for c in _MEASURE_COLS]])
        db.insert_rows("measure_year", ("municipality", "number", *_YEAR_COLS),
                       [[measure.municipality, measure.number, *(getattr(y, c) for c in _YEAR_COLS)]
                        for y in sorted(measure.years, key=lambda y: y.year)])
        db.insert_rows("measure_checkpoint", ("municipality", "number", "seq", *_CP_COLS),
                       [[measure.municipality, measure.number, i, *(getattr(c, k) for k in _CP_COLS)]
                        for i, c in enumerate(measure.checkpoints, start=1)])
        db.insert_rows("measure_indicator", ("municipality", "number", "seq", *_IND_COLS),
                       [[measure.municipality, measure.number, i, ind.label, ind.analysis,
                         json.dumps(ind.filters, sort_keys=True, ensure_ascii=False), ind.direction,
                         json.dumps(ind.comparison) if ind.comparison is not None else None]
                        for i, ind in enumerate(measure.indicators, start=1)])
        db.execute("INSERT INTO measure_history (municipality, number, version, saved_at, saved_by, content) "
                   "VALUES (?, ?, ?, ?, ?, ?)",
                   [measure.municipality, measure.number, measure.version, datetime.now(), actor,
                    measure.to_json()])
    return measure


def save_all(db: Database, measures: Iterable[Measure], actor: str = "import") -> int:
    n = 0
    with db.transaction():
        for m in measures:
            save_measure(db, m, actor=actor)
            n += 1
    return n


def delete_measure(db: Database, municipality: str, number: str) -> bool:
    with db.transaction():
        exists = db.query_value("SELECT count(*) FROM measure WHERE municipality = ? AND number = ?",
                                [municipality, number])
        _delete_rows(db, municipality, number)
    return bool(exists)


def _delete_rows(db: Database, municipality: str, number: str) -> None:
    for table in ("measure_indicator", "measure_checkpoint", "measure_year", "measure"):
        db.execute(f"DELETE FROM {table} WHERE municipality = ? AND number = ?",  # noqa: S608
                   [municipality, number])


def history(db: Database, municipality: str, number: str) -> list[dict[str, Any]]:
    """Saved versions, newest first: version, saved_at, saved_by and the measure as it was."""
    rows = db.query("SELECT version, saved_at, saved_by, content FROM measure_history "
                    "WHERE municipality = ? AND number = ? ORDER BY version DESC", [municipality, number])
    return [{**{k: r[k] for k in ("version", "saved_at", "saved_by")},
             "measure": Measure.from_dict(json.loads(r["content"]))} for r in rows]


SUMMARY_FIELDS = ("gross_cents", "needed_cents", "investment_cents", "net_cents", "social_cents",
                  "structural_cents", "incidental_cents", "extra_income_cents", "realised_cents")


def summary(measures: Iterable[Measure], year: int | None = None) -> dict[str, Any]:
    """Per-measure money fields (summed over the years, or one year) and column totals (None = not stated)."""
    rows: list[dict[str, Any]] = []
    for m in measures:
        t = m.totals(year)
        rows.append({"municipality": m.municipality, "number": m.number, "title": m.title, "kind": m.kind,
                     "action_line": m.action_line, "status": m.status, "qualitative_effect": m.qualitative_effect,
                     **{k: t[k] for k in SUMMARY_FIELDS},
                     "net_differs_cents": _net_differs(m, year),
                     "next_checkpoint": next((c.period for c in m.checkpoints if not c.done and c.period), None)})
    totals: dict[str, int | None] = {}
    for k in SUMMARY_FIELDS:
        stated = [int(r[k]) for r in rows if r[k] is not None]
        totals[k] = sum(stated) if stated else None
    return {"year": year, "measures": rows, "totals": totals}


def _net_differs(m: Measure, year: int | None) -> int | None:
    diffs = [d for y in m.years if year is None or y.year == year if (d := y.net_check())]
    return sum(diffs) if diffs else None
