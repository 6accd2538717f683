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
    data: Annotated[Path | None, typer.Option("--data", help="Map met iJw-bestanden (standaard: synthetische regio)")] = None,
    scale: Annotated[str, typer.Option("--scale", help="Schaal van de synthetische regio zonder --data")] = "small",
    repeat: Annotated[int, typer.Option("--repeat", help="Herhalingen; de snelste van elk telt")] = 3,
    memory: Annotated[bool, typer.Option("--memory/--no-memory", help="Ook piekgeheugen 1x en 10x meten")] = True,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table of json")] = "table",
) -> None:
    """Inleessnelheid t.o.v. kale lxml-iterparse van dezelfde bytes, en piekgeheugen bij 1x en 10x invoer."""
    import tempfile

    from jeugdregie.ingest.bench import run

    console = Console(stderr=True)
    with tempfile.TemporaryDirectory() as tmp:
        if data is None:
            from jeugdregie.synth.config import SynthOptions
            from jeugdregie.synth.generator import generate

            console.print(f"Synthetische regio genereren ({scale}) ...")
            data = Path(tmp) / "region"
            generate(SynthOptions(out=str(data), scale=scale, seed=1))
        console.print("Meten (kale lxml-iterparse, inlezen, piekgeheugen 1x en 10x) ...")
        result = run([data / "ijw" if (data / "ijw").is_dir() else data], repeat=repeat, memory=memory)
    if fmt == "json":
        print(json.dumps(result, indent=2))
        return
    for k, v in result.items():
        console.print(f"{k:>24}: {v:,.3f}" if isinstance(v, float) else f"{k:>24}: {v:,}")


@bench_app.command("synth")
def bench_synth(
    scale: Annotated[str, typer.Option("--scale", help="Schaal (national: in delen)")] = "national",
    clients: Annotated[int | None, typer.Option("--clients", help="Cliënten per jaar (standaard: de schaal, national 400.000)")] = None,
    chunk_clients: Annotated[int | None, typer.Option("--chunk-clients", help="Cliënten per jaar per deel")] = None,
    seed: Annotated[int, typer.Option("--seed", help="Startwaarde")] = 1,
    db: Annotated[str | None, typer.Option("--db", help="Lege database om in te schrijven (standaard: tijdelijk DuckDB-bestand)")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table of json")] = "table",
) -> None:
    """Snelle route van synth (records direct in de database): wandkloktijd, CPU-tijd, piekgeheugen totaal en per deel."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from jeugdregie.synth.bench import run
    from jeugdregie.synth.config import SynthOptions

    console = Console(stderr=True)
    opts = SynthOptions(out="", scale=scale, seed=seed, clients_per_year=clients, chunk_clients=chunk_clients)
    with Progress(TextColumn("[bold]Synth (snelle route)[/bold] delen"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=console) as bar:
        task = bar.add_task("delen", total=None)

        def progress(phase: str, n: int, total: int | None) -> None:
            if phase == "delen":
                if total is not None:
                    bar.update(task, total=total)
                bar.advance(task, n)

        result = run(opts, db, progress)
    if fmt == "json":
        print(json.dumps(result, indent=2))
        return
    for k, v in result.items():
        console.print(f"{k:>24}: {v:,}" if isinstance(v, int) else f"{k:>24}: {v}")
