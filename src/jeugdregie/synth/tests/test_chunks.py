"""The chunked national simulation at a tiny size: unique identifiers across chunks, and the fast path
(records straight into the store) equals XML + ingest of the same seed, to the row and to the cent."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.analysis.status import status
from jeugdregie.ingest.loader import Ingester
from jeugdregie.store.database import Database, connect
from jeugdregie.synth.chunks import ChunkedResult, generate_chunked, plan
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.direct import StoreSink
from jeugdregie.synth.identity import elfproef
from jeugdregie.synth.tests.helpers import iter_messages

KEY = b"chunked-national-test-key-0123456789"
#: national preset, ~250 clients a year in chunks of ~15: Amsterdam and Rotterdam are split into parts
TINY = {"scale": "national", "seed": 11, "clients_per_year": 250, "chunk_clients": 15, "years": (2024, 2025)}


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[ChunkedResult, Database, ChunkedResult, Database]:
    base = tmp_path_factory.mktemp("chunked")
    xml = generate_chunked(SynthOptions(out=str(base / "xml"), **TINY))  # type: ignore[arg-type]
    ingested = connect(str(base / "ingested.duckdb"))
    summary = Ingester(ingested, KEY).run([base / "xml" / "ijw"])
    assert summary.quarantined == 0 and summary.files_failed == 0
    direct = connect(str(base / "direct.duckdb"))
    fast_opts = SynthOptions(out=str(base / "fast"), **TINY)  # type: ignore[arg-type]
    fast = generate_chunked(fast_opts, sink=StoreSink(direct, KEY, fast_opts))
    return xml, ingested, fast, connect(str(base / "direct.duckdb"))


def test_plan_splits_big_municipalities_and_covers_all() -> None:
    chunks = plan(SynthOptions(out="", **TINY))  # type: ignore[arg-type]
    assert len(chunks) > 3
    assert [c.index for c in chunks] == list(range(len(chunks)))
    total = sum(c.clients_per_year for c in chunks)
    assert total == pytest.approx(250)
    amsterdam = [c for c in chunks if c.municipalities[0].code == "0363"]
    assert len(amsterdam) > 1 and all(c.parts == len(amsterdam) for c in amsterdam)
    assert all(c.clients_per_year <= 15 or len(c.municipalities) == 1 for c in chunks)


def test_identifiers_unique_across_chunks(runs: tuple[ChunkedResult, Database, ChunkedResult, Database]) -> None:
    xml, _, _, _ = runs
    assert len(xml.chunks) > 3
    index = json.loads((xml.out / "ground_truth_bsn_index.json").read_text(encoding="utf-8"))
    assert len(index) == sum(c.clients for c in xml.chunks)  # client refs unique (a dict would merge repeats)
    assert len(set(index.values())) == len(index)  # BSNs unique across chunks
    assert all(elfproef(b) for b in index.values())
    ids: Counter[tuple[str, str]] = Counter()
    for name, _ in iter_messages(xml.out):
        mtype, ident = name.removesuffix(".xml").split("_")
        ids[(mtype, ident)] += 1
    assert ids and max(ids.values()) == 1
    care = json.loads((xml.out / "ground_truth_care.json").read_text(encoding="utf-8"))
    nummers = Counter((r["municipality"], r["nummer"]) for r in care)
    assert max(nummers.values()) == 1
    assert len({r["nummer"] for r in care}) == len(care)  # ToewijzingNummers unique over the whole country


def _rows(db: Database, table: str, exclude: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    names = [r["column_name"] for r in db.query(
        "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table])]
    keep = [n for n in names if n not in exclude]
    return sorted((tuple(r.values()) for r in db.query(f"SELECT {', '.join(keep)} FROM {table}")),  # noqa: S608
                  key=repr)


TABLES = ("municipality", "provider", "product", "client", "request", "assignment_version", "care_start_event",
          "care_stop_event", "change_request", "change_request_line", "declaration", "declaration_line",
          "declaration_response", "declaration_response_line")


@pytest.mark.parametrize("table", TABLES)
def test_fast_path_stores_what_ingest_stores(runs: tuple[ChunkedResult, Database, ChunkedResult, Database],
                                             table: str) -> None:
    _, ingested, _, direct = runs
    a, b = _rows(ingested, table), _rows(direct, table)
    assert a, table
    assert a == b


def test_fast_path_messages_and_status_equal(runs: tuple[ChunkedResult, Database, ChunkedResult, Database]) -> None:
    _, ingested, _, direct = runs
    ex = ("content_sha256", "run_id")
    assert _rows(ingested, "message", ex) == _rows(direct, "message", ex)
    s1, s2 = status(ingested), status(direct)
    for k in ("messages", "quarantined", "declared_cents", "declared_net_cents_by_service_year", "clients",
              "providers", "municipalities", "declared_net_cents_by_status"):
        assert s1[k] == s2[k], k


def test_fast_path_reconciles_with_ground_truth(runs: tuple[ChunkedResult, Database, ChunkedResult, Database]) -> None:
    _, _, fast, direct = runs
    truth = json.loads((fast.out / "ground_truth.json").read_text(encoding="utf-8"))
    s = status(direct)
    assert s["quarantined"] == 0
    assert {str(y): v for y, v in s["declared_net_cents_by_service_year"].items()} == {
        y: v["declared_net_cents"] for y, v in truth["per_year"].items()}
    assert s["declared_cents"]["debit"] == sum(v["declared_debit_cents"] for v in truth["per_year"].values())
    assert s["messages"] == truth["message_counts"]
    by_muni = {r["municipality"]: int(r["net"]) for r in direct.query(
        "SELECT municipality, SUM(signed_amount_cents) AS net FROM declaration_line GROUP BY 1")}
    assert by_muni == {g: sum(v["declared_net_cents"] for v in years.values())
                       for g, years in truth["per_municipality_year"].items()}
    runs_n = direct.query_value("SELECT count(*) FROM import_run WHERE kind = 'synth'")
    assert runs_n == len(fast.chunks)
    contracts = (fast.out / "contracts.csv").read_text(encoding="utf-8").count("\n") - 1
    assert direct.query_value("SELECT count(*) FROM contract") == contracts
    assert direct.query_value("SELECT count(*) FROM population") > 0


def test_ground_truth_same_for_both_paths(runs: tuple[ChunkedResult, Database, ChunkedResult, Database]) -> None:
    xml, _, fast, _ = runs
    a = json.loads((xml.out / "ground_truth.json").read_text(encoding="utf-8"))
    b = json.loads((fast.out / "ground_truth.json").read_text(encoding="utf-8"))
    assert a == b
    assert len(a["municipalities"]) > 100
    assert a["reentries"] == [] or a["reentries"][0]["client_ref"].startswith("C")


@pytest.mark.postgres
def test_fast_path_into_postgresql(runs: tuple[ChunkedResult, Database, ChunkedResult, Database], pg_url: str,
                                   tmp_path: Path) -> None:
    _, _, _, direct = runs
    opts = SynthOptions(out=str(tmp_path / "pg"), **TINY)  # type: ignore[arg-type]
    generate_chunked(opts, sink=StoreSink(connect(pg_url), KEY, opts))
    pg = connect(pg_url)
    try:
        s1, s2 = status(direct), status(pg)
        for k in ("messages", "declared_cents", "declared_net_cents_by_service_year", "clients", "providers",
                  "municipalities", "declared_net_cents_by_status"):
            assert s1[k] == s2[k], k
        assert _rows(direct, "declaration_line") == _rows(pg, "declaration_line")
    finally:
        pg.close()


def test_fast_path_rerun_skips_loaded_chunks(runs: tuple[ChunkedResult, Database, ChunkedResult, Database],
                                             tmp_path: Path) -> None:
    _, _, fast, direct = runs
    before = status(direct)
    opts = SynthOptions(out=str(tmp_path / "again"), **TINY)  # type: ignore[arg-type]
    generate_chunked(opts, sink=StoreSink(connect(str(fast.out.parent / "direct.duckdb")), KEY, opts))
    db = connect(str(fast.out.parent / "direct.duckdb"))
    assert status(db)["declared_cents"] == before["declared_cents"]
    other = SynthOptions(out=str(tmp_path / "other"), **{**TINY, "seed": 12})  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="lege database"):
        generate_chunked(other, sink=StoreSink(db, KEY, other))


def test_bench_synth_reports_what_it_loaded() -> None:
    from jeugdregie.synth.bench import run

    r = run(SynthOptions(out="", scale="national", seed=3, clients_per_year=60, chunk_clients=30, years=(2025, 2025)))
    assert r["chunks"] >= 2
    assert r["messages"] == sum(r["message_counts"].values()) > 0
    assert r["declaration_lines"] > 0 and r["client_years"] > 0
    assert r["wall_seconds"] > 0 and (r["peak_rss_mb"] is None or r["peak_rss_mb"] > 0)
