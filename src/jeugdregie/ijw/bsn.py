"""BSN 11-proef (CS002): weights 9..2 and -1 on the last digit; the weighted sum is divisible by 11."""

from __future__ import annotations


def is_valid_bsn(value: str) -> bool:
    if len(value) != 9 or not value.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True)) - int(value[8])
    return total % 11 == 0 and value != "000000000"
