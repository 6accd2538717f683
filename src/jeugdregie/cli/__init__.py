"""The ``jeugdregie`` command line. Each module in this package adds one command (group).

A module defines ``register(app: typer.Typer) -> None``; ``main`` discovers all modules, so adding a
command never means editing a shared file. Commands are thin: they parse options, call the analysis,
and hand the result to ``jeugdregie.cli.output``.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

app = typer.Typer(
    name="jeugdregie",
    help="Sturingsinformatie Jeugdwet: iJw-berichten inlezen, kosten verklaren, prognoses en signalen.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)

_loaded = False


def load_commands() -> typer.Typer:
    global _loaded
    if not _loaded:
        for mod in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
            if mod.name.startswith("_") or mod.name in {"output", "common"}:
                continue
            module = importlib.import_module(f"{__name__}.{mod.name}")
            register = getattr(module, "register", None)
            if register is not None:
                register(app)
        _loaded = True
    return app


def main() -> None:
    load_commands()()
