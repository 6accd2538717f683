"""The fast path: simulated messages straight into the store, without writing or parsing iJw XML.

Each message of a chunk's ``World`` becomes the rows the ingest would store for its XML (``ingest.loader``
tables and ``COLUMNS``; the field mapping mirrors ``synth.xmlbuild`` as ``ijw.reader`` reads it back), with
BSNs pseudonymised by ``ingest.pseudonym`` under the configured key, exactly as ingest does. A chunk is one
transaction with one ``import_run`` row (kind ``synth``); its ``file_sha256`` is a fingerprint of the options
and the chunk, so running the same command again skips the chunks already loaded (idempotent, resumable).

Differences from XML + ingest, by design: ``message.content_sha256`` is a hash of the message key (there is
no XML to hash), so a fast-path store must not be mixed with an ingest of the same messages; ``client.last_seen``
is the Dagtekening of the client's first JW301 (when its attributes, PC4 included, are complete), which is what
ingest records when the files are read in their folder order; synthetic messages are valid, so nothing is
quarantined.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from jeugdregie.ingest.loader import COLUMNS, ORDER
from jeugdregie.ingest.pseudonym import Pseudonymiser
from jeugdregie.store.database import Database
from jeugdregie.synth.calendar import month_end, month_start
from jeugdregie.synth.chunks import Chunk
from jeugdregie.synth.config import SynthOptions
from jeugdregie.synth.generator import Progress
from jeugdregie.synth.model import Declaration, Message, World
from jeugdregie.synth.xmlbuild import referrer_agb

Rows = dict[str, list[tuple[Any, ...]]]
CONTRACT_COLUMNS = ["municipality", "provider_agb", "product_category", "product_code", "valid_from", "valid_to",
                    "tariff_cents", "unit", "source", "imported_at"]
#: messages that carry the client's identity (Geboortedatum, Geslacht); only JW301 carries the address
IDENTITY = {"JW301", "JW305", "JW307", "JW315"}


def message_key(m: Message) -> str:
    return f"{m.mtype}:{m.afzender}:{m.identificatie}"


def fingerprint(opts: SynthOptions) -> str:
    """What makes a run's records: everything but the output folder and the store."""
    fields = {"scale": opts.scale, "seed": opts.seed, "years": [opts.first_year, opts.last_year],
              "extract_date": opts.extract_date.isoformat(), "knobs": opts.knob_dict(),
              "anomalies": opts.inject_anomalies, "clients": opts.clients_per_year, "chunk": opts.chunk_clients,
              "burn_in": opts.burn_in_years, "exact": opts.exact_knobs}
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()


class RowBuilder:
    """Rows of one chunk, table by table, in the ingest's column order."""

    def __init__(self, pseudonym: Callable[[str], str], run_id: str, known: dict[str, set[tuple[Any, ...]]]) -> None:
        self.ps = pseudonym
        self.run_id = run_id
        self.known = known  # reference rows already in the store (municipality, provider, product)
        self.rows: Rows = {t: [] for t in ORDER}
        self.clients: dict[str, list[Any]] = {}
        self.assigned: set[tuple[str, int, datetime]] = set()
        self.lines = 0

    def ref(self, table: str, key: tuple[Any, ...]) -> None:
        if key not in self.known[table]:
            self.known[table].add(key)
            self.rows[table].append(key)

    def client(self, m: Message) -> str:
        c = m.payload[1].client
        cid = self.ps(c.bsn)
        if m.mtype in IDENTITY:
            pc4 = c.person.pc4 if m.mtype == "JW301" else None
            row = self.clients.get(cid)
            if row is None:
                self.clients[cid] = [cid, c.birth, None, c.gender, pc4, m.dagtekening]
            elif row[4] is None and pc4 is not None:
                row[4], row[5] = pc4, m.dagtekening
        return cid

    def add(self, m: Message) -> int:
        g = m.gemeente
        agb = m.ontvanger if m.afzender == g else m.afzender
        key = message_key(m)
        n = BUILDERS[m.mtype](self, m, key, g, agb)
        self.ref("municipality", (g,))
        self.ref("provider", (agb,))
        self.rows["message"].append((key, m.mtype, m.afzender, m.ontvanger, m.identificatie, m.dagtekening, g, agb,
                                     hashlib.sha256(f"synth:{key}".encode()).hexdigest(), self.run_id, n, 0))
        self.lines += n
        return n

    def finish(self) -> Rows:
        self.rows["client"] = [tuple(r) for r in self.clients.values()]
        return self.rows


def _301(b: RowBuilder, m: Message, key: str, g: str, agb: str) -> int:
    cid = b.client(m)
    _, _, states = m.payload
    for (nummer, ref, cat, code, twdatum, tijd, ingang, eind, reden, omvang, budget) in states:
        at = datetime.combine(twdatum, time.fromisoformat(tijd))
        b.ref("product", (cat, code or ""))
        if (g, nummer, at) in b.assigned:  # a version re-sent in a later 301: the first one stays (ingest)
            continue
        b.assigned.add((g, nummer, at))
        vol, unit, freq = omvang if omvang is not None else (None, None, None)
        b.rows["assignment_version"].append((g, nummer, at, agb, cid, ref, cat, code, ingang, eind, reden, vol, unit,
                                             freq, budget, None, key))
    return len(states)


def _305_307(b: RowBuilder, m: Message, key: str, g: str, agb: str) -> int:
    cid = b.client(m)
    _, _, group = m.payload
    for i, a in enumerate(group):
        base = (key, i, g, agb, cid, a.nummer, a.category, None if a.aspecifiek else a.code, a.ingang, a.start)
        if m.mtype == "JW305":
            b.rows["care_start_event"].append((*base, "1", m.dagtekening))
        else:
            b.rows["care_stop_event"].append((*base, a.stop, a.stop_reason, "1", m.dagtekening))
    return len(group)


def _315(b: RowBuilder, m: Message, key: str, g: str, agb: str) -> int:
    cid = b.client(m)
    _, ep, assignments = m.payload
    kind = ep.referrer or "06"
    for a in assignments:
        code = None if a.aspecifiek else a.code
        b.ref("product", (a.category, code or ""))
        vol, unit, freq = a.omvang if a.omvang is not None else (None, None, None)
        budget = a.versions[0].budget if a.omvang is None else None
        b.rows["request"].append((agb, a.referentie, g, cid, key, m.dagtekening, a.category, code, a.ingang,
                                  a.versions[0].einddatum, vol, unit, freq, budget, kind,
                                  referrer_agb(kind, ep.client), None, None, None))
    return len(assignments)


def _317(b: RowBuilder, m: Message, key: str, g: str, agb: str) -> int:
    cid = b.client(m)
    _, _, ref, unchanged, code, wanted, omvang, eind = m.payload
    b.rows["change_request"].append((agb, ref, g, cid, key, m.dagtekening, "2"))
    lines = b.rows["change_request_line"]
    for i, nummer in enumerate(unchanged):
        lines.append((agb, ref, i, "unchanged", nummer, None, None, None, None, None, None, None, None))
    lines.append((agb, ref, len(unchanged), "new", None, code[:2], code, wanted, eind, *omvang, None))
    return len(unchanged) + 1


def _323(b: RowBuilder, m: Message, key: str, g: str, agb: str) -> int:
    d: Declaration = m.payload
    b.rows["declaration"].append((agb, d.nummer, key, d.identificatie, g, month_start(d.period),
                                  month_end(d.period), d.dagtekening, d.total))
    rows = b.rows["declaration_line"]
    for ln in d.lines:
        b.ref("product", (ln.category, ln.code))
        rows.append((agb, ln.ref, ln.vorig, d.nummer, key, g, b.ps(ln.client.bsn), ln.nummer, ln.category, ln.code,
                     ln.begin, ln.end, date(ln.begin.year, ln.begin.month, 1), ln.volume, ln.eenheid, ln.tariff,
                     ln.amount, ln.dc, ln.signed, ln.signed_volume, d.dagtekening))
    return len(d.lines)


def _325(b: RowBuilder, m: Message, key: str, g: str, agb: str) -> int:
    d: Declaration = m.payload
    total = d.total
    rejected = [] if d.whole_rejected else [ln for ln in d.lines if ln.rejected]
    if d.whole_rejected:
        answer, granted, outcome = d.whole_rejected, 0, "rejected"
    elif rejected:
        answer, granted, outcome = "0200", total - sum(ln.signed for ln in rejected), "partial"
    else:
        answer, granted, outcome = "8001", total, "granted"
    b.rows["declaration_response"].append((key, agb, g, d.identificatie, d.nummer, m.dagtekening, "0200", answer,
                                           total, granted, outcome))
    for ln in rejected:
        b.rows["declaration_response_line"].append((key, agb, ln.ref, ln.rejected))
    return len(rejected)


BUILDERS: dict[str, Callable[[RowBuilder, Message, str, str, str], int]] = {
    "JW301": _301, "JW305": _305_307, "JW307": _305_307, "JW315": _315, "JW317": _317, "JW323": _323, "JW325": _325,
}


class StoreSink:
    """Writes each chunk's world into the store in one transaction (``chunks.Sink``)."""

    def __init__(self, db: Database, key: bytes, opts: SynthOptions, user: str = "synth") -> None:
        self.db = db
        self.key = key
        self.opts = opts
        self.user = user
        self.batch_id = uuid.uuid4().hex
        self.fingerprint = fingerprint(opts)
        q = db.query
        self.done = {r["file_sha256"] for r in q("SELECT file_sha256 FROM import_run WHERE status = 'loaded'")}
        self.known: dict[str, set[tuple[Any, ...]]] = {
            "municipality": {(r["code"],) for r in q("SELECT code FROM municipality")},
            "provider": {(r["agb"],) for r in q("SELECT agb FROM provider")},
            "product": {(r["category"], r["code"]) for r in q("SELECT category, code FROM product")},
        }
        self.fresh = not db.query_value("SELECT count(*) FROM message")
        self.counts: Counter[str] = Counter()
        self.pending: list[tuple[Any, ...]] = []  # contract rows of the chunk being written

    @classmethod
    def open(cls, opts: SynthOptions) -> StoreSink:
        from jeugdregie.settings import get_settings
        from jeugdregie.store.database import connect

        settings = get_settings()
        assert opts.db is not None
        return cls(connect(opts.db), settings.key_bytes(), opts, settings.user)

    def chunk_sha(self, chunk: Chunk) -> str:
        return hashlib.sha256(f"{self.fingerprint}:{chunk.index}".encode()).hexdigest()

    def write(self, chunk: Chunk, world: World, progress: Progress | None = None) -> dict[str, int]:
        written = dict(Counter(m.mtype for m in world.messages))
        sha = self.chunk_sha(chunk)
        if sha in self.done:
            self.pending = []
            return written  # loaded by an earlier run of the same command
        if not self.fresh and not self.done & {self.chunk_sha(Chunk(0, (), 0.0))}:
            raise ValueError("de database bevat al berichten van iets anders; schrijf de synthetische records in "
                             "een lege database (--db)")
        started = datetime.now()
        run_id = uuid.uuid4().hex
        b = RowBuilder(Pseudonymiser(self.key), run_id, self.known)
        for m in sorted(world.messages, key=lambda m: (m.dagtekening, m.mtype, m.identificatie)):
            b.add(m)
        rows = b.finish()
        n = len(world.messages)
        rows["import_run"].append((run_id, self.batch_id, f"synth:{self.opts.scale}:{self.opts.seed}#{chunk.index}",
                                   sha, "synth", self.user, started, datetime.now(), "loaded", n, n, 0, 0, b.lines,
                                   b.lines, 0, None))
        with self.db.transaction():
            for table in ORDER:
                self.db.insert_rows(table, COLUMNS[table], rows[table])
            self.db.insert_rows("contract", CONTRACT_COLUMNS, self.pending)
        self.pending = []
        self.done.add(sha)
        self.counts.update(written)
        if progress:
            progress("opslaan", n, None)
        return written

    def contracts(self, chunk: Chunk, rows: list[list[str]]) -> None:
        """The chunk's contract list (table ``contract`` as ``ingest.contracts`` fills it from contracts.csv),
        stored in the same transaction as the chunk's messages by the next ``write``."""
        now = datetime.now()
        source = f"synth:{self.opts.scale}:{self.opts.seed}#{chunk.index}"
        self.pending = [(g, agb, cat, code, date.fromisoformat(start), date.fromisoformat(end), int(t) if t else None,
                         unit, source, now) for g, agb, cat, code, start, end, t, unit in rows]

    def finish(self, out: Path) -> None:
        """Population of the run, the synthetic mark, fresh statistics (PostgreSQL)."""
        from jeugdregie.analysis.reach import import_population
        from jeugdregie.store.meta import set_meta

        set_meta(self.db, "synthetic", "true")
        import_population(self.db, out / "population.csv", source="synthetisch")
        if self.db.engine == "postgres":
            self.db.execute("ANALYZE")
        self.db.close()
