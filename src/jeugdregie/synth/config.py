"""Options of the synthetic region: scale presets, year-on-year knobs and the municipalities.

Calibration (see docs/synth.md): about 9.8 % of 0-23-year-olds receive youth care (VNG 2022,
`seeds-data/vng_other_figures.csv`, share_0_23_2020). The region preset keeps the real proportions of the
Haaglanden municipalities but scales their youth population so the region has ~12,000 clients a year. The
national preset does the same with ``NATIONAL`` (Haaglanden plus ~100 other real municipalities) scaled to
~400,000 clients a year, and is simulated in chunks (``synth.chunks``).
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


#: Other real municipalities for the national preset: CBS gemeentecode (4 digits, as used in iJw headers),
#: name, approximate inhabitants aged 0-23 (rounded, order of size of CBS 2022) and PC4 codes inside the
#: municipality (real ranges, rounded to whole blocks; Heusden and Nieuwkoop list their main villages). Not all
#: 342 municipalities: the set covers about 60 % of the Dutch 0-23 population (2.7 of ~4.6 million) and ``client_targets``
#: scales it up to the national client total, so each municipality stands for its surroundings too.
#: Ordered by province, so chunks of neighbouring municipalities form plausible regions.
OTHER_MUNICIPALITIES: tuple[Municipality, ...] = (
    # Groningen, Friesland, Drenthe
    Municipality("0014", "Groningen", 70_000, _r(9711, 9747)),
    Municipality("0037", "Stadskanaal", 7_000, _r(9501, 9503)),
    Municipality("0047", "Veendam", 6_000, _r(9641, 9645)),
    Municipality("0080", "Leeuwarden", 30_000, _r(8911, 8941)),
    Municipality("0060", "Ameland", 800, _r(9161, 9164)),
    Municipality("0088", "Schiermonnikoog", 200, (9166,)),
    Municipality("0093", "Terschelling", 1_000, _r(8881, 8885)),
    Municipality("0096", "Vlieland", 200, (8899,)),
    Municipality("0106", "Assen", 16_000, _r(9401, 9409)),
    Municipality("0109", "Coevorden", 8_000, (7741, 7742)),
    Municipality("0114", "Emmen", 25_000, _r(7811, 7826)),
    Municipality("0118", "Hoogeveen", 13_000, _r(7901, 7909)),
    Municipality("0119", "Meppel", 9_000, _r(7941, 7944)),
    # Overijssel, Flevoland
    Municipality("0193", "Zwolle", 37_000, _r(8011, 8048)),
    Municipality("0166", "Kampen", 15_000, _r(8261, 8269)),
    Municipality("0150", "Deventer", 25_000, _r(7411, 7439)),
    Municipality("0153", "Enschede", 42_000, _r(7511, 7548)),
    Municipality("0164", "Hengelo", 20_000, _r(7550, 7559)),
    Municipality("0141", "Almelo", 19_000, _r(7601, 7609)),
    Municipality("0034", "Almere", 62_000, _r(1311, 1364)),
    Municipality("0995", "Lelystad", 21_000, _r(8211, 8245)),
    Municipality("0171", "Noordoostpolder", 12_000, _r(8301, 8317)),
    Municipality("0184", "Urk", 9_000, (8321, 8322)),
    # Gelderland
    Municipality("0200", "Apeldoorn", 40_000, _r(7311, 7364)),
    Municipality("0232", "Epe", 7_000, (8161, 8162)),
    Municipality("0243", "Harderwijk", 14_000, _r(3841, 3849)),
    Municipality("0202", "Arnhem", 42_000, _r(6811, 6846)),
    Municipality("0268", "Nijmegen", 50_000, _r(6511, 6546)),
    Municipality("0228", "Ede", 35_000, _r(6711, 6721)),
    Municipality("0289", "Wageningen", 14_000, _r(6701, 6709)),
    Municipality("0222", "Doetinchem", 13_000, _r(7001, 7009)),
    Municipality("0281", "Tiel", 11_000, _r(4001, 4007)),
    # Utrecht
    Municipality("0344", "Utrecht", 100_000, _r(3511, 3585)),
    Municipality("0307", "Amersfoort", 45_000, _r(3811, 3829)),
    Municipality("0345", "Veenendaal", 18_000, _r(3901, 3909)),
    Municipality("0340", "Rhenen", 5_000, (3911,)),
    Municipality("0355", "Zeist", 16_000, _r(3701, 3709)),
    Municipality("0310", "De Bilt", 10_000, _r(3721, 3739)),
    Municipality("0312", "Bunnik", 3_500, (3981,)),
    Municipality("0321", "Houten", 14_000, _r(3991, 3997)),
    Municipality("0356", "Nieuwegein", 16_000, _r(3431, 3439)),
    Municipality("0353", "IJsselstein", 8_000, _r(3401, 3403)),
    # Noord-Holland
    Municipality("0363", "Amsterdam", 235_000, _r(1011, 1109)),
    Municipality("0362", "Amstelveen", 24_000, _r(1181, 1189)),
    Municipality("0358", "Aalsmeer", 8_000, _r(1431, 1433)),
    Municipality("0394", "Haarlemmermeer", 45_000, _r(2131, 2136) + _r(2151, 2154)),
    Municipality("0392", "Haarlem", 45_000, _r(2011, 2037)),
    Municipality("0453", "Velsen", 17_000, _r(1971, 1981)),
    Municipality("0375", "Beverwijk", 11_000, _r(1941, 1949)),
    Municipality("0479", "Zaanstad", 40_000, _r(1501, 1509)),
    Municipality("0361", "Alkmaar", 27_000, _r(1811, 1827)),
    Municipality("0400", "Den Helder", 12_000, _r(1781, 1789)),
    Municipality("0402", "Hilversum", 22_000, _r(1211, 1223)),
    # Zuid-Holland (outside Haaglanden)
    Municipality("0599", "Rotterdam", 175_000, _r(3011, 3089)),
    Municipality("0606", "Schiedam", 19_000, _r(3111, 3125)),
    Municipality("0622", "Vlaardingen", 17_000, _r(3131, 3138)),
    Municipality("0556", "Maassluis", 8_000, _r(3141, 3147)),
    Municipality("0613", "Albrandswaard", 6_000, (3161, 3162)),
    Municipality("0489", "Barendrecht", 13_000, _r(2991, 2994)),
    Municipality("0597", "Ridderkerk", 10_000, _r(2981, 2987)),
    Municipality("0542", "Krimpen aan den IJssel", 7_000, _r(2921, 2926)),
    Municipality("0505", "Dordrecht", 30_000, _r(3311, 3329)),
    Municipality("0642", "Zwijndrecht", 11_000, _r(3331, 3337)),
    Municipality("0531", "Hendrik-Ido-Ambacht", 8_000, _r(3341, 3344)),
    Municipality("0590", "Papendrecht", 8_000, _r(3351, 3356)),
    Municipality("0512", "Gorinchem", 10_000, _r(4201, 4209)),
    Municipality("0513", "Gouda", 19_000, _r(2801, 2809)),
    Municipality("0627", "Waddinxveen", 9_000, _r(2741, 2743)),
    Municipality("0484", "Alphen aan den Rijn", 29_000, _r(2401, 2409)),
    Municipality("0569", "Nieuwkoop", 7_000, (2421, 2431, 2461)),
    Municipality("0546", "Leiden", 37_000, _r(2311, 2334)),
    Municipality("0547", "Leiderdorp", 7_000, _r(2351, 2353)),
    Municipality("0579", "Oegstgeest", 7_000, _r(2341, 2343)),
    Municipality("0638", "Zoeterwoude", 2_200, (2381, 2382)),
    Municipality("0626", "Voorschoten", 6_000, _r(2251, 2253)),
    Municipality("0537", "Katwijk", 20_000, _r(2221, 2225)),
    Municipality("0575", "Noordwijk", 11_000, _r(2201, 2205)),
    Municipality("0553", "Lisse", 6_000, (2161,)),
    Municipality("0534", "Hillegom", 6_000, (2181,)),
    # Zeeland
    Municipality("0687", "Middelburg", 12_000, _r(4331, 4339)),
    Municipality("0718", "Vlissingen", 11_000, _r(4381, 4389)),
    Municipality("0664", "Goes", 10_000, _r(4461, 4465)),
    Municipality("0654", "Borsele", 5_000, _r(4451, 4456)),
    Municipality("0715", "Terneuzen", 12_000, _r(4531, 4539)),
    # Noord-Brabant
    Municipality("0748", "Bergen op Zoom", 16_000, _r(4611, 4625)),
    Municipality("0873", "Woensdrecht", 5_500, _r(4631, 4641)),
    Municipality("0851", "Steenbergen", 5_500, (4651,)),
    Municipality("0840", "Rucphen", 5_000, (4715,)),
    Municipality("0879", "Zundert", 5_500, (4881,)),
    Municipality("0758", "Breda", 47_000, _r(4811, 4839)),
    Municipality("0826", "Oosterhout", 13_000, _r(4901, 4909)),
    Municipality("0779", "Geertruidenberg", 5_500, _r(4931, 4941)),
    Municipality("0766", "Dongen", 7_000, _r(5101, 5107)),
    Municipality("0784", "Gilze en Rijen", 6_000, _r(5121, 5126)),
    Municipality("0855", "Tilburg", 58_000, _r(5011, 5049)),
    Municipality("0785", "Goirle", 6_000, (5051, 5052)),
    Municipality("0798", "Hilvarenbeek", 3_500, (5081,)),
    Municipality("0867", "Waalwijk", 12_000, _r(5141, 5146)),
    Municipality("0797", "Heusden", 11_000, (5151, 5152, 5154, 5156, 5251, 5252)),
    Municipality("0796", "'s-Hertogenbosch", 40_000, _r(5211, 5247)),
    Municipality("0865", "Vught", 7_000, _r(5261, 5264)),
    Municipality("0828", "Oss", 24_000, _r(5341, 5349)),
    Municipality("0772", "Eindhoven", 60_000, _r(5611, 5658)),
    Municipality("0794", "Helmond", 23_000, _r(5701, 5709)),
    # Limburg
    Municipality("0983", "Venlo", 22_000, _r(5911, 5928)),
    Municipality("0957", "Roermond", 14_000, _r(6041, 6045)),
    Municipality("0971", "Stein", 5_000, (6171, 6176)),
    Municipality("0888", "Beek", 3_200, (6191,)),
    Municipality("0935", "Maastricht", 33_000, _r(6211, 6229)),
    Municipality("0981", "Vaals", 2_200, (6291,)),
    Municipality("0882", "Landgraaf", 7_000, _r(6371, 6374)),
    Municipality("0917", "Heerlen", 16_000, _r(6411, 6419)),
    Municipality("0928", "Kerkrade", 9_000, _r(6461, 6471)),
)
#: the national set: Haaglanden first (so the national run starts with the region), then the rest
NATIONAL: tuple[Municipality, ...] = HAAGLANDEN + OTHER_MUNICIPALITIES


@dataclass(frozen=True)
class Scale:
    name: str
    municipalities: tuple[str, ...]
    clients_per_year: int  # target annual unique clients in the first year (before growth)
    n_providers: int
    default_years: tuple[int, int]
    #: simulate in chunks of about this many annual clients (``synth.chunks``); None: one in-memory world
    chunk_clients: int | None = None


SCALES: dict[str, Scale] = {
    "small": Scale("small", ("0603", "1842", "0629"), 300, 14, (2024, 2025)),
    "region": Scale("region", tuple(m.code for m in HAAGLANDEN), 12_000, 48, (2021, 2025)),
    "national": Scale("national", tuple(m.code for m in NATIONAL), 400_000, 400, (2021, 2025), 12_000),
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
    #: override of the scale's chunk size in annual clients (tests use tiny chunks); None: the scale's
    chunk_clients: int | None = None
    #: the fast path (``synth.direct``): write the simulated records straight into this store (DuckDB file or
    #: postgresql:// URL) instead of writing iJw XML; None: write XML
    db: str | None = None
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
    by_code = {m.code: m for m in NATIONAL}
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
