"""Entry point of the generator and the ground truth it writes next to the XML."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from jeugdregie.synth.model import MUNICIPALITIES, SCALES, Knobs
from jeugdregie.synth.simulate import Region
from jeugdregie.synth.writer import write_region

#: share of 0-22-year-olds with youth care used to derive population denominators (VNG 2022: 9.8%)
REACH = 0.098
AGE_BANDS = [((0, 3), 0.17), ((4, 11), 0.35), ((12, 17), 0.26), ((18, 22), 0.22)]


def generate(out: Path, scale: str = "small", seed: int = 1, years: tuple[int, int] | None = None,
             extract_date: date | None = None, knobs: Knobs | None = None,
             progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Simulate and write a region; returns the ground truth (also written to ``out/ground_truth.json``)."""
    knobs = knobs or Knobs()
    sc = SCALES[scale]
    region = Region(sc, knobs, seed, years)
    first, last = region.years
    extract = extract_date or date(last + 1, 9, 30)
    region.simulate()
    out.mkdir(parents=True, exist_ok=True)
    result = write_region(region, out, extract, progress)
    truth = _ground_truth(region, result, scale, seed, knobs, extract)
    (out / "ground_truth.json").write_text(json.dumps(truth, indent=1, sort_keys=True), encoding="utf-8")
    (out / "ground_truth_bsn_index.json").write_text(
        json.dumps({c.ref: c.bsn for c in region.clients.values()}, sort_keys=True), encoding="utf-8")
    _write_population(region, out / "population.csv", truth)
    return truth


def _ground_truth(region: Region, result: dict[str, Any], scale: str, seed: int, knobs: Knobs,
                  extract: date) -> dict[str, Any]:
    written = result["written"]
    years: dict[int, dict[str, Any]] = defaultdict(lambda: defaultdict(int))
    by_muni: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    by_cat: dict[str, dict[int, dict[str, int]]] = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    clients: dict[int, set[str]] = defaultdict(set)
    clients_declared: dict[int, set[str]] = defaultdict(set)
    lead_request, lead_start = [], []
    for tr in region.trajectories:
        if tr.request_date is not None:
            lead_request.append((tr.assigned_on - tr.request_date).days)
        lead_start.append((tr.care_start - tr.start).days)
        for line in tr.lines:
            y = line.service_month.year
            final_vol = line.corrected_volume if line.credit_month else line.volume
            final = (final_vol or 0) * line.tariff_cents
            clients[y].add(tr.client.ref)
            yt = years[y]
            yt["final_net_cents"] += final
            yt["units"] += final_vol or 0
            by_muni[tr.municipality][y]["final_net_cents"] += final
            by_cat[tr.product.category][y]["final_net_cents"] += final
            wl = written.get(id(line))
            if wl is None:
                continue
            net = wl["debit"] + wl["corrected"] - wl["credit"]
            clients_declared[y].add(tr.client.ref)
            yt["declared_debit_cents"] += wl["debit"] + wl["corrected"]
            yt["declared_credit_cents"] += wl["credit"]
            yt["declared_net_cents"] += net
            if wl["rejected"] and wl.get("answered"):
                yt["rejected_cents"] += wl["debit"]
            by_muni[tr.municipality][y]["declared_net_cents"] += net
            by_cat[tr.product.category][y]["declared_net_cents"] += net
    per_year = {}
    for y in sorted(years):
        d = dict(years[y])
        d.setdefault("declared_debit_cents", 0)
        d.setdefault("declared_credit_cents", 0)
        d.setdefault("declared_net_cents", 0)
        d.setdefault("rejected_cents", 0)
        d["clients"] = len(clients[y])
        d["clients_declared"] = len(clients_declared[y])
        per_year[str(y)] = d
    return {
        "scale": scale, "seed": seed, "years": list(region.years), "extract_date": extract.isoformat(),
        "knobs": {"client_growth": knobs.client_growth, "intensity_growth": knobs.intensity_growth,
                  "tariff_growth": knobs.tariff_growth, "mix_shift": knobs.mix_shift},
        "messages": dict(sorted(result["counts"].items())),
        "per_year": per_year,
        "declared_net_cents": sum(v["declared_net_cents"] for v in per_year.values()),
        "per_municipality_year": {m: {str(y): dict(v) for y, v in sorted(d.items())} for m, d in by_muni.items()},
        "per_category_year": {c: {str(y): dict(v) for y, v in sorted(d.items())} for c, d in by_cat.items()},
        "municipalities": [m[0] for m in region.munis],
        "providers": sorted(p[0] for p in region.providers),
        "lead_time_days_median": {"request_to_assignment": statistics.median(lead_request) if lead_request else None,
                                  "assignment_to_start": statistics.median(lead_start) if lead_start else None},
        "notes": "Amounts in integer euro-cents. declared_* = written in the XML (service year of the "
                 "ProductPeriode); final_net_cents includes lines that would be declared after extract_date.",
    }


def _write_population(region: Region, path: Path, truth: dict[str, Any]) -> None:
    names = {m[0]: m for m in MUNICIPALITIES}
    lines = ["gemeente,jaar,leeftijd_van,leeftijd_tot,inwoners"]
    per_muni_clients: dict[tuple[str, int], set[str]] = defaultdict(set)
    for tr in region.trajectories:
        for line in tr.lines:
            per_muni_clients[(tr.municipality, line.service_month.year)].add(tr.client.ref)
    for (muni, year), cl in sorted(per_muni_clients.items()):
        if muni not in names:
            continue
        residents = len(cl) / REACH
        for (a, b), share in AGE_BANDS:
            lines.append(f"{muni},{year},{a},{b},{round(residents * share)}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
