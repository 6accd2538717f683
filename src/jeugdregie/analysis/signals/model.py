"""The signal object, the signal types and the thresholds file.

A ``Signal`` is one finding of one type about one provider in one service period. It carries its evidence
(``cases`` with assignment numbers, declaration references, client pseudonyms and amounts; or a ``peer``
comparison for the statistical types) and the amount at stake in integer cents. Its ``key`` is stable for
(type, provider, period, municipality filter) so follow-up can be recorded against it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from jeugdregie.analysis.userconfig import merge, read_mapping

#: rule signals: facts from the messages; a case either breaks the rule or not
RULE_TYPES = ("declared_over_assigned", "outside_assignment", "after_stop", "before_start", "no_start_message",
              "duplicate_declaration", "non_contracted", "tariff_deviation")
#: statistical signals: a provider compared with its peers
STAT_TYPES = ("intensity_outlier", "growth_by_intensity", "late_declaring", "high_rejection", "declaration_backlog")
TYPES = RULE_TYPES + STAT_TYPES

LABELS_NL = {
    "declared_over_assigned": "Meer gedeclareerd dan toegewezen",
    "outside_assignment": "Gedeclareerd buiten de geldigheid van de toewijzing",
    "after_stop": "Gedeclareerd na de stopdatum (307)",
    "before_start": "Gedeclareerd voor de startdatum (305)",
    "no_start_message": "Gedeclareerd zonder startbericht (305)",
    "duplicate_declaration": "Dubbel gedeclareerd",
    "non_contracted": "Niet-gecontracteerd product of aanbieder",
    "tariff_deviation": "Tarief wijkt af van het contracttarief",
    "intensity_outlier": "Veel meer eenheden per cliënt dan andere aanbieders",
    "growth_by_intensity": "Omzetgroei vooral door intensiteit",
    "late_declaring": "Veel laat gedeclareerd",
    "high_rejection": "Veel afgewezen declaratieregels",
    "declaration_backlog": "Achterstand in declareren: lopende zorg niet gedeclareerd",
}


class SignalError(ValueError):
    pass


@dataclass
class Signal:
    type: str
    provider: str
    period: str
    amount_cents: int
    strength: float
    summary_nl: str
    evidence: dict[str, Any] = field(default_factory=dict)
    municipality: str | None = None
    provider_name: str | None = None

    @property
    def key(self) -> str:
        raw = f"{self.type}|{self.provider}|{self.period}|{self.municipality or ''}"
        return hashlib.sha256(raw.encode()).hexdigest()[:12]

    @property
    def kind(self) -> str:
        return "rule" if self.type in RULE_TYPES else "statistical"

    @property
    def cases(self) -> list[dict[str, Any]]:
        return list(self.evidence.get("cases", []))

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "type": self.type, "label": LABELS_NL[self.type], "kind": self.kind,
                "provider": self.provider, "period": self.period, "municipality": self.municipality,
                "amount_cents": self.amount_cents, "strength": round(self.strength, 3),
                "summary": self.summary_nl, "evidence": self.evidence}


def default_thresholds_path() -> Path:
    return Path(str(resources.files("jeugdregie.analysis.signals") / "thresholds.yaml"))


def load_thresholds(path: str | Path | None = None, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The shipped thresholds, with a user file and/or a dict merged over them (only changed keys needed)."""
    cfg: dict[str, Any] = yaml.safe_load(default_thresholds_path().read_text(encoding="utf-8"))
    if path is not None:
        user = read_mapping(path, "Drempelbestand", SignalError)
        cfg = merge(cfg, user)
    if overrides:
        cfg = merge(cfg, overrides)
    unknown = set(cfg.get("weights", {})) - set(TYPES)
    if unknown:
        raise SignalError(f"Onbekend signaaltype in drempels: {', '.join(sorted(unknown))}")
    return cfg
