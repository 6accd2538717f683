"""``jeugdregie synth``: write a synthetic region as iJw 3.2 messages plus ground truth, or (the fast path,
default for ``--scale national``) its records straight into the store."""

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
        db: Annotated[str | None, typer.Option("--db", help="Snelle route: records direct in deze database (DuckDB-bestand of postgresql://-URL), zonder XML; bij national standaard JEUGDREGIE_DB")] = None,
        xml: Annotated[bool, typer.Option("--xml", help="Bij national toch iJw-XML schrijven (in delen, traag)")] = False,
        clients: Annotated[int | None, typer.Option("--clients", help="Cliënten per jaar in het eerste jaar (in plaats van de schaal)")] = None,
        chunk_clients: Annotated[int | None, typer.Option("--chunk-clients", help="Cliënten per jaar per deel (national: 12000)")] = None,
        exact_knobs: Annotated[bool, typer.Option("--exact-knobs", help="Deterministische knoppen: cliënten, eenheden per cliënt, tarief en mix groeien exact met de knoppen (vaste cohorten, geen vertraging of afwijzingen)")] = False,
    ) -> None:
        """Genereer een synthetische regio: echte iJw 3.2-berichten (315/301/305/307/317/323/325) en ground_truth.json.

        national (of --db) slaat de XML over en schrijft de records in delen direct in de database."""
        from jeugdregie.settings import MissingKeyError, get_settings
        from jeugdregie.synth.chunks import generate_chunked
        from jeugdregie.synth.config import SCALES, Knobs, SynthOptions, parse_years
        from jeugdregie.synth.generator import generate

        console = Console(stderr=True)
        try:
            yrs = parse_years(years) if years else None
            extract = date.fromisoformat(extract_date)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        if extract > date.today():
            raise typer.BadParameter("peildatum ligt in de toekomst (TR135: Dagtekening nooit in de toekomst)")
        if xml and db:
            raise typer.BadParameter("--xml en --db sluiten elkaar uit")
        chunked = SCALES[scale.value].chunk_clients is not None or chunk_clients is not None
        target_db = db or (get_settings().db if chunked and not xml else None)
        opts = SynthOptions(
            out=out, scale=scale.value, seed=seed, years=yrs, extract_date=extract,
            knobs=Knobs(client_growth, intensity_growth, tariff_growth, mix_shift),
            inject_anomalies=inject_anomalies, exact_knobs=exact_knobs, clients_per_year=clients,
            chunk_clients=chunk_clients, db=target_db,
        )
        try:
            opts.check()
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from exc
        if opts.last_year >= extract.year + (1 if extract.month == 12 else 0):
            raise typer.BadParameter("het laatste dienstjaar moet voor de peildatum afgesloten zijn")
        if target_db:
            try:
                get_settings().key_bytes()  # the fast path pseudonymises like ingest: the key must exist
            except MissingKeyError as exc:
                console.print(f"[red]{exc}[/red]")
                raise typer.Exit(code=2) from None
            console.print(f"Snelle route: records direct in {target_db} (geen XML; BSN's gepseudonimiseerd als bij inlezen)")
        elif chunked:
            console.print("[yellow]Let op:[/yellow] national met --xml schrijft miljoenen berichten: reken op uren.")
        t0 = time.perf_counter()
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console, transient=False) as bar:
            tasks: dict[str, TaskID] = {}

            def progress(phase: str, n: int, total: int | None) -> None:
                if phase not in tasks:
                    label = {"simuleren": "Trajecten simuleren", "declareren": "Declaraties opbouwen",
                             "schrijven": "Berichten schrijven", "delen": "Delen (gemeenten)",
                             "opslaan": "Berichten opslaan"}.get(phase, phase)
                    tasks[phase] = bar.add_task(label, total=total)
                elif total is not None:
                    bar.update(tasks[phase], total=total)
                if n:
                    bar.advance(tasks[phase], n)

            try:
                result = generate_chunked(opts, progress) if chunked or target_db else generate(opts, progress)
            except ValueError as exc:
                console.print(f"[red]{exc}[/red]")
                raise typer.Exit(code=2) from None
        elapsed = time.perf_counter() - t0
        counts = ", ".join(f"{k}: {v:,}".replace(",", ".") for k, v in result.message_counts.items())
        console.print(f"[bold]Klaar[/bold] in {elapsed:.1f} s: {counts}")
        years_txt = ", ".join(f"{y}: {v['clients']} cliënten" for y, v in result.truth["per_year"].items())
        console.print(f"Cliënten per jaar: {years_txt}")
        console.print(f"Ground truth: {result.out / 'ground_truth.json'}; contracten: {result.out / 'contracts.csv'}")
        if target_db:
            console.print(f"Database: {target_db} (jeugdregie status --db {target_db})")
