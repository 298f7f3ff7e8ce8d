import base64
import datetime as dt
import re
import xml.etree.ElementTree as ET

import numpy as np
import pypdfium2 as pdfium
import pytest
from django.urls import reverse
from django.utils import translation

from tests.situation.test_page import at, report, week  # noqa: F401
from trygg.situation import charts
from trygg.situation.picture import TrendWeek

SVG = "{http://www.w3.org/2000/svg}"
MONDAY = dt.date(2025, 9, 1)  # ISO week 36
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def weeks(counts, last_year):
    return [
        TrendWeek(MONDAY + dt.timedelta(weeks=i), n, MONDAY + dt.timedelta(weeks=i - 52), ly)
        for i, (n, ly) in enumerate(zip(counts, last_year, strict=True))
    ]


def table(cells=None):
    """Seven empty rows of 24 hours, Monday first, with the given {(day, hour): count}."""
    rows = [[0] * 24 for _day in DAYS]
    for (day, hour), n in (cells or {}).items():
        rows[day][hour] = n
    return list(zip(DAYS, rows, strict=True))


def parsed(svg):
    # The chart's own output, not untrusted input.
    return ET.fromstring(svg.encode("utf-8"))  # noqa: S314


def ids(svg):
    return {e.get("id") for e in parsed(svg).iter() if e.get("id")}


def element(svg, gid):
    return next(e for e in parsed(svg).iter() if e.get("id") == gid)


def extent(group):
    """The (x0, y0, x1, y1) of every path under an SVG group, in SVG units (y down)."""
    numbers = [
        float(v)
        for path in group.iter(f"{SVG}path")
        for v in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))
    ]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def height(svg, gid):
    _x0, y0, _x1, y1 = extent(element(svg, gid))
    return y1 - y0


def texts(svg):
    """The words drawn on the chart: with text as paths, matplotlib keeps each as a comment."""
    return [t.replace("&lt;", "<") for t in re.findall(r"<!-- (.*?) -->", svg)]


def shapes(group):
    return [c for c in group if c.tag in (f"{SVG}path", f"{SVG}use")]


def test_the_trend_has_a_bar_per_week_for_each_year():
    trend = weeks([2, 4, 0, 8], [1, 3, 5, 2])

    svg = charts.trend_svg(trend, suppressed_label="<3")

    found = ids(svg)
    assert {f"trend-count-{i}" for i in range(4)} <= found
    assert {f"trend-last-year-{i}" for i in range(4)} <= found
    assert "trend-count-4" not in found
    assert not any("hidden" in i for i in found)
    assert "no-reports" not in found
    assert height(svg, "trend-count-3") == pytest.approx(4 * height(svg, "trend-count-0"), abs=0.05)
    assert height(svg, "trend-count-2") == pytest.approx(0, abs=0.01)
    assert height(svg, "trend-last-year-2") == pytest.approx(
        5 * height(svg, "trend-last-year-0"), abs=0.05
    )


def test_the_trend_is_labelled_by_iso_week():
    with translation.override("en"):
        svg = charts.trend_svg(weeks([1, 2, 3], [0, 0, 0]), suppressed_label="")

    words = texts(svg)
    assert [w for w in words if w.startswith("v. ")] == ["v. 36", "v. 37", "v. 38"]
    assert "Same week last year" in words


def test_a_suppressed_count_is_marked_and_not_drawn_at_its_value():
    trend = weeks([None, 10, None], [5, None, 10])

    with translation.override("en"):
        svg = charts.trend_svg(trend, suppressed_label="<3")

    found = ids(svg)
    assert {"trend-count-hidden-0", "trend-count-hidden-2", "trend-last-year-hidden-1"} <= found
    assert not {"trend-count-0", "trend-count-2", "trend-last-year-1"} & found
    assert "trend-legend-hidden" in found
    assert "<3, not shown" in texts(svg)
    stubs = [
        height(svg, g)
        for g in ("trend-count-hidden-0", "trend-count-hidden-2", "trend-last-year-hidden-1")
    ]
    assert stubs == [stubs[0]] * 3
    assert stubs[0] < height(svg, "trend-last-year-0") / 5
    assert "<pattern" in svg


def test_a_trend_without_reports_says_so():
    for trend in (weeks([0] * 12, [0] * 12), []):
        with translation.override("en"):
            svg = charts.trend_svg(trend, suppressed_label="<3")

        assert "no-reports" in ids(svg)
        assert "No reports in these weeks" in texts(svg)


def test_the_weekday_hour_chart_has_a_cell_per_hour_with_reports():
    cells = {(0, 8): 5, (0, 9): 1, (6, 23): 12, (3, 0): 2}

    svg = charts.weekday_hour_svg(table(cells))

    assert len(shapes(element(svg, "weekday-hour-cells"))) == len(cells)
    assert not {"weekday-hour-hidden", "no-reports"} & ids(svg)


def test_monday_is_the_top_row_and_midnight_the_left_column():
    monday_morning = charts.weekday_hour_svg(table({(0, 0): 4}))
    sunday_night = charts.weekday_hour_svg(table({(6, 23): 4}))

    mx0, my0, _mx1, _my1 = extent(element(monday_morning, "weekday-hour-cells"))
    sx0, sy0, _sx1, _sy1 = extent(element(sunday_night, "weekday-hour-cells"))
    assert my0 < sy0
    assert mx0 < sx0
    with translation.override("en"):
        words = texts(charts.weekday_hour_svg(table({(0, 0): 4})))
    assert [w for w in words if w in DAYS] == DAYS
    assert [w for w in words if re.fullmatch(r"\d\d", w)][:24] == [f"{h:02d}" for h in range(24)]


def test_suppressed_cells_are_hatched_and_named():
    rows = table({(1, 10): 7, (2, 11): 4})
    rows[4][1][20] = None
    rows[5][1][21] = None

    with translation.override("en"):
        svg = charts.weekday_hour_svg(rows, suppressed_label="<3")

    assert len(shapes(element(svg, "weekday-hour-cells"))) == 2
    assert len(shapes(element(svg, "weekday-hour-hidden"))) == 2
    assert "weekday-hour-legend-hidden" in ids(svg)
    assert "<3, not shown" in texts(svg)


def test_a_weekday_hour_chart_without_reports_says_so():
    with translation.override("en"):
        svg = charts.weekday_hour_svg(table())

    assert "no-reports" in ids(svg)
    assert "No reports in the period" in texts(svg)
    assert "weekday-hour-cells" not in ids(svg)


def test_the_charts_are_deterministic_and_small():
    rng = np.random.default_rng(7)
    trend = weeks(rng.integers(0, 40, 12).tolist(), rng.integers(0, 40, 12).tolist())
    rows = [(day, rng.integers(0, 30, 24).tolist()) for day in DAYS]

    first = charts.trend_svg(trend, suppressed_label="<3"), charts.weekday_hour_svg(rows)
    again = charts.trend_svg(trend, suppressed_label="<3"), charts.weekday_hour_svg(rows)

    assert first == again
    for svg in first:
        assert len(svg.encode()) < 100_000
        assert parsed(svg).tag == f"{SVG}svg"


def test_a_data_uri_holds_the_svg():
    svg = charts.trend_svg(weeks([1], [2]), suppressed_label="")

    uri = charts.data_uri(svg)

    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == svg


def has_colour(image, hex_colour, tolerance=12):
    pixels = np.asarray(image.convert("RGB"), dtype=int)
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)])
    return int((np.abs(pixels - target).max(axis=2) <= tolerance).sum())


def test_the_pdf_shows_the_charts(world, categories, login, week):  # noqa: F811
    for n in range(6):
        report(world, categories["klotter"], at(week, day=n % 7, hour=8 + n))
    client = login(world.anna)

    response = client.get(
        reverse("situation:picture_pdf"), {"district": world.alvsjo.pk, "period": week.key}
    )

    assert response.status_code == 200
    document = pdfium.PdfDocument(response.content)
    assert len(document) >= 2
    pages = [page.render(scale=1.5).to_pil() for page in document]
    assert sum(has_colour(p, charts.THIS_YEAR) for p in pages) > 100
    # The heat cells of the weekday-hour chart: six hours of one report each.
    assert sum(has_colour(p, charts.CELL_EDGE, tolerance=4) for p in pages) > 100
