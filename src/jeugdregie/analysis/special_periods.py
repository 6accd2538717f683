"""Period annotations (capability C54): known disturbances (corona, the 2020 financing change) marked in every
trend and comparison, so a dip or a jump is read with its context.

Annotations are rows of ``period_annotation`` (migration 0007, which seeds the two periods the seeds name);
``municipality`` '*' applies everywhere. Analyses call :func:`notes_for` with the service period(s) they cover
and add the returned Dutch notes to their output; charts mark the same spans.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any

from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.store.database import Database

COLUMNS = ["annotation_id", "municipality", "start_month", "end_month", "label", "description", "source",
           "created_by", "created_at"]


def add(db: Database, start: str, end: str, label: str, description: str | None = None,
        municipality: str | None = None, source: str | None = None, actor: str = "cli") -> str:
    """Store an annotation for the months ``start``..``end`` (periods such as 2020-03, 2020Q2 or 2020)."""
    first, last = parse_period(start).start, _last_month(parse_period(end).end)
    if last < first:
        raise ValueError(f"einde {end} ligt voor begin {start}")
    if not label.strip():
        raise ValueError("een markering heeft een naam nodig")
    aid = uuid.uuid4().hex[:12]
    db.insert_rows("period_annotation", COLUMNS, [(aid, municipality or "*", first, last, label.strip(),
                                                   description, source, actor, datetime.now())])
    return aid


def remove(db: Database, annotation_id: str) -> bool:
    n = db.query_value("SELECT COUNT(*) FROM period_annotation WHERE annotation_id = ?", [annotation_id])
    db.execute("DELETE FROM period_annotation WHERE annotation_id = ?", [annotation_id])
    return bool(n)


def list_annotations(db: Database, municipality: str | None = None) -> list[dict[str, Any]]:
    if municipality:
        return db.query(f"SELECT {', '.join(COLUMNS)} FROM period_annotation "  # noqa: S608 - fixed columns
                        "WHERE municipality IN ('*', ?) ORDER BY start_month, label", [municipality])
    return db.query(f"SELECT {', '.join(COLUMNS)} FROM period_annotation "  # noqa: S608 - fixed columns
                    "ORDER BY start_month, label")


def overlapping(db: Database, start: date, end: date, municipality: str | None = None) -> list[dict[str, Any]]:
    """Annotations overlapping the half-open month range [start, end)."""
    return [a for a in list_annotations(db, municipality) if a["start_month"] < end and a["end_month"] >= start]


def notes_for(db: Database, periods: list[tuple[date, date]], municipality: str | None = None) -> list[str]:
    """One Dutch note per annotation that overlaps any of the ``[start, end)`` ranges."""
    seen: dict[str, dict[str, Any]] = {}
    for start, end in periods:
        for a in overlapping(db, start, end, municipality):
            seen.setdefault(str(a["annotation_id"]), a)
    return [f"Let op, bijzondere periode {_span(a)}: {a['label']}" + (f" — {a['description']}" if a["description"]
                                                                       else "")
            for a in sorted(seen.values(), key=lambda a: (a["start_month"], a["label"]))]


def spans(db: Database, labels: list[str], municipality: str | None = None) -> list[tuple[int, int, str]]:
    """For a chart over period ``labels`` (months, quarters, halves or years): (first index, last index, label)
    of each annotation, for shading."""
    bounds = [parse_period(x) for x in labels]
    out = []
    for a in list_annotations(db, municipality):
        idx = [i for i, p in enumerate(bounds) if p.start <= a["end_month"] and p.end > a["start_month"]]
        if idx:
            out.append((idx[0], idx[-1], str(a["label"])))
    return out


def _last_month(end_exclusive: date) -> date:
    return date(end_exclusive.year - (end_exclusive.month == 1), 12 if end_exclusive.month == 1
                else end_exclusive.month - 1, 1)


def _span(a: dict[str, Any]) -> str:
    s, e = a["start_month"], a["end_month"]
    return f"{s:%m-%Y} t/m {e:%m-%Y}"
