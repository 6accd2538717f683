"""Entry point: simulate a region and write iJw 3.2 zips, contracts.csv and the ground truth.

Layout: ``OUT/ijw/<gemeentecode>/<year of Dagtekening>/<MSGTYPE>.zip``, one member per message
(``<MSGTYPE>_<Identificatie>.xml``); ``OUT/ground_truth.json``; ``OUT/ground_truth_bsn_index.json``
(client_ref -> synthetic BSN); ``OUT/ground_truth_care.json`` (per assignment: assigned and actual care
period, for the access analyses); ``OUT/contracts.csv``; ``OUT/population.csv`` (residents per municipality,
year and age band, for ``jeugdregie population import``). Same options => byte-identical files.

Scales with ``chunk_clients`` (national) are simulated in chunks by ``synth.chunks.generate_chunked``, which
reuses the writers here; ``generate`` keeps one in-memory world and refuses them.
"""

from __future__ import annotations

import csv
import json
import random
import zipfile
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jeugdregie.synth.catalogue import PRODUCTS, Provider, make_providers
from jeugdregie.synth.config import YOUTH_CARE_SHARE, SynthOptions, municipalities_for
from jeugdregie.synth.declare import Declarer, tariff
from jeugdregie.synth.model import Message, World
from jeugdregie.synth.population import residents_0_22, write_population
from jeugdregie.synth.simulate import Simulator
from jeugdregie.synth.truth import care_records, compute
from jeugdregie.synth.xmlbuild import build

#: fixed timestamp for zip members so archives are byte-identical between runs
ZIP_TIME = (2026, 1, 1, 0, 0, 0)

Progress = Callable[[str, int, int | None], None]  # (phase, advance, total)


@dataclass
class Result:
    out: Path
    world: World
    truth: dict[str, Any]
    message_counts: dict[str, int]
    providers: list[Provider]


def simulate(opts: SynthOptions, progress: Progress | None = None) -> tuple[World, list[Provider], Simulator]:
    prog = progress or (lambda phase, n, total: None)
    rng = random.Random(opts.seed)
    munis = municipalities_for(opts.scale_spec)
    providers = make_providers(rng, opts.scale_spec.n_providers)
    injector = None
    if opts.inject_anomalies:
        from jeugdregie.synth.anomalies import AnomalyInjector

        injector = AnomalyInjector(rng, providers)
        injector.before_simulation()
    sim = Simulator(opts, rng, munis, providers, lambda n: prog("simuleren", n, None))
    if opts.exact_knobs:
        from jeugdregie.synth.exact import realise

        exact = Declarer(opts, rng, sim.world, providers, sim.message_id, lambda n: prog("declareren", n, None))
        return realise(sim, exact), providers, sim
    world = sim.run()
    decl = Declarer(opts, rng, world, providers, sim.message_id, lambda n: prog("declareren", n, None))
    if injector is not None:
        injector.inject(sim, decl, world)
    else:
        decl.run()
    return world, providers, sim


CONTRACT_HEADER = ["gemeente", "agb", "product_category", "product_code", "valid_from", "valid_to", "tariff_cents",
                   "unit"]


def contract_rows(opts: SynthOptions, providers: list[Provider], gemeenten: list[str]) -> Iterator[list[str]]:
    """Rows of ``contracts.csv``: every municipality contracts every product its providers offer, per year."""
    for g in gemeenten:
        for p in sorted(providers, key=lambda p: p.agb):
            for code in sorted(p.products):
                if code in p.uncontracted:
                    continue
                prod = PRODUCTS[code]
                for y in range(opts.first_year, opts.last_year + 1):
                    t = "" if prod.tariff_cents is None else str(tariff(prod.tariff_cents, y, opts))
                    yield [g, p.agb, prod.category, code, f"{y}-01-01", f"{y}-12-31", t, prod.eenheid]


def write_contracts(path: Path, opts: SynthOptions, providers: list[Provider], gemeenten: list[str]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(CONTRACT_HEADER)
        w.writerows(contract_rows(opts, providers, gemeenten))


def write_messages(out: Path, messages: list[Message], progress: Progress | None = None,
                   suffix: str = "") -> dict[str, int]:
    """Zips per municipality, year of Dagtekening and type; ``suffix`` names the zips of one part of a
    municipality that the chunked simulation splits (``JW301-2.zip``)."""
    prog = progress or (lambda phase, n, total: None)
    groups: dict[tuple[str, int, str], list[Message]] = defaultdict(list)
    for m in messages:
        groups[(m.gemeente, m.dagtekening.year, m.mtype)].append(m)
    counts: Counter[str] = Counter()
    prog("schrijven", 0, len(messages))
    for (g, year, mtype) in sorted(groups):
        folder = out / "ijw" / g / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        members = sorted(groups[(g, year, mtype)], key=lambda m: (m.dagtekening, m.identificatie))
        with zipfile.ZipFile(folder / f"{mtype}{suffix}.zip", "w", compression=zipfile.ZIP_DEFLATED,
                             compresslevel=6) as zf:
            for m in members:
                info = zipfile.ZipInfo(f"{mtype}_{m.identificatie}.xml", date_time=ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, build(m).encode("utf-8"), compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
        counts[mtype] += len(members)
        prog("schrijven", len(members), None)
    return dict(counts)


class JsonStream:
    """A JSON array (``[...]``) or object (``{...}``) written item by item, one item per line, so the chunked
    national run never holds all records; the bytes equal the in-memory layout the region always had."""

    def __init__(self, path: Path, kind: str = "[") -> None:
        self._fh = path.open("w", encoding="utf-8")
        self._close = "]" if kind == "[" else "}"
        self._fh.write(f"{kind}\n")
        self._first = True
        self.count = 0

    def add(self, items: Iterable[str]) -> None:
        for item in items:
            self._fh.write(item if self._first else f",\n{item}")
            self._first = False
            self.count += 1

    def close(self) -> None:
        self._fh.write(f"\n{self._close}\n")
        self._fh.close()


def care_items(world: World, opts: SynthOptions) -> Iterator[str]:
    return (json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in care_records(world, opts))


def bsn_items(world: World) -> Iterator[str]:
    """Entries of ``ground_truth_bsn_index.json`` (the layout of ``json.dump(..., indent=0)``)."""
    return (f"{json.dumps(c.ref)}: {json.dumps(c.bsn)}" for c in world.clients)


def describe(truth: dict[str, Any], opts: SynthOptions, providers: list[Provider], gemeenten: list[str]) -> None:
    """The parts of the ground truth that do not come from the simulated lines."""
    truth["municipalities"] = gemeenten
    truth["calibration"] = {
        "youth_care_share_0_22": YOUTH_CARE_SHARE,
        "source": "VNG 2022 (seeds-data/vng_other_figures.csv, share_0_23_2020)",
        "residents_0_22": residents_0_22(opts),
        "population_file": "population.csv (jeugdregie population import population.csv)",
    }
    truth["providers"] = [{"agb": p.agb, "name": p.name, "archetype": p.archetype, "small": p.small,
                           "products": list(p.products)} for p in sorted(providers, key=lambda p: p.agb)]


def generate(opts: SynthOptions, progress: Progress | None = None) -> Result:
    if opts.scale_spec.chunk_clients is not None or opts.chunk_clients is not None or opts.db is not None:
        raise ValueError(f"scale {opts.scale} (of --db) gaat in delen: gebruik synth.chunks.generate_chunked")
    out = Path(opts.out)
    out.mkdir(parents=True, exist_ok=True)
    world, providers, sim = simulate(opts, progress)
    counts = write_messages(out, world.messages, progress)
    gemeenten = [m.code for m in municipalities_for(opts.scale_spec)]
    write_contracts(out / "contracts.csv", opts, providers, gemeenten)
    write_population(out / "population.csv", opts)
    truth = compute(world, opts, counts)
    describe(truth, opts, providers, gemeenten)
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=1, ensure_ascii=False, sort_keys=False) + "\n",
                                           encoding="utf-8")
    care = JsonStream(out / "ground_truth_care.json")
    care.add(care_items(world, opts))
    care.close()
    index = JsonStream(out / "ground_truth_bsn_index.json", "{")
    index.add(bsn_items(world))
    index.close()
    return Result(out, world, truth, counts, providers)
