"""The report's charts, drawn with matplotlib (Agg backend): each as inline SVG (the HTML page) and PNG (the PDF),
with a title, labelled axes and units, and the values written on the bars."""

from __future__ import annotations

import io
import re
import textwrap
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Sequence

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402

from .model import fmt  # noqa: E402

BLUE, GOLD, GREY, GREEN, RED = "#1f4e99", "#f2b705", "#9aa5b1", "#2e8540", "#b3261e"
STYLE = {"font.size": 9, "axes.titlesize": 11, "axes.titleweight": "bold", "axes.spines.top": False,
         "axes.spines.right": False, "svg.fonttype": "none", "figure.dpi": 100, "savefig.dpi": 110}


@dataclass
class Chart:
    key: str
    title: str
    caption: str
    svg: str = ""
    png: bytes = b""
    data: dict[str, Any] = field(default_factory=dict)


def _number(x: float, _pos: Any = None) -> str:
    if abs(x) >= 1e9:
        return f"{x / 1e9:g} bn"
    if abs(x) >= 1e6:
        return f"{x / 1e6:g} m"
    if abs(x) >= 1e4:
        return f"{x / 1e3:g} k"
    return f"{x:g}"


#: The formats to draw: SVG for the HTML page, PNG for the PDF (a report that needs only one draws only one).
FORMATS = ("svg", "png")


def _render(fig: Any, formats: Sequence[str]) -> tuple[str, bytes]:
    svg, png = "", b""
    if "svg" in formats:
        svg_io = io.StringIO()
        fig.savefig(svg_io, format="svg")
        svg = svg_io.getvalue()
        svg = re.sub(r"<metadata>.*?</metadata>", "", svg[svg.index("<svg"):], flags=re.S)
    if "png" in formats:
        png_io = io.BytesIO()
        fig.savefig(png_io, format="png")
        png = png_io.getvalue()
    plt.close(fig)
    return svg, png


def _label(v: float, unit: str) -> str:
    if unit == "%":
        return f"{v:.2f}%".replace(".00%", "%")
    return fmt(Decimal(str(round(v, 2))))


def bars(key: str, title: str, labels: Sequence[str], values: Sequence[float], *, unit: str, axis: str,
         caption: str = "", horizontal: bool | None = None, colours: Sequence[str] | None = None,
         reference: tuple[float, str] | None = None, xlim: tuple[float, float] | None = None,
         log: bool = False, formats: Sequence[str] = FORMATS) -> Chart:
    """A bar chart: ``axis`` names the value axis with its unit; ``reference`` draws a target/milestone line."""
    horizontal = len(labels) > 6 if horizontal is None else horizontal
    with plt.rc_context(STYLE):
        height = max(2.6, 0.28 * len(labels) + 1.2) if horizontal else 3.4
        fig, ax = plt.subplots(figsize=(7.2, height), layout="constrained")
        colours = list(colours or [BLUE] * len(values))
        positions = list(range(len(labels)))
        if horizontal:
            ax.barh(positions, values, color=colours)
            ax.set_yticks(positions, [textwrap.fill(str(x), 48) for x in labels])
            ax.invert_yaxis()
            ax.set_xlabel(axis)
            ax.xaxis.set_major_formatter(FuncFormatter(_number))
            top = max(values, default=0) or 1
            if log:
                ax.set_xscale("log")
                ax.set_xlim(right=top * 8)
            elif xlim:
                ax.set_xlim(*xlim)
            else:
                ax.set_xlim(0, top * 1.22)
            lo, hi = ax.get_xlim()
            for p, v in zip(positions, values):
                x = v * 1.08 if log else v + (hi - lo) * 0.006
                ax.text(x, p, _label(v, unit), va="center", fontsize=7.5)
            if reference:
                ax.axvline(reference[0], color=RED, linestyle="--", linewidth=1.2, label=reference[1])
                ax.legend(loc="lower right", fontsize=8)
        else:
            ax.bar(positions, values, color=colours)
            ax.set_xticks(positions, [textwrap.fill(str(x), 22) for x in labels])
            ax.set_ylabel(axis)
            ax.yaxis.set_major_formatter(FuncFormatter(_number))
            top = max(values, default=0) or 1
            if xlim:
                ax.set_ylim(*xlim)
            else:
                ax.set_ylim(0, top * 1.18)
            for p, v in zip(positions, values):
                ax.text(p, v, _label(v, unit), ha="center", va="bottom", fontsize=8)
            if reference:
                ax.axhline(reference[0], color=RED, linestyle="--", linewidth=1.2, label=reference[1])
                ax.legend(loc="lower right", fontsize=8, framealpha=0.95)
        ax.set_title(textwrap.fill(title, 60))
        ax.grid(axis="x" if horizontal else "y", alpha=0.3)
        svg, png = _render(fig, formats)
    return Chart(key, title, caption, svg, png, {"labels": list(labels), "values": list(values), "unit": unit})


def grouped(key: str, title: str, labels: Sequence[str], series: dict[str, Sequence[float | None]], *, unit: str,
            axis: str, caption: str = "", xlim: tuple[float, float] | None = None, formats: Sequence[str] = FORMATS) -> Chart:
    """Bars of several series side by side (e.g. the box against the EU); missing values are left out."""
    with plt.rc_context(STYLE):
        fig, ax = plt.subplots(figsize=(7.2, max(2.8, 0.35 * len(labels) * len(series) / 1.6 + 1.2)), layout="constrained")
        n = len(series)
        width = 0.8 / n
        palette = [BLUE, GOLD, GREEN, GREY]
        for s, (name, values) in enumerate(series.items()):
            pos = [i + (s - (n - 1) / 2) * width for i in range(len(labels))]
            vals = [v if v is not None else 0 for v in values]
            ax.barh(pos, vals, height=width, color=palette[s % len(palette)], label=name)
            for p, v, raw in zip(pos, vals, values):
                ax.text(v, p, " " + (_label(v, unit) if raw is not None else "—"), va="center", fontsize=7)
        ax.set_yticks(range(len(labels)), [textwrap.fill(str(x), 40) for x in labels])
        ax.invert_yaxis()
        ax.set_xlabel(axis)
        ax.xaxis.set_major_formatter(FuncFormatter(_number))
        if xlim:
            ax.set_xlim(*xlim)
        ax.set_title(textwrap.fill(title, 60))
        ax.legend(fontsize=8, loc="lower right")
        ax.grid(axis="x", alpha=0.3)
        svg, png = _render(fig, formats)
    return Chart(key, title, caption, svg, png, {"labels": list(labels), "series": {k: list(v) for k, v in series.items()}})
