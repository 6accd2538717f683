"""Deterministic knob mode (``exact_knobs``): the realised year-on-year figures equal the knobs.

Measured on the generator's own lines, with explain's definitions: clients = distinct clients with a line in the
service year (per product and in total), units per client, cost per unit, a product's share of the clients.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from jeugdregie.cli import load_commands
from jeugdregie.synth.catalogue import PRODUCTS
from jeugdregie.synth.config import Knobs, SynthOptions
from jeugdregie.synth.declare import tariff
from jeugdregie.synth.exact import block_size
from jeugdregie.synth.generator import generate, simulate
from jeugdregie.synth.model import World
from jeugdregie.synth.tests.helpers import iter_messages

THREE_YEARS = SynthOptions(out="unused", scale="small", seed=4, years=(2023, 2025), exact_knobs=True,
                           knobs=Knobs(client_growth=0.25, intensity_growth=0.20, tariff_growth=0.05))


def realised(world: World) -> tuple[dict[int, int], dict[int, dict[str, tuple[int, int, int]]]]:
    """Distinct clients per year, and per year and product: (clients, units, cost in cents)."""
    clients: dict[int, set[int]] = defaultdict(set)
    acc: dict[int, dict[str, list[Any]]] = defaultdict(dict)
    for ln in world.lines:
        a = acc[ln.year].setdefault(ln.code, [set(), 0, 0])
        a[0].add(ln.client.idx)
        a[1] += ln.signed_volume
        a[2] += ln.signed
        clients[ln.year].add(ln.client.idx)
    return ({y: len(c) for y, c in clients.items()},
            {y: {code: (len(v[0]), v[1], v[2]) for code, v in per.items()} for y, per in acc.items()})


def test_block_size() -> None:
    assert block_size(0.10, 2) == 10
    assert block_size(0.25, 3) == 16
    assert block_size(0.0, 5) == 1
    assert block_size(-0.2, 2) == 5
    assert block_size(0.04, 5) is None  # (26/25)^4: no whole block of at most 1,000 clients


def test_realised_figures_equal_the_knobs() -> None:
    world, _, _ = simulate(THREE_YEARS)
    assert all(ln.dc == "D" and ln.rejected is None and ln.written and ln.kind == "orig" for ln in world.lines)
    clients, per = realised(world)
    assert sorted(clients) == [2023, 2024, 2025]
    for y in (2024, 2025):
        assert Fraction(clients[y], clients[y - 1]) == Fraction(5, 4)
        assert set(per[y]) == set(per[y - 1])
        for code, (n1, u1, cost1) in per[y].items():
            n0, u0, cost0 = per[y - 1][code]
            assert Fraction(n1, n0) == Fraction(5, 4), code  # every product: +25 % clients, so no mix shift
            assert Fraction(n1, clients[y]) == Fraction(n0, clients[y - 1]), code
            assert Fraction(u1, n1) / Fraction(u0, n0) == Fraction(6, 5), code  # +20 % units per client
            price = Fraction(cost1, u1) / Fraction(cost0, u0)
            base = PRODUCTS[code].tariff_cents
            assert base is not None  # Eenheid 83 (euro amounts) is left out of the exact mode
            assert price == Fraction(tariff(base, y, THREE_YEARS), tariff(base, y - 1, THREE_YEARS)), code
            # +5 %, up to tariffs rounded to whole cents (one cent of the tariff at most; 45A20 is 1.89 per minute)
            assert abs(price - Fraction(105, 100)) <= Fraction(1, tariff(base, y - 1, THREE_YEARS)), code
    assert world.exact_plan is not None and world.exact_plan["block_size"] == 16
    assert world.exact_plan["exact_client_counts"] and world.exact_plan["excluded_products"] == ["50A01"]
    again, _, _ = simulate(THREE_YEARS)
    assert [(ln.ref, ln.code, ln.volume, ln.amount) for ln in again.lines] == \
        [(ln.ref, ln.code, ln.volume, ln.amount) for ln in world.lines]


def test_mix_shift_moves_clients_to_heavy_products() -> None:
    opts = replace(THREE_YEARS, knobs=replace(THREE_YEARS.knobs, mix_shift=0.3))
    world, _, _ = simulate(opts)
    clients, per = realised(world)
    for y in (2024, 2025):
        assert Fraction(clients[y], clients[y - 1]) == Fraction(5, 4)  # total clients still exact
        share = {code: Fraction(per[y][code][0], clients[y]) / Fraction(per[y - 1][code][0], clients[y - 1])
                 for code in per[y]}
        heavy = [share[c] for c in share if PRODUCTS[c].heavy == 1]
        light = [share[c] for c in share if PRODUCTS[c].heavy == -1]
        assert min(heavy) > 1 > max(light)
        assert Fraction(per[y]["43A01"][1], per[y]["43A01"][0]) / \
            Fraction(per[y - 1]["43A01"][1], per[y - 1]["43A01"][0]) == Fraction(6, 5)


def test_exact_region_files(tmp_path: Path, shared: Path) -> None:
    import xmlschema

    out = tmp_path / "exact"
    result = generate(SynthOptions(out=str(out), scale="small", seed=5, years=(2024, 2025), exact_knobs=True,
                                   knobs=Knobs(0.10, 0.20, 0.05, 0.0)))
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["knobs"] == {"client_growth": 0.10, "intensity_growth": 0.20, "tariff_growth": 0.05,
                              "mix_shift": 0.0}
    exact = truth["exact_knobs"]
    assert exact["year_on_year"]["2024-2025"] == {"client_growth": 0.1, "intensity_growth": [0.2, 0.2],
                                                  "tariff_growth": [0.05, 0.05], "max_share_change_pp": 0.0}
    assert exact["clients"] == {"2024": 300, "2025": 330} and exact["block_size"] == 10
    for y in ("2024", "2025"):
        year = truth["per_year"][y]
        assert year["declared_net_cents"] == year["granted_net_cents"] == year["final_net_cents"] > 0
        assert year["clients"] == year["clients_declared"] == exact["clients"][y]
        assert year["declared_credit_cents"] == 0
    assert set(result.message_counts) == {"JW301", "JW305", "JW307", "JW315", "JW323", "JW325"}
    for mtype in ("JW323", "JW301"):
        schema = xmlschema.XMLSchema(str(shared / "domain" / "xsd" / f"{mtype}.xsd"))
        msgs = list(iter_messages(out, mtype))
        for name, data in msgs[:: max(1, len(msgs) // 10)]:
            errors = list(schema.iter_errors(data.decode("utf-8")))
            assert not errors, f"{name}: {errors[0]}"


def test_refused_combinations(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="afwijkingen"):
        simulate(replace(THREE_YEARS, inject_anomalies=True))
    with pytest.raises(ValueError, match="peildatum"):
        simulate(replace(THREE_YEARS, extract_date=date(2026, 1, 15)))
    with pytest.raises(ValueError, match="intensiteit"):
        simulate(replace(THREE_YEARS, knobs=replace(THREE_YEARS.knobs, intensity_growth=-0.9)))


def test_cli_exact_knobs(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "cli"
    args = ["synth", "--out", str(out), "--years", "2024-2025", "--exact-knobs", "--client-growth", "0.1",
            "--intensity-growth", "0.2", "--tariff-growth", "0.05", "--mix-shift", "0"]
    result = runner.invoke(load_commands(), args)
    assert result.exit_code == 0, result.output
    truth = json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))
    assert truth["exact_knobs"]["year_on_year"]["2024-2025"]["client_growth"] == 0.1
    refused = runner.invoke(load_commands(), [*args, "--inject-anomalies"])
    assert refused.exit_code == 2 and "afwijkingen" in refused.output
