"""`jeugdregie synth`: write a calibrated synthetic region as iJw 3.2 XML with ground truth."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from jeugdregie.money import format_eur, format_int


def register(app: typer.Typer) -> None:
    app.command("synth")(synth)


def synth(
    out: Annotated[Path, typer.Option("--out", help="Map voor de berichten en ground_truth.json")],
    scale: Annotated[str, typer.Option("--scale", help="small, demo, region of national")] = "small",
    seed: Annotated[int, typer.Option("--seed", help="Startwaarde: zelfde seed = zelfde bestanden")] = 1,
    years: Annotated[str | None, typer.Option("--years", help="Zorgjaren, bijv. 2021-2025")] = None,
    extract_date: Annotated[str | None, typer.Option("--extract-date", help="Peildatum van de extractie")] = None,
    client_growth: Annotated[float, typer.Option(help="Groei aantal clienten per jaar")] = 0.05,
    intensity_growth: Annotated[float, typer.Option(help="Groei eenheden per client per jaar")] = 0.03,
    tariff_growth: Annotated[float, typer.Option(help="Groei tarief per jaar")] = 0.025,
    mix_shift: Annotated[float, typer.Option(help="Groei aandeel zware producten per jaar")] = 0.0,
) -> None:
    """Genereer een synthetische regio met echte iJw 3.2-berichten en de bekende uitkomsten (ground truth)."""
    from jeugdregie.synth import generate
    from jeugdregie.synth.model import SCALES, Knobs

    if scale not in SCALES:
        raise typer.BadParameter(f"onbekende schaal {scale!r}: kies uit {', '.join(SCALES)}")
    span = None
    if years:
        a, _, b = years.partition("-")
        span = (int(a), int(b or a))
    console = Console(stderr=True)
    with Progress(TextColumn("[bold]Genereren[/bold]"), BarColumn(), TextColumn("{task.completed} trajecten"),
                  TimeElapsedColumn(), console=console) as progress:
        task = progress.add_task("synth", total=None)
        truth = generate(out, scale=scale, seed=seed, years=span,
                         extract_date=date.fromisoformat(extract_date) if extract_date else None,
                         knobs=Knobs(client_growth, intensity_growth, tariff_growth, mix_shift),
                         progress=lambda n: progress.advance(task, n))
    console.print(f"Berichten geschreven naar {out / 'ijw'}: " + ", ".join(
        f"{t} {format_int(n)}" for t, n in truth["messages"].items()))
    for y, v in truth["per_year"].items():
        console.print(f"  zorgjaar {y}: {format_int(v['clients'])} clienten, gedeclareerd "
                      f"{format_eur(v['declared_net_cents'])}, uiteindelijk {format_eur(v['final_net_cents'])}")
    console.print(f"Ground truth: {out / 'ground_truth.json'}")
