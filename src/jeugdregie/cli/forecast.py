"""`jeugdregie triangle`, `chainladder`, `forecast`, `lag`, `budget ...` and `bench forecast`: late
declarations (IBNR), year-end forecasts and the budget monitor. Methods: docs/forecast.md."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, command_db, fail
from jeugdregie.cli.output import Column, Table, emit
from jeugdregie.money import format_eur
from jeugdregie.store import Database

T = TypeVar("T")


class Grain(StrEnum):
    month = "month"
    quarter = "quarter"
    year = "year"


class TriangleBy(StrEnum):
    total = "total"
    municipality = "municipality"
    category = "category"
    provider = "provider"
    product = "product"


class Basis(StrEnum):
    granted = "granted"
    declared = "declared"


class ForecastBy(StrEnum):
    category = "category"
    municipality = "municipality"
    provider = "provider"
    product = "product"
    budget_line = "budget_line"


class LagBy(StrEnum):
    provider = "provider"
    category = "category"
    municipality = "municipality"
    total = "total"


class Interp(StrEnum):
    loglinear = "log-linear"
    mack = "mack"


AsOfOption = Annotated[str | None, typer.Option("--as-of", help="Peildatum JJJJ-MM-DD: alleen declaraties "
                                                "ontvangen op of voor deze datum (standaard: laatste in de store)")]
MunicipalityOption = Annotated[str | None, typer.Option("--municipality", help="Alleen deze gemeente (CBS-code)")]


def register(app: typer.Typer) -> None:
    app.command("triangle")(triangle)
    app.command("chainladder")(chainladder)
    app.command("forecast")(forecast)
    app.command("lag")(lag)
    register_budget(app)
    from jeugdregie.cli.bench import bench_app

    bench_app.command("forecast")(bench_forecast)


def with_db(db: str | None, fn: Callable[[Database], T]) -> T:
    """Open the store, run ``fn`` and close it; a ValueError/OSError/ArithmeticError (bad amount) becomes a
    Dutch message and exit code 2."""
    with command_db(db, (ValueError, OSError, ArithmeticError)) as database:
        return fn(database)


def checked_chart_format(chart: str | None) -> str | None:
    from jeugdregie.report.charts import chart_format

    try:
        return chart_format(chart) if chart else None
    except ValueError as exc:
        raise fail(exc) from exc


def parse_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"ongeldige datum {text!r}: gebruik JJJJ-MM-DD") from exc


def resolve_as_of(db: Any, text: str | None) -> date:
    from jeugdregie.analysis.forecast import latest_receipt

    return parse_date(text) if text else latest_receipt(db)


def triangle(
    grain: Annotated[Grain, typer.Option("--grain", help="Herkomstperiode: month, quarter of year")] = Grain.month,
    by: Annotated[TriangleBy, typer.Option("--by", help="Per total, municipality, category, provider of product")]
    = TriangleBy.total,
    as_of: AsOfOption = None,
    municipality: MunicipalityOption = None,
    basis: Annotated[Basis, typer.Option("--basis", help="granted: afwijzingen (325) eraf; declared: alles")]
    = Basis.granted,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Ontwikkeldriehoek: zorgperiode x declaratievertraging, netto bedragen (debet min credit)."""
    from jeugdregie.analysis.triangle import triangle_export

    result = with_db(db, lambda d: triangle_export(d, resolve_as_of(d, as_of), grain.value, by.value, municipality,
                                                   basis.value))
    table = Table(
        title=f"Ontwikkeldriehoek per {grain.value} ({by.value}) peildatum {result['as_of']}",
        columns=[Column("group", "groep"), Column("origin", "origin"), Column("development", "development", "int"),
                 Column("cumulative_cents", "value", "cents"), Column("incremental_cents", "incrementeel", "cents")],
        rows=result["rows"], notes=result["notes"])
    emit(fmt, [table], json_obj=result, out=out, default_name="driehoek")


def chainladder(
    triangle_file: Annotated[Path, typer.Option("--triangle", help="CSV in lange vorm: origin,development,value")],
    incremental: Annotated[bool, typer.Option("--incremental", help="Waarden zijn incrementeel (niet cumulatief)")]
    = False,
    group: Annotated[str | None, typer.Option("--group", help="Groep uit een export met een kolom 'groep'")] = None,
    sigma: Annotated[Interp, typer.Option("--sigma", help="Laatste sigma: log-linear of mack")] = Interp.loglinear,
    tail: Annotated[str, typer.Option("--tail", help="Staart: none, exponential of een factor (bv. 1.02)")] = "none",
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Chain ladder met Mack-standaardfouten op een driehoek uit een CSV-bestand."""
    from jeugdregie.analysis.chainladder import fit, read_long_csv

    try:
        tail_arg: str | float = tail if tail in ("none", "exponential") else float(tail)
        tri = read_long_csv(triangle_file, cumulative=not incremental, group=group)
        result = fit(tri, sigma_interpolation=sigma.value, tail=tail_arg).as_dict()
    except (ValueError, OSError) as exc:
        raise fail(exc) from exc
    rows = [{"origin": o, "latest": result["latest"][o], "ibnr": result["ibnr"][o],
             "ultimate": result["ultimate"][o], "mack_se": result["mack_se"][o]} for o in result["origins"]]
    rows.append({"origin": "Totaal", "latest": result["latest_total"], "ibnr": result["ibnr_total"],
                 "ultimate": result["ultimate_total"], "mack_se": result["mack_se_total"]})
    lo, hi = result["interval_80_total"]
    notes = [f"80%-interval totaal: {lo:,.0f} – {hi:,.0f}; staartfactor {result['tail']:.4f}; "
             f"sigma-interpolatie {result['sigma_interpolation']}."]
    if result["not_projected"]:
        notes.append("Niet geprojecteerd (laatste waarde <= 0): " + ", ".join(result["not_projected"]))
    table = Table(title=f"Chain ladder {triangle_file.name}", columns=[
        Column("origin", "origin"), Column("latest", "Laatste", "float"), Column("ibnr", "IBNR", "float"),
        Column("ultimate", "Ultimate", "float"), Column("mack_se", "Mack-standaardfout", "float")],
        rows=rows, notes=notes)
    emit(fmt, [table], json_obj=result, out=out, default_name="chainladder")


FORECAST_COLUMNS = [
    Column("declared_cents", "Gedeclareerd tot peildatum", "cents"),
    Column("ibnr_cents", "Verwacht nog te declareren", "cents"),
    Column("expected_final_cents", "Verwachte eindkosten", "cents"),
    Column("interval_80_low", "80%-interval laag", "cents"),
    Column("interval_80_high", "80%-interval hoog", "cents"),
    Column("budget_cents", "Begroting", "cents"),
    Column("expected_over_under_cents", "Verwachte over-/onderschrijding", "cents"),
    Column("share_declared", "Aandeel al gedeclareerd", "pct"),
]


def forecast_rows(result: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for r in [*result.get("rows", []), {**result, "group": "Totaal"}]:
        lo, hi = r["interval_80_cents"]
        rows.append({**r, "interval_80_low": lo, "interval_80_high": hi})
    return rows


def forecast(
    year: Annotated[int, typer.Option("--year", help="Zorgjaar (jaar van levering)")],
    as_of: AsOfOption = None,
    by: Annotated[ForecastBy | None, typer.Option("--by", help="Per category, municipality, provider, product of "
                                                  "budget_line")] = None,
    municipality: MunicipalityOption = None,
    chart: Annotated[str | None, typer.Option("--chart", help="Grafiek realisatie + prognosewaaier vs begroting "
                                              "(.png of .svg)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Verwachte eindkosten van een zorgjaar: gedeclareerd + verwachte late declaraties (IBNR), interval, begroting."""
    from jeugdregie.analysis.forecast import forecast_year, monthly_realisation

    chart_fmt = checked_chart_format(chart)

    def run(d: Database) -> tuple[dict[str, Any], dict[str, Any] | None]:
        peil = resolve_as_of(d, as_of)
        return (forecast_year(d, year, peil, by=by.value if by else None, municipality=municipality),
                monthly_realisation(d, year, peil, municipality=municipality) if chart else None)

    result, monthly = with_db(db, run)
    cols = ([Column("group", "Groep")] if by else []) + FORECAST_COLUMNS
    title = f"Prognose zorgjaar {year}, peildatum {result['as_of']}" + (
        f", gemeente {municipality}" if municipality else "")
    emit(fmt, [Table(title=title, columns=cols, rows=forecast_rows(result), notes=result["notes"])],
         json_obj=result, out=out, default_name="prognose")
    if chart and chart_fmt and monthly is not None:
        from jeugdregie.report.forecast_charts import realisation_fan

        Path(chart).write_bytes(realisation_fan(monthly, fmt=chart_fmt))
        Console(stderr=True).print(f"Grafiek geschreven: {chart}")


budget_app = typer.Typer(help="Begrotingsregister: begrotingen per perceel, koppeling producten, verdeelsleutels, "
                              "realisatie vs begroting.", no_args_is_help=True)


def register_budget(app: typer.Typer) -> None:
    app.add_typer(budget_app, name="budget")


@budget_app.command("import")
def budget_import(
    path: Annotated[Path, typer.Argument(help="CSV of Excel: lang (year,budget_line,amount_eur) of breed "
                                         "(budget_line + factsheet_2016_eur, realisatie_2015_eur, ...)")],
    municipality: MunicipalityOption = None,
    source: Annotated[str | None, typer.Option("--source", help="Bronvermelding (standaard: bestandsnaam)")] = None,
    db: DbOption = None,
) -> None:
    """Begrotingen (en vermelde realisatie) per jaar, gemeente en perceel inlezen."""
    from jeugdregie.analysis.budget import import_budget

    res = with_db(db, lambda d: import_budget(d, path, municipality, source))
    Console(stderr=True).print(f"{res.rows} begrotingsregels ingelezen (jaren {', '.join(map(str, res.years))}); "
                               f"{res.skipped_totals} totaalregels uit de bron overgeslagen.")


@budget_app.command("mapping")
def budget_mapping(
    path: Annotated[Path, typer.Argument(help="CSV/Excel: product_category, product_code (leeg = hele categorie), "
                                         "budget_line[, municipality]")],
    db: DbOption = None,
) -> None:
    """Koppeling van JZ020-productcategorieën/producten aan percelen inlezen."""
    from jeugdregie.analysis.budget import import_mapping

    n = with_db(db, lambda d: import_mapping(d, path))
    Console(stderr=True).print(f"{n} koppelingen ingelezen.")


@budget_app.command("show")
def budget_show(municipality: MunicipalityOption = None, db: DbOption = None, fmt: FormatOption = Format.table,
                out: OutOption = None) -> None:
    """Het begrotingsregister: begroting en realisatie per perceel en jaar, met totalen (lasten)."""
    from jeugdregie.analysis.budget import budget_register

    reg = with_db(db, lambda d: budget_register(d, municipality))
    labels = {"budget": "Begroting", "realisation": "Realisatie"}
    factsheet_cols = [Column("municipality", "Gemeente"), Column("budget_line", "Perceel")] + [
        Column(c, f"{labels[c.rsplit('_', 1)[0]]} {c.rsplit('_', 1)[1]}", "cents") for c in reg["factsheet_columns"]]
    tables = [
        Table("Factsheet", factsheet_cols, reg["factsheet"],
              notes=["Regels met baten (macrobudget) of buiten het totaal tellen niet mee in de totalen."]),
        Table("Totalen lasten en tekort", [Column("municipality", "Gemeente"), Column("year", "Jaar", "int"),
                                           Column("kind", "Soort"), Column("expenses_cents", "Lasten", "cents"),
                                           Column("available_cents", "Beschikbaar (baten)", "cents"),
                                           Column("deficit_cents", "Tekort", "cents")], reg["balance"]),
        Table("Begrotingsregister", [Column("municipality", "Gemeente"), Column("year", "Jaar", "int"),
                                     Column("budget_line", "Perceel"), Column("kind", "Soort"),
                                     Column("line_type", "Baten/lasten"), Column("amount_cents", "Bedrag", "cents"),
                                     Column("note", "Toelichting")], reg["rows"]),
    ]
    emit(fmt, tables, json_obj=reg, out=out, default_name="begroting")


@budget_app.command("key")
def budget_key(
    name: Annotated[str, typer.Option("--name", help="Naam van de verdeelsleutel, bv. h10")],
    year: Annotated[int, typer.Option("--year", help="Jaar")],
    share: Annotated[list[str], typer.Option("--share", help="GEMEENTE=PERCENTAGE (4.61) of GEMEENTE=DEEL/TOTAAL")],
    db: DbOption = None,
) -> None:
    """Verdeelsleutel voor gedeelde regionale kosten vastleggen."""
    from jeugdregie.analysis.budget import parse_share, store_key

    try:
        shares = {}
        for item in share:
            mun, _, value = item.partition("=")
            if not value:
                raise ValueError(f"--share {item!r}: gebruik GEMEENTE=PERCENTAGE")
            shares[mun.strip()] = parse_share(value)
    except (ValueError, ArithmeticError) as exc:
        raise fail(exc) from exc
    with_db(db, lambda d: store_key(d, name, year, shares))
    Console(stderr=True).print(f"Verdeelsleutel {name} {year}: {len(shares)} gemeenten, samen "
                               f"{float(sum(shares.values())):.4%}.")


@budget_app.command("allocate")
def budget_allocate(
    key: Annotated[str, typer.Option("--key", help="Naam van de verdeelsleutel")],
    year: Annotated[int, typer.Option("--year", help="Jaar")],
    amount: Annotated[str, typer.Option("--amount", help="Te verdelen bedrag in euro, bv. 2851316")],
    budget_line: Annotated[str, typer.Option("--budget-line", help="Perceel waarop het aandeel komt")],
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Gedeelde regionale kosten verdelen met een verdeelsleutel en als begroting per gemeente vastleggen."""
    from jeugdregie.analysis.budget import allocate_to_budget
    from jeugdregie.money import eur_to_cents

    res = with_db(db, lambda d: allocate_to_budget(d, key, year, eur_to_cents(amount), budget_line))
    emit(fmt, [Table(f"Verdeling {key} {year}", [Column("municipality", "Gemeente"), Column("share", "Aandeel", "pct"),
                                                Column("share_exact", "Aandeel (exact)"),
                                                Column("amount_cents", "Bedrag", "cents")], res["rows"])],
         json_obj=res, out=out, default_name="verdeling")


@budget_app.command("share")
def budget_share(
    part: Annotated[str, typer.Option("--part", help="Bijdrage in euro, bv. 131554")],
    whole: Annotated[str, typer.Option("--whole", help="Totaal in euro, bv. 2851316")],
) -> None:
    """Het exacte aandeel achter twee bedragen (131.554 van 2.851.316 = 4,6138%)."""
    from jeugdregie.analysis.budget import implied_share
    from jeugdregie.money import eur_to_cents

    try:
        s = implied_share(eur_to_cents(part), eur_to_cents(whole))
    except (ValueError, ArithmeticError) as exc:
        raise fail(exc) from exc
    print(f"{float(s) * 100:.4f}%".replace(".", ","))


@budget_app.command("monitor")
def budget_monitor(
    year: Annotated[int, typer.Option("--year", help="Zorgjaar")],
    as_of: AsOfOption = None,
    municipality: MunicipalityOption = None,
    budget_line: Annotated[str | None, typer.Option("--budget-line", help="Alleen dit perceel")] = None,
    chart: Annotated[str | None, typer.Option("--chart", help="Grafiek (.png of .svg)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Maandelijkse realisatie vs begroting met de prognose (verwachte eindkosten en 80%-interval)."""
    from jeugdregie.analysis.forecast import monthly_realisation

    chart_fmt = checked_chart_format(chart)
    res = with_db(db, lambda d: monthly_realisation(d, year, resolve_as_of(d, as_of), municipality, budget_line))
    cols = [Column("month", "Maand"), Column("declared_cents", "Gedeclareerd", "cents"),
            Column("expected_final_cents", "Verwacht eind", "cents"),
            Column("cumulative_declared_cents", "Cum. gedeclareerd", "cents"),
            Column("cumulative_expected_cents", "Cum. verwacht", "cents"),
            Column("cumulative_low_80_cents", "Cum. 80% laag", "cents"),
            Column("cumulative_high_80_cents", "Cum. 80% hoog", "cents"),
            Column("cumulative_budget_cents", "Cum. begroting", "cents")]
    title = f"Realisatie vs begroting {year}, peildatum {res['as_of']}" + (f", perceel {budget_line}" if budget_line
                                                                            else "")
    emit(fmt, [Table(title, cols, res["rows"], notes=res["notes"])], json_obj=res, out=out, default_name="monitor")
    if chart and chart_fmt:
        from jeugdregie.report.forecast_charts import realisation_fan

        Path(chart).write_bytes(realisation_fan(res, fmt=chart_fmt))
        Console(stderr=True).print(f"Grafiek geschreven: {chart}")


class ProposalBasis(StrEnum):
    auto = "auto"
    realisation = "realisation"
    budget = "budget"


@budget_app.command("propose")
def budget_propose(
    year: Annotated[int, typer.Option("--year", help="Begrotingsjaar van het voorstel, bv. 2026")],
    index: Annotated[str, typer.Option("--index", help="Indexatie over de grondslag: 0.035 of 3,5%")] = "0",
    shifts: Annotated[Path | None, typer.Option("--shifts", help="CSV/Excel met bekende verschuivingen: line, "
                                                "amount_eur, toelichting")] = None,
    basis: Annotated[ProposalBasis, typer.Option("--basis", help="Grondslag: auto (realisatie waar bekend, anders "
                                                 "begroting), realisation of budget")] = ProposalBasis.auto,
    line_basis: Annotated[list[str] | None, typer.Option("--line-basis", help="Grondslag per perceel: "
                                                         "PERCEEL=realisation|budget (herhaalbaar)")] = None,
    realisation_year: Annotated[int | None, typer.Option("--realisation-year", help="Jaar van de realisatie "
                                                         "(standaard: het jaar ervoor)")] = None,
    round_eur: Annotated[int, typer.Option("--round-eur", help="Voorstel afronden op zoveel euro (0 = op de cent, "
                                           "1 = hele euro's)")] = 0,
    as_of: AsOfOption = None,
    municipality: MunicipalityOption = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Begrotingsvoorstel per perceel: realisatie (met prognose late declaraties), vorige begroting, verschuivingen
    en indexatie, met de grondslag per regel."""
    from jeugdregie.analysis.budget_proposal import parse_index, propose, read_shifts

    try:
        factor = parse_index(index)
        per_line = {}
        for item in line_basis or []:
            line, _, value = item.rpartition("=")
            if not line or value not in ("realisation", "budget", "auto"):
                raise ValueError(f"--line-basis {item!r}: gebruik PERCEEL=realisation of PERCEEL=budget")
            per_line[line.strip()] = value
        shift_rows = read_shifts(shifts) if shifts else []
    except (ValueError, OSError) as exc:
        raise fail(exc) from exc
    res = with_db(db, lambda d: propose(d, year, factor, shift_rows, municipality,
                                        parse_date(as_of) if as_of else None, realisation_year, basis.value,
                                        per_line, round_eur))
    prev, real = res["previous_year"], res["realisation_year"]
    total = {**res["totals"], "budget_line": "Totaal"}
    decl = res["totals"].get("declaration_lines")
    rows = []
    for r in [*res["rows"], total]:
        lo, hi = r.get("realisation_interval_80_cents") or (None, None)
        plo, phi = r.get("proposal_interval_80_cents") or (None, None)
        rows.append({**r, "real_low": lo, "real_high": hi, "prop_low": plo, "prop_high": phi})
    cols = [Column("budget_line", "Perceel"), Column("previous_budget_cents", f"Begroting {prev}", "cents"),
            Column("realisation_cents", f"Realisatie {real}", "cents"), Column("realisation_source", "Bron"),
            Column("real_low", "Real. 80% laag", "cents"), Column("real_high", "Real. 80% hoog", "cents"),
            Column("basis", "Grondslag"), Column("basis_cents", "Grondslagbedrag", "cents"),
            Column("indexation_cents", "Indexatie", "cents"), Column("shifts_cents", "Verschuivingen", "cents"),
            Column("rounding_cents", "Afronding", "cents"), Column("proposed_cents", f"Voorstel {year}", "cents"),
            Column("prop_low", "Voorstel 80% laag", "cents"), Column("prop_high", "Voorstel 80% hoog", "cents"),
            Column("difference_cents", f"Verschil t.o.v. {prev}", "cents")]
    notes = list(res["notes"])
    if decl:
        lo, hi = decl["proposal_interval_80_cents"]
        notes.append(f"Percelen met declaraties ({decl['lines']}): voorstel {format_eur(decl['proposed_cents'])}, "
                     f"bij gelijkblijvend gebruik {format_eur(lo)} – {format_eur(hi)} (80%).")
    title = f"Begrotingsvoorstel {year}" + (f", gemeente {res['municipality']}" if res["municipality"] else "") + \
        f", indexatie {res['index']}" + (
        f", peildatum {res['as_of']}" if res["as_of"] else "")
    reasons = Column("grondslag", "Grondslag (toelichting)")
    if fmt == Format.table:  # the explanation is long: its own table on screen; one table in CSV/Excel/JSON
        tables = [Table(title, cols, rows, notes=notes),
                  Table(f"Grondslag per perceel {year}", [cols[0], reasons], res["rows"])]
    else:
        tables = [Table(title, [*cols, reasons], rows, notes=notes)]
    emit(fmt, tables, json_obj=res, out=out, default_name="begrotingsvoorstel")


def lag(
    by: Annotated[LagBy, typer.Option("--by", help="Per provider, category, municipality of total")] = LagBy.provider,
    as_of: AsOfOption = None,
    municipality: MunicipalityOption = None,
    chart: Annotated[str | None, typer.Option("--chart", help="Grafiek vertragingsprofiel (.png of .svg)")] = None,
    db: DbOption = None,
    fmt: FormatOption = Format.table,
    out: OutOption = None,
) -> None:
    """Declaratievertraging: aandeel gedeclareerd binnen 1/3/6/12 maanden, achterstand per aanbieder, en
    declaraties per kalenderjaar voor eerdere zorgjaren."""
    from jeugdregie.analysis.lag import lag_profile

    chart_fmt = checked_chart_format(chart)
    res = with_db(db, lambda d: lag_profile(d, resolve_as_of(d, as_of), by.value, municipality))
    rows = [{**r, "label": f"{r['group']} {r['name']}" if r.get("name") else r["group"]} for r in res["rows"]]
    profile = Table(f"Declaratievertraging per {by.value}, peildatum {res['as_of']}", [
        Column("label", "Groep"), Column("within_1", "Binnen 1 mnd", "pct"), Column("within_3", "Binnen 3 mnd", "pct"),
        Column("within_6", "Binnen 6 mnd", "pct"), Column("within_12", "Binnen 12 mnd", "pct"),
        Column("median_lag_months", "Mediaan (mnd)", "int"), Column("net_cents", "Netto gedeclareerd", "cents"),
        Column("backlog_cents", "Verwachte achterstand", "cents"),
        Column("backlog_se_cents", "Standaardfout achterstand", "cents")], rows, notes=res["notes"])
    earlier = Table("Declaraties per kalenderjaar voor eerdere zorgjaren", [
        Column("calendar_year", "Kalenderjaar", "int"), Column("declared_cents", "Netto gedeclareerd", "cents"),
        Column("earlier_years_cents", "Waarvan eerdere zorgjaren", "cents"),
        Column("earlier_years_share", "Aandeel", "pct")], res["earlier_years"])
    outstanding = Table("Nog te declareren per zorgjaar", [
        Column("year", "Zorgjaar", "int"), Column("declared_cents", "Gedeclareerd", "cents"),
        Column("ibnr_cents", "Verwacht nog te declareren", "cents"), Column("low_80", "80%-interval laag", "cents"),
        Column("high_80", "80%-interval hoog", "cents"), Column("share_declared", "Aandeel gedeclareerd", "pct")],
        [{**r, "low_80": r["interval_80_cents"][0], "high_80": r["interval_80_cents"][1]}
         for r in res["outstanding_by_service_year"]])
    emit(fmt, [profile, earlier, outstanding], json_obj=res, out=out, default_name="vertraging")
    if chart and chart_fmt:
        from jeugdregie.report.forecast_charts import lag_profiles

        Path(chart).write_bytes(lag_profiles([{**r, "group": r["label"]} for r in rows], fmt=chart_fmt))
        Console(stderr=True).print(f"Grafiek geschreven: {chart}")


def bench_forecast(
    seeds: Annotated[int, typer.Option("--seeds", help="Aantal synthetische regio's (seeds 1..n)")] = 5,
    scale: Annotated[str, typer.Option("--scale", help="Schaal van de synthetische regio")] = "small",
    years: Annotated[str, typer.Option("--years", help="Zorgjaren van de regio")] = "2021-2025",
    clients: Annotated[int | None, typer.Option("--clients", help="Cliënten per jaar (overschrijft de schaal)")] = None,
    tail: Annotated[str, typer.Option("--tail", help="Staart: none, exponential of een factor")] = "exponential",
    anomalies: Annotated[bool, typer.Option("--inject-anomalies", help="Regio's met afwijkingen (o.a. een "
                                            "laat declarerende aanbieder)")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table of json")] = "table",
) -> None:
    """Backtest van de jaarprognose: MAPE op 3, 6 en 12 maanden na jaareinde en dekking van de intervallen,
    tegen de ground truth van synthetische regio's (met 'alleen gedeclareerd' als basislijn)."""
    import json
    import time

    from jeugdregie.analysis.backtest import run
    from jeugdregie.synth.config import parse_years

    console = Console(stderr=True)
    tail_arg: str | float = tail if tail in ("none", "exponential") else float(tail)
    start = time.perf_counter()
    res = run(list(range(1, seeds + 1)), scale=scale, years=parse_years(years), clients_per_year=clients,
              tail=tail_arg, inject_anomalies=anomalies, progress=lambda s, x: console.print(
                  f"seed {s}: MAPE {x['mape_all']:.2%}, dekking 80% {x['coverage_80']:.0%}, 95% {x['coverage_95']:.0%}"))
    res["seconds"] = round(time.perf_counter() - start, 1)
    if fmt == "json":
        print(json.dumps({k: v for k, v in res.items() if k != "points"}, indent=2))
        return
    s = res["summary"]
    for k, v in s["by_months_after"].items():
        console.print(f"{k:>2} mnd na jaareinde: n={v['n']}, MAPE {v['mape']:.2%} (alleen gedeclareerd "
                      f"{v['naive_mape']:.2%}), gem. fout {v['mean_error']:+.2%}, dekking 80% {v['coverage_80']:.0%}, "
                      f"95% {v['coverage_95']:.0%}")
    console.print(f"alle {s['points']} punten: MAPE {s['mape_all']:.2%} (basislijn {s['naive_mape_all']:.2%}), "
                  f"dekking 80% {s['coverage_80']:.0%} (Mack zonder kalibratie {s['coverage_80_mack']:.0%}), "
                  f"95% {s['coverage_95']:.0%}; {res['seconds']} s")
    for k, v in s["in_year"].items():
        if v["n"]:
            console.print(f"binnen het jaar, {k:>2} mnd: n={v['n']}, MAPE {v['mape']:.2%} (alleen gedeclareerd "
                          f"{v['naive_mape']:.2%}), gem. fout {v['mean_error']:+.2%}, dekking 80% "
                          f"{v['coverage_80']:.0%}, 95% {v['coverage_95']:.0%}")
