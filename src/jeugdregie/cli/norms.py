"""``jeugdregie norms``: import product norms and check requests and assignments against the budget box."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from jeugdregie.analysis.access import norms as norms_analysis
from jeugdregie.cli._access import (
    MunicipalityOption,
    PeriodOption,
    run_on_store,
    scope_label,
    suppression_note,
)
from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit
from jeugdregie.money import format_eur

app = typer.Typer(help="Normen per product en budgetbox (Q = max. eenheden per periode x max. perioden, x P).",
                  no_args_is_help=True)

COUNT_COLS = [
    Column("clients", "Cliënten", "int"), Column("assessed", "Beoordeeld", "int"),
    Column("within", "Binnen norm", "int"), Column("above", "Boven norm", "int"),
    Column("no_norm", "Geen norm", "int"), Column("share_above", "Aandeel boven norm", "pct"),
    Column("excess_units", "Eenheden boven box", "float"), Column("excess_cents", "Bedrag boven box", "cents"),
    Column("assigned_cents", "Toegewezen waarde", "cents"),
]
KIND = Column("kind", "Bericht")


@app.command("import")
def import_cmd(file: Annotated[Path, typer.Argument(help="CSV (; of ,) of Excel (.xlsx) met normen")],
               db: DbOption = None) -> None:
    """Normen inlezen (vervangt normen met hetzelfde product en dezelfde ingangsdatum)."""
    if not file.is_file():
        raise typer.BadParameter(f"bestand niet gevonden: {file}")
    database = open_db(db)
    try:
        n = norms_analysis.import_norms(database, file)
    except norms_analysis.NormImportError as exc:
        typer.echo("Normbestand niet ingelezen:", err=True)
        for e in exc.errors:
            typer.echo(f"  - {e}", err=True)
        raise typer.Exit(2) from None
    finally:
        database.close()
    typer.echo(f"{n} normen ingelezen uit {file.name}.")


@app.command("teams")
def teams_cmd(file: Annotated[Path, typer.Argument(help="CSV met kolommen gemeentecode;pc4;team")],
              db: DbOption = None) -> None:
    """Werkgebieden van toegangsteams inlezen (PC4 -> team), voor 'norms check' per team."""
    text = file.read_text(encoding="utf-8-sig")
    delim = ";" if text.splitlines()[0].count(";") >= text.splitlines()[0].count(",") else ","
    rows = []
    for i, rec in enumerate(csv.DictReader(text.splitlines(), delimiter=delim), start=2):
        try:
            rows.append((rec["gemeentecode"].strip().zfill(4), rec["pc4"].strip(), rec["team"].strip()))
        except (KeyError, AttributeError):
            raise typer.BadParameter(f"regel {i}: kolommen gemeentecode, pc4 en team verwacht") from None
    database = open_db(db)
    try:
        with database.transaction():
            for gm, pc4, _ in rows:
                database.execute("DELETE FROM access_team_area WHERE municipality = ? AND pc4 = ?", [gm, pc4])
            database.insert_rows("access_team_area", ["municipality", "pc4", "team"], rows)
    finally:
        database.close()
    typer.echo(f"{len(rows)} PC4-gebieden ingelezen.")


@app.command("list")
def list_cmd(db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """Ingelezen normen tonen."""
    database = open_db(db)
    try:
        book = database.query("SELECT * FROM access_norm ORDER BY product_category, product_code, valid_from")
    finally:
        database.close()
    rows = [{**r, "box_units": n.box_units, "box_cents": n.box_cents}
            for r, n in zip(book, _as_norms(book), strict=True)]
    table = Table("Normen", [
        Column("product_code", "Product"), Column("label", "Omschrijving"), Column("norm_kind", "Soort"),
        Column("unit", "Eenheid"), Column("period", "Periode"),
        Column("max_units_per_period", "Max. per periode", "int"), Column("max_periods", "Max. perioden", "int"),
        Column("tariff_cents", "Tarief", "cents"), Column("trajectory_tariff_cents", "Trajecttarief", "cents"),
        Column("box_units", "Budgetbox (eenheden)", "int"), Column("box_cents", "Budgetbox", "cents"),
        Column("valid_from", "Geldig van", "date"), Column("valid_to", "Geldig tot", "date")], rows)
    emit(fmt, [table], json_obj={"rows": rows, "suppressed": 0}, out=out, default_name="normen")


def _as_norms(rows: list[dict]) -> list[norms_analysis.Norm]:  # type: ignore[type-arg]
    return [norms_analysis.Norm(r["product_category"], r["product_code"], r["valid_from"], r["valid_to"],
                                r["label"], r["norm_kind"], r["unit"], r["period"], r["max_units_per_period"],
                                r["max_periods"], r["tariff_cents"], r["trajectory_tariff_cents"])
            for r in rows]


@app.command("check")
def check_cmd(period: PeriodOption = None, municipality: MunicipalityOption = None, db: DbOption = None,
              fmt: FormatOption = Format.table, out: OutOption = None) -> None:
    """Verzoeken (315, verzoekdatum in de periode) en toewijzingen (301, start in de periode) toetsen aan de norm."""
    p, gm, res = run_on_store(norms_analysis.check, period, municipality, db)
    notes = suppression_note(res.suppressed)
    if res.norms == 0:
        notes.append("Er zijn geen normen ingelezen: gebruik 'jeugdregie norms import BESTAND'.")
    title = f"Normtoets {p.label}, {scope_label(gm)}"
    tables = [Table(f"{title}: totaal", [KIND, *COUNT_COLS], res.summary, notes)]
    heads = {"referrer": [Column("referrer_label", "Verwijzer")], "provider": [Column("provider", "Aanbieder (AGB)")],
             "product": [Column("product_code", "Product")], "team": [Column("team", "Team")]}
    names = {"referrer": "per verwijzer", "provider": "per aanbieder", "product": "per product", "team": "per team"}
    for dim, rows in res.by.items():
        tables.append(Table(f"Normtoets {names[dim]}", [KIND, *heads[dim], *COUNT_COLS], rows))
    obj = {"period": p.label, "municipality": gm, "norms": res.norms, "rows": res.summary,
           **{f"by_{d}": r for d, r in res.by.items()}, "suppressed": res.suppressed}
    emit(fmt, tables, json_obj=obj, out=out, default_name=f"normtoets_{p.label}")


@app.command("propose")
def propose_cmd(
    product: Annotated[str, typer.Option("--product", help="Productcode, bijv. 45A65")],
    period: Annotated[str | None, typer.Option("--period", help="Zorgperiode, bijv. 2023-2025 (standaard: alles)")]
    = None,
    quantile: Annotated[float, typer.Option("--quantile", help="Kwantiel voor het maximum (0-1)")] = 0.8,
    municipality: MunicipalityOption = None,
    out_norms: Annotated[Path | None, typer.Option("--out-norms", help="Schrijf het voorstel als normbestand "
                                                    "(CSV voor 'norms import')")] = None,
    db: DbOption = None, fmt: FormatOption = Format.table, out: OutOption = None,
) -> None:
    """Maximum aantal eenheden (uren) voorstellen uit afgeronde trajecten: de grens waarbinnen de meeste
    cliënten hun traject afronden, met aandeel en bedrag erboven en de budgetbox."""
    from fractions import Fraction

    from jeugdregie.analysis.access import norm_proposal

    q = Fraction(str(quantile))
    database = open_db(db)
    try:
        res = norm_proposal.propose(database, product, period, q, municipality)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    finally:
        database.close()
    d = res["distribution"]
    unit = res["unit_label"] or "eenheden"
    rows = [{"stat": name, "value": value} for name, value in [
        ("Afgeronde trajecten", d["n"]), ("Mediaan", d["median"]), ("P75", d["p75"]), ("P80", d["p80"]),
        ("P90", d["p90"]), (f"Voorgesteld maximum (P{round(quantile * 100)}, naar boven afgerond)", res["cap_units"]),
        ("Trajecten boven het maximum", res["exceeding"]), ("Eenheden boven het maximum", res["extra_units"])]]
    money = [{"stat": "Aandeel trajecten boven het maximum", "value": res["share_exceeding"], "kind": "pct"},
             {"stat": "Bedrag boven het maximum", "value": res["extra_cents"], "kind": "cents"},
             {"stat": "Prijs per eenheid (gedeclareerd)", "value": res["tariff_cents"], "kind": "cents"},
             {"stat": "Budgetbox (maximum x prijs)", "value": res["box_cents"], "kind": "cents"}]
    exp = res["expected_cost"] or {}
    money += [{"stat": name, "value": exp.get(key), "kind": "cents"} for key, name in [
        ("mean_cents", "Verwachte kosten nieuwe toewijzing (gemiddeld traject)"),
        ("p10_cents", "  80% van de trajecten vanaf (P10)"), ("p90_cents", "  80% van de trajecten tot (P90)"),
        ("with_cap_cents", "Verwachte kosten als het maximum had gegolden")]]
    notes = list(res["notes"])
    if res["tariff_cents"] is not None:
        notes.insert(0, f"Prijs per eenheid {format_eur(res['tariff_cents'], decimals=True)}; budgetbox "
                        f"{res['cap_units']} x prijs = {format_eur(res['box_cents'], decimals=True)}.")
    if res["suppressed"]:
        notes.insert(0, "Te weinig trajecten om te tonen (kleine-aantallenregel).")
    elif res["cap_units"] is None:
        notes.insert(0, "Geen afgeronde trajecten van dit product in de periode.")
    if out_norms is not None:
        try:
            norm_proposal.write_norm_file(res, out_norms)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        notes.append(f"Normbestand geschreven: {out_norms} (inlezen met 'jeugdregie norms import').")
    title = f"Normvoorstel product {product} ({res['period']}, {scope_label(municipality)}), eenheid: {unit}"
    tables = [Table(title, [Column("stat", "Maat"), Column("value", "Eenheden", "float")], rows, notes),
              Table("Geld en aandeel", [Column("stat", "Maat"), Column("share", "Aandeel", "pct"),
                                        Column("cents", "Bedrag", "cents")],
                    [{"stat": m["stat"], "share": m["value"] if m["kind"] == "pct" else None,
                      "cents": m["value"] if m["kind"] == "cents" else None} for m in money])]
    emit(fmt, tables, json_obj=res, out=out, default_name=f"normvoorstel_{product}")


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="norms")
