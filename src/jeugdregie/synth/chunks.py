"""Chunked simulation: a country as a sequence of independent chunks, so memory is bounded by a chunk.

Plan (``plan``): the municipalities of the scale (``config.NATIONAL`` in its order) are grouped into chunks of
about ``chunk_clients`` annual clients; a municipality bigger than that is split into equal parts, each its
own chunk (its zips are named ``JW301-1.zip``, ``JW301-2.zip``, ...). Every chunk is a full ``Simulator`` +
``Declarer`` run on its own random stream (``Random("<seed>:deel:<k>")``) with the providers of the whole run
(drawn once from ``Random(seed)``): the national core (the first ``CORE_PROVIDERS``, every archetype) serves
every chunk, and each chunk adds its own regional sample of a quarter of the others (``regional_providers``);
the chunk's municipalities contract exactly those providers (``contracts.csv`` is written chunk by chunk).
Identifiers come from counters shared by the chunks: one ``BsnFactory``
(11-proef BSNs, unique over the run), the Simulator's id counters (ToewijzingNummer, message Identificatie per
type), the Declarer's ReferentieNummer and DeclaratieNummer, and client refs renumbered after each chunk
(``C`` + 7 digits in order of the run). Chunks run one after another; each chunk's world is written (XML or
the store, ``synth.direct``), its truth merged, and dropped before the next chunk.

What differs from one in-memory world: clients move (PC4 in another municipality) and re-enter only within
their chunk; each part of a split municipality sends its own JW323 per provider and period; small providers
get their ~2 trajectories a year per chunk. Anomaly injection and exact knobs are only for unchunked scales.

Scales without ``chunk_clients`` (small, region) with ``--db`` run as one chunk through
``generator.simulate``, so their fast-path store holds exactly the world their XML describes.
"""

from __future__ import annotations

import csv
import json
import math
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from jeugdregie.synth.catalogue import Provider, make_providers
from jeugdregie.synth.config import Municipality, SynthOptions, client_targets, municipalities_for
from jeugdregie.synth.declare import Declarer
from jeugdregie.synth.generator import (
    CONTRACT_HEADER,
    JsonStream,
    Progress,
    bsn_items,
    care_items,
    contract_rows,
    describe,
    simulate,
    write_messages,
)
from jeugdregie.synth.identity import BsnFactory
from jeugdregie.synth.model import World
from jeugdregie.synth.population import write_population
from jeugdregie.synth.simulate import Simulator
from jeugdregie.synth.truth import _lead, compute

#: list-valued parts of the ground truth; the chunked run streams them to disk instead of holding them
STREAMED = ("wlz_like_clients", "turning_18", "young_adults", "reentries", "residence_mismatch", "anomalies")
#: parts whose leaves are counts or sums: added up over the chunks
SUMMED = ("message_counts", "per_year", "per_municipality_year", "per_category_year", "referrers", "end_reasons")
#: lead-time sections of the ground truth and the World lists they are computed from
LEADS = {"request_to_assignment": "lead_request_assign", "assignment_to_start": "lead_assign_start",
         "request_to_assignment_per_product": "lead_request_assign_products"}


@dataclass(frozen=True)
class Chunk:
    index: int
    municipalities: tuple[Municipality, ...]
    clients_per_year: float  # target annual clients of the chunk in the first year
    part: int = 0  # 1..parts when one municipality is split into parts; 0 otherwise
    parts: int = 0

    @property
    def label(self) -> str:
        if self.part:
            return f"{self.municipalities[0].name} deel {self.part}/{self.parts}"
        names = [m.name for m in self.municipalities]
        return ", ".join(names) if len(names) <= 3 else f"{names[0]} e.a. ({len(names)} gemeenten)"

    @property
    def suffix(self) -> str:
        return f"-{self.part}" if self.part else ""


def chunk_size(opts: SynthOptions) -> int | None:
    return opts.chunk_clients or opts.scale_spec.chunk_clients


def plan(opts: SynthOptions) -> list[Chunk]:
    """Chunks of about ``chunk_size`` annual clients (first year) in the order of the scale's municipalities."""
    munis = municipalities_for(opts.scale_spec)
    targets = client_targets(opts, munis)
    size = chunk_size(opts)
    if size is None:
        return [Chunk(0, tuple(munis), sum(targets.values()))]
    chunks: list[Chunk] = []
    group: list[Municipality] = []
    total = 0.0
    for m in munis:
        t = targets[m.code]
        if t > size:
            n = math.ceil(t / size)
            chunks += [Chunk(0, (m,), t / n, part, n) for part in range(1, n + 1)]
            continue
        if group and total + t > size:
            chunks.append(Chunk(0, tuple(group), total))
            group, total = [], 0.0
        group.append(m)
        total += t
    if group:
        chunks.append(Chunk(0, tuple(group), total))
    return [replace(c, index=i) for i, c in enumerate(chunks)]


@dataclass
class Ids:
    """Identifier counters shared by the chunks of one run."""

    bsn: BsnFactory | None = None
    counters: dict[str, int] = field(default_factory=dict)  # the Simulator's (toewijzing, msgJW301, ...)
    clients: int = 0
    refs: int = 0  # Declarer ReferentieNummer
    declarations: int = 0  # Declarer DeclaratieNummer


#: providers that serve every chunk: the fixed archetype core of ``catalogue.make_providers``
CORE_PROVIDERS = 17


def regional_providers(opts: SynthOptions, chunk: Chunk, providers: list[Provider]) -> list[Provider]:
    """The national core plus a seeded quarter of the other providers (regional purchasing)."""
    core, rest = providers[:CORE_PROVIDERS], providers[CORE_PROVIDERS:]
    rng = random.Random(f"{opts.seed}:aanbieders:{chunk.index}")
    picked = set(rng.sample(range(len(rest)), min(len(rest), max(4, len(rest) // 4))))
    return core + [p for i, p in enumerate(rest) if i in picked]


def renumber_clients(world: World, offset: int) -> None:
    """Client idx/ref continue the run's numbering (the chunk's Simulator starts at 0)."""
    if not offset:
        return
    refs: dict[str, str] = {}
    for c in world.clients:
        old = c.ref
        c.idx += offset
        c.ref = f"C{c.idx + 1:07d}"
        refs[old] = c.ref
    for r in world.reentries:
        r["client_ref"] = refs[str(r["client_ref"])]


def simulate_chunk(opts: SynthOptions, chunk: Chunk, providers: list[Provider], ids: Ids,
                   progress: Progress | None = None) -> World:
    """One chunk of a chunked run: its own random stream, the run's providers and identifier counters."""
    prog = progress or (lambda phase, n, total: None)
    rng = random.Random(f"{opts.seed}:deel:{chunk.index}")
    copts = replace(opts, clients_per_year=max(1, round(chunk.clients_per_year)))
    sim = Simulator(copts, rng, list(chunk.municipalities), providers, lambda n: prog("simuleren", n, None))
    if ids.bsn is None:
        ids.bsn = sim.bsn
    sim.bsn = ids.bsn
    sim.counters = ids.counters
    sim.rng_moves = random.Random(f"verhuisd-{opts.seed}-{chunk.index}")
    world = sim.run()
    renumber_clients(world, ids.clients)
    ids.clients += len(world.clients)
    decl = Declarer(copts, rng, world, providers, sim.message_id, lambda n: prog("declareren", n, None))
    decl.n_ref, decl.n_decl = ids.refs, ids.declarations
    decl.run()
    ids.refs, ids.declarations = decl.n_ref, decl.n_decl
    return world


def _add(total: dict[str, Any], part: dict[str, Any]) -> None:
    for k, v in part.items():
        if isinstance(v, dict):
            _add(total.setdefault(k, {}), v)
        else:
            total[k] = total.get(k, 0) + v


def _sorted(d: dict[str, Any]) -> dict[str, Any]:
    return {k: _sorted(v) if isinstance(v, dict) else v for k, v in sorted(d.items())}


class TruthMerger:
    """Adds up the per-chunk ground truths; list parts go to temporary JSON-lines files next to the output."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.truth: dict[str, Any] | None = None
        self.tmp = {k: out / f".ground_truth.{k}.jsonl" for k in STREAMED}
        self.files = {k: p.open("w", encoding="utf-8") for k, p in self.tmp.items()}
        self.leads: dict[str, Counter[tuple[str, str, int]]] = {k: Counter() for k in LEADS}

    def add(self, truth: dict[str, Any], world: World) -> None:
        for k in STREAMED:
            fh = self.files[k]
            for item in truth[k]:
                fh.write(json.dumps(item, ensure_ascii=False) + "\n")
        for k, attr in LEADS.items():
            self.leads[k].update(getattr(world, attr))
        if self.truth is None:
            self.truth = {k: (f"@@{k}@@" if k in STREAMED else v) for k, v in truth.items()}
        else:
            for k in SUMMED:
                _add(self.truth[k], truth[k])

    def finish(self, path: Path, describe_truth: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
        """Write ``ground_truth.json`` (same keys as the in-memory region) and return it without the lists."""
        for fh in self.files.values():
            fh.close()
        assert self.truth is not None, "geen enkel deel gesimuleerd"
        truth = self.truth
        for k in SUMMED:
            truth[k] = _sorted(truth[k])
        for k in LEADS:
            rows = [row for row, n in sorted(self.leads[k].items()) for _ in range(n)]
            truth["lead_times"][k] = _lead(rows)
        describe_truth(truth)
        text = json.dumps(truth, indent=1, ensure_ascii=False, sort_keys=False) + "\n"
        counts: dict[str, int] = {}
        with path.open("w", encoding="utf-8") as fh:
            for k in STREAMED:
                head, text = text.split(json.dumps(f"@@{k}@@"), 1)
                fh.write(head + "[")
                n = 0
                with self.tmp[k].open(encoding="utf-8") as src:
                    for line in src:
                        fh.write(("\n" if n == 0 else ",\n") + line.rstrip("\n"))
                        n += 1
                fh.write("\n]" if n else "]")
                counts[k] = n
            fh.write(text)
        for p in self.tmp.values():
            p.unlink()
        return {**truth, **{k: {"count": n, "file": path.name} for k, n in counts.items()}}


class Sink(Protocol):
    def write(self, chunk: Chunk, world: World, progress: Progress | None) -> dict[str, int]: ...

    def contracts(self, chunk: Chunk, rows: list[list[str]]) -> None:
        """The chunk's contract list, before ``write`` of the same chunk."""

    def finish(self, out: Path) -> None: ...


class XmlSink:
    """iJw 3.2 zips per chunk (``generator.write_messages``); a split municipality's parts get a suffix."""

    def __init__(self, out: Path) -> None:
        self.out = out

    def write(self, chunk: Chunk, world: World, progress: Progress | None) -> dict[str, int]:
        return write_messages(self.out, world.messages, progress, suffix=chunk.suffix)

    def contracts(self, chunk: Chunk, rows: list[list[str]]) -> None:
        pass

    def finish(self, out: Path) -> None:
        pass


@dataclass
class ChunkStats:
    index: int
    label: str
    clients: int
    messages: int
    seconds: float
    peak_rss_bytes: int | None  # peak resident memory while this chunk ran (Linux; None elsewhere)


@dataclass
class ChunkedResult:
    out: Path
    truth: dict[str, Any]  # ground truth; list parts replaced by {"count", "file"}
    message_counts: dict[str, int]
    providers: list[Provider]
    chunks: list[ChunkStats]
    db: str | None


def reset_peak_rss() -> bool:
    """Reset the kernel's peak-RSS mark of this process (Linux ``clear_refs`` 5); False if unavailable."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss() -> int | None:
    """Peak resident memory of this process since start or the last ``reset_peak_rss`` (VmHWM), bytes."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def generate_chunked(opts: SynthOptions, progress: Progress | None = None, sink: Sink | None = None) -> ChunkedResult:
    """Simulate chunk by chunk and write each chunk to ``sink`` (XML zips, or the store when ``opts.db``);
    writes ground_truth.json, ground_truth_care.json, ground_truth_bsn_index.json, contracts.csv and
    population.csv like ``generator.generate``."""
    prog = progress or (lambda phase, n, total: None)
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    chunks = plan(opts)
    single = chunk_size(opts) is None
    if (opts.inject_anomalies or opts.exact_knobs) and not single:
        raise ValueError("--inject-anomalies en --exact-knobs kunnen alleen bij small en region (niet in delen)")
    if sink is None:
        if opts.db:
            from jeugdregie.synth.direct import StoreSink

            sink = StoreSink.open(opts)
        else:
            sink = XmlSink(out)
    providers: list[Provider] = [] if single else make_providers(random.Random(opts.seed),
                                                                 opts.scale_spec.n_providers)
    contracts = (out / "contracts.csv").open("w", encoding="utf-8", newline="")
    contract_csv = csv.writer(contracts, lineterminator="\n")
    contract_csv.writerow(CONTRACT_HEADER)
    ids = Ids()
    merger = TruthMerger(out)
    care = JsonStream(out / "ground_truth_care.json")
    index = JsonStream(out / "ground_truth_bsn_index.json", "{")
    counts: Counter[str] = Counter()
    stats: list[ChunkStats] = []
    prog("delen", 0, len(chunks))
    for chunk in chunks:
        measured = reset_peak_rss()
        t0 = time.perf_counter()
        if single:
            world, providers, _ = simulate(opts, progress)
            serving = providers
        else:
            serving = regional_providers(opts, chunk, providers)
            world = simulate_chunk(opts, chunk, serving, ids, progress)
        if chunk.part <= 1:
            contracted: set[tuple[str, ...]] = set()
        rows = [r for r in contract_rows(opts, serving, [m.code for m in chunk.municipalities])
                if tuple(r[:5]) not in contracted]  # a split municipality's later parts: only what is new
        if chunk.part:
            contracted.update(tuple(r[:5]) for r in rows)
        contract_csv.writerows(rows)
        sink.contracts(chunk, rows)
        del rows
        written = sink.write(chunk, world, progress)
        merger.add(compute(world, opts, written), world)
        care.add(care_items(world, opts))
        index.add(bsn_items(world))
        counts.update(written)
        stats.append(ChunkStats(chunk.index, chunk.label, len(world.clients), sum(written.values()),
                                time.perf_counter() - t0, peak_rss() if measured else None))
        del world
        prog("delen", 1, None)
    care.close()
    index.close()
    contracts.close()
    gemeenten = [m.code for m in municipalities_for(opts.scale_spec)]
    write_population(out / "population.csv", opts)
    truth = merger.finish(out / "ground_truth.json", lambda t: describe(t, opts, providers, gemeenten))
    sink.finish(out)
    return ChunkedResult(out, truth, dict(sorted(counts.items())), providers, stats, opts.db)
