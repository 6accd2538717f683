"""Ingest guarantees: counts reconcile, idempotent, atomic per file, nothing personal stored."""

from __future__ import annotations

import shutil
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

FIX = Path(__file__).resolve().parents[2] / "ijw" / "tests" / "fixtures"
KEY = b"test-key-not-secret"
TABLES = ["message", "request", "assignment_version", "care_start_event", "care_stop_event", "change_request",
          "change_request_line", "declaration", "declaration_line", "declaration_response",
          "declaration_response_line", "quarantine", "import_run", "client", "provider", "municipality", "product"]


def ingest(db: Database, *paths: Path, **kw: Any):  # type: ignore[no-untyped-def]
    return Ingester(db, KEY, user="test", today=date(2030, 1, 1), **kw).run(list(paths))


def snapshot(db: Database) -> dict[str, int]:
    return {t: int(db.query_value(f"SELECT count(*) FROM {t}")) for t in TABLES}  # noqa: S608


@pytest.fixture
def inputs(tmp_path: Path, shared: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    for f in FIX.glob("*.xml"):
        shutil.copy(f, d / f.name)
    with zipfile.ZipFile(d / "examples.zip", "w") as zf:
        for f in sorted((shared / "domain" / "examples").glob("*.xml")):
            zf.write(f, f"examples/{f.name}")
    return d


def test_counts_reconcile_and_quarantine_has_reasons(any_db: Database, inputs: Path) -> None:
    db = any_db
    s = ingest(db, inputs)
    c = s.counts
    assert c["messages_in"] == 7 + 9
    assert c["messages_in"] == c["messages_stored"] + c["messages_quarantined"] + c["messages_duplicate"]
    assert c["lines_in"] == c["lines_stored"] + c["lines_quarantined"]
    st = status(db)
    assert st["messages"] == {"JW301": 2, "JW305": 2, "JW307": 2, "JW315": 2, "JW317": 2, "JW323": 2,
                              "JW325": 2}
    assert st["quarantined"] == int(db.query_value("SELECT count(*) FROM quarantine"))
    q = db.query("SELECT source, message_id, element_path, rule, reason_nl, reason_en, item_ref, client_id FROM quarantine "
                 "ORDER BY rule, element_path")
    assert {r["rule"] for r in q} == {"CS003", "RS032", "TR314", "TR416", "TYPE"}
    tr416 = next(r for r in q if r["rule"] == "TR416")
    assert tr416["source"].endswith("examples.zip!examples/jw323.xml")
    assert tr416["message_id"] == "765432198"
    assert tr416["element_path"] == "/Bericht/Declaratie/Clienten/Client[2]/Prestaties/Prestatie[2]"
    assert "TR338" in tr416["reason_nl"] and "debit line" in tr416["reason_en"]
    assert tr416["item_ref"] == "RN004" and tr416["client_id"] == pseudonymise("999900018", KEY)


def test_money_reconciles_to_the_cent_with_credits(any_db: Database, inputs: Path, shared: Path) -> None:
    db = any_db
    ingest(db, inputs)
    st = status(db)
    # every 323 file total (TR358-checked) = stored net + quarantined net
    totals = 0
    for f in [*FIX.glob("jw323*.xml"), shared / "domain" / "examples" / "jw323.xml"]:
        root = etree.parse(str(f)).getroot()
        ns = {"b": "http://www.istandaarden.nl/ijw/3_2/basisschema/schema"}
        amount = int(root.findtext(".//{*}TotaalIngediendBedrag/b:TotaalBedrag", namespaces=ns))
        dc = root.findtext(".//{*}TotaalIngediendBedrag/b:DebetCredit", namespaces=ns)
        totals += amount if dc == "D" else -amount
    assert st["declared_cents"]["net"] + st["quarantined_declared_net_cents"] == totals
    assert st["declared_cents"]["credit"] == 68000
    assert st["declared_cents"]["net"] == st["declared_cents"]["debit"] - st["declared_cents"]["credit"]
    # the 325 rejected RN-2024-0002 (102000) and granted the credit + corrected debet (8500 net)
    by_status = st["declared_net_cents_by_status"]
    assert by_status["granted"] == -68000 + 76500


def test_reingest_changes_nothing(any_db: Database, inputs: Path) -> None:
    db = any_db
    ingest(db, inputs)
    before = snapshot(db)
    s = ingest(db, inputs)
    assert s.files == 0 and s.files_skipped == 16
    assert snapshot(db) == before
    # the same messages in a new container (other file bytes, same message content) are duplicates
    other = inputs.parent / "again"
    other.mkdir()
    for f in FIX.glob("*.xml"):  # other bytes (re-serialised with a trailing newline), same messages
        (other / f"copy_{f.name}").write_bytes(f.read_bytes() + b"\r\n")
    with zipfile.ZipFile(other / "bundle.zip", "w") as zf:
        zf.writestr("x/jw301.xml", (FIX / "jw301_handwritten.xml").read_bytes() + b"\n\n")
    s2 = ingest(db, other)
    after = snapshot(db)
    assert s2.counts["messages_duplicate"] == 8
    assert s2.counts["messages_stored"] == 0
    assert {k: v for k, v in after.items() if k != "import_run"} == {
        k: v for k, v in before.items() if k != "import_run"}


def test_one_file_per_chunk_gives_the_same_store(tmp_path: Path, inputs: Path) -> None:
    """Keys are looked up in the store per chunk: with one file per chunk every cross-file check (duplicates,
    TR314 across files, client attributes) must come from the store and give the same result."""
    whole, single = connect(str(tmp_path / "whole.duckdb")), connect(str(tmp_path / "single.duckdb"))
    a = ingest(whole, inputs, inputs / "examples.zip")
    ing = Ingester(single, KEY, user="test", today=date(2030, 1, 1), chunk_files=1)
    b = ing.run([inputs, inputs / "examples.zip"])
    assert a.counts == b.counts and a.reasons == b.reasons and a.files_skipped == b.files_skipped > 0
    assert snapshot(whole) == snapshot(single)
    cols = "rule, element_path, message_id, item_ref, client_id"
    assert whole.query(f"SELECT {cols} FROM quarantine ORDER BY ALL") == single.query(  # noqa: S608
        f"SELECT {cols} FROM quarantine ORDER BY ALL")  # noqa: S608
    assert whole.query("SELECT * FROM client ORDER BY ALL") == single.query("SELECT * FROM client ORDER BY ALL")
    # nothing of the store is kept between chunks: memory does not grow with the store
    assert not (ing.known_files or ing.known_messages or ing.known_refs or ing.client_state)
    whole.close()
    single.close()


def test_same_identificatie_with_other_content_is_tr056(db: Database, tmp_path: Path) -> None:
    ingest(db, FIX / "jw305_handwritten.xml")
    changed = tmp_path / "jw305_changed.xml"
    changed.write_text((FIX / "jw305_handwritten.xml").read_text().replace("2024-01-16", "2024-01-17"))
    s = ingest(db, changed)
    assert s.counts["messages_quarantined"] == 1
    assert db.query_value("SELECT rule FROM quarantine") == "TR056"


def test_failure_in_the_middle_of_a_file_leaves_nothing_of_it(any_db: Database, inputs: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    db = any_db
    original = Database.insert_rows
    state = {"armed": True}

    def failing(self: Database, table: str, columns: Any, rows: Any, on_conflict_ignore: bool = False) -> None:
        original(self, table, columns, rows, on_conflict_ignore)
        if table == "declaration_line" and state["armed"] and any("DECL-0002" in str(r) or "D20240002" in str(r)
                                                                  for r in rows):
            raise RuntimeError("injected failure after writing declaration lines")

    monkeypatch.setattr(Database, "insert_rows", failing)
    s = ingest(db, inputs)
    assert s.files_failed == 1
    assert db.query_value("SELECT count(*) FROM declaration WHERE declaratie_nummer = 'D20240002'") == 0
    assert db.query_value("SELECT count(*) FROM declaration_line WHERE declaratie_nummer = 'D20240002'") == 0
    assert db.query_value("SELECT count(*) FROM message WHERE identificatie = 'DECL-0002'") == 0
    assert db.query_value("SELECT status FROM import_run WHERE source LIKE '%jw323_handwritten.xml'") == "failed"
    # every other file landed
    assert db.query_value("SELECT count(*) FROM message") == 13
    # after the fault is gone, the failed file loads and the rest stays unchanged
    state["armed"] = False
    s2 = ingest(db, inputs)
    assert s2.files == 1 and s2.files_failed == 0
    assert db.query_value("SELECT count(*) FROM declaration_line WHERE declaratie_nummer = 'D20240002'") == 3


def test_no_bsn_name_address_in_database_file(tmp_path: Path, inputs: Path, shared: Path) -> None:
    url = tmp_path / "privacy.duckdb"
    db = connect(str(url))
    db.execute("SET force_compression = 'uncompressed'")  # a byte scan must not be fooled by compression
    ingest(db, inputs)
    db.execute("CHECKPOINT")
    db.close()
    raw = url.read_bytes()
    wal = url.with_suffix(".duckdb.wal")
    if wal.exists():
        raw += wal.read_bytes()
    sensitive: set[str] = set()
    files = [*FIX.glob("*.xml"), *(shared / "domain" / "examples").glob("*.xml")]
    for f in files:
        root = etree.parse(str(f)).getroot()
        for el in root.iter():
            tag = etree.QName(el).localname
            if tag in {"Bsn", "Achternaam", "Voornamen", "Straatnaam", "Telefoonnummer", "Emailadres",
                       "Postcode", "Plaatsnaam"} and el.text:
                sensitive.add(el.text.strip())
    assert "999993501" in sensitive and "Vermeulen" in sensitive
    for value in sensitive:
        for enc in (value.encode(), value.encode("utf-16-le")):
            assert enc not in raw, f"found {value!r} in the database file"
    # the pseudonym is there instead
    assert pseudonymise("999993501", KEY).encode() in raw


def test_pseudonym_is_keyed() -> None:
    assert pseudonymise("999993501", KEY) != pseudonymise("999993501", b"another-key-0123456")
    assert len(pseudonymise("999993501", KEY)) == 32


def test_csv_declarations_and_assignments(db: Database, tmp_path: Path) -> None:
    decl = tmp_path / "declaraties.csv"
    decl.write_text(
        "gemeente;agb;declaratienummer;declaratiedatum;referentienummer;vorig_referentienummer;bsn;"
        "toewijzingnummer;productcategorie;productcode;begindatum;einddatum;volume;eenheid;tarief_eur;"
        "bedrag_eur;debet_credit\n"
        "0603;12345678;CSV001;2024-02-05;R1;;999993501;77;45;45A03;2024-01-01;2024-01-31;10;04;85,00;850,00;D\n"
        "0603;12345678;CSV001;2024-02-05;R2;R1;999993501;77;45;45A03;2024-01-01;2024-01-31;10;04;85,00;850,00;C\n"
        "0603;12345678;CSV001;2024-02-05;R3;;999993501;77;45;45A03;2024-01-01;2024-01-31;9;04;85,00;765,00;D\n"
        "0603;12345678;CSV001;2024-02-05;R4;;123456789;77;45;45A03;2024-01-01;2024-01-31;1;04;85,00;85,00;D\n"
        "0603;12345678;CSV001;2024-02-05;R5;;999993501;77;45;45A03;2024-01-01;2024-01-31;2;04;85,00;99,99;D\n",
        encoding="utf-8")
    assign = tmp_path / "toewijzingen.csv"
    assign.write_text(
        "gemeente,agb,toewijzingnummer,bsn,geboortedatum,geslacht,postcode,productcategorie,productcode,"
        "toewijzingsdatum,ingangsdatum,einddatum,volume,eenheid,frequentie,budget_eur,reden_wijziging\n"
        "0603,12345678,77,999993501,2012-05-17,2,2284 XK,45,45A03,2023-12-20,2024-01-01,2024-06-30,4,04,2,,\n"
        "0603,12345678,78,999993501,2012-05-17,2,2284XK,45,45A03,2023-12-20,2024-07-01,2024-06-30,4,04,2,,\n")
    s = ingest(db, decl, assign)
    assert s.counts["lines_in"] == 7
    assert db.query_value("SELECT SUM(signed_amount_cents) FROM declaration_line") == 85000 - 85000 + 76500
    rules = [r["rule"] for r in db.query("SELECT rule FROM quarantine ORDER BY rule")]
    assert rules == ["CS002", "CS003", "TR346"]
    assert db.query_value("SELECT pc4 FROM client") == "2284"
    assert db.query_value("SELECT count(*) FROM assignment") == 1


def test_message_without_address_keeps_the_last_known_pc4(db: Database, tmp_path: Path) -> None:
    # 301 (10-01-2024) carries an address; the later 305 and 307 do not and must not erase the PC4
    s = ingest(db, FIX / "jw301_handwritten.xml", FIX / "jw305_handwritten.xml", FIX / "jw307_handwritten.xml")
    assert s.counts["messages_stored"] == 3
    assert db.query_value("SELECT pc4 FROM client") == "2284"
    # also across separate ingest runs (state read back from the store)
    moved = tmp_path / "jw307_later.xml"
    moved.write_text((FIX / "jw307_handwritten.xml").read_text().replace("2024-07-02", "2024-08-01")
                     .replace("<ijw:Identificatie>", "<ijw:Identificatie>X"))
    ingest(db, moved)
    row = db.query("SELECT pc4, birth_date, gender FROM client")[0]
    assert row == {"pc4": "2284", "birth_date": date(2012, 5, 17), "gender": "2"}
    # a later message with another address is a move: the PC4 follows it
    later_301 = tmp_path / "jw301_moved.xml"
    later_301.write_text((FIX / "jw301_handwritten.xml").read_text().replace("2284XK", "2612AB")
                         .replace("2024-01-10", "2024-09-01").replace("<ijw:Identificatie>", "<ijw:Identificatie>M"))
    ingest(db, later_301)
    assert db.query_value("SELECT pc4 FROM client") == "2612"


@pytest.mark.postgres
def test_postgres_planner_statistics_are_fresh_after_ingest(pg_url: str, inputs: Path) -> None:
    db = connect(pg_url)
    before = db.query_value("SELECT reltuples FROM pg_class WHERE oid = 'message'::regclass")
    ingest(db, inputs)
    n = db.query_value("SELECT count(*) FROM message")
    after = db.query_value("SELECT reltuples FROM pg_class WHERE oid = 'message'::regclass")
    db.close()
    assert before == -1 and n > 0  # never analysed before the ingest
    assert after == n  # ANALYZE ran at the end of the ingest
