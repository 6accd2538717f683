"""Half-year report: content from the analyses, narratives, byte-identical HTML, PDF pages checked as images."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import pytest

from jeugdregie.measures import files, register
from jeugdregie.report import halfyear, html, narratives, pdf
from jeugdregie.store import Database, connect

MEASURES = """
measures:
- municipality: '0603'
  number: M10
  title: Verbetering beoordeling verzoeken om toewijzing
  start_date: 2023-01-01
  status: in uitvoering
  intended_effect: Niet meer hulp dan nodig om het resultaat te behalen.
  years:
  - {year: 2023, net: 150000, realised: 90000, realised_note: schatting}
  checkpoints:
  - {period: 2024H1, label: eerste halfjaarrapportage 2024, focus: effect normering}
  indicators:
  - {label: Uren per cliënt 45A03, analysis: eenheden_per_client, filters: {product: 45A03}, direction: omlaag}
- municipality: '0603'
  number: M12
  title: Regie op door- en uitstroom
  status: gepland
  checkpoints:
  - {period: 2024H2, label: tweede halfjaarrapportage 2024}
"""


def _prepare(db: Database, tmp_path: Path) -> None:
    p = tmp_path / "m.yaml"
    p.write_text(MEASURES, encoding="utf-8")
    register.save_all(db, files.read_file(p))
    narratives.add_narrative(db, "0603", "2024H1", "kosten", "Eerste versie.", "anna",
                             written_at=datetime(2024, 9, 1, 10, 0))
    narratives.add_narrative(db, "0603", "2024H1", "kosten",
                             "De stijging zit vooral in verblijf <zonder behandeling>.\n\nTweede alinea.", "bert",
                             expected_version=1, written_at=datetime(2024, 9, 2, 9, 30))


def test_report_content_and_narratives(region_db: Database, tmp_path: Path) -> None:
    _prepare(region_db, tmp_path)
    rep = halfyear.build(region_db, "2024h1", "0603")
    keys = [s.key for s in rep.sections]
    assert keys == ["samenvatting", "kosten", "verklaring", "prognose", "signalen", "toegang", "maatregelen",
                    "verantwoording"]
    text = html.render(rep)
    assert "Halfjaarrapportage jeugdhulp eerste halfjaar 2024" in text
    # tellen: the cost paragraph uses the figures of the cost analysis
    from jeugdregie.analysis.costs import cost_overview

    net = cost_overview(region_db, "2024H1", by="total", municipality="0603")["totals"][0]["net_cents"]
    from jeugdregie.money import format_eur

    assert f"over het eerste halfjaar 2024 zijn {format_eur(net)}" in text
    # vertellen: the latest version, escaped, with author and date from the data
    assert "verblijf &lt;zonder behandeling&gt;" in text and "Eerste versie." not in text
    assert "bert, 02-09-2024 (versie 2)" in text
    # forecast from analysis.forecast, decomposition adds up
    assert "De verwachte eindkosten over 2024 zijn" in text
    verkl = next(s for s in rep.sections if s.key == "verklaring")
    assert verkl.tables[0].rows[-1][0] == "Totaal" and verkl.charts
    # measures: due checkpoint listed, effect monitoring with its honest statement
    maat = next(s for s in rep.sections if s.key == "maatregelen")
    assert [t.title for t in maat.tables][:2] == ["Stand van de maatregelen", "IJkmomenten tot en met het eerste halfjaar 2024, nog niet afgerond"]
    assert maat.tables[1].rows == [["M10", "Verbetering beoordeling verzoeken om toewijzing",
                                    "2024H1 eerste halfjaarrapportage 2024", "effect normering"]]
    assert [s.key for s in maat.subsections] == ["maatregel:M10"] and maat.subsections[0].charts
    assert "niet onderscheiden van toeval en andere oorzaken" in text
    # signals: from analysis.signals, aggregated per provider and type, no case lists
    from jeugdregie.analysis.signals import compute_signals, rank

    ranked = rank(compute_signals(region_db, "2024H1", municipality="0603"))
    sig = next(s for s in rep.sections if s.key == "signalen")
    if ranked:
        assert sig.tables[0].rows[0][0].startswith(ranked[0]["provider"])
        assert len(sig.tables[0].rows) == min(10, len(ranked))
    else:
        assert "geen signalen" in sig.paragraphs[0]
    # no client-level data: no pseudonym of the store appears in the report
    ids = [r["client_id"] for r in region_db.query("SELECT client_id FROM client")]
    assert ids and not any(i in text for i in ids)


def test_same_data_gives_byte_identical_html(region_template: Path, tmp_path: Path) -> None:
    outs = []
    for i in (1, 2):
        path = tmp_path / f"copy{i}.duckdb"
        shutil.copy(region_template, path)
        db = connect(str(path))
        (tmp_path / f"d{i}").mkdir()
        _prepare(db, tmp_path / f"d{i}")
        outs.append(html.render(halfyear.build(db, "2024H1", "0603")).encode())
        outs.append(pdf.render(halfyear.build(db, "2024H1", "0603"))[0])
        db.close()
    assert outs[0] == outs[2] and len(outs[0]) > 10_000
    assert outs[1] == outs[3]


def test_pdf_pages_render_with_non_empty_charts(region_db: Database, tmp_path: Path) -> None:
    import numpy as np
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    _prepare(region_db, tmp_path)
    rep = halfyear.build(region_db, "2024H1", "0603")
    data, pages = pdf.render(rep, tmp_path / "r.pdf")
    doc = pdfium.PdfDocument(data)
    assert len(doc) == pages >= len(rep.sections)  # every chapter starts on a new page
    n_charts = sum(len(s.charts) + sum(len(u.charts) for u in s.subsections) for s in rep.sections)
    seen = 0
    scale = 1.5
    for i in range(len(doc)):
        page = doc[i]
        bitmap = np.asarray(page.render(scale=scale).to_pil().convert("L"), dtype=float)
        assert (bitmap < 250).mean() > 0.001, f"page {i + 1} is blank"
        height = page.get_height()
        for obj in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
            left, bottom, right, top = obj.get_bounds()
            crop = bitmap[int((height - top) * scale):int((height - bottom) * scale),
                          int(left * scale):int(right * scale)]
            assert crop.size and crop.std() > 10 and (crop < 200).mean() > 0.01, f"empty chart on page {i + 1}"
            seen += 1
    assert seen == n_charts >= 5


def test_narrative_versions_and_conflicts(db: Database) -> None:
    n1 = narratives.add_narrative(db, "0637", "2024H2", "prognose", "Eerste", "anna")
    n2 = narratives.add_narrative(db, "0637", "2024H2", "prognose", "Tweede", "bert", expected_version=1)
    assert (n1.version, n2.version) == (1, 2)
    with pytest.raises(narratives.NarrativeError, match="intussen gewijzigd"):
        narratives.add_narrative(db, "0637", "2024H2", "prognose", "Derde", "anna", expected_version=1)
    with pytest.raises(narratives.NarrativeError, match="leeg"):
        narratives.add_narrative(db, "0637", "2024H2", "prognose", "  ", "anna")
    assert [n.body for n in narratives.history(db, "0637", "2024H2", "prognose")] == ["Tweede", "Eerste"]
    assert narratives.latest(db, "0637", "2024H2")["prognose"].body == "Tweede"
    assert len(narratives.list_narratives(db, "0637", all_versions=True)) == 2


def test_signals_section_on_a_region_with_injected_anomalies(anomaly_region: tuple[Path, dict]) -> None:
    """The ground truth's anomalous providers appear in the report's signal table (aggregates only)."""
    path, truth = anomaly_region
    db = connect(str(path))
    try:
        anomalies = truth["anomalies"]
        cases = anomalies if isinstance(anomalies, list) else anomalies.get("cases", [])
        munis = sorted({c["municipality"] for c in cases if c.get("municipality")})
        providers = {c["provider_agb"] for c in cases if c.get("municipality") == munis[0]}
        years = sorted({int(y) for y in truth["per_year"]})
        period = f"{years[0]}"
        rep = halfyear.build(db, period, munis[0])
        sig = next(s for s in rep.sections if s.key == "signalen")
        shown = {row[0].split(" ", 1)[0] for row in sig.tables[0].rows}
        assert shown & providers, (shown, providers)
        assert sig.tables[1].title == "Signalen per soort" and sig.tables[1].rows
        text = html.render(rep)
        ids = [r["client_id"] for r in db.query("SELECT client_id FROM client")]
        assert not any(i in text for i in ids)
    finally:
        db.close()
