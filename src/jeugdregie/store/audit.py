"""Audit log of client-level views and exports (table ``audit_log``, append-only).

Minimal version written for the access signal lists; the web layer may extend it. Every view or export
of client-level data records who, when, what (object), which filters and how many rows.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator, Mapping
from contextvars import ContextVar
from datetime import date, datetime
from typing import Any

from jeugdregie.store.database import Database

_actor: ContextVar[str | None] = ContextVar("jeugdregie_audit_actor", default=None)


@contextlib.contextmanager
def acting_as(actor: str) -> Iterator[None]:
    """Audit records written in this block name ``actor`` (the web user) instead of the OS user."""
    token = _actor.set(actor)
    try:
        yield
    finally:
        _actor.reset(token)


def current_actor() -> str:
    """The web user inside ``acting_as``, else the configured (OS) user."""
    actor = _actor.get()
    if actor is None:
        from jeugdregie.settings import get_settings

        actor = get_settings().user
    return actor


def log_client_view(db: Database, object: str, filters: Mapping[str, Any], municipality: str | None,
                    row_count: int, actor: str | None = None, action: str = "view") -> str:
    """Append one audit record; returns its id."""
    if actor is None:
        actor = current_actor()
    audit_id = uuid.uuid4().hex
    db.execute(
        "INSERT INTO audit_log (audit_id, logged_at, actor, action, object, filters, municipality, row_count) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [audit_id, datetime.now(), actor, action, object,
         json.dumps(dict(filters), sort_keys=True, default=_default, ensure_ascii=False),
         municipality, int(row_count)])
    return audit_id


def _default(o: Any) -> Any:
    if isinstance(o, date | datetime):
        return o.isoformat()
    return str(o)


def audit_entries(db: Database, limit: int = 500, actor: str | None = None) -> list[dict[str, Any]]:
    """The audit log, newest first (optionally of one actor)."""
    where, params = ("WHERE actor = ?", [actor]) if actor else ("", [])
    return db.query(
        "SELECT logged_at, actor, action, object, filters, municipality, row_count "  # noqa: S608 - fixed fragment
        f"FROM audit_log {where} ORDER BY logged_at DESC LIMIT ?", [*params, int(limit)])
