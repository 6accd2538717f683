"""The ingest benchmark measures what it claims (no timing assertions)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from jeugdregie.ingest.bench import _unique_copies, run
from jeugdregie.ingest.loader import Ingester
from jeugdregie.ingest.sources import iter_sources
from jeugdregie.store import connect

FIX = Path(__file__).resolve().parents[2] / "ijw" / "tests" / "fixtures"


def test_copies_are_distinct_and_all_stored() -> None:
    items = [s for s in iter_sources([FIX]) if s.kind == "xml"]
    db = connect(":memory:")
    s = Ingester(db, b"test-key-not-secret", today=date(2030, 1, 1)).run([], sources=_unique_copies(items, 3))
    single = Ingester(connect(":memory:"), b"test-key-not-secret", today=date(2030, 1, 1)).run([FIX])
    assert s.counts["messages_stored"] == 3 * single.counts["messages_stored"]
    assert s.counts["lines_stored"] == 3 * single.counts["lines_stored"]
    assert s.counts["messages_duplicate"] == 0 and s.quarantined == 3 * single.quarantined
    # same clients in every copy
    assert db.query_value("SELECT count(*) FROM client") == 1


def test_run_reports_throughput_and_ratio() -> None:
    r = run([FIX], repeat=1, memory=False)
    assert r["files"] == len(list(FIX.glob("*.xml"))) and r["messages"] == r["files"]
    assert r["ratio_ingest_to_raw"] == r["raw_lxml_seconds"] / r["ingest_seconds"] > 0
    assert r["ratio_cpu_ingest_to_raw"] == r["raw_cpu_seconds"] / r["ingest_cpu_seconds"] > 0
