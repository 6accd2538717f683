"""Rendering command results: table (rich), JSON, CSV and Excel, from one result shape.

A result for output is a ``Table``: a title, ordered columns (key, Dutch header, kind) and rows as dicts.
Commands whose JSON has its own documented shape pass that object as ``json_obj``.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sys
from collections.abc import Iterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table as RichTable

from jeugdregie.cli.common import Format
from jeugdregie.money import format_date, format_eur, format_int, format_pct


@dataclass
class Column:
    key: str
    header: str
    kind: str = "text"  # text | int | cents | pct | date | float


@dataclass
class Table:
    title: str
    columns: list[Column]
    rows: list[dict[str, Any]]
    notes: list[str] = field(default_factory=list)


def json_default(o: Any) -> Any:
    if isinstance(o, datetime | date):
        return o.isoformat()
    if isinstance(o, Decimal):
        return str(o)
    if isinstance(o, set | frozenset | tuple):
        return list(o)
    raise TypeError(f"not JSON serialisable: {type(o).__name__}")


def dumps(obj: Any) -> str:
    return json.dumps(obj, default=json_default, ensure_ascii=False, indent=2)


def _cell(value: Any, kind: str) -> str:
    if value is None:
        return "–"
    if kind == "cents":
        return format_eur(int(value))
    if kind == "int":
        return format_int(int(value))
    if kind == "pct":
        return format_pct(float(value))
    if kind == "date" and isinstance(value, date):
        return format_date(value)
    if kind == "float":
        return f"{float(value):,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")
    return str(value)


def render_table(tables: Sequence[Table], console: Console | None = None) -> None:
    console = console or Console()
    for t in tables:
        rt = RichTable(title=t.title, title_justify="left")
        for c in t.columns:
            rt.add_column(c.header, justify="right" if c.kind in {"int", "cents", "pct", "float"} else "left")
        for r in t.rows:
            rt.add_row(*[_cell(r.get(c.key), c.kind) for c in t.columns])
        console.print(rt)
        for n in t.notes:
            console.print(f"[dim]{n}[/dim]")


def write_csv(table: Table, fh: io.TextIOBase | Any) -> None:
    w = csv.writer(fh, delimiter=";")
    w.writerow([c.header for c in table.columns])
    for r in table.rows:
        w.writerow([_csv_value(r.get(c.key), c.kind) for c in table.columns])


def _csv_value(v: Any, kind: str) -> Any:
    if v is None:
        return ""
    if kind == "cents":
        c = int(v)
        sign = "-" if c < 0 else ""
        return f"{sign}{abs(c) // 100},{abs(c) % 100:02d}"
    if kind in {"pct", "float"}:
        return f"{float(v):.4f}".replace(".", ",")
    return v


def write_xlsx(tables: Sequence[Table], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    first = True
    for t in tables:
        ws = wb.active if first else wb.create_sheet()
        first = False
        assert ws is not None
        ws.title = _sheet_name(t.title)
        ws.append([c.header for c in t.columns])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for r in t.rows:
            ws.append([_xlsx_value(r.get(c.key), c.kind) for c in t.columns])
        for idx, c in enumerate(t.columns, start=1):
            fmt = {"cents": '€ #,##0.00;-€ #,##0.00', "int": "#,##0", "pct": "0.0%",
                   "date": "DD-MM-YYYY", "float": "#,##0.00"}.get(c.kind)
            letter = ws.cell(row=1, column=idx).column_letter
            ws.column_dimensions[letter].width = max(12, len(c.header) + 2)
            if fmt:
                for row in ws.iter_rows(min_row=2, min_col=idx, max_col=idx):
                    for cell in row:
                        cell.number_format = fmt
        ws.freeze_panes = "A2"
        if t.notes:
            ws.append([])
            for n in t.notes:
                ws.append([n])
    wb.save(path)


def _xlsx_value(v: Any, kind: str) -> Any:
    if v is None:
        return None
    if kind == "cents":
        return Decimal(int(v)) / 100  # exact decimal for Excel display
    if isinstance(v, list | dict):
        return json.dumps(v, default=json_default, ensure_ascii=False)
    return v


def _sheet_name(title: str) -> str:
    bad = '[]:*?/\\'
    name = "".join("_" if ch in bad else ch for ch in title)
    return name[:31] or "Blad"


@dataclass
class Emitted:
    """One ``emit`` call caught by ``capture`` (the web layer renders the same tables and JSON)."""
    fmt: Format
    tables: list[Table]
    json_obj: Any
    name: str


_capture: ContextVar[list[Emitted] | None] = ContextVar("jeugdregie_emit_capture", default=None)


@contextlib.contextmanager
def capture() -> Iterator[list[Emitted]]:
    """Within this block ``emit`` records its result instead of writing it (per thread/task)."""
    sink: list[Emitted] = []
    token = _capture.set(sink)
    try:
        yield sink
    finally:
        _capture.reset(token)


def json_payload(tables: Sequence[Table], json_obj: Any = None) -> Any:
    """What ``--format json`` prints."""
    if json_obj is not None:
        return json_obj
    return {"rows": tables[0].rows} if len(tables) == 1 else {t.title: t.rows for t in tables}


def emit(fmt: Format, tables: Sequence[Table], json_obj: Any = None, out: str | None = None,
         default_name: str = "jeugdregie") -> None:
    """Write the result in the requested format. JSON uses ``json_obj`` when given."""
    sink = _capture.get()
    if sink is not None:
        sink.append(Emitted(fmt, list(tables), json_payload(tables, json_obj), default_name))
        return
    if fmt == Format.json:
        obj = json_payload(tables, json_obj)
        text = dumps(obj)
        if out:
            Path(out).write_text(text + "\n", encoding="utf-8")
        else:
            sys.stdout.write(text + "\n")
    elif fmt == Format.csv:
        if out:
            with open(out, "w", newline="", encoding="utf-8-sig") as fh:
                write_csv(tables[0], fh)
        else:
            write_csv(tables[0], sys.stdout)
    elif fmt == Format.xlsx:
        path = Path(out or f"{default_name}.xlsx")
        write_xlsx(tables, path)
        Console(stderr=True).print(f"Excel geschreven: {path}")
    else:
        render_table(tables)
