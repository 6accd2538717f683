""""Vertellen": narrative text per report period and indicator, entered by users, stored and versioned.

Every save appends a new version (table ``narrative``); the report shows the latest version with its
author and date. Indicator keys are the section keys of the half-year report (``halfyear.SECTION_KEYS``)
and ``maatregel:<number>`` for a measure. Plain API for the CLI and the web edit page.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from jeugdregie.measures.periods import report_period
from jeugdregie.store.database import Database

MAX_LENGTH = 20_000


class NarrativeError(ValueError):
    """Dutch message for users."""


@dataclass(frozen=True)
class Narrative:
    municipality: str
    period: str
    indicator: str
    version: int
    body: str
    author: str
    written_at: datetime

    def as_dict(self) -> dict[str, Any]:
        return {"municipality": self.municipality, "period": self.period, "indicator": self.indicator,
                "version": self.version, "body": self.body, "author": self.author,
                "written_at": self.written_at.isoformat(timespec="seconds")}


def add_narrative(db: Database, municipality: str, period: str, indicator: str, body: str, author: str,
                  expected_version: int | None = None, written_at: datetime | None = None) -> Narrative:
    """Store a new version of the narrative; ``expected_version`` guards against overwriting someone else."""
    report_period(period)
    text = body.strip()
    if not text:
        raise NarrativeError("de tekst is leeg")
    if len(text) > MAX_LENGTH:
        raise NarrativeError(f"de tekst is langer dan {MAX_LENGTH} tekens")
    if not indicator.strip():
        raise NarrativeError("geef aan bij welke indicator of paragraaf de tekst hoort")
    with db.transaction():
        current = int(db.query_value(
            "SELECT COALESCE(MAX(version), 0) FROM narrative WHERE municipality = ? AND period = ? AND indicator = ?",
            [municipality, period.upper(), indicator]) or 0)
        if expected_version is not None and expected_version != current:
            raise NarrativeError(f"de tekst is intussen gewijzigd (versie {current}, u bewerkte versie "
                                 f"{expected_version}); laad opnieuw")
        n = Narrative(municipality, period.upper(), indicator, current + 1, text, author,
                      (written_at or datetime.now()).replace(microsecond=0))
        db.execute("INSERT INTO narrative (municipality, period, indicator, version, body, author, written_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?)",
                   [n.municipality, n.period, n.indicator, n.version, n.body, n.author, n.written_at])
    return n


def _row(r: dict[str, Any]) -> Narrative:
    return Narrative(r["municipality"], r["period"], r["indicator"], int(r["version"]), r["body"], r["author"],
                     r["written_at"])


def list_narratives(db: Database, municipality: str, period: str | None = None,
                    all_versions: bool = False) -> list[Narrative]:
    """Latest version per indicator (or every version), ordered by period, indicator, version."""
    where, params = "WHERE municipality = ?", [municipality]
    if period:
        where += " AND period = ?"
        params.append(period.upper())
    rows = db.query("SELECT municipality, period, indicator, version, body, author, written_at FROM narrative "  # noqa: S608
                    f"{where} ORDER BY period, indicator, version", params)
    items = [_row(r) for r in rows]
    if all_versions:
        return items
    latest: dict[tuple[str, str], Narrative] = {}
    for n in items:
        latest[(n.period, n.indicator)] = n
    return list(latest.values())


def latest(db: Database, municipality: str, period: str) -> dict[str, Narrative]:
    """Indicator key -> latest narrative, for the report."""
    return {n.indicator: n for n in list_narratives(db, municipality, period)}


def history(db: Database, municipality: str, period: str, indicator: str) -> list[Narrative]:
    """All versions of one narrative, newest first."""
    return [n for n in reversed(list_narratives(db, municipality, period, all_versions=True))
            if n.indicator == indicator]
