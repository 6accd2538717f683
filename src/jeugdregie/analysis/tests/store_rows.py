"""Build small stores for analysis tests by inserting rows directly (no XML, no ingest).

``Lines`` collects declaration lines (with their 323 headers), assignments, requests, clients and 325 answers
and writes them with ``Database.insert_rows`` in one go, so the same fixture runs on DuckDB and PostgreSQL.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from jeugdregie.store.database import Database

LINE_COLS = ["provider_agb", "referentie_nummer", "vorig_referentie_nummer", "declaratie_nummer", "message_key",
             "municipality", "client_id", "toewijzing_nummer", "product_category", "product_code", "period_start",
             "period_end", "service_month", "volume", "unit", "tariff_cents", "amount_cents", "debit_credit",
             "signed_amount_cents", "signed_volume", "declaration_date"]
DECL_COLS = ["provider_agb", "declaratie_nummer", "message_key", "message_id", "municipality", "period_start",
             "period_end", "declaration_date", "total_signed_cents"]
ASSIGN_COLS = ["municipality", "toewijzing_nummer", "assigned_at", "provider_agb", "client_id", "referentie_aanbieder",
               "product_category", "product_code", "start_date", "end_date", "reason_change", "volume", "unit",
               "frequency", "budget_cents", "juridische_status", "message_key"]
REQUEST_COLS = ["provider_agb", "referentie_aanbieder", "municipality", "client_id", "message_key", "request_date",
                "product_category", "product_code", "requested_start", "requested_end", "volume", "unit", "frequency",
                "budget_cents", "referrer_type", "referrer_agb", "beschikking_nummer", "beschikking_start",
                "raamcontract"]
CLIENT_COLS = ["client_id", "birth_date", "birth_date_usage", "gender", "pc4", "last_seen"]
RESPONSE_COLS = ["message_key", "provider_agb", "municipality", "declaration_message_id", "declaratie_nummer",
                 "response_date", "header_codes", "answer_codes", "total_submitted_signed_cents",
                 "total_granted_signed_cents", "outcome"]


@dataclass
class Lines:
    lines: list[tuple[Any, ...]] = field(default_factory=list)
    decls: dict[tuple[str, str], list[Any]] = field(default_factory=dict)
    assignments: dict[tuple[str, int], tuple[Any, ...]] = field(default_factory=dict)
    requests: list[tuple[Any, ...]] = field(default_factory=list)
    clients: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    responses: list[tuple[Any, ...]] = field(default_factory=list)
    _n: int = 0

    def line(self, client: str, month: date, product: str, amount_cents: int, volume: int = 1, unit: str = "04",
             provider: str = "01010101", municipality: str = "0363", toewijzing: int | None = None,
             credit: bool = False, decl: str | None = None, end: date | None = None) -> str:
        """One prestatie; returns its ReferentieNummer. ``decl`` groups lines into one 323 (default: per
        provider, municipality and month)."""
        self._n += 1
        ref = f"R{self._n:06d}"
        tw = toewijzing if toewijzing is not None else zlib.crc32(f'{client}|{product}|{provider}'.encode()) % 10**8
        decl = decl or f"D{provider}{municipality}{month:%Y%m}"
        key = (provider, decl)
        if key not in self.decls:
            self.decls[key] = [provider, decl, f"JW323:{provider}:{decl}", f"M{decl}", municipality, month, month,
                               month, 0]
        signed = -amount_cents if credit else amount_cents
        self.decls[key][8] += signed
        self.lines.append((provider, ref, None, decl, f"JW323:{provider}:{decl}", municipality, client, tw,
                           product[:2], product, month, end or month, month, volume, unit,
                           None, amount_cents, "C" if credit else "D", signed, -volume if credit else volume, month))
        if (municipality, tw) not in self.assignments:
            self.assignment(client, product, tw, provider=provider, municipality=municipality, start=month)
        self.client(client)
        return ref

    def assignment(self, client: str, product: str, toewijzing: int, provider: str = "01010101",
                   municipality: str = "0363", start: date = date(2022, 1, 1), end: date | None = None,
                   referentie: str | None = None) -> None:
        self.assignments[(municipality, toewijzing)] = (
            municipality, toewijzing, datetime(2020, 1, 1), provider, client, referentie, product[:2], product,
            start, end, None, None, None, None, None, None, f"JW301:{municipality}:{toewijzing}")

    def request(self, provider: str, referentie: str, client: str, referrer_type: str,
                municipality: str = "0363") -> None:
        self.requests.append((provider, referentie, municipality, client, f"JW315:{provider}:{referentie}",
                              date(2021, 1, 1), None, None, date(2021, 1, 1), None, None, None, None, None,
                              referrer_type, None, None, None, None))

    def client(self, client: str, birth: date | None = None, gender: str | None = None,
               pc4: str | None = None) -> None:
        if client not in self.clients or birth is not None or gender is not None or pc4 is not None:
            self.clients[client] = (client, birth, None, gender, pc4, date(2024, 1, 1))

    def answer(self, provider: str, decl: str, outcome: str = "granted", rejected: tuple[str, ...] = ()) -> None:
        key = f"JW325:{provider}:{decl}"
        self.responses.append((key, provider, self.decls[(provider, decl)][4], f"M{decl}", decl, date(2024, 1, 1),
                               "", None, None, None, outcome))
        self._rejected = getattr(self, "_rejected", []) + [(key, provider, r, "0001") for r in rejected]

    def write(self, db: Database) -> None:
        db.insert_rows("declaration", DECL_COLS, [tuple(v) for v in self.decls.values()])
        db.insert_rows("declaration_line", LINE_COLS, self.lines)
        db.insert_rows("assignment_version", ASSIGN_COLS, list(self.assignments.values()))
        db.insert_rows("request", REQUEST_COLS, self.requests)
        db.insert_rows("client", CLIENT_COLS, list(self.clients.values()))
        db.insert_rows("declaration_response", RESPONSE_COLS, self.responses)
        db.insert_rows("declaration_response_line", ["message_key", "provider_agb", "referentie_nummer", "codes"],
                       getattr(self, "_rejected", []))
