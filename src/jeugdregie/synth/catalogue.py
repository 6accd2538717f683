"""Product catalogue over JZ020 categories and the provider population of the synthetic region.

Tariffs are 2021 contract tariffs in cents per unit; ``base_per_month`` is the delivered volume of a typical
client in a full month at intensity factor 1. The Wlz-border products and their cost per client follow the
Zoetermeer product table (seed 001, `seeds-data/zoetermeer_wlz_products_2015_2018.csv`): dagbehandeling
~EUR 22,000 per client per year (16 dagdelen x EUR 115 x 12), individuele begeleiding EUR 3,700-5,400,
behandeling individueel ~EUR 4,200, kortdurend verblijf EUR 1,400-5,900.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Product:
    code: str
    category: str
    name: str
    eenheid: str  # WJ756
    frequentie: str  # WJ757 of the assigned Omvang ('2' per week, '4' per month)
    tariff_cents: int | None  # 2021 contract tariff per unit; None for Eenheid 83 (euro's)
    base_per_month: float  # typical delivered units in a full month (cents for Eenheid 83)
    median_months: float  # typical planned duration of an assignment
    weight: float  # share of new trajectories (percent) for minors
    min_age: int = 0
    max_age: int = 17
    heavy: int = 0  # +1 heavy (residential/specialist), -1 light; used by the mix-shift knob
    border_group: str | None = None  # Wlz/Jeugdwet border group (seed 001)

    @property
    def is_residential(self) -> bool:
        return self.eenheid == "14"


P = Product
CATALOGUE: tuple[Product, ...] = (
    P("45A03", "45", "Ambulante behandeling generalistisch", "04", "4", 9_500, 5.0, 6, 14, 0, 23, -1),
    P("45A04", "45", "Diagnostiek", "04", "4", 11_000, 6.0, 3, 5, 0, 17, 0),
    P("45A65", "45", "Behandeling individueel", "04", "4", 10_500, 4.0, 8, 6, 0, 17, 0, "behandeling_individueel"),
    P("45A20", "45", "Ambulante behandeling (minuten)", "01", "4", 180, 300.0, 6, 3, 0, 17, 0),
    P("45C02", "45", "Individuele begeleiding licht", "04", "2", 6_200, 8.0, 10, 8, 0, 23, -1, "individuele_begeleiding"),
    P("45C05", "45", "Individuele begeleiding middel", "04", "2", 6_800, 10.0, 10, 6, 0, 23, -1, "individuele_begeleiding"),
    P("45C09", "45", "Individuele begeleiding zwaar", "04", "2", 7_500, 10.0, 9, 3, 0, 23, 0, "individuele_begeleiding"),
    P("45B01", "45", "Groepsbegeleiding", "16", "4", 4_500, 8.0, 8, 5, 4, 17, -1),
    P("41A01", "41", "Dagbehandeling licht", "16", "4", 8_500, 10.0, 9, 2, 2, 14, 0),
    P("41A03", "41", "Dagbehandeling", "16", "4", 11_500, 16.0, 12, 1.5, 2, 14, 1, "dagbehandeling"),
    P("44C01", "44", "Kortdurend verblijf (1)", "14", "4", 16_500, 3.0, 8, 0.8, 2, 17, 0, "kortdurend_verblijf"),
    P("44C02", "44", "Kortdurend verblijf (2)", "14", "4", 18_500, 4.0, 8, 0.8, 2, 17, 0, "kortdurend_verblijf"),
    P("44C03", "44", "Kortdurend verblijf (3)", "14", "4", 21_000, 5.0, 8, 0.4, 2, 17, 0, "kortdurend_verblijf"),
    P("43A01", "43", "Verblijf met behandeling", "14", "4", 31_000, 21.0, 10, 2, 4, 17, 1),
    P("43A05", "43", "Gesloten jeugdhulp", "14", "4", 52_000, 21.0, 6, 0.4, 12, 17, 1),
    P("44A01", "44", "Pleegzorg", "14", "4", 3_800, 21.0, 18, 2.5, 0, 23, 1),
    P("44A03", "44", "Gezinshuis", "14", "4", 15_000, 21.0, 14, 0.8, 4, 23, 1),
    P("44B01", "44", "Begeleid wonen / kamertraining", "14", "4", 11_000, 21.0, 10, 0.6, 16, 23, 1),
    P("46A01", "46", "Crisisopvang", "14", "4", 35_000, 10.0, 1, 0.8, 8, 17, 1),
    P("47A01", "47", "Jeugdreclassering", "04", "4", 9_800, 5.0, 9, 1.2, 12, 23, 0),
    P("48A01", "48", "Ondertoezichtstelling", "04", "4", 10_200, 6.0, 12, 2.5, 0, 17, 0),
    P("48A02", "48", "Voogdij", "04", "4", 9_000, 3.0, 24, 0.8, 0, 17, 0),
    P("54A01", "54", "Specialistische jeugd-ggz (sessies)", "84", "4", 14_500, 3.0, 7, 6, 4, 23, 0),
    P("51A01", "51", "Generalistische basis-ggz (sessies)", "84", "4", 9_500, 2.0, 4, 5, 4, 17, -1),
    P("40A01", "40", "Persoonlijke verzorging", "04", "4", 4_800, 6.0, 12, 1.5, 0, 17, -1),
    P("42A01", "42", "Vervoer (ritten)", "84", "4", 2_200, 16.0, 10, 0.5, 2, 17, 0),
    P("55A11", "55", "LTA specialistische behandeling", "04", "4", 13_000, 6.0, 8, 1.2, 0, 17, 1),
    P("55A12", "55", "LTA verblijf", "14", "4", 42_000, 21.0, 8, 0.4, 4, 17, 1),
    P("50A01", "50", "Maatwerkarrangement (budget)", "83", "4", None, 60_000.0, 6, 0.8, 0, 17, 0),
)
PRODUCTS = {p.code: p for p in CATALOGUE}
WLZ_BORDER_CODES = ("41A03", "45A65", "45C02", "45C05", "45C09", "44C01", "44C02", "44C03")

#: median lead times in days per category: (request -> assignment, assignment -> start)
LEAD_MEDIANS: dict[str, tuple[float, float]] = {
    "45": (17, 28), "41": (21, 42), "44": (21, 35), "43": (24, 42), "46": (1, 1), "47": (10, 14),
    "48": (10, 14), "54": (17, 38), "51": (14, 21), "40": (17, 21), "42": (17, 28), "55": (24, 35),
    "50": (21, 28),
}

# provider archetypes: product codes offered and relative size
ARCHETYPES: dict[str, tuple[tuple[str, ...], float]] = {
    "ambulant": (("45A03", "45A04", "45A65", "45A20", "45C02", "45C05", "45C09", "45B01", "40A01"), 1.0),
    "ggz": (("45A03", "45A04", "45A65", "45A20", "51A01", "54A01"), 1.0),
    "residentieel": (("43A01", "43A05", "44A01", "44A03", "44B01", "46A01", "45C05", "45C09"), 1.0),
    "wlz_grens": (("41A01", "41A03", "44C01", "44C02", "44C03", "45A65", "45C02", "45C05", "45C09",
                   "40A01", "42A01"), 1.0),
    "gi": (("47A01", "48A01", "48A02"), 1.0),
    "lta": (("55A11", "55A12"), 1.0),
    "maatwerk": (("50A01", "45C02", "45B01"), 0.6),
    "klein": (("45C02", "45C05", "45A03", "45B01", "54A01", "44A01"), 0.0),
}


@dataclass(slots=True)
class Provider:
    agb: str
    name: str
    archetype: str
    products: tuple[str, ...]
    size: float  # relative choice weight among providers offering a product
    small: bool  # intended 1-3 clients a year
    lead_factor: float  # multiplies the lead-time medians
    lag_p0: float  # probability that a prestatie is declared in the month after delivery
    intensity_factor: float  # provider-specific delivered intensity (clean: 0.9-1.1)
    # anomaly injection only (clean runs keep the defaults)
    extra_lag: int = 0  # extra months of declaration lag (late_declaring)
    tariff_markup: dict[str, float] = field(default_factory=dict)  # code -> factor (tariff_deviation)
    uncontracted: tuple[str, ...] = ()  # offered but not on the contract list (non_contracted)
    backlog_from: int = 0  # month index from which care is declared only after the extract (declaration_backlog)
    reject_p: float = 0.0  # chance that a 325 rejects a line, instead of the region's (high_rejection)
    intensity_growth: float = 0.0  # yearly growth of delivered units per client (growth_by_intensity)

    def intensity_trend(self, year: int, last_year: int) -> float:
        """The provider's own intensity multiplier for a service year (1.0 unless growth_by_intensity): the
        provider grows towards the usual intensity, which it reaches in the last year (so it is no intensity
        outlier against its peers)."""
        return (1 + self.intensity_growth) ** (year - last_year) if self.intensity_growth else 1.0


_NAME_PARTS = ("Horizon", "De Brug", "Kompas", "Levvel", "Ipse", "Cardea", "Youz", "Jeugdformaat", "Lucertis",
               "Perspectief", "Het Palet", "Zonnebloem", "Middin", "Kwadraad", "Stek", "Prisma", "Anker",
               "Timon", "Lindenhout", "Sterk Huis", "De Waal", "Parnassia", "Enver", "Pluryn")


def make_providers(rng: random.Random, n: int) -> list[Provider]:
    """``n`` providers: a fixed core of archetypes, then ambulant/ggz, then ~25 % small ones (1-3 clients)."""
    core = ["ambulant", "ggz", "gi", "wlz_grens", "residentieel", "lta", "maatwerk", "ambulant", "ggz",
            "wlz_grens", "residentieel", "gi", "lta", "wlz_grens", "residentieel", "ambulant", "ggz"]
    n_small = max(2, n // 4)
    kinds: list[str] = core[: max(0, n - n_small)]
    while len(kinds) < n - n_small:
        kinds.append(rng.choice(["ambulant", "ggz", "ambulant", "residentieel"]))
    kinds += ["klein"] * n_small
    providers: list[Provider] = []
    used: set[str] = set()
    for i, kind in enumerate(kinds):
        while True:
            agb = f"{rng.choice(('75', '79', '98', '41'))}{rng.randint(0, 999_999):06d}"
            if agb not in used:
                used.add(agb)
                break
        offered, _ = ARCHETYPES[kind]
        if kind == "klein":
            offered = tuple(sorted(rng.sample(offered, rng.randint(1, 2))))
        name = f"{_NAME_PARTS[i % len(_NAME_PARTS)]} {kind} {i + 1}"
        size = 0.0 if kind == "klein" else rng.lognormvariate(0, 0.8)
        providers.append(Provider(
            agb=agb, name=name, archetype=kind, products=offered, size=size, small=kind == "klein",
            lead_factor=rng.uniform(0.6, 1.6), lag_p0=rng.uniform(0.6, 0.85),
            intensity_factor=rng.uniform(0.92, 1.08),
        ))
    return providers
