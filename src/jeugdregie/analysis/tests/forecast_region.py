"""A small synthetic region (2021-2024) ingested once per test module, with its ground truth (forecast tests)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from jeugdregie.ingest.loader import Ingester
from jeugdregie.store import connect
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate

KEY = b"test-key-not-secret"


def make_region(folder: Path, seed: int = 11, years: tuple[int, int] = (2021, 2024),
                extract: date = date(2025, 9, 30)) -> tuple[str, dict[str, Any]]:
    out = folder / "region"
    generate(SynthOptions(out=str(out), scale="small", seed=seed, years=years, extract_date=extract))
    url = str(folder / "region.duckdb")
    db = connect(url)
    try:
        Ingester(db, KEY, user="test", today=date(2030, 1, 1)).run([out / "ijw"])
    finally:
        db.close()
    return url, json.loads((out / "ground_truth.json").read_text())
