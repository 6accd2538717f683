"""`jeugdregie bench signals`: precision/recall per signal type over several synthetic regions, on DuckDB and
PostgreSQL, plus the signal run time against the cost overview of the same periods (baseline, same run)."""

from __future__ import annotations

import json
import platform
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from jeugdregie.analysis.signals.engine import compute_signals
from jeugdregie.analysis.signals.model import RULE_TYPES, TYPES
from jeugdregie.analysis.signals.quality import evaluate, goals_met
from jeugdregie.store.database import Database

KEY = b"benchmark-key-0123456789"


@contextmanager
def _engine(engine: str, tmp: Path, pg_url: str | None) -> Iterator[Database]:
    from jeugdregie.store import connect

    if engine == "duckdb":
        db = connect(str(tmp / f"bench-{uuid.uuid4().hex[:8]}.duckdb"))
        try:
            yield db
        finally:
            db.close()
        return
    import psycopg

    assert pg_url
    admin = psycopg.connect(pg_url, autocommit=True, connect_timeout=3)
    name = f"jr_bench_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        db = connect(pg_url.rsplit("/", 1)[0] + f"/{name}")
        try:
            yield db
        finally:
            db.close()
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


def pg_reachable(url: str) -> bool:
    try:
        import psycopg

        psycopg.connect(url, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 - any failure means: not available
        return False


def _load(db: Database, region: Path) -> None:
    from jeugdregie.ingest.contracts import import_contracts
    from jeugdregie.ingest.loader import Ingester

    Ingester(db, KEY, user="bench", today=date(2100, 1, 1)).run([region / "ijw"])
    import_contracts(db, region / "contracts.csv")


def run(seeds: list[int], engines: list[str], scale: str = "small", pg_url: str | None = None) -> dict[str, Any]:
    from jeugdregie.analysis.costs import cost_overview
    from jeugdregie.synth.config import SynthOptions
    from jeugdregie.synth.generator import generate

    totals: dict[str, dict[str, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    goals: dict[str, dict[str, list[bool | None]]] = defaultdict(lambda: defaultdict(list))
    clean_fired: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    timing: dict[str, dict[str, float]] = defaultdict(lambda: {"signals_s": 0.0, "baseline_s": 0.0})
    runs: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmpdir:
        tmp = Path(tmpdir)
        for seed in seeds:
            regions = {}
            for inject in (True, False):
                out = tmp / f"r{seed}{'a' if inject else 'c'}"
                generate(SynthOptions(out=str(out), scale=scale, seed=seed, inject_anomalies=inject))
                regions[inject] = (out, json.loads((out / "ground_truth.json").read_text()))
            for engine in engines:
                with _engine(engine, tmp, pg_url) as db:
                    out, truth = regions[True]
                    _load(db, out)
                    periods = [str(y) for y in range(truth["years"][0], truth["years"][1] + 1)]
                    t0 = time.perf_counter()
                    result = evaluate(db, truth, periods)
                    t1 = time.perf_counter()
                    for p in periods:
                        cost_overview(db, p, by="provider")
                    t2 = time.perf_counter()
                    timing[engine]["signals_s"] += t1 - t0
                    timing[engine]["baseline_s"] += t2 - t1
                    for t, r in result["types"].items():
                        for k in ("injected", "found", "true_positives"):
                            totals[engine][t][k] += int(r[k])
                    for t, met in goals_met(result).items():
                        goals[engine][t].append(met)
                    runs.append({"seed": seed, "engine": engine,
                                 "types": {t: {k: r[k] for k in ("injected", "found", "true_positives", "recall",
                                                                 "precision")} | (
                                     {"in_top_10pct": r["in_top_10pct"], "ranking": r["ranking"]}
                                     if r["kind"] == "statistical" else {}) for t, r in result["types"].items()}})
                with _engine(engine, tmp, pg_url) as db:
                    out, _ = regions[False]
                    _load(db, out)
                    for p in periods:
                        for s in compute_signals(db, p):
                            clean_fired[engine][s.type] += 1
    summary: dict[str, Any] = {}
    for engine in engines:
        rows = {}
        for t in TYPES:
            c = totals[engine][t]
            ok = [g for g in goals[engine][t] if g is not None]
            rows[t] = {"kind": "rule" if t in RULE_TYPES else "statistical",
                       "injected": c["injected"], "found": c["found"], "true_positives": c["true_positives"],
                       "recall": round(c["true_positives"] / c["injected"], 4) if c["injected"] else None,
                       "precision": round(c["true_positives"] / c["found"], 4)
                       if c["found"] and (c["injected"] or t in RULE_TYPES) else None,
                       "goal_met_in_runs": f"{sum(ok)}/{len(ok)}" if ok else None,
                       "fired_on_clean_regions": clean_fired[engine][t]}
        tm = timing[engine]
        summary[engine] = {"types": rows, "signals_seconds": round(tm["signals_s"], 3),
                           "baseline_cost_overview_seconds": round(tm["baseline_s"], 3),
                           "ratio_signals_to_baseline": round(tm["signals_s"] / tm["baseline_s"], 2)
                           if tm["baseline_s"] else None}
    return {"seeds": seeds, "scale": scale, "engines": engines, "summary": summary, "runs": runs,
            "machine": f"{platform.machine()} {platform.system()} python {platform.python_version()}"}
