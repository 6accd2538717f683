"""Charts of the budget monitor: realisation + forecast fan vs budget, and lag profiles per provider.

Same conventions as ``report.charts``: bytes out (PNG/SVG), Agg backend, Dutch labels, euro axis.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, PercentFormatter

from jeugdregie.report.charts import _eur_axis, _save


def realisation_fan(monthly: dict[str, Any], *, title: str | None = None, fmt: str = "png") -> bytes:
    """Cumulative declared (bars), expected final cost with its 80% band (fan) and the budget line per month,
    from ``analysis.forecast.monthly_realisation``."""
    rows = monthly["rows"]
    xs = [r["month"][5:] for r in rows]
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    idx = list(range(len(rows)))
    ax.bar(idx, [r["cumulative_declared_cents"] for r in rows], color="#8fa9c9", width=0.7,
           label="Gedeclareerd tot peildatum (cumulatief)")
    ax.fill_between(idx, [r["cumulative_low_80_cents"] for r in rows], [r["cumulative_high_80_cents"] for r in rows],
                    color="#c0392b", alpha=0.2, linewidth=0, label="80%-interval verwachte eindkosten")
    ax.plot(idx, [r["cumulative_expected_cents"] for r in rows], color="#c0392b", linewidth=1.8,
            label="Verwachte eindkosten (cumulatief)")
    if monthly.get("budget_cents") is not None:
        ax.plot(idx, [r["cumulative_budget_cents"] for r in rows], color="#2e3440", linestyle="--", linewidth=1.2,
                label="Begroting (cumulatief)")
    ax.set_xticks(idx, xs, fontsize=8)
    ax.set_xlabel(f"Maand van levering {monthly['year']}")
    ax.yaxis.set_major_formatter(FuncFormatter(_eur_axis))
    ax.set_title(title or f"Realisatie en prognose {monthly['year']} (peildatum {monthly['as_of']})")
    ax.legend(fontsize=7, loc="upper left")
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def lag_profiles(rows: Sequence[dict[str, Any]], *, months: Sequence[int] = (1, 3, 6, 12), top: int = 12,
                 title: str = "Declaratievertraging per aanbieder", fmt: str = "png") -> bytes:
    """Share of the net amount declared within 1, 3, 6 and 12 months per provider (largest ``top`` providers),
    from ``analysis.lag.lag_profile``."""
    chosen = sorted(rows, key=lambda r: -(r.get("net_cents") or 0))[:top]
    fig = Figure(figsize=(8, 0.45 * max(len(chosen), 3) + 1.5))
    ax = fig.subplots()
    height = 0.8 / len(months)
    colours = ["#2e8b57", "#8fbc8f", "#e0b050", "#c0392b"]
    for j, m in enumerate(months):
        ax.barh([i + j * height for i in range(len(chosen))], [r.get(f"within_{m}") or 0 for r in chosen],
                height=height, color=colours[j % len(colours)], label=f"binnen {m} mnd")
    ax.set_yticks([i + 0.4 - height / 2 for i in range(len(chosen))], [str(r["group"]) for r in chosen], fontsize=8)
    ax.invert_yaxis()
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlim(0, 1)
    ax.set_title(title)
    ax.legend(fontsize=7, loc="upper center", bbox_to_anchor=(0.5, -0.06), ncol=len(months), frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)
