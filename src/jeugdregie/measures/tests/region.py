"""A small synthetic region (3 municipalities, 2021-2024) ingested once per session, for effect monitoring
and report tests. Tests copy the DuckDB file so each one may change it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from jeugdregie.ingest.tests.stores import ingested_store, store_copy
from jeugdregie.store import Database
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate

TREATED = "0603"  # Rijswijk; the comparison municipalities are 0629 Wassenaar and 1842 Midden-Delfland


@pytest.fixture(scope="session")
def region_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("measure_region")
    generate(SynthOptions(out=str(out / "src"), scale="small", seed=3, years=(2021, 2024),
                          extract_date=date(2025, 6, 30)))
    return ingested_store(out / "src" / "ijw", out / "region.duckdb")


@pytest.fixture
def region_db(region_template: Path, tmp_path: Path) -> Iterator[Database]:
    yield from store_copy(region_template, tmp_path, "region.duckdb")


def simulate_measure(db: Database, municipality: str, product: str, start: date, factor: float) -> None:
    """The known effect: from ``start`` on, delivered units and amounts of ``product`` scale by ``factor``."""
    db.execute("UPDATE declaration_line SET signed_amount_cents = CAST(ROUND(signed_amount_cents * ?) AS BIGINT), "
               "signed_volume = CAST(ROUND(signed_volume * ?) AS BIGINT) "
               "WHERE municipality = ? AND product_code = ? AND service_month >= ?",
               [factor, factor, municipality, product, start])


@pytest.fixture(scope="session")
def anomaly_region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    """Small region (2024-2025) with injected anomalies and its ground truth, ingested into a DuckDB file."""
    import json

    out = tmp_path_factory.mktemp("anomaly_region")
    generate(SynthOptions(out=str(out / "src"), scale="small", seed=7, inject_anomalies=True))
    path = ingested_store(out / "src" / "ijw", out / "region.duckdb")
    return path, json.loads((out / "src" / "ground_truth.json").read_text(encoding="utf-8"))
