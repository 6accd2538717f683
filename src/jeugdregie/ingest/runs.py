"""What the imports did: import runs with their counts, and quarantined messages/lines with the reason."""

from __future__ import annotations

from typing import Any

from jeugdregie.store.database import Database


def import_runs(db: Database, limit: int = 200) -> list[dict[str, Any]]:
    """The most recent import runs (one per file), newest first."""
    return db.query(
        "SELECT run_id, batch_id, source, kind, user_name, started_at, finished_at, status, messages_in, "
        "messages_stored, messages_quarantined, messages_duplicate, lines_in, lines_stored, lines_quarantined, "
        "error FROM import_run ORDER BY started_at DESC, source LIMIT ?", [int(limit)])


def quarantine_reasons(db: Database, run_id: str | None = None) -> list[dict[str, Any]]:
    """Quarantined items per rule with the Dutch reason and the amount held back (323 lines)."""
    where, params = ("WHERE run_id = ?", [run_id]) if run_id else ("", [])
    return db.query(
        "SELECT rule, min(reason_nl) AS reason_nl, level, count(*) AS items, "  # noqa: S608 - fixed fragment
        "COALESCE(SUM(signed_amount_cents), 0) AS amount_cents "
        f"FROM quarantine {where} GROUP BY rule, level ORDER BY count(*) DESC, rule", params)


def quarantine_items(db: Database, run_id: str | None = None, rule: str | None = None,
                     limit: int = 500) -> list[dict[str, Any]]:
    """Quarantined items (newest first) with source, message, element, rule and reason."""
    clauses, params = [], []
    if run_id:
        clauses.append("run_id = ?")
        params.append(run_id)
    if rule:
        clauses.append("rule = ?")
        params.append(rule)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    return db.query(
        "SELECT created_at, run_id, source, message_type, message_id, element_path, rule, reason_nl, level, "  # noqa: S608 - fixed fragments
        f"municipality, provider_agb, item_ref, signed_amount_cents FROM quarantine {where} "
        "ORDER BY created_at DESC, source, element_path LIMIT ?", [*params, int(limit)])
