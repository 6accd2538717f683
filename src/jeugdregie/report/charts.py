"""Charts shared by the CLI (``--chart FILE``), the web monitor and the half-year report.

Every function returns the image as bytes (PNG or SVG), so callers decide where it goes. Matplotlib runs
headless (Agg); labels are Dutch and amounts are formatted with ``jeugdregie.money``.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from jeugdregie.money import format_eur  # noqa: E402

_COLOURS = {"start": "#4c566a", "end": "#4c566a", "up": "#c0392b", "down": "#2e8b57"}
WATERFALL_LABELS = {"volume": "Volume\n(cliënten)", "intensity": "Intensiteit\n(eenheden/cliënt)",
                    "price": "Prijs\n(per eenheid)", "mix": "Mix\n(verschuiving)"}


def _eur_axis(cents: float, _pos: int) -> str:
    return format_eur(int(round(cents)))


def _save(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight", dpi=120 if fmt == "png" else None,
                metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def waterfall(start_cents: int, components: Mapping[str, int], end_cents: int, *,
              title: str = "Verklaring kostenverschil", start_label: str = "Beginkosten",
              end_label: str = "Eindkosten", labels: Mapping[str, str] | None = None, fmt: str = "png") -> bytes:
    """Start cost -> one bar per component -> end cost. ``components`` keeps its order (volume, intensity, ...)."""
    if start_cents + sum(components.values()) != end_cents:
        raise ValueError("componenten tellen niet op tot het verschil tussen begin- en eindkosten")
    names = labels or WATERFALL_LABELS
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    xs: list[str] = [start_label]
    bottoms: list[float] = [0]
    heights: list[float] = [start_cents]
    colours = [_COLOURS["start"]]
    level = start_cents
    for key, value in components.items():
        xs.append(names.get(key, key))
        bottoms.append(level if value >= 0 else level + value)
        heights.append(abs(value))
        colours.append(_COLOURS["up"] if value >= 0 else _COLOURS["down"])
        level += value
    xs.append(end_label)
    bottoms.append(0)
    heights.append(end_cents)
    colours.append(_COLOURS["end"])
    ax.bar(range(len(xs)), heights, bottom=bottoms, color=colours, width=0.6)
    signed = [start_cents, *components.values(), end_cents]
    for i, (b, h, v) in enumerate(zip(bottoms, heights, signed, strict=True)):
        text = format_eur(v) if i in (0, len(xs) - 1) else ("+" if v >= 0 else "") + format_eur(v)
        ax.annotate(text, (i, b + h), ha="center", va="bottom", fontsize=8, xytext=(0, 2),
                    textcoords="offset points")
    # connector lines between bars
    level = start_cents
    for i, value in enumerate([0, *components.values()]):
        level += value
        ax.plot([i - 0.3, i + 1.3], [level, level], color="#999999", linewidth=0.6)
    ax.set_xticks(range(len(xs)), xs, fontsize=8)
    ax.yaxis.set_major_formatter(FuncFormatter(_eur_axis))
    ax.set_title(title)
    ax.spines[["top", "right"]].set_visible(False)
    return _save(fig, fmt)


def decomposition_waterfall(result: Mapping[str, Any], fmt: str = "png") -> bytes:
    """Waterfall of a ``decomposition.decompose`` result."""
    comps = dict(result["components"])
    labels = dict(WATERFALL_LABELS)
    if result.get("price_basis") == "client":
        comps.pop("intensity", None)
        labels["price"] = "Kosten\nper cliënt"
    return waterfall(int(result["cost_from_cents"]), comps, int(result["cost_to_cents"]),
                     title=f"Kostenverschil {result['from']} → {result['to']}",
                     start_label=f"Kosten {result['from']}", end_label=f"Kosten {result['to']}",
                     labels=labels, fmt=fmt)


def trend(periods: Sequence[str], series: Mapping[str, Sequence[int | None]], *, title: str = "Kosten per periode",
          ylabel: str = "Kosten", money: bool = True, fmt: str = "png",
          spans: Sequence[tuple[int, int, str]] = ()) -> bytes:
    """Line chart: one line per series over ``periods``; values are cents when ``money``. ``spans`` (first index,
    last index, label) shade annotated periods (``analysis.special_periods.spans``)."""
    fig = Figure(figsize=(8, 4.5))
    ax = fig.subplots()
    x = list(range(len(periods)))
    for k, (i0, i1, text) in enumerate(spans):
        ax.axvspan(i0 - 0.45, i1 + 0.45, color="#f2e3c6", alpha=0.6, lw=0, zorder=0)
        ax.text((i0 + i1) / 2, 1.0 - 0.06 * k, text, transform=ax.get_xaxis_transform(), ha="center", va="top",
                fontsize=7, color="#7a5a1e")
    for name, values in series.items():
        ax.plot(x, [float("nan") if v is None else v for v in values], marker="o", label=name)
    ax.set_xticks(x, list(periods), fontsize=8, rotation=45 if len(periods) > 8 else 0)
    if money:
        ax.yaxis.set_major_formatter(FuncFormatter(_eur_axis))
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if len(series) > 1:  # legend beside the plot so it never hides a line
        ax.legend(fontsize=8, frameon=False, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#eeeeee")
    return _save(fig, fmt)


def write_chart(path: str | Path, data: bytes) -> Path:
    p = Path(path)
    p.write_bytes(data)
    return p


def chart_format(path: str | Path) -> str:
    """'svg' or 'png' from a file name."""
    suffix = Path(path).suffix.lower()
    if suffix not in {".png", ".svg"}:
        raise ValueError(f"grafiek moet .png of .svg zijn, niet {suffix or '(geen extensie)'}")
    return suffix[1:]


def effect_chart(periods: Sequence[str], observed: Sequence[float | None], pre_count: int, *,
                 counterfactual: Sequence[float | None] | None = None,
                 band: Sequence[tuple[float, float] | None] | None = None, method_label: str = "Zonder maatregel",
                 title: str = "Effect van de maatregel", money: bool = True, fmt: str = "png") -> bytes:
    """Observed series with the counterfactual (and its interval band) after the start of a measure."""
    fig = Figure(figsize=(8, 4.2))
    ax = fig.subplots()
    x = list(range(len(periods)))
    ax.plot(x, [float("nan") if v is None else v for v in observed], marker=".", color="#2c3e50",
            label="Waargenomen")
    post_x = x[pre_count:]
    if counterfactual is not None:
        ax.plot(post_x, [float("nan") if v is None else v for v in counterfactual], linestyle="--",
                color="#c0392b", label=method_label)
    if band is not None:
        lo = [float("nan") if b is None else b[0] for b in band]
        hi = [float("nan") if b is None else b[1] for b in band]
        ax.fill_between(post_x, lo, hi, color="#c0392b", alpha=0.15, linewidth=0, label="Interval")
    if 0 < pre_count < len(periods):
        ax.axvline(pre_count - 0.5, color="#7f8c8d", linewidth=1)
        ax.annotate("start maatregel", (pre_count - 0.5, 1), xycoords=("data", "axes fraction"), fontsize=8,
                    ha="left", va="top", xytext=(3, -3), textcoords="offset points", color="#7f8c8d")
    step = max(1, len(periods) // 12)
    ax.set_xticks(x[::step], list(periods)[::step], fontsize=7, rotation=45)
    if money:
        ax.yaxis.set_major_formatter(FuncFormatter(_eur_axis))
    ax.set_title(title, fontsize=10)
    ax.legend(fontsize=8, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    ax.grid(axis="y", color="#eeeeee")
    return _save(fig, fmt)
