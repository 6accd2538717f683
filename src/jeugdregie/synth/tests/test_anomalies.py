"""Anomalies appear only with --inject-anomalies, and every recorded case is visible in the written XML."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate
from jeugdregie.synth.tests.helpers import find_defects

RULE_TYPES = ("declared_over_assigned", "outside_assignment", "after_stop", "before_start", "no_start_message",
              "duplicate_declaration", "non_contracted", "tariff_deviation")
STAT_TYPES = ("intensity_outlier", "late_declaring", "growth_by_intensity", "high_rejection", "declaration_backlog")


@pytest.fixture(scope="module")
def anomaly_region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("synth_anom")
    generate(SynthOptions(out=str(out), scale="small", seed=7, inject_anomalies=True))
    return out, json.loads((out / "ground_truth.json").read_text(encoding="utf-8"))


def test_clean_region_has_no_defects(small_region: Path, small_truth: dict[str, Any]) -> None:
    assert small_truth["anomalies"] == []
    defects = find_defects(small_region)
    assert {k: sorted(v)[:5] for k, v in defects.items() if v} == {}


def test_injected_cases_recorded_and_found(anomaly_region: tuple[Path, dict[str, Any]]) -> None:
    out, truth = anomaly_region
    anomalies = truth["anomalies"]
    types = {a["type"] for a in anomalies}
    assert set(RULE_TYPES) | set(STAT_TYPES) <= types
    defects = find_defects(out)
    for kind in RULE_TYPES:
        injected = {r for a in anomalies if a["type"] == kind for r in a["referentie_nummers"]}
        found = defects[kind]
        if kind == "duplicate_declaration":
            # the checker flags both the original and the duplicate of a slot
            assert injected <= found and len(found) == 2 * len(injected), kind
        else:
            assert injected == found, kind
    # each injected line shows exactly its own defect (after_stop stays inside the toewijzing; the shortened
    # toewijzing's later lines stay before the 307 stop)
    for a in anomalies:
        assert a["amount_cents"] > 0
        assert set(a) >= {"type", "provider_agb", "municipality", "toewijzing_nummer", "referentie_nummers",
                          "service_month", "amount_cents"}


def test_statistical_anomalies_visible(anomaly_region: tuple[Path, dict[str, Any]]) -> None:
    _, truth = anomaly_region
    by_type = {a["type"]: a for a in truth["anomalies"]}
    assert len({by_type[t]["provider_agb"] for t in STAT_TYPES}) == len(STAT_TYPES)  # one provider per type
    held = by_type["declaration_backlog"]
    assert len(held["held_back_months"]) == 6 and held["amount_cents"] > 0
