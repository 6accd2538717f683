"""PDF layout of the half-year report with reportlab (pure Python, no downloads or browser at run time).

Same content as the HTML (``halfyear.Report``): A4, each chapter on a new page, tables with repeated header
rows, charts as images, page numbers in the footer. ``invariant`` mode leaves out the creation time and
random document id, so the same data gives the same PDF bytes.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from jeugdregie.money import format_date
from jeugdregie.report.halfyear import Report, ReportTable, Section

NAVY = colors.HexColor("#14365d")


def _styles() -> dict[str, ParagraphStyle]:
    base = getSampleStyleSheet()
    body = ParagraphStyle("body", parent=base["BodyText"], fontName="Helvetica", fontSize=9.5, leading=13)
    return {
        "title": ParagraphStyle("title", parent=base["Title"], textColor=NAVY, fontSize=18, alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], textColor=NAVY, fontSize=14, spaceBefore=4),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], textColor=NAVY, fontSize=11),
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555")),
        "cell": ParagraphStyle("cell", parent=body, fontSize=8, leading=10),
        "cellr": ParagraphStyle("cellr", parent=body, fontSize=8, leading=10, alignment=2),
        "narr": ParagraphStyle("narr", parent=body, backColor=colors.HexColor("#f2f8f4"), borderPadding=4,
                               leftIndent=4, rightIndent=4),
        "banner": ParagraphStyle("banner", parent=body, backColor=colors.HexColor("#fff3cd"), borderPadding=4),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(text), style)


def _table(t: ReportTable, st: dict[str, ParagraphStyle], width: float) -> Any:
    data = [[_p(h, st["cellr"] if i in t.numeric else st["cell"]) for i, h in enumerate(t.headers)]]
    for row in t.rows:
        data.append([_p(c, st["cellr"] if i in t.numeric else st["cell"]) for i, c in enumerate(row)])
    n = len(t.headers)
    first = width * (0.34 if n > 3 else 0.5)
    cols = [first] + [(width - first) / max(1, n - 1)] * (n - 1)
    tbl = Table(data, colWidths=cols, repeatRows=1)
    style = [("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef5")),
             ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.HexColor("#c8ced6")),
             ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if t.bold_last:
        style.append(("LINEABOVE", (0, -1), (-1, -1), 0.8, NAVY))
    tbl.setStyle(TableStyle(style))
    return KeepTogether([_p(t.title, st["h3"]), tbl]) if len(t.rows) < 25 else [_p(t.title, st["h3"]), tbl]


def _section(s: Section, st: dict[str, ParagraphStyle], width: float, level: int) -> list[Any]:
    out: list[Any] = [_p(s.title, st["h2" if level == 2 else "h3"])]
    for text in s.paragraphs:
        out.append(_p(("• " if s.key == "samenvatting" else "") + text, st["body"]))
        out.append(Spacer(1, 2 * mm))
    if s.narrative is not None:
        n = s.narrative
        out.append(Paragraph("<b>Duiding</b><br/>" + "<br/><br/>".join(escape(p) for p in n.body.split("\n\n"))
                             + f"<br/><font size=7>{escape(n.author)}, {n.written_at.strftime('%d-%m-%Y')} "
                               f"(versie {n.version})</font>", st["narr"]))
        out.append(Spacer(1, 3 * mm))
    for c in s.charts:
        img = Image(io.BytesIO(c.png))
        ratio = img.imageHeight / img.imageWidth
        img.drawWidth, img.drawHeight = width * 0.92, width * 0.92 * ratio
        out.append(KeepTogether([img, _p(c.caption, st["small"]), Spacer(1, 3 * mm)]))
    for t in s.tables:
        tb = _table(t, st, width)
        out.extend(tb if isinstance(tb, list) else [tb])
        out.append(Spacer(1, 3 * mm))
    for sub in s.subsections:
        out.extend(_section(sub, st, width, level + 1))
    if s.notes:
        out.append(_p("Toelichting bij de cijfers", st["small"]))
        out.extend(_p("– " + n, st["small"]) for n in s.notes)
    return out


def render(report: Report, path: str | Path | None = None) -> tuple[bytes, int]:
    """The PDF bytes and the number of pages; written to ``path`` when given."""
    st = _styles()
    buf = io.BytesIO()
    doc = SimpleDocTemplate(buf, pagesize=A4, leftMargin=16 * mm, rightMargin=16 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"{report.title} – {report.municipality_name}",
                            author="jeugdregie", creator="jeugdregie", invariant=1)
    width = A4[0] - 32 * mm
    story: list[Any] = [_p(report.title, st["title"]),
                        _p(f"{report.scope} · periode {report.period} · "
                           f"peildatum {format_date(report.as_of)}", st["body"]), Spacer(1, 4 * mm)]
    if report.synthetic:
        story.append(_p("Deze rapportage is gemaakt met synthetische (verzonnen) gegevens en beschrijft geen echte "
                        "gemeente.", st["banner"]))
        story.append(Spacer(1, 4 * mm))
    for i, s in enumerate(report.sections):
        if i:
            story.append(PageBreak())
        story.extend(_section(s, st, width, 2))
    footer = f"{report.title} – {report.municipality_name}"

    def on_page(canvas: Any, doc_: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7.5)
        canvas.setFillColor(colors.HexColor("#555555"))
        canvas.drawString(16 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 16 * mm, 10 * mm, f"pagina {doc_.page}")
        canvas.restoreState()

    doc.build(story, onFirstPage=on_page, onLaterPages=on_page)
    data = buf.getvalue()
    if path is not None:
        Path(path).write_bytes(data)
    return data, int(doc.page)
