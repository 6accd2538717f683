"""Charts for the cost commands, the web UI and the report: waterfall and trend lines as PNG or SVG bytes."""

from __future__ import annotations

import pytest

from jeugdregie.analysis.decomposition import GroupFigures, decompose
from jeugdregie.report.charts import chart_format, decomposition_waterfall, trend, waterfall


def test_waterfall_png_and_svg_with_dutch_amounts() -> None:
    comps = {"volume": 451334, "intensity": 861333, "price": 231333, "mix": 0}
    png = waterfall(4000000, comps, 5544000, fmt="png")
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    svg = waterfall(4000000, comps, 5544000, fmt="svg").decode()
    assert svg.lstrip().startswith("<?xml") and "<svg" in svg
    # labels and amounts are text in the SVG: Dutch thousands separator, signs on the steps
    assert "€ 40.000" in svg and "+€ 8.613" in svg and "Intensiteit" in svg


def test_waterfall_refuses_components_that_do_not_add_up() -> None:
    with pytest.raises(ValueError, match="tellen niet op"):
        waterfall(100, {"volume": 10, "mix": 5}, 116)


def test_decomposition_waterfall_per_client_basis_drops_intensity() -> None:
    r = decompose({"A": GroupFigures(100000, 10)}, {"A": GroupFigures(150000, 12)}, period_from="2017",
                  period_to="2018")
    svg = decomposition_waterfall(r, fmt="svg").decode()
    assert "Kosten 2017" in svg and "Kosten 2018" in svg and "Intensiteit" not in svg
    assert "per cliënt" in svg


def test_trend_lines_with_gaps_and_format_from_file_name() -> None:
    svg = trend(["2024Q1", "2024Q2", "2024Q3"], {"45 Jeugdhulp ambulant": [100000, None, 250000],
                                                "41 Dagbehandeling": [5000, 7000, 9000]}, fmt="svg").decode()
    assert "45 Jeugdhulp ambulant" in svg and "2024Q2" in svg
    assert chart_format("kosten.PNG") == "png" and chart_format("w.svg") == "svg"
    with pytest.raises(ValueError, match=".png of .svg"):
        chart_format("kosten.pdf")
