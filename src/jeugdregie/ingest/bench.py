"""Ingest benchmark: throughput relative to a raw lxml iterparse of the same bytes, and peak memory.

Both timings are taken in the same run on the same in-memory bytes, so the ratio is comparable across
machines. Peak memory (max RSS) is measured in a fresh child process per input size.
"""

from __future__ import annotations

import io
import multiprocessing as mp
import re
import resource
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

from lxml import etree

from jeugdregie.ingest.sources import Source, iter_sources


def load_sources(paths: list[Path]) -> list[tuple[Source, bytes]]:
    return [(src, src.read()) for src in iter_sources(paths) if src.kind == "xml"]


def raw_parse_seconds(blobs: list[bytes]) -> float:
    """Baseline: plain lxml iterparse over every file, touching every element (no extraction, no storage)."""
    return _raw_parse(blobs)[0]


def _raw_parse(blobs: list[bytes]) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of this process) of the baseline parse."""
    t0, c0 = time.perf_counter(), time.process_time()
    n = 0
    for data in blobs:
        for _, elem in etree.iterparse(io.BytesIO(data), events=("end",)):
            n += 1
            elem.clear(keep_tail=False)
    return time.perf_counter() - t0, time.process_time() - c0


def ingest_seconds(items: list[tuple[Source, bytes]], db_url: str) -> tuple[float, dict[str, int]]:
    elapsed, _, counts = _ingest(items, db_url)
    return elapsed, counts


def _ingest(items: list[tuple[Source, bytes]], db_url: str) -> tuple[float, float, dict[str, int]]:
    """(wall-clock seconds, CPU seconds of this process, all threads, counts) of a full ingest."""
    from jeugdregie.ingest.loader import Ingester
    from jeugdregie.store import connect

    db = connect(db_url)
    ing = Ingester(db, b"benchmark-key-0123456789", user="bench", today=date(2100, 1, 1))
    sources = [Source(f"{src.name}#{i}", src.path, src.member, len(data), data=data)
               for i, (src, data) in enumerate(items)]  # served from memory: I/O excluded on both sides
    t0, c0 = time.perf_counter(), time.process_time()
    summary = ing.run([], sources=sources)
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - c0
    db.close()
    return elapsed, cpu, dict(summary.counts)


def _child_ingest(paths: list[str], copies: int, q: Any) -> None:
    """Runs in a fresh process: ingest ``copies`` distinct copies of the input, streamed (each copy is made
    when its file is reached), and report peak RSS before and after."""
    from jeugdregie.ingest.loader import Ingester
    from jeugdregie.store import connect

    items = [src for src in iter_sources([Path(p) for p in paths]) if src.kind == "xml"]
    with tempfile.TemporaryDirectory() as tmp:
        db = connect(str(Path(tmp) / "mem.duckdb"))
        ing = Ingester(db, b"benchmark-key-0123456789", user="bench", today=date(2100, 1, 1))
        before = _current_rss_kib()
        summary = ing.run([], sources=_unique_copies(items, copies))
        db.close()
    q.put((before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, summary.counts["messages_stored"]))


def _unique_copies(items: list[Source], copies: int) -> Iterator[Source]:
    """Copies of the input whose identifications differ, so every copy is really stored (same clients, same
    structure, new message ids, declaration numbers, references and assignment numbers). Generated lazily
    from disk: a file's bytes exist only while it is being ingested, as in a real ingest."""
    for c in range(copies):
        retag = _Retagger(c)
        for i, src in enumerate(items):
            data = retag(src.read())
            yield Source(f"{src.name}#{c}.{i}", src.path, src.member, len(data), data=data)


_ID_ELEMENTS = re.compile(
    rb"(<(?:\w+:)?(Identificatie|ReferentieNummer|VorigReferentieNummer|DeclaratieNummer|ReferentieAanbieder"
    rb"|ToewijzingNummer)>)([^<]*)<")


class _Retagger:
    """Consistent, injective renaming of identifiers for copy ``c`` (references between messages still
    match). String ids become ``Z<cc><n:09>`` (12 characters, the iJw maximum); assignment numbers get the
    copy number in front. Copy 0 is the input itself."""

    def __init__(self, c: int) -> None:
        self.c = c
        self.names: dict[bytes, bytes] = {}

    def __call__(self, data: bytes) -> bytes:
        return data if self.c == 0 else _ID_ELEMENTS.sub(self._sub, data)

    def _sub(self, m: re.Match[bytes]) -> bytes:
        value = m.group(3)
        if m.group(2) == b"ToewijzingNummer":
            new = f"{self.c}{int(value):08d}".encode() if value.isdigit() and len(value) <= 8 else value
        else:
            new = self.names.get(value)
            if new is None:
                new = self.names[value] = f"Z{self.c:02d}{len(self.names):09d}".encode()
        return m.group(1) + new + b"<"


def _current_rss_kib() -> int:
    """Resident set size now (Linux /proc), falling back to the peak so far elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def peak_rss_kib(paths: list[Path], copies: int) -> tuple[int, int, int]:
    """(RSS just before the ingest starts, peak RSS of the process, messages stored) of a fresh process, KiB."""
    ctx = mp.get_context("spawn")
    q = ctx.Queue()
    p = ctx.Process(target=_child_ingest, args=([str(x) for x in paths], copies, q))
    p.start()
    before, after, stored = q.get()
    p.join()
    return int(before), int(after), int(stored)


def run(paths: list[Path], repeat: int = 3, memory: bool = True) -> dict[str, Any]:
    """Throughput: raw parse and ingest are timed alternately ``repeat`` times on the same in-memory bytes and
    the fastest of each is kept (the machine is shared; the minimum is the least disturbed run). Besides wall
    clock, the CPU time of the process is reported (ingest: all threads, so DuckDB's parallel work counts
    fully); on a machine shared with other jobs it is the steadier of the two."""
    items = load_sources(paths)
    blobs = [d for _, d in items]
    nbytes = sum(len(b) for b in blobs)
    raws, ings, raw_cpus, ing_cpus = [], [], [], []
    counts: dict[str, int] = {}
    for _ in range(max(1, repeat)):
        wall, cpu = _raw_parse(blobs)
        raws.append(wall)
        raw_cpus.append(cpu)
        with tempfile.TemporaryDirectory() as tmp:
            wall, cpu, counts = _ingest(items, str(Path(tmp) / "bench.duckdb"))
        ings.append(wall)
        ing_cpus.append(cpu)
    raw, ing = min(raws), min(ings)
    messages = counts.get("messages_in", 0)
    result: dict[str, Any] = {
        "files": len(items), "bytes": nbytes, "messages": messages, "lines": counts.get("lines_in", 0),
        "repeats": max(1, repeat), "raw_lxml_seconds": raw, "ingest_seconds": ing,
        "raw_mb_per_s": nbytes / raw / 1e6, "ingest_mb_per_s": nbytes / ing / 1e6,
        "raw_messages_per_s": messages / raw, "ingest_messages_per_s": messages / ing,
        "ratio_ingest_to_raw": raw / ing,
        "raw_cpu_seconds": min(raw_cpus), "ingest_cpu_seconds": min(ing_cpus),
        "ratio_cpu_ingest_to_raw": min(raw_cpus) / min(ing_cpus),
    }
    if memory:
        b1, rss1, n1 = peak_rss_kib(paths, 1)
        b10, rss10, n10 = peak_rss_kib(paths, 10)
        result.update({
            "messages_stored_1x": n1, "messages_stored_10x": n10,
            "rss_before_ingest_mib": b1 / 1024, "peak_rss_mib_1x": rss1 / 1024, "peak_rss_mib_10x": rss10 / 1024,
            "memory_growth_10x": rss10 / rss1,
        })
    return result
