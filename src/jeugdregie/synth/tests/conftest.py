"""One small synthetic region per test session, shared by the synth tests (generation takes ~2 s)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate


@pytest.fixture(scope="session")
def small_region(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("synth_small")
    generate(SynthOptions(out=str(out), scale="small", seed=7))
    return out


@pytest.fixture(scope="session")
def small_truth(small_region: Path) -> dict[str, Any]:
    return json.loads((small_region / "ground_truth.json").read_text(encoding="utf-8"))
