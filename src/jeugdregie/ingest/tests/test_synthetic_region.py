"""End to end: a generated region, ingested, reconciles exactly with its ground truth (issue 2, done-when)."""

from __future__ import annotations

import json
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from jeugdregie.analysis.status import status
from jeugdregie.ingest.loader import Ingester
from jeugdregie.ingest.pseudonym import pseudonymise
from jeugdregie.store import Database, connect
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import generate

KEY = b"test-key-not-secret"


@pytest.fixture(scope="module")
def region(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    out = tmp_path_factory.mktemp("region")
    generate(SynthOptions(out=str(out), scale="small", seed=7))
    return out, json.loads((out / "ground_truth.json").read_text())


def _ingest(db: Database, out: Path) -> Any:
    return Ingester(db, KEY, user="test", today=date(2030, 1, 1)).run([out / "ijw"])


def test_status_reconciles_exactly_with_ground_truth(any_db: Database, region: tuple[Path, dict[str, Any]]) -> None:
    out, truth = region
    summary = _ingest(any_db, out)
    assert summary.quarantined == 0 and summary.files_failed == 0
    st = status(any_db)
    assert st["messages"] == truth["message_counts"]
    per_year = truth["per_year"]
    assert st["declared_net_cents_by_service_year"] == {int(y): v["declared_net_cents"] for y, v in per_year.items()}
    assert st["declared_cents"]["debit"] == sum(v["declared_debit_cents"] for v in per_year.values())
    assert st["declared_cents"]["credit"] == sum(v["declared_credit_cents"] for v in per_year.values())
    assert st["municipalities"] == len(truth["municipalities"])
    granted = any_db.query(
        "SELECT CAST(EXTRACT(YEAR FROM l.service_month) AS INTEGER) AS y, count(DISTINCT l.client_id) AS n, "
        "SUM(l.signed_amount_cents) AS net FROM declaration_line l JOIN declaration_line_status s "
        "ON s.provider_agb = l.provider_agb AND s.referentie_nummer = l.referentie_nummer "
        "WHERE s.status = 'granted' GROUP BY 1")
    assert {r["y"]: r["n"] for r in granted} == {int(y): v["clients_declared"] for y, v in per_year.items()}
    assert {r["y"]: int(r["net"]) for r in granted} == {int(y): v["granted_net_cents"] for y, v in per_year.items()}
    # re-ingesting the whole region adds nothing
    again = _ingest(any_db, out)
    assert again.files == 0 and status(any_db)["messages"] == truth["message_counts"]


def test_no_bsn_or_name_of_the_region_in_the_database_file(tmp_path: Path,
                                                           region: tuple[Path, dict[str, Any]]) -> None:
    out, _ = region
    path = tmp_path / "region.duckdb"
    db = connect(str(path))
    # DuckDB compresses string columns (FSST, dictionaries); store them plainly so that a byte scan proves
    # absence rather than hiding values behind compression. The positive control below checks this works.
    db.execute("SET force_compression = 'uncompressed'")
    _ingest(db, out)
    db.execute("CHECKPOINT")
    db.close()
    raw = path.read_bytes()
    bsns: set[str] = set()
    names: set[str] = set()
    for z in sorted((out / "ijw").rglob("*.zip"))[:40]:
        with zipfile.ZipFile(z) as zf:
            for member in zf.namelist()[:200]:
                root = etree.fromstring(zf.read(member))
                for el in root.iter():
                    tag = etree.QName(el).localname
                    if tag == "Bsn" and el.text:
                        bsns.add(el.text.strip())
                    elif tag in {"Achternaam", "Voornamen", "Straatnaam", "Postcode"} and el.text:
                        names.add(el.text.strip())
    assert len(bsns) > 50 and len(names) > 20
    for value in bsns | {n for n in names if len(n) >= 5}:
        assert value.encode() not in raw, value
    some_bsn = sorted(bsns)[0]
    assert pseudonymise(some_bsn, KEY).encode() in raw  # positive control: stored values are findable
