"""`jeugdregie demo`: one command from a fresh machine to a loaded store with something to look at."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

_APP: typer.Typer | None = None


def register(app: typer.Typer) -> None:
    global _APP
    _APP = app
    app.command("demo")(demo)


def demo(
    db: Annotated[str | None, typer.Option("--db", help="DuckDB-bestand (standaard: demo.duckdb in de datamap)")] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Map voor de synthetische berichten")] = None,
    scale: Annotated[str, typer.Option("--scale", help="small of region")] = "small",
    seed: Annotated[int, typer.Option("--seed")] = 1,
) -> None:
    """Demo: maak een sleutel, genereer een synthetische regio, lees die in en laat zien wat er geladen is."""
    from jeugdregie.analysis.status import status
    from jeugdregie.ingest.loader import Ingester
    from jeugdregie.ingest.sources import iter_sources
    from jeugdregie.money import format_eur, format_int
    from jeugdregie.settings import DATA_HOME, get_settings
    from jeugdregie.store import connect
    from jeugdregie.store.meta import set_meta
    from jeugdregie.synth.config import SynthOptions
    from jeugdregie.synth.generator import generate

    console = Console()
    settings = get_settings()
    key = settings.key_bytes(create=True)  # a local key file outside the repository, mode 0600
    db_url = db or str(DATA_HOME / "demo.duckdb")
    data_dir = out or DATA_HOME / f"demo-{scale}-{seed}"
    console.print(Panel.fit("jeugdregie demo: synthetische regio, iJw 3.2-berichten, DuckDB", style="bold"))
    console.print(f"Sleutel voor pseudoniemen: {settings.pseudonym_key_file if not settings.pseudonym_key else 'uit JEUGDREGIE_PSEUDONYM_KEY'}")
    if not (data_dir / "ground_truth.json").is_file():
        with Progress(TextColumn("[bold]Regio genereren[/bold] {task.description}"), TimeElapsedColumn(),
                      console=console, transient=True) as progress:
            task = progress.add_task("", total=None)
            generate(SynthOptions(out=str(data_dir), scale=scale, seed=seed, inject_anomalies=True),
                     progress=lambda phase, n, total: progress.update(task, description=phase, advance=n))
    console.print(f"Synthetische berichten: {data_dir / 'ijw'}")
    database = connect(db_url)
    set_meta(database, "synthetic", "true")
    sources = list(iter_sources([data_dir / "ijw"]))
    ing = Ingester(database, key, user=settings.user, xsd_dir=settings.xsd_dir)
    with Progress(TextColumn("[bold]Inlezen[/bold]"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=console) as progress:
        task = progress.add_task("ingest", total=len(sources))
        summary = ing.run([], on_file=lambda s, r: progress.advance(task), sources=sources)
    contracts = data_dir / "contracts.csv"
    population = data_dir / "population.csv"
    if population.is_file():  # denominators for `jeugdregie reach` (idempotent: replaces the same rows)
        from jeugdregie.analysis.reach import import_population

        import_population(database, population, source="synthetisch")
    if contracts.is_file():  # contract list for non_contracted / tariff_deviation signals (replaces the same rows)
        from jeugdregie.ingest.contracts import import_contracts

        imported = import_contracts(database, contracts)
        console.print(f"Contractlijst: {format_int(imported.imported)} regels ingelezen uit {contracts.name}")
    st = status(database)
    database.close()
    c = summary.counts
    console.print(f"Ingelezen: {format_int(summary.files)} bestanden (al eerder: {format_int(summary.files_skipped)}), "
                  f"{format_int(c['messages_stored'])} berichten, {format_int(c['lines_stored'])} regels, "
                  f"quarantaine {format_int(summary.quarantined)}")
    if summary.quarantined:
        console.print("In quarantaine (de demo bevat bewust ingebouwde afwijkingen): " + ", ".join(
            f"{reason} ({format_int(n)})" for reason, n in summary.reasons.most_common(5)))
    console.print("Berichten in de database: " + ", ".join(f"{t} {format_int(n)}" for t, n in st["messages"].items()))
    console.print(f"Gedeclareerd netto: {format_eur(st['declared_cents']['net'])} "
                  f"(debet {format_eur(st['declared_cents']['debit'])}, credit {format_eur(st['declared_cents']['credit'])}); "
                  f"{format_int(st['clients'])} jeugdigen, {format_int(st['providers'])} aanbieders, "
                  f"{format_int(st['municipalities'])} gemeenten")
    for y, v in st["declared_net_cents_by_service_year"].items():
        console.print(f"  zorgjaar {y}: {format_eur(v)}")
    years = sorted(st["declared_net_cents_by_service_year"])
    last = years[-1] if years else 2025
    first = years[0] if years else last - 1
    dbo = f"--db {db_url}"
    steps = [
        f"jeugdregie status {dbo}",
        f"jeugdregie reach --year {last} {dbo}",
        f"jeugdregie costs --period {last} --by category {dbo}",
        f"jeugdregie explain --from {first} --to {last} --by category {dbo}",
        f"jeugdregie forecast --year {last} --as-of {last + 1}-03-31 {dbo}",
        f"jeugdregie signals --period {last} {dbo}",
        f"jeugdregie lists wlz --period {last} --municipality {next(iter(sorted(_munis(db_url))), '0603')} {dbo}",
        f"jeugdregie serve {dbo}",
    ]
    available = _commands()  # only suggest commands this installation has
    steps = [s for s in steps if available is None or s.split()[1] in available]
    console.print(Panel("\n".join(steps), title="Verder kijken", expand=False))


def _commands() -> set[str] | None:
    """Names of the top-level commands of the CLI this demo is registered in (None before registration)."""
    if _APP is None:
        return None
    names = {c.name or (c.callback.__name__.replace("_", "-") if c.callback else "") for c in _APP.registered_commands}
    names |= {g.name or (g.typer_instance.info.name if g.typer_instance else "") or "" for g in _APP.registered_groups}
    return names


def _munis(db_url: str) -> list[str]:
    from jeugdregie.store import connect

    database = connect(db_url)
    try:
        return [r["code"] for r in database.query("SELECT code FROM municipality ORDER BY code")]
    finally:
        database.close()
