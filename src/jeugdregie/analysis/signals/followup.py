"""Follow-up register of provider signals: status and notes per signal (table ``signal_followup``).

Append-only: each change is a new row; the latest row per ``signal_key`` is the current status. A signal's key
is stable for (type, provider, period, municipality filter), so the status survives re-running the signals
on new data. Statuses (Dutch, shown to contract managers) are in ``STATUSES``.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from jeugdregie.analysis.signals.model import Signal, SignalError
from jeugdregie.store.database import Database
from jeugdregie.store.filters import where_equal

STATUSES = {
    "nieuw": "nieuw, nog niet bekeken",
    "in_onderzoek": "wordt uitgezocht (bijv. bij de aanbieder of het toegangsteam nagevraagd)",
    "besproken": "besproken met de aanbieder",
    "terugvordering": "terugvordering of correctie afgesproken",
    "geen_actie": "verklaard of terecht, geen actie nodig",
    "afgesloten": "afgehandeld",
}


def record(db: Database, signal: Signal, status: str, note: str | None = None, actor: str | None = None) -> str:
    if status not in STATUSES:
        raise SignalError(f"onbekende status {status!r}; kies uit: {', '.join(STATUSES)}")
    if actor is None:
        from jeugdregie.settings import get_settings

        actor = get_settings().user
    fid = uuid.uuid4().hex
    db.execute("INSERT INTO signal_followup (followup_id, signal_key, signal_type, provider_agb, period, status, "
               "note, actor, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
               [fid, signal.key, signal.type, signal.provider, signal.period, status, note, actor, datetime.now()])
    return fid


def history(db: Database, key: str | None = None, provider: str | None = None) -> list[dict[str, Any]]:
    sql = ("SELECT signal_key, signal_type, provider_agb, period, status, note, actor, updated_at "
           "FROM signal_followup")
    where, params = where_equal(signal_key=key, provider_agb=provider)
    return db.query(sql + where + " ORDER BY updated_at, followup_id", params)


def current(db: Database, provider: str | None = None) -> dict[str, dict[str, Any]]:
    """The latest follow-up row per signal key."""
    out: dict[str, dict[str, Any]] = {}
    for r in history(db, provider=provider):
        out[r["signal_key"]] = r
    return out


def attach(db: Database, ranked: list[dict[str, Any]]) -> None:
    """Add ``followup`` (status, note, actor, updated_at; 'nieuw' when none) to each signal of ``rank()``."""
    cur = current(db)
    for p in ranked:
        for s in p["signals"]:
            f = cur.get(s["key"])
            s["followup"] = {"status": f["status"], "note": f["note"], "actor": f["actor"],
                             "updated_at": f["updated_at"]} if f else {"status": "nieuw"}
