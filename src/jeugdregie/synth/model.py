"""The synthetic region's fixed parameters: municipalities, product catalogue, scales and knobs.

Calibration (see docs/synthetic-region.md): reach about 9.8% of 0-23-year-olds (VNG 2022, CBS 2020) and cost per
client per product in the range of the Zoetermeer product table 2015-2018 (seeds-data), e.g. dagbehandeling
about EUR 22,000 per client per year, individuele begeleiding about EUR 5,000.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: (CBS code, name, residents 0-22, PC4 range) - Haaglanden (H10) municipalities; residents rounded
MUNICIPALITIES: list[tuple[str, str, int, tuple[int, int]]] = [
    ("0603", "Rijswijk", 13_800, (2280, 2289)),
    ("0637", "Zoetermeer", 32_000, (2711, 2729)),
    ("0503", "Delft", 27_000, (2611, 2629)),
    ("1783", "Westland", 29_000, (2671, 2695)),
    ("1916", "Leidschendam-Voorburg", 20_000, (2261, 2275)),
    ("1926", "Pijnacker-Nootdorp", 16_500, (2631, 2645)),
    ("1842", "Midden-Delfland", 5_200, (2631, 2636)),
    ("0629", "Wassenaar", 6_000, (2241, 2245)),
    ("1621", "Lansingerland", 19_500, (2651, 2665)),
    ("0518", "'s-Gravenhage", 125_000, (2491, 2599)),
]


@dataclass(frozen=True)
class Product:
    category: str
    code: str
    name: str
    unit: str  # WJ756: 04 uur, 14 etmaal, 16 dagdeel, 82 stuks (output)
    tariff_cents: int  # base-year tariff per unit
    monthly_units: float  # typical units per month
    weight: float  # share of trajectories
    months: tuple[int, int]  # min, max duration in months
    heavy: bool = False


CATALOGUE: list[Product] = [
    Product("45", "45A03", "Ambulante begeleiding", "04", 8_500, 8, 26, (2, 9)),
    Product("45", "45A65", "Behandeling individueel", "04", 11_000, 6, 12, (2, 8)),
    Product("45", "45C02", "Individuele begeleiding licht", "04", 7_000, 6, 9, (3, 10)),
    Product("45", "45C05", "Individuele begeleiding middel", "04", 7_500, 9, 6, (3, 10)),
    Product("45", "45C09", "Individuele begeleiding zwaar", "04", 8_000, 13, 3, (3, 10), heavy=True),
    Product("41", "41A03", "Dagbehandeling", "16", 9_500, 18, 5, (4, 12), heavy=True),
    Product("44", "44C01", "Kortdurend verblijf licht", "14", 12_000, 3, 1.5, (2, 8)),
    Product("44", "44C02", "Kortdurend verblijf middel", "14", 15_000, 4, 1.5, (2, 8)),
    Product("44", "44C03", "Kortdurend verblijf zwaar", "14", 19_000, 5, 1, (2, 8), heavy=True),
    Product("43", "43A01", "Verblijf met behandeling", "14", 26_000, 30, 2, (3, 12), heavy=True),
    Product("44", "44A01", "Pleegzorg / gezinshuis", "14", 5_500, 30, 3, (6, 12)),
    Product("47", "47A01", "Jeugdreclassering", "82", 95_000, 1, 3, (3, 12)),
    Product("48", "48A01", "Jeugdbescherming (ots)", "82", 120_000, 1, 5, (6, 12)),
    Product("54", "54A01", "Jeugd-ggz behandeling", "04", 12_500, 5, 12, (2, 8)),
    Product("55", "55A11", "Landelijk ingekocht (LTA)", "04", 14_000, 8, 1.5, (3, 10), heavy=True),
    Product("46", "46A01", "Crisisopvang", "14", 30_000, 6, 1, (1, 2), heavy=True),
]

#: COD327 referrer types and shares (Rijswijk: jeugdteam ~40%, huisarts ~30%)
REFERRERS: list[tuple[str, float]] = [("01", 0.40), ("02", 0.30), ("03", 0.06), ("04", 0.10), ("05", 0.08),
                                      ("06", 0.04), ("08", 0.02)]
#: JZ588 end reasons and shares
END_REASONS: list[tuple[str, float]] = [("31", 0.74), ("32", 0.06), ("33", 0.03), ("34", 0.06), ("35", 0.03),
                                        ("38", 0.05), ("39", 0.03)]
#: declaration lag in months after the month following the service month, and its probability
LAG: list[tuple[int, float]] = [(0, 0.62), (1, 0.18), (2, 0.08), (3, 0.04), (4, 0.02), (5, 0.015), (7, 0.015),
                                (9, 0.01), (12, 0.01), (18, 0.008), (24, 0.006), (36, 0.004), (48, 0.003),
                                (58, 0.002)]

FIRST_NAMES = ["Sanne", "Daan", "Emma", "Noah", "Julia", "Lucas", "Mila", "Sem", "Tess", "Finn", "Zoë", "Levi",
               "Nora", "Milan", "Yara", "Bram", "Lotte", "Mohammed", "Fleur", "Ayoub"]
LAST_NAMES = ["de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer", "Mulder",
              "de Groot", "Bos", "Vos", "Peters", "Hendriks", "El Amrani", "Yilmaz", "Dekker", "Brouwer"]
STREETS = ["Kerkstraat", "Dorpsweg", "Stationsplein", "Molenlaan", "Schoolstraat", "Parklaan", "Havenkade"]


@dataclass(frozen=True)
class Scale:
    municipalities: int
    clients_per_year: int
    years: tuple[int, int]
    providers: int


SCALES: dict[str, Scale] = {
    "small": Scale(2, 300, (2023, 2024), 8),
    "demo": Scale(4, 2_000, (2021, 2025), 20),
    "region": Scale(10, 12_000, (2021, 2025), 45),
    "national": Scale(10, 400_000, (2021, 2025), 400),
}


@dataclass
class Knobs:
    """Year-on-year changes. Each applies multiplicatively per year after the first."""

    client_growth: float = 0.05  # number of clients
    intensity_growth: float = 0.03  # units per client per month
    tariff_growth: float = 0.025  # tariff per unit
    mix_shift: float = 0.0  # relative growth of the weight of heavy products
    extra: dict[str, float] = field(default_factory=dict)
