"""What is in the store: message counts, quarantine, declared totals (the reconciliation figures)."""

from __future__ import annotations

from typing import Any

from jeugdregie.store.database import Database


def status(db: Database) -> dict[str, Any]:
    messages = {r["message_type"]: int(r["n"]) for r in db.query(
        "SELECT message_type, count(*) AS n FROM message GROUP BY message_type ORDER BY message_type")}
    reasons = {f"{r['rule']}": int(r["n"]) for r in db.query(
        "SELECT rule, count(*) AS n FROM quarantine GROUP BY rule ORDER BY count(*) DESC, rule")}
    titles = {r["rule"]: r["reason_nl"] for r in db.query(
        "SELECT rule, min(reason_nl) AS reason_nl FROM quarantine GROUP BY rule")}
    money = db.query(
        "SELECT COALESCE(SUM(CASE WHEN debit_credit = 'D' THEN amount_cents ELSE 0 END), 0) AS debit, "
        "COALESCE(SUM(CASE WHEN debit_credit = 'C' THEN amount_cents ELSE 0 END), 0) AS credit, "
        "COALESCE(SUM(signed_amount_cents), 0) AS net FROM declaration_line")[0]
    by_year = {int(r["y"]): int(r["net"]) for r in db.query(
        "SELECT CAST(EXTRACT(YEAR FROM service_month) AS INTEGER) AS y, SUM(signed_amount_cents) AS net "
        "FROM declaration_line GROUP BY 1 ORDER BY 1")}
    granted = db.query(
        "SELECT s.status, COALESCE(SUM(l.signed_amount_cents), 0) AS net, count(*) AS n "
        "FROM declaration_line l JOIN declaration_line_status s "
        "ON s.provider_agb = l.provider_agb AND s.referentie_nummer = l.referentie_nummer GROUP BY s.status")
    quarantined_amount = db.query_value(
        "SELECT COALESCE(SUM(signed_amount_cents), 0) FROM quarantine WHERE message_type = 'JW323'")
    runs = db.query(
        "SELECT count(*) AS files, COALESCE(SUM(messages_in), 0) AS messages_in, "
        "COALESCE(SUM(messages_stored), 0) AS stored, COALESCE(SUM(messages_quarantined), 0) AS quarantined, "
        "COALESCE(SUM(messages_duplicate), 0) AS duplicate, COALESCE(SUM(lines_in), 0) AS lines_in, "
        "COALESCE(SUM(lines_stored), 0) AS lines_stored, COALESCE(SUM(lines_quarantined), 0) AS lines_q, "
        "SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed, max(finished_at) AS last_import "
        "FROM import_run")[0]
    count = db.query_value
    return {
        "messages": messages,
        "quarantined": int(count("SELECT count(*) FROM quarantine")),
        "quarantine_reasons": reasons,
        "quarantine_reason_text": titles,
        "declared_cents": {"debit": int(money["debit"]), "credit": int(money["credit"]), "net": int(money["net"])},
        "declared_net_cents_by_service_year": by_year,
        "declared_net_cents_by_status": {r["status"]: int(r["net"]) for r in granted},
        "quarantined_declared_net_cents": int(quarantined_amount or 0),
        "clients": int(count("SELECT count(DISTINCT client_id) FROM declaration_line")
                       or count("SELECT count(*) FROM client") or 0),
        "clients_known": int(count("SELECT count(*) FROM client") or 0),
        "providers": int(count("SELECT count(*) FROM provider") or 0),
        "municipalities": int(count("SELECT count(*) FROM municipality") or 0),
        "imports": {k: (int(v) if isinstance(v, int | float) else v) for k, v in runs.items()},
    }
