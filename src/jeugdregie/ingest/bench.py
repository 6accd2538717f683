"""Ingest benchmark: throughput relative to a raw lxml iterparse of the same bytes, and peak memory.

Both timings are taken in the same run on the same in-memory bytes, so the ratio is comparable across
machines. Peak memory (max RSS) is measured in a fresh child process per input size.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import resource
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from jeugdregie.ingest.sources import Source, iter_sources


def load_sources(paths: list[Path], copies: int = 1) -> list[tuple[Source, bytes]]:
    out = []
    for src in iter_sources(paths):
        if src.kind == "xml":
            out.append((src, src.read()))
    return out * copies


def raw_parse_seconds(blobs: list[bytes]) -> float:
    """Baseline: plain lxml iterparse over every file, touching every element (no extraction, no storage)."""
    t0 = time.perf_counter()
    n = 0
    for data in blobs:
        for _, elem in etree.iterparse(io.BytesIO(data), events=("end",)):
            n += 1
            elem.clear(keep_tail=False)
    return time.perf_counter() - t0


def ingest_seconds(items: list[tuple[Source, bytes]], db_url: str) -> tuple[float, dict[str, int]]:
    from jeugdregie.ingest.loader import Ingester
    from jeugdregie.store import connect

    db = connect(db_url)
    ing = Ingester(db, b"benchmark-key-0123456789", user="bench", today=date(2100, 1, 1))
    sources = [Source(f"{src.name}#{i}", src.path, src.member, len(data), data=data)
               for i, (src, data) in enumerate(items)]  # served from memory: I/O excluded on both sides
    t0 = time.perf_counter()
    summary = ing.run([], sources=sources)
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed, dict(summary.counts)


def _child_ingest(paths: list[str], copies: int, q: Any) -> None:
    items = _unique_copies(load_sources([Path(p) for p in paths]), copies)
    with tempfile.TemporaryDirectory() as tmp:
        ingest_seconds(items, str(Path(tmp) / "mem.duckdb"))
    q.put(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _unique_copies(items: list[tuple[Source, bytes]], copies: int) -> list[tuple[Source, bytes]]:
    """Copies of the input whose message identifications differ, so every copy is really stored."""
    if copies == 1:
        return items
    out = []
    for c in range(copies):
        for src, data in items:
            out.append((src, _retag(data, c)))
    return out


def _retag(data: bytes, c: int) -> bytes:
    """Make copy ``c`` distinct: identifiers, numbers and references get a copy suffix (same structure)."""
    if c == 0:
        return data
    suffix = f"{c:02d}".encode()
    for tag in (b"Identificatie>", b"ReferentieNummer>", b"DeclaratieNummer>", b"ReferentieAanbieder>"):
        data = _suffix_values(data, tag, suffix)
    return data


def _suffix_values(data: bytes, tag: bytes, suffix: bytes) -> bytes:
    parts = data.split(tag)
    for i in range(1, len(parts), 2):
        value, sep, rest = parts[i].partition(b"<")
        value = (value[: 12 - len(suffix)] if tag in (b"Identificatie>", b"DeclaratieNummer>") else value) + suffix
        parts[i] = value + sep + rest
    return tag.join(parts)


def peak_rss_kib(paths: list[Path], copies: int) -> int:
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child_ingest, args=([str(x) for x in paths], copies, q))
    p.start()
    value = int(q.get())
    p.join()
    return value


def run(paths: list[Path], repeat: int = 1) -> dict[str, Any]:
    items = load_sources(paths)
    blobs = [d for _, d in items]
    nbytes = sum(len(b) for b in blobs)
    raw = min(raw_parse_seconds(blobs) for _ in range(max(1, repeat)))
    with tempfile.TemporaryDirectory() as tmp:
        ing, counts = ingest_seconds(items, str(Path(tmp) / "bench.duckdb"))
    messages = counts.get("messages_in", 0)
    rss1 = peak_rss_kib(paths, 1)
    rss10 = peak_rss_kib(paths, 10)
    return {
        "files": len(items), "bytes": nbytes, "messages": messages, "lines": counts.get("lines_in", 0),
        "raw_lxml_seconds": raw, "ingest_seconds": ing,
        "raw_mb_per_s": nbytes / raw / 1e6, "ingest_mb_per_s": nbytes / ing / 1e6,
        "ingest_messages_per_s": messages / ing, "ratio_ingest_to_raw": raw / ing,
        "peak_rss_mib_1x": rss1 / 1024, "peak_rss_mib_10x": rss10 / 1024,
        "memory_growth_10x": rss10 / rss1,
    }
