"""Hand-built iJw scenarios for the access analyses, inserted straight into the core tables, and the
``store`` fixture (an alias of ``any_db``: every test runs on DuckDB and PostgreSQL)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from jeugdregie.analysis.calendar import month_end
from jeugdregie.store import Database


@pytest.fixture
def store(any_db: Database) -> Database:
    """A migrated, empty store on each engine (the project's ``any_db``: DuckDB and, when reachable, a
    throw-away PostgreSQL database; the PostgreSQL variant skips with a message otherwise)."""
    return any_db


class Scenario:
    """Builder: ``s.client(...)``, ``s.assign(...)`` etc. write rows; ids are generated."""

    def __init__(self, db: Database, municipality: str = "0363") -> None:
        self.db = db
        self.gm = municipality
        self._nr = itertools.count(1000)
        self._ref = itertools.count(1)
        self._msg = itertools.count(1)

    def client(self, cid: str, birth: date, pc4: str | None = "1011", gender: str = "1") -> str:
        self.db.insert_rows("client", ["client_id", "birth_date", "gender", "pc4", "last_seen"],
                            [(cid, birth, gender, pc4, date(2024, 12, 31))])
        return cid

    def request(self, cid: str, product: str, request_date: date, start: date, end: date | None,
                provider: str = "11111111", referrer: str = "01", volume: int | None = None,
                unit: str | None = None, frequency: str | None = None, budget_cents: int | None = None,
                raamcontract: str | None = "1", municipality: str | None = None) -> str:
        ref = f"REF{next(self._ref)}"
        self.db.insert_rows("request", [
            "provider_agb", "referentie_aanbieder", "municipality", "client_id", "message_key",
            "request_date", "product_category", "product_code", "requested_start", "requested_end",
            "volume", "unit", "frequency", "budget_cents", "referrer_type", "raamcontract"], [
            (provider, ref, municipality or self.gm, cid, f"m{next(self._msg)}", request_date, product[:2],
             product, start, end, volume, unit, frequency, budget_cents, referrer, raamcontract)])
        return ref

    def assign(self, cid: str, product: str, start: date, end: date | None, provider: str = "11111111",
               assigned_at: date | None = None, referentie: str | None = None, volume: int | None = 4,
               unit: str | None = "04", frequency: str | None = "2", budget_cents: int | None = None,
               municipality: str | None = None, nr: int | None = None, reason_change: str | None = None,
               category: str | None = None, juridische_status: str | None = None) -> int:
        nr = nr if nr is not None else next(self._nr)
        when = datetime.combine(assigned_at or start - timedelta(days=7), datetime.min.time())
        self.db.insert_rows("assignment_version", [
            "municipality", "toewijzing_nummer", "assigned_at", "provider_agb", "client_id",
            "referentie_aanbieder", "product_category", "product_code", "start_date", "end_date",
            "reason_change", "volume", "unit", "frequency", "budget_cents", "juridische_status", "message_key"], [
            (municipality or self.gm, nr, when, provider, cid, referentie, category or product[:2], product,
             start, end, reason_change, volume, unit, frequency, budget_cents, juridische_status,
             f"m{next(self._msg)}")])
        return nr

    def start(self, cid: str, nr: int, product: str, start: date, provider: str = "11111111",
              municipality: str | None = None) -> None:
        self.db.insert_rows("care_start_event", [
            "message_key", "seq", "municipality", "provider_agb", "client_id", "toewijzing_nummer",
            "product_category", "product_code", "start_date", "status", "message_date"], [
            (f"s{next(self._msg)}", 1, municipality or self.gm, provider, cid, nr, product[:2], product,
             start, "1", start)])

    def stop(self, cid: str, nr: int, product: str, start: date, end: date, reason: str,
             provider: str = "11111111", municipality: str | None = None) -> None:
        self.db.insert_rows("care_stop_event", [
            "message_key", "seq", "municipality", "provider_agb", "client_id", "toewijzing_nummer",
            "product_category", "product_code", "start_date", "end_date", "end_reason", "status",
            "message_date"], [
            (f"t{next(self._msg)}", 1, municipality or self.gm, provider, cid, nr, product[:2], product,
             start, end, reason, "1", end)])

    def declare(self, cid: str, nr: int, product: str, month: date, cents: int,
                provider: str = "11111111", municipality: str | None = None) -> None:
        ref = f"D{next(self._ref)}"
        month = date(month.year, month.month, 1)
        self.db.insert_rows("declaration_line", [
            "provider_agb", "referentie_nummer", "declaratie_nummer", "message_key", "municipality",
            "client_id", "toewijzing_nummer", "product_category", "product_code", "period_start",
            "period_end", "service_month", "volume", "unit", "tariff_cents", "amount_cents",
            "debit_credit", "signed_amount_cents", "signed_volume", "declaration_date"], [
            (provider, ref, "DN1", f"d{next(self._msg)}", municipality or self.gm, cid, nr, product[:2],
             product, month, month_end(month), month, 1, "04", cents, cents, "D", cents, 1, month)])

    def declare_months(self, cid: str, nr: int, product: str, first: date, n: int, cents: int,
                       **kw: Any) -> None:
        y, m = first.year, first.month
        for _ in range(n):
            self.declare(cid, nr, product, date(y, m, 1), cents, **kw)
            m += 1
            if m == 13:
                y, m = y + 1, 1


@pytest.fixture
def no_small_cells(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Threshold 1: nothing is suppressed (for scenario tests about the arithmetic)."""
    from jeugdregie.settings import reset_settings_cache

    monkeypatch.setenv("JEUGDREGIE_SMALL_CELL_THRESHOLD", "1")
    reset_settings_cache()
    yield
    reset_settings_cache()
