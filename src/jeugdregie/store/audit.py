"""Audit log of client-level views and exports (table ``audit_log``, append-only).

Minimal version written for the access signal lists; the web layer may extend it. Every view or export
of client-level data records who, when, what (object), which filters and how many rows.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from jeugdregie.store.database import Database


def log_client_view(db: Database, object: str, filters: Mapping[str, Any], municipality: str | None,
                    row_count: int, actor: str | None = None, action: str = "view") -> str:
    """Append one audit record; returns its id."""
    if actor is None:
        from jeugdregie.settings import get_settings

        actor = get_settings().user
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
