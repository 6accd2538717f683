"""`jeugdregie signals`, `jeugdregie provider`, `jeugdregie contracts import`, `jeugdregie signal-status`:
risk-based signals about providers for contract management (docs/signals.md)."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, command_db, fail, open_db
from jeugdregie.cli.output import Column, Table, emit
from jeugdregie.store.filters import where_equal

contracts_app = typer.Typer(help="Contractlijst van de gemeente (aanbieder x product x periode x tarief).",
                            no_args_is_help=True)

TypeOption = Annotated[list[str] | None, typer.Option(
    "--type", "-t", help="Alleen dit signaaltype (herhaalbaar), bijv. duplicate_declaration")]
ThresholdsOption = Annotated[str | None, typer.Option(
    "--thresholds", help="YAML-bestand met eigen drempels en gewichten (alleen gewijzigde sleutels)")]
MunicipalityOption = Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")]


def register(app: typer.Typer) -> None:
    app.command("signals")(signals)
    app.command("provider")(provider)
    app.command("signal-status")(signal_status)
    app.add_typer(contracts_app, name="contracts")


def overview_tables(ranked: list[dict[str, Any]], title: str, notes: list[str]) -> list[Table]:
    """The ranking (one row per provider) and the signals (one row per signal)."""
    providers = [{"rank": p["rank"], "provider": p["provider"], "name": p["provider_name"], "score": p["score"],
                  "at_stake": p["amount_at_stake_cents"], "types": ", ".join(p["types"])} for p in ranked]
    rows = []
    for p in ranked:
        for s in p["signals"]:
            rows.append({"rank": p["rank"], "provider": p["provider"], "type": s["type"], "amount": s["amount_cents"],
                         "strength": s["strength"], "points": s["points"],
                         "cases": len(s["evidence"].get("cases", [])),
                         "status": s.get("followup", {}).get("status"), "key": s["key"]})
    return [
        Table(title=title, columns=[
            Column("rank", "#", "int"), Column("provider", "AGB"), Column("name", "Aanbieder"),
            Column("score", "Score", "float"), Column("at_stake", "In het geding", "cents"),
            Column("types", "Signalen")], rows=providers),
        Table(title="Signalen per aanbieder", columns=[
            Column("rank", "#", "int"), Column("provider", "AGB"), Column("type", "Signaal"),
            Column("amount", "Bedrag", "cents"), Column("strength", "Sterkte", "float"),
            Column("points", "Punten", "float"), Column("cases", "Gevallen", "int"), Column("status", "Opvolging"),
            Column("key", "Sleutel")], rows=rows, notes=notes),
    ]


def evidence_tables(ranked: list[dict[str, Any]]) -> list[Table]:
    """One table per signal type with one row per case (for Excel: one sheet per signal type)."""
    from jeugdregie.analysis.signals import LABELS_NL, TYPES

    by_type: dict[str, list[dict[str, Any]]] = {}
    for p in ranked:
        for s in p["signals"]:
            for c in s["evidence"].get("cases", []):
                row = {"provider": p["provider"], "provider_name": p["provider_name"], "key": s["key"]}
                row.update({k: v for k, v in c.items() if k != "line_amounts_cents"})
                by_type.setdefault(s["type"], []).append(row)
    tables = []
    for t in TYPES:
        rows = by_type.get(t)
        if not rows:
            continue
        keys: list[str] = []
        for r in rows:
            keys += [k for k in r if k not in keys]
        cols = [Column(k, k, "cents" if k.endswith("_cents") and all(
            isinstance(r.get(k), int | type(None)) for r in rows) else "text") for k in keys]
        tables.append(Table(title=t, columns=cols, rows=rows, notes=[LABELS_NL[t]]))
    return tables


def signals(
    period: Annotated[str, typer.Option("--period", help="Zorgperiode: 2023, 2023H1, 2023Q2 of 2023-04")],
    provider_agb: Annotated[str | None, typer.Option("--provider", help="Alleen deze aanbieder (AGB-code)")] = None,
    types: TypeOption = None,
    municipality: MunicipalityOption = None,
    thresholds: ThresholdsOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Signalen over aanbieders met bewijs en bedrag in het geding, gerangschikt met een transparante score."""
    from jeugdregie.analysis.signals import (
        SCORE_FORMULA,
        SignalError,
        compute_signals,
        coverage_notes,
        load_thresholds,
        rank,
    )
    from jeugdregie.analysis.signals.followup import attach
    from jeugdregie.store.audit import log_client_view

    try:
        cfg = load_thresholds(thresholds)
        database = open_db(db)
        try:
            sigs = compute_signals(database, period, provider_agb, types, municipality, thresholds=cfg)
            ranked = rank(sigs, cfg)
            attach(database, ranked)
            notes = coverage_notes(database, types, municipality)
            if fmt in {Format.json, Format.xlsx} and ranked:
                # the evidence names client pseudonyms: a client-level view, audit-logged
                log_client_view(database, "signals", {"period": period, "provider": provider_agb, "types": types,
                                                      "format": fmt.value}, municipality,
                                sum(len(s["evidence"].get("cases", [])) for p in ranked for s in p["signals"]))
        finally:
            database.close()
    except (ValueError, SignalError) as exc:
        raise fail(exc) from exc
    notes = [SCORE_FORMULA, *notes,
             "Een signaal is een aanwijzing, geen bewijs van opzet of onrechtmatigheid: bespreek het met de aanbieder."]
    title = f"Signalen {period}" + (f" aanbieder {provider_agb}" if provider_agb else "") + (
        f" gemeente {municipality}" if municipality else "")
    tables = overview_tables(ranked, title, notes)
    if fmt == Format.csv:  # csv: one row per signal
        tables = tables[1:]
    if fmt == Format.xlsx:
        tables += evidence_tables(ranked)
    emit(fmt, tables, json_obj=ranked, out=out, default_name=f"signalen-{period}")


def provider(
    period: Annotated[str, typer.Option("--period", help="Zorgperiode: 2023, 2023H1, 2023Q2 of 2023-04")],
    agb: Annotated[str | None, typer.Argument(help="AGB-code van de aanbieder (zonder: overzicht van alle "
                                                   "aanbieders)")] = None,
    municipality: MunicipalityOption = None,
    thresholds: ThresholdsOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Aanbiedersprofiel voor het contractgesprek: cliënten, producten, omzettrend met ontleding,
    declaratievertraging, signalen en positie t.o.v. andere aanbieders."""
    from jeugdregie.analysis.signals import SignalError, load_thresholds
    from jeugdregie.analysis.signals.profile import overview, overview_table, profile, profile_tables
    from jeugdregie.store.audit import log_client_view

    if agb is None:
        try:
            cfg = load_thresholds(thresholds)
            database = open_db(db)
            try:
                summary = overview(database, period, municipality, thresholds=cfg)
            finally:
                database.close()
        except (ValueError, SignalError) as exc:
            raise fail(exc) from exc
        emit(fmt, [overview_table(summary)], json_obj=summary, out=out, default_name=f"aanbieders-{period}")
        return
    try:
        cfg = load_thresholds(thresholds)
        database = open_db(db)
        try:
            result = profile(database, agb, period, municipality, thresholds=cfg)
            n_cases = sum(len(s["evidence"].get("cases", [])) for s in result["signals"])
            if fmt in {Format.json, Format.xlsx} and n_cases:
                log_client_view(database, "provider_profile", {"provider": agb, "period": period,
                                                               "format": fmt.value}, municipality, n_cases)
        finally:
            database.close()
    except (ValueError, SignalError) as exc:
        raise fail(exc) from exc
    tables = profile_tables(result)
    if fmt == Format.xlsx:
        tables += evidence_tables([{"provider": agb, "provider_name": result["name"], "signals": result["signals"]}])
    emit(fmt, tables, json_obj=result, out=out, default_name=f"aanbieder-{agb}-{period}")


def signal_status(
    key: Annotated[str, typer.Argument(help="Sleutel van het signaal (kolom 'Sleutel' in jeugdregie signals)")],
    period: Annotated[str, typer.Option("--period", help="Zorgperiode van het signaal")],
    status: Annotated[str | None, typer.Option("--status", help="Nieuwe status: nieuw, in_onderzoek, besproken, "
                                                                 "terugvordering, geen_actie, afgesloten")] = None,
    note: Annotated[str | None, typer.Option("--note", help="Toelichting (geen cliëntgegevens)")] = None,
    municipality: MunicipalityOption = None,
    db: DbOption = None,
) -> None:
    """Opvolging van een signaal vastleggen of de geschiedenis tonen."""
    from jeugdregie.analysis.signals import SignalError, compute_signals
    from jeugdregie.analysis.signals.followup import history, record

    console = Console()
    with command_db(db, (ValueError, SignalError)) as database:
        if status is not None:
            match = [s for s in compute_signals(database, period, municipality=municipality) if s.key == key]
            if not match:
                raise SignalError(f"geen signaal met sleutel {key} in {period}")
            record(database, match[0], status, note)
            console.print(f"Status van {key} ({match[0].type}, {match[0].provider}): {status}")
        rows = history(database, key=key)
    for r in rows:
        when = r["updated_at"].strftime("%d-%m-%Y %H:%M") if hasattr(r["updated_at"], "strftime") else r["updated_at"]
        console.print(f"{when}  {r['status']:<15} {r['actor']:<12} {r['note'] or ''}")


@contracts_app.command("import")
def contracts_import(
    path: Annotated[str, typer.Argument(help="Contractlijst (CSV of Excel), zie docs/signals.md")],
    keep: Annotated[bool, typer.Option("--keep", help="Bestaande lijst aanvullen in plaats van vervangen")] = False,
    db: DbOption = None,
) -> None:
    """Contractlijst inlezen: gemeente, AGB, productcategorie, productcode, ingangs-/einddatum, tarief, eenheid."""
    from jeugdregie.ingest.contracts import import_contracts

    console = Console()
    with command_db(db, (ValueError, OSError)) as database:
        res = import_contracts(database, path, replace=not keep)
    console.print(f"Contractregels: {res.rows} gelezen, {res.imported} ingelezen voor gemeente(n) "
                  f"{', '.join(res.municipalities) or '–'}; {len(res.errors)} fout(en)")
    for e in res.errors[:20]:
        console.print(f"  [yellow]{e}[/yellow]")
    if res.errors and not res.imported:
        raise typer.Exit(code=1)


@contracts_app.command("list")
def contracts_list(
    municipality: MunicipalityOption = None,
    provider_agb: Annotated[str | None, typer.Option("--provider", help="Alleen deze aanbieder")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """De ingelezen contractlijst tonen."""
    database = open_db(db)
    try:
        sql = ("SELECT municipality, provider_agb, product_category, product_code, valid_from, valid_to, "
               "tariff_cents, unit FROM contract")
        where, params = where_equal(municipality=municipality, provider_agb=provider_agb)
        rows = database.query(sql + where + " ORDER BY 1, 2, 3, 4, 5", params)
    finally:
        database.close()
    cols = [Column("municipality", "Gemeente"), Column("provider_agb", "AGB"), Column("product_category", "Categorie"),
            Column("product_code", "Product"), Column("valid_from", "Van", "date"), Column("valid_to", "Tot", "date"),
            Column("tariff_cents", "Tarief", "cents"), Column("unit", "Eenheid")]
    emit(fmt, [Table("Contractlijst", cols, rows)], out=out, default_name="contracten")



def _bench(
    seeds: Annotated[str, typer.Option("--seeds", help="Zaden van de synthetische regio's, bijv. 1,2,3")] = "1,2,3",
    engines: Annotated[str, typer.Option("--engines", help="duckdb en/of postgres")] = "duckdb,postgres",
    scale: Annotated[str, typer.Option("--scale", help="Schaal van de synthetische regio's")] = "small",
    pg: Annotated[str | None, typer.Option("--pg", help="PostgreSQL-beheer-URL (standaard JEUGDREGIE_TEST_PG)")]
    = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table of json")] = "table",
) -> None:
    """Precisie en recall per signaaltype t.o.v. de ingespoten afwijkingen, op DuckDB en PostgreSQL."""
    import json
    import os

    from jeugdregie.analysis.signals.bench import pg_reachable, run

    console = Console(stderr=True)
    wanted = [e.strip() for e in engines.split(",") if e.strip()]
    pg_url = pg or os.environ.get("JEUGDREGIE_TEST_PG", "postgresql://postgres@127.0.0.1:5432/postgres")
    if "postgres" in wanted and not pg_reachable(pg_url):
        console.print(f"PostgreSQL niet bereikbaar op {pg_url}: alleen DuckDB")
        wanted.remove("postgres")
    result = run([int(s) for s in seeds.split(",")], wanted, scale, pg_url)
    if fmt == "json":
        print(json.dumps(result, indent=2, default=str))
        return
    out = Console()
    for engine, s in result["summary"].items():
        out.print(f"[bold]{engine}[/bold] seeds {result['seeds']} ({result['scale']}): signals {s['signals_seconds']} s, "
                  f"kostenoverzicht {s['baseline_cost_overview_seconds']} s, ratio {s['ratio_signals_to_baseline']}")
        for t, r in s["types"].items():
            out.print(f"  {t:<24} injected {r['injected']:>3} found {r['found']:>3} tp {r['true_positives']:>3} "
                      f"recall {r['recall']} precision {r['precision']} goal {r['goal_met_in_runs']} "
                      f"clean {r['fired_on_clean_regions']}")


def _register_bench() -> None:
    from jeugdregie.cli.bench import bench_app

    bench_app.command("signals")(_bench)


_register_bench()
