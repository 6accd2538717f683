"""Audit log of client-level views and exports (table ``audit_log``, append-only).

Every output that shows individual (pseudonymised) clients calls ``log_client_view`` once per view, with
the filters that produced it, so a privacy officer can see who looked at which clients and why.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from jeugdregie.store.database import Database


def log_client_view(db: Database, actor: str, object: str, filters: Mapping[str, Any], municipality: str | None,
                    row_count: int, action: str = "view") -> str:
    """Append one audit row; returns its ``audit_id``. ``object`` names the output (e.g. 'top-clients')."""
    audit_id = uuid.uuid4().hex
    db.insert_rows(
        "audit_log",
        ["audit_id", "logged_at", "actor", "action", "object", "filters", "municipality", "row_count"],
        [(audit_id, datetime.now(UTC).replace(tzinfo=None), actor, action, object,
          json.dumps(dict(filters), sort_keys=True, default=str, ensure_ascii=False), municipality, int(row_count))])
    return audit_id
