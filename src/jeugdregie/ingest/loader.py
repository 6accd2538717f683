"""The ingest pipeline: sources -> reader -> validation against the store -> atomic, idempotent load.

Guarantees (tested in ``ingest/tests``):
- **Idempotent**: a file whose SHA-256 was loaded before is skipped; a message whose key (type, sender,
  Identificatie) is present with the same content is skipped as a duplicate.
- **Atomic per file**: a file's rows are written in one transaction with its import_run row; a failure leaves
  nothing of that file (files are committed in chunks for speed; a failing chunk is retried file by file).
- **Nothing lost**: every message and line either lands in its table or in ``quarantine`` with file, message
  id, element path and a Dutch and English reason: ``in = stored + quarantined (+ duplicates)``.
- **Privacy**: BSNs become HMAC pseudonyms here; they are never written anywhere.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jeugdregie.ijw.reader import Header, Message, read_message
from jeugdregie.ijw.rules import Finding
from jeugdregie.ijw.xsd import XsdValidator
from jeugdregie.ingest.pseudonym import Pseudonymiser
from jeugdregie.ingest.sources import Source, iter_sources
from jeugdregie.store.database import Database

COLUMNS: dict[str, list[str]] = {
    "message": ["message_key", "message_type", "sender", "receiver", "identificatie", "dagtekening",
                "municipality", "provider_agb", "content_sha256", "run_id", "lines_stored", "lines_quarantined"],
    "municipality": ["code"],
    "provider": ["agb"],
    "product": ["category", "code"],
    "request": ["provider_agb", "referentie_aanbieder", "municipality", "client_id", "message_key",
                "request_date", "product_category", "product_code", "requested_start", "requested_end", "volume",
                "unit", "frequency", "budget_cents", "referrer_type", "referrer_agb", "beschikking_nummer",
                "beschikking_start", "raamcontract"],
    "assignment_version": ["municipality", "toewijzing_nummer", "assigned_at", "provider_agb", "client_id",
                           "referentie_aanbieder", "product_category", "product_code", "start_date", "end_date",
                           "reason_change", "volume", "unit", "frequency", "budget_cents", "juridische_status",
                           "message_key"],
    "care_start_event": ["message_key", "seq", "municipality", "provider_agb", "client_id", "toewijzing_nummer",
                         "product_category", "product_code", "toewijzing_start", "start_date", "status",
                         "message_date"],
    "care_stop_event": ["message_key", "seq", "municipality", "provider_agb", "client_id", "toewijzing_nummer",
                        "product_category", "product_code", "toewijzing_start", "start_date", "end_date",
                        "end_reason", "status", "message_date"],
    "change_request": ["provider_agb", "referentie_aanbieder", "municipality", "client_id", "message_key",
                       "request_date", "reason"],
    "change_request_line": ["provider_agb", "referentie_aanbieder", "seq", "kind", "toewijzing_nummer",
                            "product_category", "product_code", "desired_start", "end_date", "volume", "unit",
                            "frequency", "budget_cents"],
    "declaration": ["provider_agb", "declaratie_nummer", "message_key", "message_id", "municipality",
                    "period_start", "period_end", "declaration_date", "total_signed_cents"],
    "declaration_line": ["provider_agb", "referentie_nummer", "vorig_referentie_nummer", "declaratie_nummer",
                         "message_key", "municipality", "client_id", "toewijzing_nummer", "product_category",
                         "product_code", "period_start", "period_end", "service_month", "volume", "unit",
                         "tariff_cents", "amount_cents", "debit_credit", "signed_amount_cents", "signed_volume",
                         "declaration_date"],
    "declaration_response": ["message_key", "provider_agb", "municipality", "declaration_message_id",
                             "declaratie_nummer", "response_date", "header_codes", "answer_codes",
                             "total_submitted_signed_cents", "total_granted_signed_cents", "outcome"],
    "declaration_response_line": ["message_key", "provider_agb", "referentie_nummer", "codes"],
    "quarantine": ["quarantine_id", "run_id", "source", "message_type", "message_id", "element_path", "rule",
                   "reason_nl", "reason_en", "level", "municipality", "provider_agb", "signed_amount_cents",
                   "created_at", "item_ref", "client_id"],
    "import_run": ["run_id", "batch_id", "source", "file_sha256", "kind", "user_name", "started_at",
                   "finished_at", "status", "messages_in", "messages_stored", "messages_quarantined",
                   "messages_duplicate", "lines_in", "lines_stored", "lines_quarantined", "error"],
    "client": ["client_id", "birth_date", "birth_date_usage", "gender", "pc4", "last_seen"],
}
#: insertion order (reference data first); tables where repeats are expected ignore conflicts
ORDER = ["municipality", "provider", "product", "client", "message", "request", "assignment_version",
         "care_start_event", "care_stop_event", "change_request", "change_request_line", "declaration",
         "declaration_line", "declaration_response", "declaration_response_line", "quarantine", "import_run"]
IGNORE_CONFLICTS = {"municipality", "provider", "product", "assignment_version"}

UNKNOWN_DATE = date(1900, 1, 1)
_BETWEEN_TAGS = re.compile(rb">\s+<")


def content_hash(data: bytes) -> str:
    """Hash of a message's content, insensitive to whitespace between elements and line endings, so the
    same message re-sent in another file or archive is recognised as a duplicate (not a TR056 conflict)."""
    body = data.strip()
    if body.startswith(b"\xef\xbb\xbf"):
        body = body[3:]
    return hashlib.sha256(_BETWEEN_TAGS.sub(b"><", body)).hexdigest()


def merge_client(current: tuple[Any, ...] | None, new: tuple[Any, ...]) -> tuple[Any, ...]:
    """Client row ``(client_id, birth_date, birth_date_usage, gender, pc4, last_seen)`` after a message seen
    later than ``current``: an attribute the message does not carry (e.g. no address, so no PC4) keeps its
    last known value; one it does carry replaces it (a move changes the PC4)."""
    if current is None:
        return new
    attrs = tuple(old if value is None else value for value, old in zip(new[1:-1], current[1:-1], strict=True))
    if attrs == tuple(current[1:-1]):
        return current  # nothing changed: nothing to write (last_seen dates the attributes, not the client)
    return (new[0], *attrs, new[-1])


@dataclass
class FileResult:
    source: Source
    sha256: str
    status: str = "loaded"  # loaded | duplicate_file | failed
    rows: dict[str, list[tuple[Any, ...]]] = field(default_factory=dict)
    clients: dict[str, tuple[Any, ...]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    error: str | None = None

    def add(self, table: str, row: tuple[Any, ...]) -> None:
        self.rows.setdefault(table, []).append(row)


@dataclass
class IngestSummary:
    files: int = 0
    files_skipped: int = 0
    files_failed: int = 0
    counts: Counter[str] = field(default_factory=Counter)
    by_type: Counter[str] = field(default_factory=Counter)
    reasons: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[str, str]] = field(default_factory=list)

    def merge(self, r: FileResult) -> None:
        if r.status == "duplicate_file":
            self.files_skipped += 1
            return
        self.files += 1
        if r.status == "failed":
            self.files_failed += 1
            self.failures.append((r.source.name, r.error or ""))
            return
        self.counts.update(r.counts)
        self.by_type.update(r.by_type)
        self.reasons.update(r.reasons)

    @property
    def quarantined(self) -> int:
        return self.counts["messages_quarantined"] + self.counts["lines_quarantined"]


@dataclass
class ParsedFile:
    """One input file after reading and parsing, before it is checked against the store."""

    source: Source
    sha256: str
    started: datetime
    messages: list[tuple[Message, str]] = field(default_factory=list)  # (message, content key)
    error: str | None = None

    @property
    def size(self) -> int:
        return 1 + sum(len(m.items) for m, _ in self.messages)


#: store lookups per chunk: kind -> SQL selecting the stored keys among the chunk's keys in ``_ingest_keys``
_LOOKUPS: dict[str, str] = {
    "file": "SELECT DISTINCT t.file_sha256 FROM import_run t JOIN _ingest_keys k ON k.kind = 'file' "
            "AND t.file_sha256 = k.k1 WHERE t.status = 'loaded'",
    "message": "SELECT t.message_key, t.content_sha256 FROM message t JOIN _ingest_keys k ON k.kind = 'message' "
               "AND t.message_key = k.k1",
    "ref": "SELECT t.provider_agb, t.referentie_nummer FROM declaration_line t JOIN _ingest_keys k "
           "ON k.kind = 'ref' AND t.provider_agb = k.k1 AND t.referentie_nummer = k.k2",
    "decl": "SELECT t.provider_agb, t.declaratie_nummer FROM declaration t JOIN _ingest_keys k "
            "ON k.kind = 'decl' AND t.provider_agb = k.k1 AND t.declaratie_nummer = k.k2",
    "request": "SELECT t.provider_agb, t.referentie_aanbieder FROM request t JOIN _ingest_keys k "
               "ON k.kind = 'request' AND t.provider_agb = k.k1 AND t.referentie_aanbieder = k.k2",
    "change": "SELECT t.provider_agb, t.referentie_aanbieder FROM change_request t JOIN _ingest_keys k "
              "ON k.kind = 'change' AND t.provider_agb = k.k1 AND t.referentie_aanbieder = k.k2",
    "client": "SELECT t.client_id, t.birth_date, t.birth_date_usage, t.gender, t.pc4, t.last_seen FROM client t "
              "JOIN _ingest_keys k ON k.kind = 'client' AND t.client_id = k.k1",
}


class Ingester:
    """Loads iJw files (and CSV/Excel exports) into a store. One instance per ``ingest`` command.

    Files are handled in chunks (at most ``chunk_files`` files or about ``chunk_rows`` rows): a chunk is read
    and parsed, the keys it uses (file checksums, message keys, DeclaratieNummers, ReferentieNummers, request
    references, clients) are looked up in the store in one query per kind, the files are checked and turned
    into rows in input order, and the chunk is written. Only the current chunk's keys are held in memory, so
    memory does not grow with the size of the store or of the input.
    """

    def __init__(self, db: Database, key: bytes, user: str = "onbekend", xsd_dir: Path | None = None,
                 today: date | None = None, chunk_files: int = 2000, chunk_rows: int = 50_000) -> None:
        self.db = db
        self.pseudonym = Pseudonymiser(key)
        self.user = user
        self.xsd = XsdValidator(xsd_dir) if xsd_dir else None
        self.today = today or date.today()
        self.chunk_files = chunk_files
        self.chunk_rows = chunk_rows
        self.batch_id = uuid.uuid4().hex
        q = self.db.query
        # reference data is small (municipalities, providers, products) and kept for the whole run
        self.known_ref_data: dict[str, set[tuple[Any, ...]]] = {
            "municipality": {(r["code"],) for r in q("SELECT code FROM municipality")},
            "provider": {(r["agb"],) for r in q("SELECT agb FROM provider")},
            "product": {(r["category"], r["code"]) for r in q("SELECT category, code FROM product")},
        }
        self._reset_known()

    # -- state of the store needed for cross-message checks, for the current chunk only -------------
    def _reset_known(self) -> None:
        """Forget the chunk's keys: the next chunk looks its own keys up in the store."""
        self.known_files: set[str] = set()
        self.known_messages: dict[str, str] = {}  # message key -> content hash
        self.known_refs: set[tuple[Any, ...]] = set()  # (AGB, ReferentieNummer) of declaration lines
        self.known_decl: set[tuple[Any, ...]] = set()  # (AGB, DeclaratieNummer)
        self.known_requests: set[tuple[Any, ...]] = set()  # (AGB, ReferentieAanbieder) of requests
        self.known_changes: set[tuple[Any, ...]] = set()  # (AGB, ReferentieAanbieder) of change requests
        # current attributes per client (last_seen = date of the message they were taken from)
        self.client_state: dict[str, tuple[Any, ...]] = {}

    def _prefetch(self, files: list[ParsedFile]) -> None:
        """Look up in the store which of these files' keys exist already (one query per kind of key)."""
        keys: set[tuple[str, str, str | None]] = set()
        for p in files:
            keys.add(("file", p.sha256, None))
            for msg, _ in p.messages:
                h = msg.header
                if msg.client and msg.client.get("bsn"):
                    keys.add(("client", self.pseudonym(msg.client["bsn"]), None))
                for it in msg.items:
                    if it.get("bsn"):
                        keys.add(("client", self.pseudonym(it["bsn"]), None))
                if h is None:
                    continue
                keys.add(("message", f"{msg.message_type}:{h.sender}:{h.identificatie}", None))
                agb = h.provider_agb
                if msg.message_type == "JW323":
                    keys.add(("decl", agb, msg.fields.get("declaratie_nummer")))
                    keys.update(("ref", agb, it["referentie_nummer"]) for it in msg.items)
                elif msg.message_type == "JW315":
                    keys.update(("request", agb, it["referentie_aanbieder"]) for it in msg.items)
                elif msg.message_type == "JW317":
                    keys.add(("change", agb, msg.fields.get("referentie_aanbieder")))
        rows = [k for k in keys if k[1] is not None and (k[0] in {"file", "message", "client"} or k[2] is not None)]
        with self.db.rows_as_table("_ingest_keys", ["kind", "k1", "k2"], rows):
            self._lookup()

    def _lookup(self) -> None:
        q = self.db.query
        self.known_files.update(r["file_sha256"] for r in q(_LOOKUPS["file"]))
        self.known_messages.update((r["message_key"], r["content_sha256"]) for r in q(_LOOKUPS["message"]))
        self.known_refs.update((r["provider_agb"], r["referentie_nummer"]) for r in q(_LOOKUPS["ref"]))
        self.known_decl.update((r["provider_agb"], r["declaratie_nummer"]) for r in q(_LOOKUPS["decl"]))
        self.known_requests.update((r["provider_agb"], r["referentie_aanbieder"]) for r in q(_LOOKUPS["request"]))
        self.known_changes.update((r["provider_agb"], r["referentie_aanbieder"]) for r in q(_LOOKUPS["change"]))
        for r in q(_LOOKUPS["client"]):
            cid = r["client_id"]
            if cid not in self.client_state:
                self.client_state[cid] = (cid, r["birth_date"], r["birth_date_usage"], r["gender"], r["pc4"],
                                          r["last_seen"])

    # -- public API -------------------------------------------------------------------------------
    def run(self, paths: Iterable[Path], on_file: Callable[[Source, FileResult], None] | None = None,
            sources: Iterable[Source] | None = None) -> IngestSummary:
        summary = IngestSummary()
        chunk: list[ParsedFile] = []
        chunk_rows = 0  # bounded buffer: a chunk ends after chunk_files files or chunk_rows rows
        for src in sources if sources is not None else iter_sources(list(paths)):
            parsed = self.parse(src)
            chunk.append(parsed)
            chunk_rows += parsed.size
            if len(chunk) >= self.chunk_files or chunk_rows >= self.chunk_rows:
                self._run_chunk(chunk, summary, on_file)
                chunk = []
                chunk_rows = 0
        self._run_chunk(chunk, summary, on_file)
        if self.db.engine == "postgres" and summary.files > summary.files_failed:
            self.db.execute("ANALYZE")  # fresh planner statistics: analyses join large, just-loaded tables
        return summary

    def _run_chunk(self, chunk: list[ParsedFile], summary: IngestSummary,
                   on_file: Callable[[Source, FileResult], None] | None) -> None:
        if not chunk:
            return
        self._prefetch(chunk)
        pending: list[FileResult] = []
        for parsed in chunk:
            result = self.check(parsed)
            if result.status == "loaded":
                pending.append(result)
            else:
                summary.merge(result)
            if on_file:
                on_file(parsed.source, result)
        self._flush(pending, summary)
        self._reset_known()

    # -- one file -----------------------------------------------------------------------------------
    def process(self, src: Source) -> FileResult:
        """Parse and check one file on its own (its rows are returned, not written)."""
        parsed = self.parse(src)
        self._prefetch([parsed])
        return self.check(parsed)

    def parse(self, src: Source) -> ParsedFile:
        """Read and parse one file; nothing is compared with the store yet."""
        started = datetime.now()
        try:
            data = src.read()
        except (OSError, ValueError) as exc:
            return ParsedFile(src, "", started, error=str(exc))
        p = ParsedFile(src, hashlib.sha256(data).hexdigest(), started)
        if src.kind == "xml":
            msg = read_message(data, src.name, today=self.today)
            if self.xsd and msg.message_type and not any(f.rule in {"XML", "TYPE", "STRUCT"} and f.line is None
                                                          for f in msg.findings):
                from jeugdregie.ijw.safexml import parse_bytes

                msg.findings.extend(self.xsd.validate(msg.message_type, parse_bytes(data)))
            p.messages.append((msg, content_hash(data)))
        else:
            from jeugdregie.ingest.tabular import read_tabular

            p.messages = read_tabular(src, p.sha256, data)
        return p

    def check(self, p: ParsedFile) -> FileResult:
        """Check a parsed file against the store (and the files before it) and turn it into rows."""
        if p.error is not None:
            return FileResult(p.source, "", status="failed", error=p.error)
        r = FileResult(p.source, p.sha256)
        if p.sha256 in self.known_files:
            r.status = "duplicate_file"
            return r
        run_id = uuid.uuid4().hex
        for msg, content_key in p.messages:
            self.store_message(r, run_id, msg, content_key)
        src = p.source
        r.add("import_run", (run_id, self.batch_id, src.name, p.sha256, src.kind, self.user, p.started,
                             datetime.now(), "loaded", r.counts["messages_in"], r.counts["messages_stored"],
                             r.counts["messages_quarantined"], r.counts["messages_duplicate"], r.counts["lines_in"],
                             r.counts["lines_stored"], r.counts["lines_quarantined"], None))
        self.known_files.add(p.sha256)
        return r

    def quarantine(self, r: FileResult, run_id: str, msg: Message, findings: list[Finding], level: str,
                   path: str, amount: int | None = None, item: dict[str, Any] | None = None) -> None:
        h = msg.header
        first = findings[0]
        item_ref = client = None
        if item is not None:
            ref = item.get("referentie_nummer") or item.get("toewijzing_nummer") or item.get("referentie_aanbieder")
            item_ref = None if ref is None else str(ref)
            bsn = item.get("bsn") or (msg.client or {}).get("bsn")
            client = self.pseudonym(bsn) if bsn else None
        r.add("quarantine", (
            uuid.uuid4().hex, run_id, r.source.name, msg.message_type, h.identificatie if h else None, path,
            first.rule, "; ".join(dict.fromkeys(f.reason_nl for f in findings)),
            "; ".join(dict.fromkeys(f.reason_en for f in findings)), level,
            h.municipality if h else None, h.provider_agb if h else None, amount, datetime.now(), item_ref, client))
        r.reasons[first.title] += 1

    def store_message(self, r: FileResult, run_id: str, msg: Message, content_sha: str) -> None:
        """Turn a parsed (and validated) message into rows or quarantine entries."""
        r.counts["messages_in"] += 1
        n_items = len(msg.items)
        r.counts["lines_in"] += n_items
        h = msg.header
        findings = list(msg.message_findings)
        key = f"{msg.message_type}:{h.sender}:{h.identificatie}" if h else None
        if h is not None and key is not None and not findings:
            if key in self.known_messages:
                if self.known_messages[key] == content_sha:
                    r.counts["messages_duplicate"] += 1
                    r.counts["lines_in"] -= n_items
                    return
                findings.append(Finding("TR056", "/Bericht/Header/BerichtIdentificatie",
                                        f"{h.identificatie} bestaat al met andere inhoud",
                                        f"{h.identificatie} exists with different content"))
            if msg.message_type == "JW323" and (h.provider_agb, msg.fields.get("declaratie_nummer")) in self.known_decl:
                findings.append(Finding("TR333", "/Bericht/Declaratie/DeclaratieNummer",
                                        str(msg.fields.get("declaratie_nummer")), str(msg.fields.get("declaratie_nummer"))))
        if h is None or findings or key is None:
            amount = None
            if msg.message_type == "JW323":
                amount = sum(-(i["amount_cents"] or 0) if i.get("debit_credit") == "C" else (i["amount_cents"] or 0)
                             for i in msg.items)
            self.quarantine(r, run_id, msg, findings or [Finding("STRUCT", "/Bericht/Header")], "message",
                            findings[0].path if findings else "/Bericht", amount)
            r.counts["messages_quarantined"] += 1
            r.counts["lines_quarantined"] += n_items
            r.by_type[f"{msg.message_type or 'onbekend'}:quarantined"] += 1
            return
        self.known_messages[key] = content_sha
        stored_lines = _STORERS[msg.message_type](self, r, run_id, msg, key)
        r.counts["messages_stored"] += 1
        r.counts["lines_stored"] += stored_lines
        r.counts["lines_quarantined"] += n_items - stored_lines
        r.by_type[msg.message_type or ""] += 1
        self._ref(r, "municipality", (h.municipality,))
        self._ref(r, "provider", (h.provider_agb,))
        r.add("message", (key, msg.message_type, h.sender, h.receiver, h.identificatie, h.dagtekening,
                          h.municipality, h.provider_agb, content_sha, run_id, stored_lines, n_items - stored_lines))

    # -- helpers for the per-type storers --------------------------------------------------------
    def _ref(self, r: FileResult, table: str, key: tuple[Any, ...]) -> None:
        if key not in self.known_ref_data[table]:
            self.known_ref_data[table].add(key)
            r.add(table, key)

    def client_id(self, r: FileResult, msg: Message, bsn: str, info: dict[str, Any] | None) -> str:
        cid = self.pseudonym(bsn)
        assert msg.header is not None
        seen = msg.header.dagtekening if info else UNKNOWN_DATE
        current = r.clients.get(cid) or self.client_state.get(cid)
        if current is None or (seen > current[-1] and info is not None):
            i = info or {}
            row = merge_client(current, (cid, i.get("birth_date"), i.get("birth_date_usage"), i.get("gender"),
                                         i.get("pc4"), seen))
            if row != current:  # only a change of attributes is written
                r.clients[cid] = row
        return cid

    def single_client(self, r: FileResult, msg: Message) -> tuple[Header, str]:
        """Header and client pseudonym of a one-client message (301/305/307/315/317). A missing or invalid
        BSN is a message-level finding, so such messages never reach the storers."""
        assert msg.header is not None and msg.client is not None and msg.client.get("bsn")
        return msg.header, self.client_id(r, msg, msg.client["bsn"], msg.client)

    def line_ok(self, r: FileResult, run_id: str, msg: Message, i: int, extra: list[Finding] | None = None,
                amount: int | None = None) -> bool:
        fs = msg.line_findings(i) + (extra or [])
        if fs:
            self.quarantine(r, run_id, msg, fs, "line", msg.items[i].get("_path", ""), amount, item=msg.items[i])
            return False
        return True

    # -- flushing -----------------------------------------------------------------------------------
    def _flush(self, results: list[FileResult], summary: IngestSummary) -> None:
        if not results:
            return
        try:
            with self.db.transaction():
                self._write(results)
        except Exception:  # noqa: BLE001 - retry file by file so one bad file cannot sink the chunk
            for r in results:
                try:
                    with self.db.transaction():
                        self._write([r])
                except Exception as exc:  # noqa: BLE001
                    r.status = "failed"
                    r.error = f"{type(exc).__name__}: {exc}"
                    self.known_files.discard(r.sha256)
                    self._record_failure(r)
                summary.merge(r)
            return
        for r in results:
            summary.merge(r)

    def _write(self, results: list[FileResult]) -> None:
        clients: dict[str, tuple[Any, ...]] = {}
        for row in sorted((row for r in results for row in r.clients.values()), key=lambda x: x[-1]):
            cid = row[0]
            clients[cid] = merge_client(clients.get(cid) or self.client_state.get(cid), row)
        new = [row for cid, row in clients.items() if cid not in self.client_state]
        upd = [row for cid, row in clients.items() if cid in self.client_state and row[-1] > self.client_state[cid][-1]]
        self.db.insert_rows("client", COLUMNS["client"], new)
        for row in upd:  # rare: attributes (e.g. PC4 after a move) changed
            self.db.execute("UPDATE client SET birth_date = ?, birth_date_usage = ?, gender = ?, pc4 = ?, "
                            "last_seen = ? WHERE client_id = ?", [*row[1:], row[0]])
        for table in ORDER:
            if table == "client":
                continue
            rows = [row for r in results for row in r.rows.get(table, [])]
            self.db.insert_rows(table, COLUMNS[table], rows, on_conflict_ignore=table in IGNORE_CONFLICTS)
        for cid, row in clients.items():
            if cid not in self.client_state or row[-1] > self.client_state[cid][-1]:
                self.client_state[cid] = row

    def _record_failure(self, r: FileResult) -> None:
        now = datetime.now()
        with self.db.transaction():
            self.db.insert_rows("import_run", COLUMNS["import_run"], [(
                uuid.uuid4().hex, self.batch_id, r.source.name, r.sha256, r.source.kind, self.user, now, now,
                "failed", 0, 0, 0, 0, 0, 0, 0, r.error)])


# -- per message type ---------------------------------------------------------------------------------

def _store_301(ing: Ingester, r: FileResult, run_id: str, msg: Message, key: str) -> int:
    h, cid = ing.single_client(r, msg)
    n = 0
    for i, it in enumerate(msg.items):
        if not ing.line_ok(r, run_id, msg, i):
            continue
        if it["product_category"]:
            ing._ref(r, "product", (it["product_category"], it["product_code"] or ""))
        r.add("assignment_version", (
            h.municipality, it["toewijzing_nummer"], it["assigned_at"], h.provider_agb, cid,
            it["referentie_aanbieder"], it["product_category"], it["product_code"], it["start_date"],
            it["end_date"], it["reason_change"], it["volume"], it["unit"], it["frequency"], it["budget_cents"],
            (msg.client or {}).get("juridische_status"), key))
        n += 1
    return n


def _store_start_stop(ing: Ingester, r: FileResult, run_id: str, msg: Message, key: str) -> int:
    h, cid = ing.single_client(r, msg)
    n = 0
    for i, it in enumerate(msg.items):
        if not ing.line_ok(r, run_id, msg, i):
            continue
        base = (key, i, h.municipality, h.provider_agb, cid, it["toewijzing_nummer"], it["product_category"],
                it["product_code"], it["toewijzing_start"], it["start_date"])
        if msg.message_type == "JW305":
            r.add("care_start_event", (*base, it["status"], h.dagtekening))
        else:
            r.add("care_stop_event", (*base, it["end_date"], it["end_reason"], it["status"], h.dagtekening))
        n += 1
    return n


def _store_315(ing: Ingester, r: FileResult, run_id: str, msg: Message, key: str) -> int:
    h, cid = ing.single_client(r, msg)
    n = 0
    for i, it in enumerate(msg.items):
        k = (h.provider_agb, it["referentie_aanbieder"])
        extra = [Finding("TR347", f"{it['_path']}/ReferentieAanbieder")] if k in ing.known_requests else []
        if not ing.line_ok(r, run_id, msg, i, extra):
            continue
        ing.known_requests.add(k)
        if it["product_category"]:
            ing._ref(r, "product", (it["product_category"], it["product_code"] or ""))
        r.add("request", (h.provider_agb, it["referentie_aanbieder"], h.municipality, cid, key, h.dagtekening,
                          it["product_category"], it["product_code"], it["requested_start"], it["requested_end"],
                          it["volume"], it["unit"], it["frequency"], it["budget_cents"], it["referrer_type"],
                          it["referrer_agb"], it["beschikking_nummer"], it["beschikking_start"], it["raamcontract"]))
        n += 1
    return n


def _store_317(ing: Ingester, r: FileResult, run_id: str, msg: Message, key: str) -> int:
    h, cid = ing.single_client(r, msg)
    ref = msg.fields.get("referentie_aanbieder")
    k = (h.provider_agb, ref)
    if k in ing.known_changes:
        for i in range(len(msg.items)):
            ing.line_ok(r, run_id, msg, i, [Finding("TR347", "/Bericht/Client/Verzoek/ReferentieAanbieder")])
        return 0
    ing.known_changes.add(k)
    r.add("change_request", (h.provider_agb, ref, h.municipality, cid, key, h.dagtekening, msg.fields.get("reason")))
    n = 0
    for i, it in enumerate(msg.items):
        if not ing.line_ok(r, run_id, msg, i):
            continue
        r.add("change_request_line", (h.provider_agb, ref, i, it["kind"], it["toewijzing_nummer"],
                                      it["product_category"], it["product_code"], it["desired_start"],
                                      it["end_date"], it["volume"], it["unit"], it["frequency"], it["budget_cents"]))
        n += 1
    return n


def _store_323(ing: Ingester, r: FileResult, run_id: str, msg: Message, key: str) -> int:
    h = msg.header
    f = msg.fields
    assert h is not None
    ing.known_decl.add((h.provider_agb, f["declaratie_nummer"]))
    r.add("declaration", (h.provider_agb, f["declaratie_nummer"], key, h.identificatie, h.municipality,
                          f["period_start"], f["period_end"], f["declaration_date"], f["total_signed_cents"]))
    n = 0
    for i, it in enumerate(msg.items):
        amount = it["amount_cents"] or 0
        signed = -amount if it["debit_credit"] == "C" else amount
        k = (h.provider_agb, it["referentie_nummer"])
        extra = []
        if k in ing.known_refs and not msg.line_findings(i):
            extra.append(Finding("TR314", f"{it['_path']}/ProductReferentie",
                                 f"{it['referentie_nummer']} is eerder aangeleverd",
                                 f"{it['referentie_nummer']} was submitted before"))
        if not ing.line_ok(r, run_id, msg, i, extra, amount=signed):
            continue
        ing.known_refs.add(k)
        cid = ing.client_id(r, msg, it["bsn"], None)
        ing._ref(r, "product", (it["product_category"], it["product_code"]))
        ps = it["period_start"]
        vol = it["volume"]
        r.add("declaration_line", (
            h.provider_agb, it["referentie_nummer"], it["vorig_referentie_nummer"], f["declaratie_nummer"], key,
            h.municipality, cid, it["toewijzing_nummer"], it["product_category"], it["product_code"], ps,
            it["period_end"], date(ps.year, ps.month, 1), vol, it["unit"], it["tariff_cents"], amount,
            it["debit_credit"], signed, -vol if it["debit_credit"] == "C" else vol, f["declaration_date"]))
        n += 1
    return n


def _store_325(ing: Ingester, r: FileResult, run_id: str, msg: Message, key: str) -> int:
    h = msg.header
    f = msg.fields
    assert h is not None
    r.add("declaration_response", (
        key, h.provider_agb, h.municipality, f["declaration_message_id"], f.get("declaratie_nummer"), h.dagtekening,
        ",".join(f["header_codes"]), ",".join(f.get("answer_codes") or []), f.get("total_submitted_signed_cents"),
        f.get("total_granted_signed_cents"), f["outcome"]))
    n = 0
    seen: set[str] = set()
    for i, it in enumerate(msg.items):
        if not ing.line_ok(r, run_id, msg, i) or it["referentie_nummer"] in seen:
            continue
        seen.add(it["referentie_nummer"])
        r.add("declaration_response_line", (key, h.provider_agb, it["referentie_nummer"], ",".join(it["codes"])))
        n += 1
    return n


_STORERS: dict[str | None, Callable[[Ingester, FileResult, str, Message, str], int]] = {
    "JW301": _store_301, "JW305": _store_start_stop, "JW307": _store_start_stop, "JW315": _store_315,
    "JW317": _store_317, "JW323": _store_323, "JW325": _store_325,
}
