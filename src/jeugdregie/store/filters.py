"""Optional equality filters for a query: ``WHERE col = ? AND ...`` for the filters the caller gave."""

from __future__ import annotations

from typing import Any


def where_equal(**columns: Any) -> tuple[str, list[Any]]:
    """The clause ``" WHERE a = ? AND b = ?"`` and its parameters for the columns whose value is set (not None
    or empty); ``("", [])`` when none is. Column names come from the caller's code, never from user input."""
    given = [(col, value) for col, value in columns.items() if value]
    if not given:
        return "", []
    return " WHERE " + " AND ".join(f"{col} = ?" for col, _ in given), [value for _, value in given]
