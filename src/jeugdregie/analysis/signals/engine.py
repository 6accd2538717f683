"""compute_signals: run the selected signal rules and statistics for one service period."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from jeugdregie.analysis.service_periods import parse_period
from jeugdregie.analysis.signals import backlog, rules, stats
from jeugdregie.analysis.signals.data import Scope, provider_names
from jeugdregie.analysis.signals.model import (
    LABELS_NL,
    RULE_TYPES,
    STAT_TYPES,
    TYPES,
    Signal,
    SignalError,
    load_thresholds,
)
from jeugdregie.money import format_eur
from jeugdregie.store.database import Database

RULES: dict[str, Callable[..., rules.Cases]] = {
    "declared_over_assigned": rules.declared_over_assigned,
    "outside_assignment": rules.outside_assignment,
    "after_stop": rules.after_stop,
    "before_start": rules.before_start,
    "no_start_message": rules.no_start_message,
    "duplicate_declaration": rules.duplicate_declaration,
    "non_contracted": rules.non_contracted,
    "tariff_deviation": rules.tariff_deviation,
}
STATS: dict[str, Callable[[Database, Scope, dict[str, Any]], list[dict[str, Any]]]] = {
    "intensity_outlier": stats.intensity_outlier,
    "growth_by_intensity": stats.growth_by_intensity,
    "late_declaring": stats.late_declaring,
    "high_rejection": stats.high_rejection,
    "declaration_backlog": backlog.declaration_backlog,
}
CONTRACT_TYPES = {"non_contracted", "tariff_deviation"}


def check_types(types: list[str] | None) -> list[str]:
    if not types:
        return list(TYPES)
    unknown = [t for t in types if t not in TYPES]
    if unknown:
        raise SignalError(f"onbekend signaaltype {', '.join(unknown)}; kies uit: {', '.join(TYPES)}")
    return [t for t in TYPES if t in types]


def compute_signals(db: Database, period: str, provider: str | None = None, types: list[str] | None = None,
                    municipality: str | None = None, *, thresholds: dict[str, Any] | str | Path | None = None
                    ) -> list[Signal]:
    """All signals of the period (service months), one per (type, provider), largest amount first.

    ``thresholds``: a dict merged over the shipped thresholds, or a path to a YAML file (see thresholds.yaml).
    """
    cfg = load_thresholds(overrides=thresholds) if isinstance(thresholds, dict) or thresholds is None \
        else load_thresholds(thresholds)
    wanted = check_types(types)
    scope = Scope(parse_period(period), provider, municipality)
    names = provider_names(db)
    out: list[Signal] = []
    min_amount = int(cfg.get("min_amount_cents", 0))
    rule_types = [t for t in wanted if t in RULE_TYPES]
    if rule_types:
        ctx = rules.RuleContext(db, scope)
        contracts = rules.Contracts(db) if CONTRACT_TYPES & set(rule_types) else None
        for t in rule_types:
            fn = RULES[t]
            found = fn(ctx, cfg, contracts) if t in CONTRACT_TYPES else fn(ctx, cfg)
            for agb, cases in sorted(found.items()):
                amount = sum(int(c["amount_cents"]) for c in cases)
                if amount < min_amount or not cases:
                    continue
                cases.sort(key=lambda c: (-int(c["amount_cents"]), str(c.get("period_start"))))
                n = len(cases)
                out.append(Signal(
                    type=t, provider=agb, period=scope.period.label, amount_cents=amount, strength=1.0,
                    summary_nl=f"{LABELS_NL[t]}: {n} {'geval' if n == 1 else 'gevallen'}, {format_eur(amount)}",
                    evidence={"rule": t, "cases": cases}, municipality=municipality, provider_name=names.get(agb)))
    for t in (t for t in wanted if t in STAT_TYPES):
        for f in STATS[t](db, scope, cfg):
            if f["amount_cents"] < min_amount:
                continue
            out.append(Signal(
                type=t, provider=f["provider"], period=scope.period.label, amount_cents=int(f["amount_cents"]),
                strength=float(f["strength"]),
                summary_nl=f"{LABELS_NL[t]}: {f['statistic_name']} {_fmt_stat(f['statistic'], f['statistic_name'])}"
                + f", {format_eur(int(f['amount_cents']))}",
                evidence={"statistic": f["statistic"], "statistic_name": f["statistic_name"], "cases": f["cases"],
                          **({"combined_z": f["combined_z"]} if "combined_z" in f else {})},
                municipality=municipality, provider_name=names.get(f["provider"])))
    out.sort(key=lambda s: (-s.amount_cents, s.type, s.provider))
    return out


def _fmt_stat(value: float, name: str) -> str:
    text = f"{value:.2f}" if name.endswith("(x)") else f"{value:.0%}"
    return text.replace(".", ",")


def coverage_notes(db: Database, types: list[str] | None = None, municipality: str | None = None) -> list[str]:
    """Dutch notes on what could not be checked (e.g. no contract list for a municipality)."""
    wanted = check_types(types)
    notes = []
    if CONTRACT_TYPES & set(wanted):
        with_list = {r["municipality"] for r in db.query("SELECT DISTINCT municipality FROM contract")}
        declared = {r["municipality"] for r in db.query("SELECT DISTINCT municipality FROM declaration_line")}
        if municipality:
            declared &= {municipality}
        missing = sorted(declared - with_list)
        if missing:
            notes.append("Geen contractlijst ingelezen voor gemeente " + ", ".join(missing)
                         + ": niet-gecontracteerd en tariefafwijking zijn daar niet gecontroleerd "
                         "(jeugdregie contracts import BESTAND).")
    return notes
