"""Money parsing: exact cents, Dutch and plain notation, ambiguous texts refused (never rounded)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from jeugdregie.money import eur_to_cents, parse_eur_input


@pytest.mark.parametrize(("text", "cents"), [
    ("1234.56", 123456), ("1.234,56", 123456), ("150.000,00", 15000000), ("150000", 15000000), ("-12,5", -1250),
    ("€ 1.250.000,50", 125000050), ("0,07", 7), (" 42 ", 4200),
])
def test_eur_to_cents_exact(text: str, cents: int) -> None:
    assert eur_to_cents(text) == cents


@pytest.mark.parametrize("text", ["150.000", "12.345", "1,2345", "abc", ""])
def test_ambiguous_or_invalid_amounts_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        eur_to_cents(text)


def test_numbers_and_form_input() -> None:
    assert eur_to_cents(12) == 1200 and eur_to_cents(Decimal("12.345")) == 1235  # a Decimal is a number, not a text
    assert parse_eur_input("150.000") == 15000000 and parse_eur_input("") is None


def test_spreadsheet_floats_read_as_excel_shows_them() -> None:
    from jeugdregie.money import float_text

    noisy = 1919497 * 1.04 + 1e-9  # a formula result with binary noise
    assert float_text(noisy) == "1996276.88" and eur_to_cents(float_text(noisy)) == 199627688
    assert float_text(0.1 + 0.2) == "0.3"
