"""BSN 11-proef (CS002): weights 9..2 and -1 on the last digit; the weighted sum is divisible by 11."""

from __future__ import annotations


def is_valid_bsn(value: str) -> bool:
    if len(value) != 9 or not value.isdigit():
        return False
    d = [int(c) for c in value]
    total = 9 * d[0] + 8 * d[1] + 7 * d[2] + 6 * d[3] + 5 * d[4] + 4 * d[5] + 3 * d[6] + 2 * d[7] - d[8]
    return total % 11 == 0 and value != "000000000"
