"""HTML layout of the half-year report: one self-contained file (charts inlined as PNG), print CSS for A4.

Deterministic: no clock is read and every input comes from ``halfyear.Report``, so the same data gives the
same bytes.
"""

from __future__ import annotations

import base64
from importlib import resources

from jinja2 import Environment, StrictUndefined, select_autoescape

from jeugdregie.money import format_date
from jeugdregie.report.halfyear import Chart, Report


def render(report: Report) -> str:
    env = Environment(autoescape=select_autoescape(default=True), undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True)
    template = env.from_string((resources.files("jeugdregie.report") / "templates" / "halfyear.html")
                               .read_text(encoding="utf-8"))
    return template.render(r=report, as_of=format_date(report.as_of), png=_png)


def _png(chart: Chart) -> str:
    return base64.b64encode(chart.png).decode("ascii")
