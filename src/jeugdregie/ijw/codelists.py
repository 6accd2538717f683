"""iJw 3.2 code lists (copied from the iStandaarden code list; a test checks they match the shared copy)."""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from pathlib import Path

#: code list name -> iJw name
LISTS = {
    "berichtcode": "COD002",
    "debet_credit": "COD043",
    "eenheid": "WJ756",
    "frequentie": "WJ757",
    "geslacht": "COD046",
    "juridische_status": "WJ232",
    "productcategorie": "JZ020",
    "reden_afwijzing": "WJ759",
    "reden_beeindiging": "JZ588",
    "reden_verzoek": "WJ758",
    "reden_wijziging": "JZ002",
    "retourcode": "WJ001",
    "status_aanlevering": "COD467",
    "verwijzer": "COD327",
    "verzoek_antwoord": "WJ760",
}


def codelist_files() -> list[tuple[str, Path]]:
    folder = resources.files("jeugdregie.ijw") / "codelists"
    return [(name, Path(str(folder / f"{name}.csv"))) for name in LISTS]


@cache
def codes(name: str) -> dict[str, str]:
    """code -> label for one list, e.g. ``codes('productcategorie')['45']``."""
    path = Path(str(resources.files("jeugdregie.ijw") / "codelists" / f"{name}.csv"))
    with path.open(encoding="utf-8") as fh:
        return {r["code"]: r["label"] for r in csv.DictReader(fh)}


def label(name: str, code: str | None) -> str:
    if code is None:
        return ""
    return codes(name).get(code, code)


#: JZ020 categories with residential care (verblijf), for flow analyses
RESIDENTIAL_CATEGORIES = frozenset({"43", "44", "35", "36", "37", "38"})
#: JZ020 categories of youth protection / youth probation
YOUTH_PROTECTION_CATEGORIES = frozenset({"47", "48"})
