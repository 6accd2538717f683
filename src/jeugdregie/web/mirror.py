"""The JSON API mirrors the CLI: ``/api/<command path>?<option>=<value>`` runs the same typer command with
``--<option> <value> --format json`` and returns exactly what the CLI prints.

How: the command runs in-process with ``cli.output.capture`` (``emit`` records its tables and JSON instead of
printing) and ``cli.common.lend_database`` (the command uses the web request's scoped connection instead of
opening the store). Errors the command prints to stderr are captured per request and returned as the message.

Only safe options are exposed: never ``--db``, ``--format``, ``--out``, chart files, or any option that
names a file on the server (``Path`` options and the names in ``FILE_OPTIONS``).
"""

from __future__ import annotations

import contextlib
import enum
import io
import sys
import typing
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import typer

from jeugdregie.cli.common import Format, lend_database
from jeugdregie.cli.output import Emitted, capture
from jeugdregie.store.database import Database

#: options never exposed over HTTP (storage, output files, server-side input files)
HIDDEN_OPTIONS = {"db", "fmt", "out", "chart", "from_table", "rules", "segment", "contracted", "thresholds", "help"}
TRUE = {"1", "true", "ja", "yes", "on"}
FALSE = {"0", "false", "nee", "no", "off", ""}


class CommandError(Exception):
    """The command refused its input (HTTP 400) or does not exist (404)."""

    def __init__(self, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


@dataclass(frozen=True)
class Param:
    name: str            # query parameter name (the long option without dashes, or the argument name)
    python_name: str
    opt: str | None      # '--period' for options, None for positional arguments
    kind: str            # string | integer | number | boolean | choice
    required: bool
    multiple: bool
    default: Any
    choices: tuple[str, ...] = ()
    help: str = ""


@lru_cache(maxsize=1)
def _root() -> Any:
    from jeugdregie.cli import load_commands

    return typer.main.get_command(load_commands())


def find_command(path: str) -> Any | None:
    """The click command for 'costs' or 'lists/wlz', or None."""
    cmd = _root()
    for part in [p for p in path.strip("/").split("/") if p]:
        commands = getattr(cmd, "commands", None)
        if not commands or part not in commands:
            return None
        cmd = commands[part]
    return None if getattr(cmd, "commands", None) else cmd


def _kind(annotation: Any) -> tuple[str, tuple[str, ...], bool]:
    origin = typing.get_origin(annotation)
    multiple = False
    if origin in (list, tuple, Sequence):
        multiple = True
        annotation = typing.get_args(annotation)[0]
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return "choice", tuple(str(m.value) for m in annotation), multiple
    if annotation is bool:
        return "boolean", (), multiple
    if annotation is int:
        return "integer", (), multiple
    if annotation is float:
        return "number", (), multiple
    if isinstance(annotation, type) and issubclass(annotation, Path):
        return "path", (), multiple
    return "string", (), multiple


def command_params(cmd: Any) -> list[Param]:
    """The HTTP-exposed parameters of a command."""
    out = []
    for p in cmd.params:
        if p.name in HIDDEN_OPTIONS or getattr(p, "hidden", False):
            continue
        td = getattr(p, "type_descriptor", None)
        annotation = td.annotation if td is not None else str
        kind, choices, multiple = _kind(annotation)
        if kind == "path":
            continue
        is_option = getattr(p, "param_type_name", "option") == "option"
        longs = [o for o in p.opts if o.startswith("--")]
        name = (longs[0][2:] if longs else p.name) if is_option else p.name
        default = p.default
        if isinstance(default, enum.Enum):
            default = default.value
        out.append(Param(name=name, python_name=p.name, opt=longs[0] if (is_option and longs) else None,
                         kind="boolean" if getattr(p, "is_flag", False) else kind, required=bool(p.required),
                         multiple=multiple or bool(getattr(p, "multiple", False)),
                         default=default if isinstance(default, str | int | float | bool) or default is None
                         else None,
                         choices=choices, help=str(getattr(p, "help", "") or "")))
    return out


def command_help(cmd: Any) -> str:
    return str(getattr(cmd, "help", "") or "").strip()


def normalise_args(params: Sequence[Param], query: Mapping[str, Sequence[str]]) -> dict[str, Any]:
    """Query values (name -> list of strings) to option values by parameter name; unknown names -> 400."""
    known = {p.name: p for p in params}
    alias = {p.python_name: p.name for p in params}
    args: dict[str, Any] = {}
    for key, values in query.items():
        name = key if key in known else alias.get(key)
        if name is None:
            raise CommandError(f"onbekende parameter {key!r}; toegestaan: {', '.join(sorted(known)) or '(geen)'}")
        p = known[name]
        vals = [str(v) for v in values]
        if p.kind == "boolean":
            v = vals[-1].strip().lower()
            if v not in TRUE | FALSE:
                raise CommandError(f"{name}: gebruik true of false")
            args[name] = v in TRUE
        elif p.multiple:
            args[name] = vals
        else:
            args[name] = vals[-1]
    check_ranges(args)
    return args


#: accepted calendar years for year, date and period options: analyses build month-by-month triangles
#: between these dates, so an absurd year (9999) would cost unbounded memory
YEARS = range(1990, 2101)
YEAR_OPTIONS = {"year", "norm-year"}
DATE_OPTIONS = {"as-of", "peildatum"}
PERIOD_OPTIONS = {"period", "from", "to", "norm-period"}


def check_ranges(args: Mapping[str, Any]) -> None:
    """Refuse (400) years outside ``YEARS`` in year, date and period options."""
    from datetime import date

    for name, value in args.items():
        if value is None or isinstance(value, list | bool):
            continue
        text = str(value).strip()
        if name in YEAR_OPTIONS:
            if not (text.lstrip("-").isdigit() and int(text) in YEARS):
                raise CommandError(f"{name}: een jaar van {YEARS.start} tot en met {YEARS.stop - 1}")
        elif name in DATE_OPTIONS:
            try:
                ok = date.fromisoformat(text).year in YEARS
            except ValueError:
                ok = False
            if not ok:
                raise CommandError(f"{name}: een datum JJJJ-MM-DD tussen {YEARS.start} en {YEARS.stop - 1}")
        elif name in PERIOD_OPTIONS and text[:4].isdigit() and int(text[:4]) not in YEARS:
            raise CommandError(f"{name}: jaar buiten {YEARS.start}-{YEARS.stop - 1}")


def argv(params: Sequence[Param], args: Mapping[str, Any], fmt: Format) -> list[str]:
    out: list[str] = []
    positional: list[str] = []
    for p in params:
        if p.name not in args or args[p.name] is None:
            continue
        value = args[p.name]
        if p.opt is None:
            positional.extend(value if isinstance(value, list) else [str(value)])
        elif p.kind == "boolean":
            if value:
                out.append(p.opt)
        elif isinstance(value, list):
            for v in value:
                out += [p.opt, str(v)]
        else:
            out += [p.opt, str(value)]
    return [*out, "--format", fmt.value, *(["--"] + positional if positional else [])]


# -- stderr of commands, captured per request --------------------------------------------------------
_stderr_sink: ContextVar[io.StringIO | None] = ContextVar("jeugdregie_stderr_sink", default=None)


class _ContextStderr(io.TextIOBase):
    """sys.stderr replacement: writes go to the current request's buffer, else to the real stream."""

    def __init__(self, real: Any) -> None:
        self.real = real

    def write(self, s: str) -> int:  # type: ignore[override]
        sink = _stderr_sink.get()
        return sink.write(s) if sink is not None else self.real.write(s)

    def flush(self) -> None:
        sink = _stderr_sink.get()
        (sink if sink is not None else self.real).flush()

    def isatty(self) -> bool:
        return False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return "utf-8"


@contextlib.contextmanager
def _stderr_captured() -> Iterator[io.StringIO]:
    if not isinstance(sys.stderr, _ContextStderr):
        sys.stderr = _ContextStderr(sys.stderr)
    buf = io.StringIO()
    token = _stderr_sink.set(buf)
    try:
        yield buf
    finally:
        _stderr_sink.reset(token)


def _clean(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not set(ln.strip()) <= set("─│╭╮╰╯ ")]
    return " ".join(ln.strip("│ ").replace("Fout:", "").strip() for ln in lines)[:500]


def run_command(path: str, args: Mapping[str, Any], db: Database, fmt: Format = Format.json) -> Emitted:
    """Run the CLI command at ``path`` with ``args`` (query name -> value) on ``db``; return its output."""
    cmd = find_command(path)
    if cmd is None:
        raise CommandError(f"onbekend commando {path!r}", 404)
    params = command_params(cmd)
    missing = [p.name for p in params if p.required and args.get(p.name) in (None, "", [])]
    if missing:
        raise CommandError(f"verplicht: {', '.join(missing)}")
    with _stderr_captured() as err, lend_database(db), capture() as sink:
        try:
            code = cmd.main(args=argv(params, args, fmt), prog_name=f"jeugdregie {path.replace('/', ' ')}",
                            standalone_mode=False)
        except (ValueError, OverflowError) as exc:  # input the analysis cannot handle (e.g. year 2147483648)
            raise CommandError(f"ongeldige invoer: {_clean(str(exc))}") from None
        except Exception as exc:  # click usage errors (BadParameter, UsageError) carry a message
            fmt_msg = getattr(exc, "format_message", None)
            if fmt_msg is None:
                raise
            raise CommandError(_clean(fmt_msg())) from None
    if code not in (None, 0) or not sink:
        raise CommandError(_clean(err.getvalue()) or "het commando gaf geen resultaat")
    return sink[-1]
