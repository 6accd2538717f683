"""In-memory objects of the simulated region: clients, episodes (trajectories), assignments, prestaties,
declarations and the message specifications that the XML writer turns into iJw 3.2 messages."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jeugdregie.synth.identity import Person


@dataclass(slots=True)
class Client:
    idx: int
    ref: str  # client_ref used in ground truth (C0000001), never the BSN
    bsn: str
    birth: date
    gender: str  # COD046: 1 man, 2 vrouw
    person: Person
    gemeente: str
    residence: str | None = None  # municipality of the PC4 when it is not the paying gemeente (moved)


@dataclass(slots=True)
class Version:
    """One version of a toewijzing as sent in a 301 (IV013: the latest Toewijzingsdatum/-tijd wins)."""

    toewijzingsdatum: date
    tijd: str
    einddatum: date
    reden: str | None  # JZ002 RedenWijziging
    budget: int | None = None


@dataclass(slots=True)
class Assignment:
    nummer: int
    code: str
    category: str
    aspecifiek: bool  # Product with Categorie only (budget toewijzing)
    ingang: date
    versions: list[Version]
    omvang: tuple[int, str, str] | None  # (volume, eenheid, frequentie)
    referentie: str | None  # ReferentieAanbieder echoed from the 315/317
    client_intensity: float
    start: date | None = None
    stop: date | None = None
    stop_reason: str | None = None
    start_written: bool = False
    stop_written: bool = False

    @property
    def einddatum(self) -> date:
        return self.versions[-1].einddatum

    @property
    def budget(self) -> int | None:
        return self.versions[-1].budget


@dataclass(slots=True)
class Episode:
    idx: int
    client: Client
    gemeente: str
    agb: str
    request_date: date | None  # 315 Dagtekening, None when the gemeente assigned without a request
    referrer: str | None  # COD327
    assignments: list[Assignment]
    wlz_like: bool = False
    reentry_of: int | None = None
    heavier: bool = False


@dataclass(slots=True)
class Line:
    """One 323 prestatie."""

    ref: str
    client: Client
    agb: str
    gemeente: str
    nummer: int
    category: str
    code: str
    begin: date
    end: date
    volume: int
    eenheid: str
    tariff: int | None
    amount: int
    dc: str  # 'D' or 'C'
    vorig: str | None
    period: int  # DeclaratiePeriode month index
    kind: str  # orig | credit | correction | resubmit | anomaly
    rejected: str | None = None  # retourcode when the 325 rejects it
    no_reject: bool = False
    written: bool = False

    @property
    def signed(self) -> int:
        return self.amount if self.dc == "D" else -self.amount

    @property
    def signed_volume(self) -> int:
        return self.volume if self.dc == "D" else -self.volume

    @property
    def year(self) -> int:
        return self.begin.year


@dataclass(slots=True)
class Declaration:
    agb: str
    gemeente: str
    period: int
    nummer: str
    identificatie: str
    dagtekening: date
    lines: list[Line]
    written: bool
    whole_rejected: str | None = None
    response_id: str = ""
    response_date: date | None = None

    @property
    def total(self) -> int:
        return sum(ln.signed for ln in self.lines)


@dataclass(slots=True)
class Message:
    """A message to write: type, folder gemeente, Dagtekening, Identificatie, sender/receiver and payload."""

    mtype: str  # JW301 ...
    gemeente: str
    dagtekening: date
    identificatie: str
    afzender: str
    ontvanger: str
    payload: Any


@dataclass
class World:
    clients: list[Client] = field(default_factory=list)
    episodes: list[Episode] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    declarations: list[Declaration] = field(default_factory=list)
    messages: list[Message] = field(default_factory=list)
    reentries: list[dict[str, object]] = field(default_factory=list)
    lead_request_assign: list[tuple[str, str, int]] = field(default_factory=list)  # (agb, cat, days)
    lead_assign_start: list[tuple[str, str, int]] = field(default_factory=list)
    #: request -> assignment per requested product (one JW315 can ask for several products)
    lead_request_assign_products: list[tuple[str, str, int]] = field(default_factory=list)
    anomalies: list[dict[str, object]] = field(default_factory=list)
    #: the cohort plan of the deterministic knob mode (synth.exact); None in the ordinary simulation
    exact_plan: dict[str, Any] | None = None
