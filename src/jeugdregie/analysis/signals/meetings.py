"""Provider meetings (gesprekken met aanbieders): what was discussed with a provider and what came out of it,
recorded by a municipality and shareable within the region (tables ``provider_meeting`` and
``provider_meeting_signal``).

A meeting can name the signals it discussed; recording it then also sets their follow-up status (default
``besproken``, see ``followup.STATUSES``) with a note pointing at the meeting, so the signal list shows that the
signal was discussed. Meetings are not edited afterwards: a correction is a new meeting record.

Free text must not hold client data: text with a BSN-like number (9 digits) is refused.
"""

from __future__ import annotations

import re
import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from jeugdregie.analysis.signals.followup import STATUSES, record
from jeugdregie.analysis.signals.model import Signal, SignalError
from jeugdregie.store.database import Database

_BSN_LIKE = re.compile(r"(?<!\d)\d{9}(?!\d)")
_AGB = re.compile(r"\d{8}")


def _text(value: str | None, field: str, required: bool) -> str | None:
    text = (value or "").strip()
    if not text:
        if required:
            raise SignalError(f"{field} is leeg")
        return None
    if _BSN_LIKE.search(text):
        raise SignalError(f"{field} bevat een getal van 9 cijfers (mogelijk een BSN): geen cliëntgegevens vastleggen")
    return text


def add_meeting(db: Database, provider: str, meeting_date: date, subject: str, outcome: str, *,
                municipality: str | None = None, agreements: str | None = None, next_date: date | None = None,
                shared: bool = True, signals: Sequence[Signal] = (), followup_status: str = "besproken",
                actor: str | None = None) -> str:
    """Record a meeting with ``provider``; returns its id. ``signals`` (of this provider) get the follow-up
    status ``followup_status`` with a note naming the meeting."""
    if not _AGB.fullmatch(provider or ""):
        raise SignalError(f"AGB-code {provider!r} moet uit 8 cijfers bestaan")
    subject_t = _text(subject, "Onderwerp", True)
    outcome_t = _text(outcome, "Uitkomst", True)
    agreements_t = _text(agreements, "Afspraken", False)
    if next_date is not None and next_date < meeting_date:
        raise SignalError("de vervolgdatum ligt voor de gespreksdatum")
    if followup_status not in STATUSES:
        raise SignalError(f"onbekende status {followup_status!r}; kies uit: {', '.join(STATUSES)}")
    other = sorted({s.provider for s in signals} - {provider})
    if other:
        raise SignalError(f"signalen van een andere aanbieder ({', '.join(other)}) horen niet bij dit gesprek")
    if actor is None:
        from jeugdregie.settings import get_settings

        actor = get_settings().user
    mid = uuid.uuid4().hex
    with db.transaction():
        db.execute("INSERT INTO provider_meeting (meeting_id, provider_agb, municipality, meeting_date, subject, "
                   "outcome, agreements, next_date, shared, actor, recorded_at) "
                   "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   [mid, provider, municipality, meeting_date, subject_t, outcome_t, agreements_t, next_date,
                    bool(shared), actor, datetime.now()])
        seen: set[str] = set()
        for s in signals:
            if s.key in seen:
                continue
            seen.add(s.key)
            db.execute("INSERT INTO provider_meeting_signal (meeting_id, signal_key, signal_type, period) "
                       "VALUES (?, ?, ?, ?)", [mid, s.key, s.type, s.period])
            record(db, s, followup_status, f"Gesprek {meeting_date.isoformat()}: {subject_t}", actor=actor)
    return mid


def list_meetings(db: Database, provider: str | None = None, municipality: str | None = None,
                  signal_key: str | None = None) -> list[dict[str, Any]]:
    """Meetings, newest first, each with ``signals`` (the linked signal keys and types). With ``municipality``:
    that municipality's own meetings plus those shared within the region and those held for the region."""
    sql = ("SELECT meeting_id, provider_agb, municipality, meeting_date, subject, outcome, agreements, next_date, "
           "shared, actor, recorded_at FROM provider_meeting WHERE 1 = 1")
    params: list[Any] = []
    if provider:
        sql += " AND provider_agb = ?"
        params.append(provider)
    if municipality:
        sql += " AND (municipality = ? OR shared OR municipality IS NULL)"
        params.append(municipality)
    if signal_key:
        sql += " AND meeting_id IN (SELECT meeting_id FROM provider_meeting_signal WHERE signal_key = ?)"
        params.append(signal_key)
    rows = db.query(sql + " ORDER BY meeting_date DESC, recorded_at DESC, meeting_id", params)
    links: dict[str, list[dict[str, Any]]] = defaultdict(list)
    ids = {r["meeting_id"] for r in rows}
    if ids:
        for r in db.query("SELECT meeting_id, signal_key, signal_type, period FROM provider_meeting_signal "
                          "ORDER BY meeting_id, signal_key"):
            if r["meeting_id"] in ids:
                links[r["meeting_id"]].append({"key": r["signal_key"], "type": r["signal_type"],
                                               "period": r["period"]})
    for r in rows:
        r["signals"] = links.get(r["meeting_id"], [])
    return rows
