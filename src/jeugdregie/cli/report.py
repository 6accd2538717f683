"""`jeugdregie report`: the half-year report (HTML, optional PDF); `jeugdregie narrative`: the texts users add
per indicator ("vertellen")."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from jeugdregie.cli.common import DbOption, Format, FormatOption, OutOption, open_db
from jeugdregie.cli.output import Column, Table, emit

narrative_app = typer.Typer(help="Duiding (vertellen) per indicator en halfjaar: toevoegen en tonen.",
                            no_args_is_help=True)

MunicipalityOpt = Annotated[str, typer.Option("--municipality", "-m", help="CBS-gemeentecode, bv. 0603")]
PeriodOpt = Annotated[str, typer.Option("--period", "-p", help="Halfjaar, bv. 2024H1")]


def register(app: typer.Typer) -> None:
    app.command("report")(report)
    app.add_typer(narrative_app, name="narrative")


def _fail(exc: Exception) -> None:
    Console(stderr=True).print(f"[red]Fout:[/red] {exc}")
    raise typer.Exit(2)


def report(period: PeriodOpt, municipality: MunicipalityOpt,
           out: Annotated[str, typer.Option("--out", "-o", help="HTML-bestand")],
           pdf: Annotated[str | None, typer.Option("--pdf", help="Ook als PDF naar dit bestand")] = None,
           as_of: Annotated[str | None, typer.Option("--as-of", help="Peildatum JJJJ-MM-DD (standaard: laatste "
                                                                      "declaratie in de gegevens)")] = None,
           db: DbOption = None) -> None:
    """Halfjaarrapportage voor de raad: kosten, verklaring, prognose, signalen, toegang en maatregelen."""
    from jeugdregie.measures.model import MeasureError
    from jeugdregie.report import halfyear, html
    from jeugdregie.report import pdf as pdfmod

    with open_db(db) as database:
        try:
            rep = halfyear.build(database, period, municipality, date.fromisoformat(as_of) if as_of else None)
        except (MeasureError, ValueError) as exc:
            _fail(exc)
    Path(out).write_text(html.render(rep), encoding="utf-8")
    msg = f"Rapportage geschreven: {out}"
    if pdf:
        _data, pages = pdfmod.render(rep, pdf)
        msg += f" en {pdf} ({pages} pagina's)"
    Console(stderr=True).print(msg)


@narrative_app.command("add")
def narrative_add(period: PeriodOpt, municipality: MunicipalityOpt,
                  indicator: Annotated[str, typer.Option("--indicator", "-i", help="Paragraaf (kosten, verklaring, "
                                                         "prognose, signalen, toegang, maatregelen, samenvatting) of "
                                                         "maatregel:NR")],
                  text: Annotated[str | None, typer.Option("--text", help="De tekst (of --file)")] = None,
                  file: Annotated[str | None, typer.Option("--file", help="Tekstbestand; '-' = stdin")] = None,
                  author: Annotated[str | None, typer.Option("--author", help="Auteur (standaard: gebruiker)")] = None,
                  db: DbOption = None) -> None:
    """Een (nieuwe versie van de) duiding opslaan; eerdere versies blijven bewaard."""
    from jeugdregie.report.narratives import NarrativeError, add_narrative
    from jeugdregie.settings import get_settings

    body = text if text is not None else (sys.stdin.read() if file == "-" else
                                          Path(file).read_text(encoding="utf-8") if file else None)
    if body is None:
        _fail(ValueError("geef --text of --file"))
    with open_db(db) as database:
        try:
            n = add_narrative(database, municipality, period, indicator, body or "", author or get_settings().user)
        except (NarrativeError, ValueError) as exc:
            _fail(exc)
    Console(stderr=True).print(f"Duiding {n.indicator} {n.period} opgeslagen (versie {n.version})")


@narrative_app.command("list")
def narrative_list(municipality: MunicipalityOpt,
                   period: Annotated[str | None, typer.Option("--period", "-p", help="Halfjaar")] = None,
                   all_versions: Annotated[bool, typer.Option("--all-versions", help="Ook oudere versies")] = False,
                   fmt: FormatOption = Format.table, out: OutOption = None, db: DbOption = None) -> None:
    """Ingevoerde duidingen (laatste versie per indicator, of alle versies)."""
    from jeugdregie.report.narratives import list_narratives

    with open_db(db) as database:
        items = [n.as_dict() for n in list_narratives(database, municipality, period, all_versions)]
    table = Table("Duidingen", [Column("period", "Periode"), Column("indicator", "Indicator"),
                                Column("version", "Versie", "int"), Column("author", "Auteur"),
                                Column("written_at", "Geschreven"), Column("body", "Tekst")], items)
    emit(fmt, [table], json_obj={"narratives": items}, out=out, default_name="duidingen")
