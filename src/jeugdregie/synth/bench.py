"""Benchmark of the chunked national fast path: wall and CPU time, peak memory overall and per chunk.

Runs ``synth.chunks.generate_chunked`` with ``synth.direct.StoreSink`` into a fresh DuckDB file (or the given
store) under a throwaway pseudonymisation key. Peak memory is the kernel's high-water mark (VmHWM) of this
process, reset before the run and before every chunk (``chunks.reset_peak_rss``), so the per-chunk figure is
the memory one chunk needs; the overall figure is the largest of those and of the final step (merged ground
truth, population import).
"""

from __future__ import annotations

import os
import secrets
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from jeugdregie.store.database import connect
from jeugdregie.synth.chunks import generate_chunked, peak_rss, reset_peak_rss
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.direct import StoreSink
from jeugdregie.synth.generator import Progress


def run(opts: SynthOptions, db_url: str | None = None, progress: Progress | None = None) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="jeugdregie-bench-synth-") as tmp:
        url = db_url or str(Path(tmp) / "national.duckdb")
        opts = replace(opts, out=opts.out or str(Path(tmp) / "out"), db=url)
        db = connect(url)
        reset_peak_rss()
        cpu0 = time.process_time()
        t0 = time.perf_counter()
        result = generate_chunked(opts, progress, sink=StoreSink(db, secrets.token_bytes(32), opts))
        wall = time.perf_counter() - t0
        cpu = time.process_time() - cpu0
        final = peak_rss()
        check = connect(url, read_only=True) if not url.startswith("postgres") else connect(url)
        lines = int(check.query_value("SELECT count(*) FROM declaration_line"))
        messages = int(check.query_value("SELECT count(*) FROM message"))
        check.close()
        size = os.path.getsize(url) if Path(url).is_file() else None
    per_year = result.truth["per_year"]
    chunk_peaks = [c.peak_rss_bytes for c in result.chunks if c.peak_rss_bytes is not None]
    peak = None if final is None else max([final, *chunk_peaks])  # the mark is reset before every chunk
    slowest = max(result.chunks, key=lambda c: c.seconds)
    return {
        "scale": opts.scale,
        "clients_per_year_target": opts.clients_per_year or opts.scale_spec.clients_per_year,
        "years": f"{opts.first_year}-{opts.last_year}",
        "chunks": len(result.chunks),
        "client_years": sum(v["clients"] for v in per_year.values()),
        "clients_first_year": per_year[str(opts.first_year)]["clients"],
        "messages": messages,
        "declaration_lines": lines,
        "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": None if peak is None else round(peak / 2**20),
        "max_chunk_peak_rss_mb": round(max(chunk_peaks) / 2**20) if chunk_peaks else None,
        "chunk_peak_rss_mb": [round(p / 2**20) for p in chunk_peaks],
        "chunk_seconds": [round(c.seconds, 1) for c in result.chunks],
        "slowest_chunk": f"{slowest.label}: {slowest.seconds:.1f} s, {slowest.clients} clients",
        "db_mb": None if size is None else round(size / 2**20),
        "messages_per_second": round(messages / wall),
        "message_counts": result.message_counts,
    }
