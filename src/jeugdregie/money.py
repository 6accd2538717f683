"""Money is integer euro-cents everywhere. Formatting for Dutch users lives here."""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal


def eur_to_cents(value: str | int | Decimal) -> int:
    """Parse a euro amount ('1234.56', '1.234,56', Decimal) to integer cents, exactly.

    A text with more than two digits after its decimal mark is refused, never rounded: in a Dutch file
    '150.000' means 150,000 euros while the English reading is 150 euros, and '12.345' is a cent-fraction or a
    thousands group; the user must write '150000', '150.000,00' or '12,35'."""
    if isinstance(value, int):
        return value * 100
    if isinstance(value, Decimal):
        d = value
    else:
        s = value.strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
        if "," in s:  # Dutch notation: thousands '.', decimals ','
            s = s.replace(".", "").replace(",", ".")
        if "." in s and len(s.rsplit(".", 1)[1]) > 2:
            raise ValueError(f"bedrag {value!r} is dubbelzinnig of heeft meer dan twee decimalen: schrijf "
                             "bijvoorbeeld 150000, 150.000,00 of 1234,56")
        try:
            d = Decimal(s)
        except ArithmeticError as exc:
            raise ValueError(f"geen geldig eurobedrag: {value!r}") from exc
    return int((d * 100).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def float_text(value: float) -> str:
    """A spreadsheet number as the text Excel shows: at most 15 significant digits, so formula noise such as
    1996276.8800000001 reads as 1996276.88 (Excel stores and displays 15 digits) and is not refused as a text
    with more than two decimals."""
    return f"{value:.15g}"


def parse_eur_input(text: str | None) -> int | None:
    """A euro amount as a Dutch user types it in a form, to cents exactly; None when blank.

    Dots followed by groups of three digits are thousands ('150.000', '1.250.000,50'); a comma is the decimal
    mark ('12500,50'); a dot followed by one or two digits is read as decimals too ('12500.50'). More than two
    decimals, or anything else, raises ``ValueError`` (never silently rounded: '150.000' is not € 150)."""
    s = (text or "").strip().replace("€", "").replace(" ", "").replace("\u00a0", "")
    if not s:
        return None
    if "," not in s and re.fullmatch(r"[-+]?\d{1,3}(\.\d{3})+", s):
        s = s.replace(".", "")
    if not re.fullmatch(r"[-+]?(\d{1,3}(\.\d{3})+|\d+)([,.]\d{1,2})?", s):
        raise ValueError(f"geen geldig eurobedrag: {text!r}")
    return eur_to_cents(s)


def round_half_up(numerator: int, denominator: int) -> int:
    """Integer division rounded half away from zero, exact for any ints."""
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    q, r = divmod(abs(numerator), denominator)
    if 2 * r >= denominator:
        q += 1
    return q if numerator >= 0 else -q


def _group(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def format_eur(cents: int | None, decimals: bool = False) -> str:
    """€ 1.234.567 (or € 1.234.567,89). Negative: -€ 1.234."""
    if cents is None:
        return "–"
    sign = "-" if cents < 0 else ""
    c = abs(int(cents))
    if decimals:
        return f"{sign}€ {_group(c // 100)},{c % 100:02d}"
    return f"{sign}€ {_group(round_half_up(c, 100))}"


def format_int(n: int | None) -> str:
    return "–" if n is None else ("-" if n < 0 else "") + _group(abs(int(n)))


def format_pct(fraction: float | None, digits: int = 1) -> str:
    if fraction is None:
        return "–"
    return f"{fraction * 100:.{digits}f}%".replace(".", ",")


def format_date(d: date | None) -> str:
    return "–" if d is None else d.strftime("%d-%m-%Y")
