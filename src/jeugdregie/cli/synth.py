"""``jeugdregie synth``: write a synthetic region as iJw 3.2 messages plus ground truth."""

from __future__ import annotations

import time
from datetime import date
from enum import StrEnum
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn, TimeElapsedColumn


class ScaleChoice(StrEnum):
    small = "small"
    region = "region"
    national = "national"


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth(
        out: Annotated[str, typer.Option("--out", help="Map voor de gegenereerde berichten en ground truth")],
        scale: Annotated[ScaleChoice, typer.Option("--scale", help="Omvang: small, region of national")] = ScaleChoice.small,
        seed: Annotated[int, typer.Option("--seed", help="Startwaarde van de toevalsgenerator")] = 1,
        years: Annotated[str | None, typer.Option("--years", help="Dienstjaren, bv. 2021-2025")] = None,
        extract_date: Annotated[str, typer.Option("--extract-date", help="Peildatum (JJJJ-MM-DD); niets later")] = "2026-09-30",
        client_growth: Annotated[float, typer.Option("--client-growth", help="Jaarlijkse groei aantal cliënten")] = 0.04,
        intensity_growth: Annotated[float, typer.Option("--intensity-growth", help="Jaarlijkse groei eenheden per cliënt")] = 0.03,
        tariff_growth: Annotated[float, typer.Option("--tariff-growth", help="Jaarlijkse tariefstijging")] = 0.025,
        mix_shift: Annotated[float, typer.Option("--mix-shift", help="Jaarlijkse verschuiving naar zware producten")] = 0.0,
        inject_anomalies: Annotated[bool, typer.Option("--inject-anomalies", help="Voeg afwijkende declaraties toe (signalen)")] = False,
        exact_knobs: Annotated[bool, typer.Option("--exact-knobs", help="Deterministische knoppen: cliënten, eenheden per cliënt, tarief en mix groeien exact met de knoppen (vaste cohorten, geen vertraging of afwijzingen)")] = False,
    ) -> None:
        """Genereer een synthetische regio: echte iJw 3.2-berichten (315/301/305/307/317/323/325) en ground_truth.json."""
        from jeugdregie.synth.config import Knobs, SynthOptions, parse_years
        from jeugdregie.synth.generator import generate

        console = Console(stderr=True)
        try:
            yrs = parse_years(years) if years else None
            extract = date.fromisoformat(extract_date)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        if extract > date.today():
            raise typer.BadParameter("peildatum ligt in de toekomst (TR135: Dagtekening nooit in de toekomst)")
        opts = SynthOptions(
            out=out, scale=scale.value, seed=seed, years=yrs, extract_date=extract,
            knobs=Knobs(client_growth, intensity_growth, tariff_growth, mix_shift),
            inject_anomalies=inject_anomalies, exact_knobs=exact_knobs,
        )
        try:
            opts.check()
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        if opts.last_year >= extract.year + (1 if extract.month == 12 else 0):
            raise typer.BadParameter("het laatste dienstjaar moet voor de peildatum afgesloten zijn")
        if scale == ScaleChoice.national:
            console.print("[yellow]Let op:[/yellow] national schrijft geen XML (alleen ground truth, contracten en "
                          "inwonertallen) en houdt de hele simulatie in het geheugen: reken op ~17 GB en ~20 minuten.")
        t0 = time.perf_counter()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, n: int, total: int | None) -> None:
                if phase not in tasks:
                    label = {"simuleren": "Trajecten simuleren", "declareren": "Declaraties opbouwen",
                             "schrijven": "Berichten schrijven"}.get(phase, phase)
                    tasks[phase] = bar.add_task(label, total=total)
                elif total is not None:
                    bar.update(tasks[phase], total=total)
                if n:
                    bar.advance(tasks[phase], n)

            result = generate(opts, progress)
        elapsed = time.perf_counter() - t0
        counts = ", ".join(f"{k}: {v:,}".replace(",", ".") for k, v in result.message_counts.items())
        console.print(f"[bold]Klaar[/bold] in {elapsed:.1f} s: {counts}")
        years_txt = ", ".join(f"{y}: {v['clients']} cliënten" for y, v in result.truth["per_year"].items())
        console.print(f"Cliënten per jaar: {years_txt}")
        console.print(f"Ground truth: {result.out / 'ground_truth.json'}; contracten: {result.out / 'contracts.csv'}")
