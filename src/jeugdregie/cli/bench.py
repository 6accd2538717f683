"""`jeugdregie bench ...`: measured performance and quality. Other modules add subcommands to ``bench_app``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

bench_app = typer.Typer(help="Benchmarks: snelheid, geheugen en kwaliteit, gemeten in dezelfde run.",
                        no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")


@bench_app.command("ingest")
def bench_ingest(
    data: Annotated[Path | None, typer.Option("--data", help="Map met iJw-bestanden ")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table of json")] = "table",
) -> None:
    """Inleessnelheid t.o.v. kale lxml-iterparse van dezelfde bytes, en piekgeheugen bij 1x en 10x invoer."""
    from jeugdregie.ingest.bench import run

    console = Console(stderr=True)
    if data is None:
        console.print("Geef een map met iJw-bestanden op met --data (bijv. de uitvoer van jeugdregie synth).")
        raise typer.Exit(code=2)
    console.print("Meten ...")
    result = run([data / "ijw" if (data / "ijw").is_dir() else data])
    if fmt == "json":
        print(json.dumps(result, indent=2))
        return
    for k, v in result.items():
        console.print(f"{k:>24}: {v:,.3f}" if isinstance(v, float) else f"{k:>24}: {v:,}")
