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


def report(period: Annotated[str, typer.Option("--period", "-p", help="Halfjaar (2024H1) of jaar (2024)")],
           municipality: Annotated[str | None, typer.Option("--municipality", "-m", help="CBS-gemeentecode "
                                                            "(standaard: de enige gemeente in de gegevens, "
                                                            "anders de hele regio)")] = None,
           out: Annotated[str | None, typer.Option("--out", "-o", help="HTML-bestand")] = None,
           pdf: Annotated[Path | None, typer.Option("--pdf", help="Ook als PDF naar dit bestand")] = None,
           as_of: Annotated[str | None, typer.Option("--as-of", help="Peildatum JJJJ-MM-DD (standaard: laatste "
                                                                      "declaratie in de gegevens)")] = None,
           fmt: FormatOption = Format.table, db: DbOption = None) -> None:
    """Halfjaar- of jaarrapportage voor de raad: kosten, verklaring, prognose, signalen, toegang en maatregelen.

    Met --out (en --pdf) wordt het document geschreven; --format json geeft de inhoud (zonder grafieken)."""
    from jeugdregie.measures.model import MeasureError
    from jeugdregie.report import halfyear, html
    from jeugdregie.report import pdf as pdfmod

    with open_db(db) as database:
        try:
            rep = halfyear.build(database, period, municipality, date.fromisoformat(as_of) if as_of else None)
        except (MeasureError, ValueError) as exc:
            _fail(exc)
    written = []
    if out:
        Path(out).write_text(html.render(rep), encoding="utf-8")
        written.append(out)
    if pdf:
        _data, pages = pdfmod.render(rep, pdf)  # a Path: never exposed by the web API
        written.append(f"{pdf} ({pages} pagina's)")
    if written:
        Console(stderr=True).print("Rapportage geschreven: " + ", ".join(written))
    if fmt == Format.json or not written:
        rows = [{"section": s.title, "text": p} for s in rep.sections for p in s.paragraphs]
        emit(fmt, [Table(rep.title, [Column("section", "Paragraaf"), Column("text", "Tekst")], rows)],
             json_obj=rep.to_dict(), default_name="rapportage")


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
