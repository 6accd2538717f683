"""The measure as plain dataclasses: what the register stores, files carry and the web form edits.

Money is integer euro-cents; ``None`` means "not stated" (a blank cell in the plan), which is different
from zero. Net is stored as stated by the plan and never recomputed: plans do not always add up (Zoetermeer
measures 8 and 17), and ``MeasureYear.net_check`` reports where gross − needed differs from net.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

KINDS = ("maatregel", "actielijn")
STATUSES = ("gepland", "in uitvoering", "afgerond", "gestopt")
QUALITATIVE = {"++": "Sterk", "+": "Redelijk", "0": "Neutraal"}
DIRECTIONS = ("omlaag", "omhoog")
#: money fields of a measure year, in display order, with their Dutch headers
MONEY_FIELDS: dict[str, str] = {
    "gross_cents": "Bruto effect",
    "structural_cents": "Structurele besparing",
    "incidental_cents": "Incidentele besparing",
    "extra_income_cents": "Extra inkomsten",
    "needed_cents": "Benodigde bedragen",
    "investment_cents": "Investeringen",
    "net_cents": "Netto effect gemeente",
    "social_cents": "Maatschappelijke besparing",
    "realised_cents": "Gerealiseerde besparing",
}


class MeasureError(ValueError):
    """A measure that cannot be stored as given (Dutch message for users)."""


@dataclass
class MeasureYear:
    year: int
    gross_cents: int | None = None
    structural_cents: int | None = None
    incidental_cents: int | None = None
    extra_income_cents: int | None = None
    needed_cents: int | None = None
    needed_nature: str | None = None
    investment_cents: int | None = None
    net_cents: int | None = None
    social_cents: int | None = None
    realised_cents: int | None = None
    realised_note: str | None = None

    def net_check(self) -> int | None:
        """net − (gross − needed) when all three are stated; 0 means the plan adds up."""
        if self.gross_cents is None or self.net_cents is None:
            return None
        return self.net_cents - (self.gross_cents - (self.needed_cents or 0))


@dataclass
class Checkpoint:
    period: str | None = None  # half-year report, e.g. '2020H1'
    label: str | None = None  # e.g. 'eerste halfjaarrapportage 2020'
    focus: str | None = None
    due_date: date | None = None
    done: bool = False
    outcome: str | None = None


@dataclass
class IndicatorLink:
    label: str
    analysis: str  # key of analysis.indicators.ANALYSES
    filters: dict[str, Any] = field(default_factory=dict)
    direction: str | None = None  # expected movement: 'omlaag' / 'omhoog'
    comparison: list[str] | None = None  # explicit comparison municipalities (None: all that qualify)


@dataclass
class Measure:
    municipality: str
    number: str
    title: str
    kind: str = "maatregel"
    action_line: str | None = None
    steering_level: str | None = None
    owner: str | None = None
    intended_effect: str | None = None
    interim_result: str | None = None
    status: str = "in uitvoering"
    qualitative_effect: str | None = None
    start_date: date | None = None
    theme: str | None = None  # shared code across municipalities (e.g. 'POH-jeugd'): excludes them from comparison
    risks: str | None = None
    assumptions: str | None = None
    source: str | None = None
    note: str | None = None
    version: int = 0
    years: list[MeasureYear] = field(default_factory=list)
    checkpoints: list[Checkpoint] = field(default_factory=list)
    indicators: list[IndicatorLink] = field(default_factory=list)

    def validate(self) -> None:
        if not self.municipality or not self.number or not self.title:
            raise MeasureError("gemeente, nummer en titel zijn verplicht")
        if self.kind not in KINDS:
            raise MeasureError(f"maatregel {self.number}: soort {self.kind!r} onbekend ({', '.join(KINDS)})")
        if self.status not in STATUSES:
            raise MeasureError(f"maatregel {self.number}: status {self.status!r} onbekend ({', '.join(STATUSES)})")
        if self.qualitative_effect is not None and self.qualitative_effect not in QUALITATIVE:
            raise MeasureError(f"maatregel {self.number}: kwalitatief effect {self.qualitative_effect!r} "
                               "moet ++, + of 0 zijn")
        years = [y.year for y in self.years]
        if len(years) != len(set(years)):
            raise MeasureError(f"maatregel {self.number}: een jaar staat dubbel in de bedragen")
        for c in self.checkpoints:
            if c.period is not None:
                from jeugdregie.measures.periods import parse_half

                parse_half(c.period)
        for ind in self.indicators:
            if ind.direction is not None and ind.direction not in DIRECTIONS:
                raise MeasureError(f"maatregel {self.number}: richting {ind.direction!r} moet omlaag of omhoog zijn")

    def totals(self, year: int | None = None) -> dict[str, int | None]:
        """Sum of each money field over the years (or one year); None when no year states it."""
        out: dict[str, int | None] = {}
        for key in MONEY_FIELDS:
            vals = [getattr(y, key) for y in self.years if year is None or y.year == year]
            stated = [v for v in vals if v is not None]
            out[key] = sum(stated) if stated else None
        return out

    def year(self, year: int) -> MeasureYear | None:
        return next((y for y in self.years if y.year == year), None)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), default=_json_default, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Measure:
        d = dict(data)
        years = [MeasureYear(**y) for y in d.pop("years", []) or []]
        cps = [Checkpoint(**{**c, "due_date": parse_date(c.get("due_date"))}) for c in d.pop("checkpoints", []) or []]
        inds = [IndicatorLink(**i) for i in d.pop("indicators", []) or []]
        d["start_date"] = parse_date(d.get("start_date"))
        return cls(**d, years=years, checkpoints=cps, indicators=inds)


def parse_date(v: Any) -> date | None:
    if v is None or v == "":
        return None
    if isinstance(v, date):
        return v
    return date.fromisoformat(str(v))


def _json_default(o: Any) -> Any:
    if isinstance(o, date):
        return o.isoformat()
    raise TypeError(type(o).__name__)
