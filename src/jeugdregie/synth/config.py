"""Options of the synthetic region: scale presets, year-on-year knobs and the municipalities.

Calibration (see docs/synth.md): about 9.8 % of 0-23-year-olds receive youth care (VNG 2022,
`seeds-data/vng_other_figures.csv`, share_0_23_2020). The region preset keeps the real proportions of the
Haaglanden municipalities but scales their youth population so the region has ~12,000 clients a year.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

#: share of 0-23-year-olds in youth care per year (VNG 2022, national figure 2020)
YOUTH_CARE_SHARE = 0.098


@dataclass(frozen=True)
class Municipality:
    code: str  # CBS gemeentecode, 4 digits
    name: str
    population_0_23: int  # approximate real number of inhabitants aged 0-23
    pc4: tuple[int, ...]  # made-up but plausible PC4 codes inside the municipality
    pc4_weights: tuple[int, ...] | None = None


def _r(a: int, b: int) -> tuple[int, ...]:
    return tuple(range(a, b + 1))


#: Haaglanden (H10) municipalities; populations 0-23 are rounded approximations (CBS 2022 order of size).
#: Rijswijk's PC4 weights are the 2016 client counts per PC4 from the Rijswijk inkoopplan (seed 003).
HAAGLANDEN: tuple[Municipality, ...] = (
    Municipality("0518", "'s-Gravenhage", 150_000, _r(2491, 2597)),
    Municipality("0637", "Zoetermeer", 35_000, _r(2711, 2729)),
    Municipality("0503", "Delft", 30_000, _r(2611, 2629)),
    Municipality("1783", "Westland", 30_000, _r(2671, 2695)),
    Municipality("1916", "Leidschendam-Voorburg", 19_000, _r(2261, 2275)),
    Municipality("1621", "Lansingerland", 22_000, _r(2651, 2665)),
    Municipality("0603", "Rijswijk", 14_000, _r(2281, 2289), (76, 160, 113, 63, 122, 116, 72, 14, 28)),
    Municipality("1926", "Pijnacker-Nootdorp", 15_000, (2631, 2632, 2641, 2642, 2643, 2644, 2645)),
    Municipality("0629", "Wassenaar", 7_000, _r(2241, 2245)),
    Municipality("1842", "Midden-Delfland", 5_000, (2635, 2636, 3155, 3156)),
)


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: tuple[str, ...]
    clients_per_year: int  # target annual unique clients in the first year (before growth)
    n_providers: int
    default_years: tuple[int, int]
    write_xml: bool = True


SCALES: dict[str, Scale] = {
    "small": Scale("small", ("0603", "1842", "0629"), 300, 14, (2024, 2025)),
    "region": Scale("region", tuple(m.code for m in HAAGLANDEN), 12_000, 48, (2021, 2025)),
    "national": Scale("national", tuple(m.code for m in HAAGLANDEN), 400_000, 400, (2021, 2025), False),
}


@dataclass(frozen=True)
class Knobs:
    """Year-on-year growth factors, each applied per service year relative to the first year."""

    client_growth: float = 0.04  # growth of the number of clients (inflow of new trajectories)
    intensity_growth: float = 0.03  # growth of delivered units per client per month
    tariff_growth: float = 0.025  # growth of every contract tariff (cents, rounded half up)
    mix_shift: float = 0.0  # yearly relative shift of choice weights towards heavy (residential) products


@dataclass(frozen=True)
class SynthOptions:
    out: str
    scale: str = "small"
    seed: int = 1
    years: tuple[int, int] | None = None
    extract_date: date = date(2026, 9, 30)
    knobs: Knobs = field(default_factory=Knobs)
    inject_anomalies: bool = False
    clients_per_year: int | None = None  # override of the scale's client target (tests)
    #: years simulated before the first service year. Durations run up to 48 months and re-entries follow
    #: within a year, so two years leave the client stock still filling up (clients and long-stay products
    #: grow faster than the knobs in the first years); tests that check knob recovery use about 6.
    burn_in_years: int = 2
    #: deterministic knob mode (synth.exact): the realised year-on-year clients, units per client, cost per
    #: unit and product mix equal the knobs (to rounding), instead of only in expectation
    exact_knobs: bool = False

    @property
    def scale_spec(self) -> Scale:
        return SCALES[self.scale]

    @property
    def first_year(self) -> int:
        return (self.years or self.scale_spec.default_years)[0]

    @property
    def last_year(self) -> int:
        return (self.years or self.scale_spec.default_years)[1]

    def knob_dict(self) -> dict[str, Any]:
        return asdict(self.knobs)

    def check(self) -> None:
        """Refuse option combinations the generator cannot honour (ValueError with the reason)."""
        if not self.exact_knobs:
            return
        if self.inject_anomalies:
            raise ValueError("exacte knoppen en afwijkingen gaan niet samen: afwijkingen verstoren de knoppen")
        if self.extract_date < date(self.last_year + 1, 1, 31):
            raise ValueError(f"exacte knoppen: de peildatum moet op of na {self.last_year + 1}-01-31 liggen, "
                             "zodat elke declaratie van het laatste jaar geschreven is")


def municipalities_for(scale: Scale) -> list[Municipality]:
    by_code = {m.code: m for m in HAAGLANDEN}
    return [by_code[c] for c in scale.municipalities]


def client_targets(opts: SynthOptions, municipalities: list[Municipality]) -> dict[str, float]:
    """Annual unique clients per municipality in the first year: the scale's target split by (real) youth
    population. The simulation aims at these; ``synth.population`` derives the residents from them."""
    clients = opts.clients_per_year or opts.scale_spec.clients_per_year
    total_pop = sum(m.population_0_23 for m in municipalities)
    return {m.code: clients * m.population_0_23 / total_pop for m in municipalities}


def parse_years(text: str) -> tuple[int, int]:
    """'2021-2025' -> (2021, 2025); '2024' -> (2024, 2024)."""
    parts = text.split("-")
    a = int(parts[0])
    b = int(parts[-1])
    if b < a:
        raise ValueError(f"jaren {text!r}: eindjaar voor beginjaar")
    if a < 2021:
        raise ValueError("DeclaratiePeriode moet op of na 2021-01-01 liggen (CS100): beginjaar >= 2021")
    return a, b
