"""Synthetic personal data: BSNs that pass the 11-proef, Dutch-looking names and addresses.

Everything here is made up. BSNs start with 9 and come from a fixed bijection of a serial number, so they
are reproducible and unique; they are not personal data, but the ingest must still drop them.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2, -1)


def elfproef(bsn: str) -> bool:
    """BSN 11-proef: weights 9..2 and -1 on the last digit, sum divisible by 11 (CS002)."""
    if len(bsn) != 9 or not bsn.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(bsn, BSN_WEIGHTS, strict=True))
    return total % 11 == 0 and bsn != "000000000"


#: serials are a bijection modulo 10^7, so one factory issues at most this many distinct BSNs (~9 million)
BSN_SERIALS = 10**7


class BsnFactory:
    """Unique synthetic BSNs ``9xxxxxxxc`` from a serial; ~9/10 of serials give a valid check digit.

    One factory is unique over its whole life; the chunked national simulation shares one factory between
    its chunks, so BSNs are unique across chunks too."""

    def __init__(self, offset: int = 0) -> None:
        self._start = offset
        self._serial = offset

    @property
    def serials_used(self) -> int:
        return self._serial - self._start

    def next(self) -> str:
        while True:
            self._serial += 1
            if self._serial - self._start > BSN_SERIALS:
                raise RuntimeError("synthetische BSN's op: meer dan ~9 miljoen clienten in een run")
            body = 9 * 10**7 + (self._serial * 7_919 + 1_234_567) % 10**7  # bijection mod 10^7
            digits = str(body)
            s = sum(int(d) * w for d, w in zip(digits, BSN_WEIGHTS[:8], strict=True))
            check = s % 11
            if check <= 9:
                return digits + str(check)


BOYS = (
    "Daan Sem Luuk Noah Levi Finn Milan Jesse Bram Lucas Thomas Mees Liam Sam Julian Thijs Adam Ruben Max "
    "Jayden Stijn Gijs Siem Tijn Mohammed Ayoub Ravi Jens Teun Olivier Hugo Lars Tim Niels Kevin Rayan"
).split()
GIRLS = (
    "Emma Julia Mila Tess Sophie Zoë Sara Nora Yara Eva Lotte Liv Saar Fenna Noor Lina Anna Isa Evi Fleur "
    "Lieke Roos Femke Amira Yasmina Nina Sanne Iris Elif Maud Jasmijn Ilse Demi Naomi Esra Lynn"
).split()
SURNAMES = (
    ("Jansen", None), ("Vries", "de"), ("Bakker", None), ("Visser", None), ("Smit", None), ("Meijer", None),
    ("Boer", "de"), ("Mulder", None), ("Groot", "de"), ("Bos", None), ("Vos", None), ("Peters", None),
    ("Hendriks", None), ("Leeuwen", "van"), ("Dekker", None), ("Brouwer", None), ("Wit", "de"),
    ("Dijk", "van"), ("Berg", "van den"), ("Vermeulen", None), ("Kok", None), ("Jacobs", None),
    ("Haan", "de"), ("Vliet", "van"), ("Heuvel", "van den"), ("Veen", "van der"), ("Hoek", "van den"),
    ("Wal", "van der"), ("Hart", "'t"), ("Yilmaz", None), ("Bennani", None), ("Kaya", None),
    ("Ramdin", None), ("Nguyen", None), ("Wijk", "van"), ("Graaf", "de"), ("Schouten", None),
    ("Koster", None), ("Prins", None), ("Huisman", None), ("Postma", None), ("Kuipers", None),
)
STREETS = (
    "Kerkstraat", "Dorpsstraat", "Schoolstraat", "Molenweg", "Stationsweg", "Julianastraat", "Beatrixlaan",
    "Wilhelminastraat", "Lindenlaan", "Eikenlaan", "Populierenlaan", "Kastanjelaan", "Nieuwstraat",
    "Havenstraat", "Marktplein", "Haagweg", "Delftweg", "Prinses Irenelaan", "Oranjelaan", "Parallelweg",
    "Burgemeester Elsenlaan", "Van Vredenburchweg", "Laan van Nieuw Oost", "Tulpstraat", "Rozenlaan",
)
#: letter pairs allowed in Dutch postcodes (SA, SD and SS are not issued)
_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"


@dataclass(slots=True)
class Person:
    first_name: str
    surname: str
    prefix: str | None
    street: str
    house_number: int
    postcode: str  # 6 chars, e.g. 2281AB
    place: str

    @property
    def initials(self) -> str:
        return self.first_name[0]

    @property
    def pc4(self) -> str:
        return self.postcode[:4]


def make_person(rng: random.Random, gender: str, pc4_choices: tuple[int, ...],
                pc4_weights: tuple[int, ...] | None, place: str) -> Person:
    first = rng.choice(BOYS if gender == "1" else GIRLS)
    surname, prefix = rng.choice(SURNAMES)
    if pc4_weights:
        pc4 = rng.choices(pc4_choices, weights=pc4_weights)[0]
    else:
        pc4 = rng.choice(pc4_choices)
    while True:
        letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
        if letters not in ("SA", "SD", "SS"):
            break
    return Person(first, surname, prefix, rng.choice(STREETS), rng.randint(1, 250),
                  f"{pc4}{letters}", place)
