"""The situation picture's charts as SVG, drawn by matplotlib, for the page and the PDF.

Pure functions: the picture's figures in, SVG text out. The page embeds a chart as
``<img src="{{ chart }}" alt="…">`` through :func:`data_uri` (its CSP forbids the inline
styles matplotlib's SVG carries); the PDF hands the SVG text to Typst. Text is drawn as
paths, so a chart looks the same in Chromium and in Typst whatever fonts the machine
has; the numbers are in the tables beside each chart, which are the accessible form.

A count suppressed for privacy (``None``, see ``privacy.shared``) is never drawn at its
value: it is a hatched stub on the baseline or a hatched cell, named in the legend.
Every drawn bar and cell group carries an SVG id (``set_gid``), so tests and styles can
find them.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import re
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import matplotlib
import numpy as np
from django.utils.translation import gettext as _
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.collections import PatchCollection
from matplotlib.colors import LinearSegmentedColormap, Normalize
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import text_to_path
from matplotlib.ticker import MaxNLocator

from trygg.situation.picture import TrendWeek

# Colours with at least 3:1 contrast against white (WCAG 1.4.11) that stay apart under
# every kind of colour blindness, since they differ in lightness as well as hue.
THIS_YEAR = "#1d3f72"  # 10.5:1
LAST_YEAR = "#d55e00"  # Okabe-Ito vermillion, 3.9:1
HIDDEN = "#4d4d4d"  # 8.5:1
TEXT = "#333333"
GRIDLINE = "#d9d9d9"
CELL_EDGE = "#8a8a8a"  # 3.5:1: a cell with reports stands out from white whatever its fill
# A ColorBrewer sequential ramp, readable in every kind of colour blindness and in grey;
# its palest end is left out so that one report is not mistaken for none.
HEAT = LinearSegmentedColormap.from_list(
    "trygg-heat", matplotlib.colormaps["YlOrBr"](np.linspace(0.12, 1.0, 128))
)
WIDTH_IN = 6.7  # the A4 text width of the PDF, 170 mm

# Deterministic, compact SVG with text as paths. rcParams are process-global, so the
# charts are drawn one at a time under a lock: a threaded gunicorn worker drawing two
# charts at once would otherwise see the other's settings half restored.
_STYLE = {
    "svg.fonttype": "path",
    "svg.hashsalt": "trygg-situation-charts",
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 8.0,
    "text.color": TEXT,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": "#777777",
    "axes.linewidth": 0.6,
    "xtick.color": TEXT,
    "ytick.color": TEXT,
    "xtick.labelsize": 7.0,
    "ytick.labelsize": 7.0,
    "legend.fontsize": 7.0,
    "legend.frameon": False,
    "hatch.color": HIDDEN,
    "hatch.linewidth": 0.8,
    "path.simplify": True,
}
_LOCK = threading.Lock()
# Coordinates to a hundredth of a point are finer than any screen or printer shows, and
# matplotlib's indentation and line breaks inside paths are bytes no reader needs.
# Numbers below one are left alone: they are the scales of glyphs and line widths.
_LONG_NUMBER = re.compile(r"(?<![\d.])(-?[1-9]\d*\.\d\d)\d+")
_LAYOUT_SPACE = re.compile(r"\s*\n\s*")
_PROP = FontProperties(family="DejaVu Sans", size=7.0)
_HIDDEN_STYLE: dict[str, Any] = {
    "facecolor": "white",
    "edgecolor": HIDDEN,
    "hatch": "////",
    "linewidth": 0.5,
}


@contextmanager
def _drawing() -> Iterator[None]:
    with _LOCK, matplotlib.rc_context(_STYLE):
        yield


def _frame(
    width: float, height: float, *, left: float, right: float, bottom: float, top: float
) -> tuple[Figure, Axes]:
    """A figure of the given size in inches with one axes inside fixed margins.

    Fixed margins rather than a layout engine: laying out costs a second drawing, and
    the charts must stay fast.
    """
    figure = Figure(figsize=(width, height))
    axes = figure.add_axes(
        (left / width, bottom / height, 1 - (left + right) / width, 1 - (bottom + top) / height)
    )
    return figure, axes


def _text_width(text: str) -> float:
    """The width of axis text in inches."""
    return float(text_to_path.get_text_width_height_descent(text, _PROP, ismath=False)[0]) / 72


def _svg(figure: Figure) -> str:
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _LAYOUT_SPACE.sub("\n", _LONG_NUMBER.sub(r"\1", buffer.getvalue()))


def _hidden_label(suppressed_label: str) -> str:
    if suppressed_label:
        return _("%(below)s, not shown") % {"below": suppressed_label}
    return _("Few reports, not shown")


def _say_no_reports(axes: Axes, text: str) -> None:
    message = axes.text(
        0.5,
        0.5,
        text,
        transform=axes.transAxes,
        ha="center",
        va="center",
        fontsize=10,
        color=TEXT,
        bbox={"boxstyle": "round,pad=0.6", "facecolor": "#f2f2f2", "edgecolor": "none"},
    )
    message.set_gid("no-reports")


def week_label(trend_week: TrendWeek) -> str:
    """The short label of an ISO week on a chart's axis: "v. 5"."""
    return f"v. {trend_week.week.isocalendar().week}"


def trend_svg(trend: Sequence[TrendWeek], *, suppressed_label: str = "") -> str:
    """This year's reports per ISO week beside the same weeks a year earlier, as SVG.

    Paired bars: dark blue for the week, vermillion for the same week last year. A count
    that is ``None`` (suppressed) gets a hatched stub on the baseline, the same for every
    suppressed count, and the legend names it with ``suppressed_label`` (e.g. "<3").
    Bars have the SVG ids ``trend-count-<i>`` and ``trend-last-year-<i>``, stubs
    ``trend-count-hidden-<i>`` and ``trend-last-year-hidden-<i>``; when no week has a
    report, the chart says so (id ``no-reports``).
    """
    counts = [t.count for t in trend]
    last_year = [t.last_year_count for t in trend]
    known = [n for n in counts + last_year if n is not None]
    peak = max(known, default=0)
    any_hidden = any(n is None for n in counts + last_year)
    top = max(peak, 1) * 1.08
    stub = top * 0.06
    width = 0.38
    with _drawing():
        left = 0.3 + _text_width(str(int(top)))
        figure, axes = _frame(WIDTH_IN, 2.4, left=left, right=0.1, bottom=0.25, top=0.3)
        for series, offset, colour, name in (
            (counts, -width / 2, THIS_YEAR, "trend-count"),
            (last_year, width / 2, LAST_YEAR, "trend-last-year"),
        ):
            for i, n in enumerate(series):
                corner = (i + offset - width / 2, 0)
                if n is None:
                    bar = Rectangle(corner, width, stub, **_HIDDEN_STYLE)
                    bar.set_gid(f"{name}-hidden-{i}")
                else:
                    bar = Rectangle(corner, width, n, facecolor=colour, linewidth=0)
                    bar.set_gid(f"{name}-{i}")
                axes.add_patch(bar)
        axes.set_xlim(-0.6, max(len(trend), 1) - 0.4)
        axes.set_ylim(0, top)
        axes.set_xticks(range(len(trend)), [week_label(t) for t in trend])
        axes.yaxis.set_major_locator(MaxNLocator(nbins=5, integer=True, min_n_ticks=1))
        axes.set_ylabel(_("Reports"))
        axes.grid(axis="y", color=GRIDLINE, linewidth=0.5)
        axes.set_axisbelow(True)
        axes.tick_params(axis="x", length=0)
        axes.spines[["top", "right"]].set_visible(False)
        handles = [
            Patch(facecolor=THIS_YEAR, label=_("Reports")),
            Patch(facecolor=LAST_YEAR, label=_("Same week last year")),
        ]
        if any_hidden:
            handles.append(Patch(label=_hidden_label(suppressed_label), **_HIDDEN_STYLE))
        legend = axes.legend(
            handles=handles,
            loc="lower left",
            bbox_to_anchor=(0, 1),
            ncols=len(handles),
            handlelength=1.4,
            borderaxespad=0.2,
        )
        legend.set_gid("trend-legend")
        if any_hidden:
            legend.legend_handles[-1].set_gid("trend-legend-hidden")
        if not any_hidden and peak == 0:
            _say_no_reports(axes, _("No reports in these weeks"))
        return _svg(figure)


def weekday_hour_svg(
    weekday_hour: Sequence[tuple[str, Sequence[int | None]]], *, suppressed_label: str = ""
) -> str:
    """Reports by weekday (rows, Monday at the top) and hour of day (columns, 0-23), as SVG.

    ``weekday_hour`` is the picture's seven rows of 24 counts, Monday first. A cell with
    reports is shaded from light to dark by its count, a cell without is left white, and
    a suppressed cell (``None``) is hatched and named in the legend with
    ``suppressed_label``. The shaded cells are the SVG group ``weekday-hour-cells`` and the
    hatched ones ``weekday-hour-hidden``; when no cell has a report, the chart says so
    (id ``no-reports``).
    """
    names = [name for name, _row in weekday_hour]
    shaded: list[Rectangle] = []
    values: list[int] = []
    hidden: list[Rectangle] = []
    for r, (_name, row) in enumerate(weekday_hour):
        for h, n in enumerate(row):
            if n is None:
                hidden.append(Rectangle((h, r), 1, 1))
            elif n > 0:
                shaded.append(Rectangle((h, r), 1, 1))
                values.append(n)
    peak = max(values, default=0)
    rows = max(len(weekday_hour), 1)
    top = 0.25 if hidden else 0.08
    with _drawing():
        left = 0.12 + max((_text_width(name) for name in names), default=0.0)
        figure, axes = _frame(
            WIDTH_IN, top + 0.42 + 0.2 * rows, left=left, right=0.75, bottom=0.42, top=top
        )
        norm = Normalize(vmin=0, vmax=max(peak, 1))
        if shaded:
            cells = PatchCollection(
                shaded, cmap=HEAT, norm=norm, edgecolor=CELL_EDGE, linewidth=0.4, clip_on=False
            )
            cells.set_array(np.asarray(values, dtype=float))
            cells.set_gid("weekday-hour-cells")
            axes.add_collection(cells)
        if hidden:
            marked = PatchCollection(hidden, clip_on=False, **_HIDDEN_STYLE)
            marked.set_gid("weekday-hour-hidden")
            axes.add_collection(marked)
        axes.vlines(range(25), 0, rows, color=GRIDLINE, linewidth=0.5, zorder=0.5)
        axes.hlines(range(rows + 1), 0, 24, color=GRIDLINE, linewidth=0.5, zorder=0.5)
        axes.set_xlim(0, 24)
        axes.set_ylim(rows, 0)
        axes.set_xticks(np.arange(24) + 0.5, [f"{h:02d}" for h in range(24)])
        axes.set_yticks(np.arange(len(names)) + 0.5, names)
        axes.tick_params(length=0)
        axes.set_xlabel(_("Hour of day"))
        if peak:
            box = axes.get_position()
            scale = figure.add_axes((box.x1 + 0.012, box.y0, 0.018, box.height))
            bar = figure.colorbar(ScalarMappable(norm=norm, cmap=HEAT), cax=scale)
            bar.locator = MaxNLocator(nbins=4, integer=True)
            bar.update_ticks()
            bar.outline.set_linewidth(0.4)
            bar.ax.tick_params(length=2)
            bar.set_label(_("Reports"))
        if hidden:
            legend = axes.legend(
                handles=[Patch(label=_hidden_label(suppressed_label), **_HIDDEN_STYLE)],
                loc="lower right",
                bbox_to_anchor=(1, 1),
                handlelength=1.4,
                borderaxespad=0.2,
            )
            legend.set_gid("weekday-hour-legend")
            legend.legend_handles[0].set_gid("weekday-hour-legend-hidden")
        if not shaded and not hidden:
            _say_no_reports(axes, _("No reports in the period"))
        return _svg(figure)


class Month(Protocol):
    """A month of counts: its first day, the count (None when hidden), whether it started."""

    month: dt.date
    count: int | None
    started: bool


def monthly_svg(months: Sequence[Month], *, started_label: str) -> str:
    """Reports per month as bars, a hidden small count drawn alike for all, and the month
    something started (a place collaboration) marked by a dashed line."""
    counts = [m.count or 0 for m in months]
    top = max(max(counts, default=0), 1) * 1.15
    with _drawing():
        figure, axes = _frame(WIDTH_IN, 2.4, left=0.45, right=0.1, bottom=0.45, top=0.3)
        for i, m in enumerate(months):
            if m.count is None:
                bar = axes.bar(i, top * 0.06, width=0.7, **_HIDDEN_STYLE)
                bar[0].set_gid(f"indicator-hidden-{i}")
            else:
                bar = axes.bar(i, m.count, width=0.7, color=THIS_YEAR)
                bar[0].set_gid(f"indicator-count-{i}")
            if m.started:
                line = axes.axvline(i - 0.5, color=LAST_YEAR, linewidth=1.2, linestyle="--")
                line.set_gid("indicator-started")
                axes.text(
                    i - 0.4,
                    top * 0.95,
                    started_label,
                    color=LAST_YEAR,
                    fontsize=7,
                    va="top",
                )
        axes.set_ylim(0, top)
        axes.set_xlim(-0.6, len(months) - 0.4)
        axes.set_xticks(range(0, len(months), 3))
        axes.set_xticklabels([months[i].month.strftime("%Y-%m") for i in range(0, len(months), 3)])
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="y", color=GRIDLINE, linewidth=0.5)
        axes.set_axisbelow(True)
        return _svg(figure)


def data_uri(svg: str) -> str:
    """The SVG as a ``data:`` URI for an ``<img src>``, which the page's CSP allows."""
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
