"""Charts as SVG, specified in Vega-Lite, checked against its schema by Altair and rendered at build time by
``vl-convert-python`` (no browser, nothing loaded from a CDN): bars or dots with their intervals, and grids of
outcomes.

Each chart is rendered twice from one specification, once for a wide screen (720 px) and once for a phone
(360 px), so that its text stays at reading size on both: a page shows the narrow drawing below 600 px
(``<picture>``), the wide one above. Text is real SVG text; labels wrap between words and are never cut mid-word
(a label too long for its column is shortened with an ellipsis, its whole text kept in the SVG's description).
Nothing here reads an assessment: the story modules (:mod:`kvt_docs.stories`) pass the values.

Two kinds of chart:

- :func:`bar_chart`: one row per item, a bar (or a dot, for ratios on a log scale) with its interval as a
  whisker, the value written beside it, optional reference lines (a threshold, drawn) and a shaded band (a noise
  band). Values that span two decades or more get a log axis; counts get whole-number ticks;
- :func:`status_grid`: rows by columns of outcomes (works, fails, could not try, not applicable), each cell a
  colour *and* a symbol, so the grid reads without colour too.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

WIDE = 720
NARROW = 360
FONT = "'DejaVu Sans', Verdana, system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"
TEXT = "#1f1f1f"
MUTED = "#555555"
GRID = "#d9d9d9"

#: The colours of the options, one each everywhere on the site (Okabe and Ito's palette for colour-vision
#: deficiencies, with Paul Tol's purple): the Keras backends in dark tones (blue, green, purple), TensorFlow core
#: in light orange, so Keras against TensorFlow core reads in grey-scale too (luminance about 0.17-0.26 against
#: 0.47), and no two Keras backends share a hue.
OPTION_COLORS = {"keras-tensorflow": "#0072b2", "keras-jax": "#00785a", "keras-torch": "#aa3377",
                 "tensorflow-core": "#e69f00"}
NEUTRAL = "#6b7a8f"

#: Outcome -> (label, fill, text colour, symbol). Contrast of symbol on fill is at least 4.5:1.
STATUS_STYLE = {
    "works": ("works", "#2e7d32", "#ffffff", "✓"),
    "fails": ("fails", "#c62828", "#ffffff", "✗"),
    "unavailable": ("could not try", "#616161", "#ffffff", "–"),
    "not_applicable": ("not applicable", "#e6e6e6", "#333333", "n/a"),
    "not_reached": ("not reached", "#f3f3f3", "#555555", "·"),
    "not_run": ("not run here", "#f3f3f3", "#555555", "?"),
    # the platform claim's: what the code and the public record say, nothing run on the hardware
    "supported": ("supported", "#2e7d32", "#ffffff", "✓"),
    "experimental": ("experimental", "#f9a825", "#222222", "~"),
    "unsupported": ("unsupported", "#c62828", "#ffffff", "✗"),
    "unknown": ("not verified", "#bdbdbd", "#222222", "?"),
}

#: A row label takes at most this share of the drawing's width; beyond it the label wraps between words.
LABEL_SHARE = {WIDE: 0.32, NARROW: 0.36}
#: Values spanning at least this factor (largest / smallest, all positive) are drawn on a log axis.
LOG_SPAN = 100.0


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of ``text``'s width in a sans-serif font of ``size`` px (wide letters counted wider)."""
    wide = sum(1 for ch in text if ch in "mwMW@%")
    narrow = sum(1 for ch in text if ch in "il.,:;|!' ")
    return size * (0.58 * (len(text) - wide - narrow) + 0.88 * wide + 0.32 * narrow) * (1.06 if bold else 1.0)



def wrap(text: str, size: float, width: float, *, max_lines: int = 4) -> list[str]:
    """``text`` in at most ``max_lines`` lines no wider than ``width``, split only between words; a word wider
    than a line stays whole on its own line, and the words that do not fit the last line become an ellipsis."""
    lines: list[str] = []
    for word in text.split():
        if lines and text_width(lines[-1] + " " + word, size) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    if len(lines) > max_lines:
        lines = [*lines[:max_lines - 1], fit_text(" ".join(lines[max_lines - 1:]), size, width)]
    return lines or [""]


def fit_text(text: str, size: float, width: float) -> str:
    """``text`` if it fits ``width``, else its first whole words and an ellipsis (never a word cut in two); just
    the ellipsis when even the first word does not fit. The whole text stays in the chart's description."""
    if text_width(text, size) <= width:
        return text
    words = text.split()
    while words and text_width(" ".join(words) + "…", size) > width:
        words.pop()
    return (" ".join(words).rstrip(",;:") + "…") if words else "…"


@dataclass

@dataclass
class Bar:
    """One row of a bar chart.

    Attributes:
        label: what the row is.
        value: its value; None draws no mark and writes ``text`` only (say why in it).
        low, high: its interval, when it has one.
        color: the mark's colour.
        text: the value as written beside the mark (formatted by the caller, with its unit).
    """

    label: str
    value: float | None
    low: float | None = None
    high: float | None = None
    color: str = NEUTRAL
    text: str = ""


@dataclass
class Section:
    """A heading row that groups the rows below it."""

    title: str


@dataclass
class Reference:
    """A vertical line at ``value`` with a short label (a threshold, parity at 1×)."""

    value: float
    label: str


@dataclass
class Band:
    """A shaded range ``[low, high]`` with a label (a noise band)."""

    low: float
    high: float
    label: str


@dataclass
class Drawing:
    """One chart in its two drawings."""

    wide: str
    narrow: str
    wide_height: int
    narrow_height: int


@dataclass
class GridCell:
    """One cell of a status grid: its outcome and an optional short text (``7 lines``)."""

    status: str
    text: str = ""


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (steps of 1, 2 or 5 times a power of ten)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks: list[float] = []
    v = start
    while not ticks or ticks[-1] < high - step * 1e-9:
        ticks.append(round(v, 12))
        v += step
    return ticks


def log_ticks(low: float, high: float) -> list[float]:
    """Ticks for a log axis: powers of ten, with 2 and 5 between them when the range is under two decades."""
    lo, hi = math.floor(math.log10(low)), math.ceil(math.log10(high))
    mults = (1, 2, 5) if hi - lo <= 2 else (1,)
    ticks = [m * 10 ** e for e in range(lo, hi + 1) for m in mults if low <= m * 10 ** e <= high * 1.0001]
    if len(ticks) < 3:  # a narrow range: round steps inside it
        ticks = [t for t in nice_ticks(low, high, 4) if low <= t <= high and t > 0]
    return ticks


def tick_text(v: float) -> str:
    """A tick's label: ``0.5``, ``1``, ``1,000``, ``10k``."""
    if v != 0 and abs(v) >= 10_000:
        return f"{v / 1000:,.0f}k" if v % 1000 == 0 else f"{v:,.0f}"
    if float(v).is_integer():
        return f"{int(v):,}"
    return f"{v:.3g}"


def count_ticks(high: float, count: int = 5) -> list[float]:
    """Whole-number ticks from 0 covering ``high`` (steps of 1, 2 or 5 times a power of ten, never 2.5)."""
    raw = max(high, 1.0) / max(count, 1)
    power = 10 ** max(0, math.floor(math.log10(raw)))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [float(step * i) for i in range(0, math.ceil(max(high, 1.0) / step) + 1)]


# -- rendering ---------------------------------------------------------------------------------------------------
def _render(spec: dict[str, Any], title: str, desc: str, width: int) -> tuple[str, int]:
    """The SVG of a Vega-Lite ``spec`` at ``width`` px, with its title and description for assistive technology."""
    import altair  # the docs extra (with vl_convert); imported here so that reading this module costs nothing
    import vl_convert

    # Altair checks the specification against the Vega-Lite schema it ships: a mistake in a chart fails the build
    # with the field that is wrong, instead of drawing something else. One validation of the whole dict: building
    # Altair's objects from it (from_dict) took half a second a chart, most of the site's build time.
    (altair.VConcatChart if "vconcat" in spec else altair.LayerChart).validate(spec)
    svg = vl_convert.vegalite_to_svg(spec)
    drawn_w, drawn_h = _drawn_size(svg)
    # Every drawing is exactly `width` wide, so the page's <img width> never stretches it: a narrower layout gets
    # a wider canvas (left-aligned, white), a wider one (long labels) is scaled down to fit.
    view_w = max(drawn_w, width)
    height = math.ceil(drawn_h * width / view_w)
    opening = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" version="1.1" '
               f'width="{width}" height="{height}" viewBox="0 0 {view_w:g} {drawn_h:g}" role="img" '
               f'aria-label="{escape(title, quote=True)}"><title>{escape(title)}</title><desc>{escape(desc)}</desc>'
               f'<rect width="100%" height="100%" fill="#ffffff"/>')
    svg = re.sub(r"^<svg[^>]*>", lambda _: opening, svg, count=1)
    return svg + ("\n" if not svg.endswith("\n") else ""), height


def _config(width: int) -> dict[str, Any]:
    size = 12 if width < WIDE else 13
    return {"font": FONT, "view": {"stroke": None},
            "axis": {"labelFontSize": size, "titleFontSize": size, "labelColor": TEXT, "titleColor": TEXT,
                     "gridColor": GRID, "domainColor": MUTED, "tickColor": MUTED, "labelLimit": 0},
            "legend": {"labelFontSize": size, "labelColor": TEXT, "labelLimit": 0, "symbolOpacity": 1},
            "title": {"fontSize": size + 1, "anchor": "start", "color": TEXT},
            "text": {"fontSize": size, "color": TEXT}}


def _js(text: str) -> str:
    """``text`` as a string literal of Vega's expression language (JSON's quoting: every quote, backslash and
    control character escaped), so a label from a result can never end the literal it sits in."""
    return json.dumps(text)


def _label_expr(values: list[float], fmt) -> str:
    """A Vega expression writing each tick in ``values`` as ``fmt`` does (the axis shows only these ticks)."""
    expr = "''"
    for v in reversed(values):
        expr = f"abs(datum.value - {v!r}) <= {abs(v) * 1e-9 + 1e-12!r} ? {_js(fmt(v))} : {expr}"
    return expr


def _legend_layer(items: list[tuple[str, str]], key: str) -> dict[str, Any]:
    """An invisible layer whose colour scale carries the legend ``items`` (label, colour), drawn above the plot."""
    return {"data": {"values": [{key: label} for label, _ in items]},
            "mark": {"type": "square", "opacity": 0, "size": 0},
            "encoding": {"color": {"field": key, "type": "nominal",
                                   "scale": {"domain": [lbl for lbl, _ in items], "range": [c for _, c in items]},
                                   "legend": {"orient": "top", "title": None, "direction": "horizontal",
                                              "symbolType": "square", "columns": 2 if len(items) > 2 else 0}}}}


def _drawn_size(svg: str) -> tuple[float, float]:
    """The width and height of a drawing that vl-convert made (the attributes of its ``<svg>`` element)."""
    width = re.search(r'<svg[^>]*\bwidth="([\d.]+)"', svg)
    height = re.search(r'<svg[^>]*\bheight="([\d.]+)"', svg)
    if width is None or height is None:
        raise ValueError("vl-convert drew an <svg> without its width and height")
    return float(width.group(1)), float(height.group(1))


def bar_chart(rows: Sequence[Bar | Section], *, title: str, x_label: str, log: bool = False, dots: bool = False,
              domain: tuple[float, float] | None = None, references: list[Reference] | None = None,
              band: Band | None = None, legend: list[tuple[str, str]] | None = None,
              tick_format=None) -> Drawing:
    """Rows of bars (from zero) or dots (``dots``; always on a log axis), each with its interval and its text.

    Args:
        rows: the rows, top to bottom; a :class:`Section` starts a group.
        title: what the chart shows (its SVG title, for assistive technology).
        x_label: the axis's label, with its unit.
        log: a logarithmic axis (ratios). Without it, positive values spanning :data:`LOG_SPAN` or more get one too.
        dots: a dot at the value instead of a bar.
        domain: the axis's range; by default from 0 (or the smallest value, on a log axis) to the largest end.
        references: vertical lines with labels (thresholds), drawn over the plot.
        band: a shaded range with its label.
        legend: (label, colour) pairs drawn above the plot.
        tick_format: the ticks' labels (default :func:`tick_text`).
    """
    references = references or []
    bars = [r for r in rows if isinstance(r, Bar)]
    values = [v for b in bars for v in (b.value, b.low, b.high) if v is not None]
    ends = values + [r.value for r in references] + ([band.low, band.high] if band else [])
    counts = not log and not dots and bool(values) and all(float(v).is_integer() for v in values)
    if domain is None and not log and values and min(ends) > 0 and max(ends) / min(ends) >= LOG_SPAN:
        log = True  # e.g. 2,731 beside 35 and 11: a linear axis would hide the small ones
    log = log or dots
    if domain is None:
        if log:
            positive = [v for v in ends if v > 0] or [1.0]
            domain = (min(positive) / 1.25, max(positive) * 1.25)
        else:
            top = max(ends, default=1.0) or 1.0
            domain = (0.0, (count_ticks(top) if counts else nice_ticks(0.0, top))[-1])
    lo, hi = domain
    ticks = log_ticks(lo, hi) if log else (count_ticks(hi) if counts else nice_ticks(lo, hi))
    ticks = [t for t in ticks if lo <= t <= hi * 1.0001]
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    args = (rows, x_label, log, dots, lo, hi, ticks, references, band, legend or [], tick_format or tick_text)
    wide = _render(_bar_spec(WIDE, *args), title, desc, WIDE)
    narrow = _render(_bar_spec(NARROW, *args), title, desc, NARROW)
    return Drawing(wide[0], narrow[0], wide[1], narrow[1])


def _groups(rows: list[Bar | Section]) -> list[tuple[str | None, list[Bar]]]:
    groups: list[tuple[str | None, list[Bar]]] = [(None, [])]
    for row in rows:
        if isinstance(row, Section):
            groups.append((row.title, []))
        else:
            groups[-1][1].append(row)
    return [(t, bars) for t, bars in groups if bars]


def _extend_for_text(bars: list[Bar], lo: float, hi: float, log: bool, plot_w: float, size: float) -> float:
    """The axis's upper end raised so that each row's text fits right of its mark inside the plot."""
    def pos(v: float, top: float) -> float:
        if log:
            return (math.log(v) - math.log(lo)) / (math.log(top) - math.log(lo))
        return (v - lo) / (top - lo)
    top = hi
    for _ in range(40):
        over = [b for b in bars if b.text and
                pos(max(v for v in (b.value, b.high, lo) if v is not None), top) * plot_w
                + text_width(b.text, size) + 10 > plot_w]
        if not over:
            break
        top = top * 1.15 if log else lo + (top - lo) * 1.1
    return top


def _bar_spec(width, rows, x_label, log, dots, lo, hi, ticks, references, band, legend, tick_format):
    size = 12 if width < WIDE else 13
    label_w = width * LABEL_SHARE[width]
    plot_w = width - label_w - 16
    groups = _groups(rows)
    all_bars = [b for _, bars in groups for b in bars]
    top = _extend_for_text(all_bars, lo, hi, log, plot_w, size)
    scale = {"type": "log" if log else "linear", "domain": [lo, top], "nice": False, "zero": False, "clamp": True}
    layers_by_group = []
    for g, (section, bars) in enumerate(groups):
        data = []
        for i, b in enumerate(bars):
            lines = wrap(b.label, size, label_w - 8)
            key = f"{g}:{i}"
            data.append({"key": key, "label": "\n".join(lines), "value": b.value, "low": b.low, "high": b.high,
                         "color": b.color, "text": b.text,
                         "at": max(v for v in (b.value, b.high, lo) if v is not None)})
        order = [d["key"] for d in data]
        labels = {d["key"]: d["label"] for d in data}
        label_expr = "split({" + ", ".join(f"{_js(k)}: {_js(v)}" for k, v in labels.items()) \
            + "}[datum.value], '\\n')"
        row_h = max(30, 16 * max(len(d["label"].split("\n")) for d in data) + 10)
        last = g == len(groups) - 1
        y = {"field": "key", "type": "nominal", "sort": order, "title": None,
             "axis": {"labelExpr": label_expr, "ticks": False, "domain": False, "labelPadding": 6,
                      "labelLineHeight": 15, "labelBaseline": "middle"}}
        x_axis = {"values": ticks, "labelExpr": _label_expr(ticks, tick_format), "grid": True,
                  "title": x_label if last else None, "labels": last, "ticks": last, "labelFlush": True}
        x = {"field": "value", "type": "quantitative", "scale": scale, "axis": x_axis}
        layers: list[dict[str, Any]] = []
        if band:
            layers.append({"data": {"values": [{"low": band.low, "high": band.high}]},
                           "mark": {"type": "rect", "color": "#9e9e9e", "opacity": 0.18},
                           "encoding": {"x": {"field": "low", "type": "quantitative", "scale": scale,
                                              "axis": x_axis},
                                        "x2": {"field": "high"}}})
            if g == 0:  # the band's name, above the plot, where no mark is
                layers.append({"data": {"values": [{"low": band.low, "label": band.label}]},
                               "mark": {"type": "text", "align": "left", "baseline": "bottom", "dx": 3,
                                        "y": -4, "fontSize": size - 2, "color": MUTED},
                               "encoding": {"x": {"field": "low", "type": "quantitative", "scale": scale},
                                            "text": {"field": "label"}}})
        marks = {"data": {"values": data}, "encoding": {"y": y}, "layer": [
            {"transform": [{"filter": "datum.low != null && datum.high != null"}],
             "mark": {"type": "rule", "color": TEXT, "strokeWidth": 1.5},
             "encoding": {"x": {**x, "field": "low"}, "x2": {"field": "high"}}},
            {"transform": [{"filter": "datum.value != null"}],
             "mark": ({"type": "point", "filled": True, "size": 90, "opacity": 1, "stroke": "#ffffff",
                       "strokeWidth": 1} if dots else {"type": "bar", "height": {"band": 0.62}}),
             "encoding": {"x": x, **({} if dots else {"x2": {"datum": lo}}),
                          "color": {"field": "color", "type": "nominal", "scale": None}}},
            {"mark": {"type": "text", "align": "left", "dx": 6, "baseline": "middle", "fontSize": size},
             "encoding": {"x": {**x, "field": "at"}, "text": {"field": "text"}}},
        ]}
        layers.append(marks)
        for ref in references:
            layers.append({"data": {"values": [{"value": ref.value, "label": ref.label}]}, "layer": [
                {"mark": {"type": "rule", "color": MUTED, "strokeDash": [5, 3], "strokeWidth": 1.5},
                 "encoding": {"x": {**x, "field": "value"}}},
                *([{"mark": {"type": "text", "align": "left", "dx": 4, "baseline": "top", "y": 2,
                             "fontSize": size - 2, "color": MUTED},
                    "encoding": {"x": {**x, "field": "value"}, "text": {"field": "label"}}}] if g == 0 else []),
            ]})
        if g == 0 and legend:
            layers.append(_legend_layer(legend, "series"))
        chart: dict[str, Any] = {"layer": layers, "width": plot_w, "height": row_h * len(data)}
        if section:
            chart["title"] = {"text": section, "fontWeight": "bold"}
        layers_by_group.append(chart)
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "config": _config(width),
            "background": "#ffffff", "padding": 6, "vconcat": layers_by_group, "spacing": 10,
            "resolve": {"scale": {"x": "shared", "y": "independent", "color": "independent"}}}


def status_grid(rows: list[str], columns: list[str], cells: dict[tuple[str, str], GridCell], *, title: str,
                column_colors: dict[str, str] | None = None) -> Drawing:
    """A grid of outcomes: one row per ``rows`` item, one column per ``columns`` item; a missing cell is blank.

    Every outcome that appears is explained in a legend; each cell carries its symbol as well as its colour; a
    column's option is marked by its colour in a strip above its heading.
    """
    used = [s for s in STATUS_STYLE if any(cell.status == s for cell in cells.values())]
    desc = "; ".join(f"{r} × {c}: {STATUS_STYLE.get(cell.status, (cell.status,))[0]}"
                     + (f" ({cell.text})" if cell.text else "")
                     for (r, c), cell in cells.items())
    args = (rows, columns, cells, used, column_colors or {})
    wide = _render(_grid_spec(WIDE, *args), title, desc, WIDE)
    narrow = _render(_grid_spec(NARROW, *args), title, desc, NARROW)
    return Drawing(wide[0], narrow[0], wide[1], narrow[1])


def _grid_spec(width, rows, columns, cells, used, column_colors):
    narrow = width < WIDE
    size = 12 if narrow else 13
    label_w = min(max((text_width(r, size) for r in rows), default=40) + 12, width * LABEL_SHARE[width])
    plot_w = width - label_w - 16
    col_w = plot_w / max(len(columns), 1)
    head_size = 10 if narrow else 12
    row_lines = {r: wrap(r, size, label_w - 10) for r in rows}
    col_lines = {c: wrap(c, head_size, col_w - 6) for c in columns}
    row_h = max(36, 15 * max((len(v) for v in row_lines.values()), default=1) + 10)
    data = []
    for r in rows:
        for c in columns:
            cell = cells.get((r, c))
            label, fill, ink, symbol = STATUS_STYLE.get(cell.status, (cell.status, "#9e9e9e", "#000000", "?")) \
                if cell else ("", "#ffffff", TEXT, "")
            text = fit_text(cell.text, 10, col_w - 10) if cell and cell.text and col_w >= 60 else ""
            data.append({"row": r, "col": c, "fill": fill, "ink": ink, "symbol": symbol, "text": text,
                         "empty": cell is None, "status": label})

    def lines_expr(field_map: dict[str, list[str]]) -> str:
        return "split({" + ", ".join(f"{_js(k)}: {_js(chr(10).join(v))}" for k, v in field_map.items()) \
            + "}[datum.value], '\\n')"

    x = {"field": "col", "type": "nominal", "sort": columns, "title": None,
         "axis": {"orient": "top", "labelAngle": 0, "labelExpr": lines_expr(col_lines), "ticks": False,
                  "domain": False, "labelFontSize": head_size, "labelFontWeight": "bold",
                  # multi-line headings grow towards the plot: keep their last line clear of the colour strip
                  "labelPadding": 10 + (head_size + 3) * (max(len(v) for v in col_lines.values()) - 1),
                  "labelLineHeight": head_size + 3}}
    y = {"field": "row", "type": "nominal", "sort": rows, "title": None,
         "axis": {"labelExpr": lines_expr(row_lines), "ticks": False, "domain": False, "labelLineHeight": 15,
                  "labelBaseline": "middle"}}
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "rect", "cornerRadius": 3, "stroke": "#ffffff", "strokeWidth": 3},
         "encoding": {"x": x, "y": y, "fill": {"field": "fill", "type": "nominal", "scale": None}}},
        {"transform": [{"filter": "datum.empty"}],
         "mark": {"type": "rect", "cornerRadius": 3, "fill": None, "stroke": GRID, "strokeWidth": 1},
         "encoding": {"x": x, "y": y}},
        *({"transform": [{"filter": "datum.text" if with_text else "!datum.text"}],
           "mark": {"type": "text", "fontWeight": "bold", "fontSize": 14, "baseline": "middle",
                    "dy": -7 if with_text else 0},
           "encoding": {"x": x, "y": y, "text": {"field": "symbol"},
                        "color": {"field": "ink", "type": "nominal", "scale": None}}} for with_text in (True, False)),
        {"transform": [{"filter": "datum.text"}],
         "mark": {"type": "text", "fontSize": 10, "baseline": "middle", "dy": 8},
         "encoding": {"x": x, "y": y, "text": {"field": "text"},
                      "color": {"field": "ink", "type": "nominal", "scale": None}}},
    ]
    if column_colors:
        strip = [{"col": c, "color": column_colors[c]} for c in columns if c in column_colors]
        layers.append({"data": {"values": strip},
                       "mark": {"type": "tick", "orient": "horizontal", "thickness": 4, "size": col_w - 8,
                                "opacity": 1},
                       "encoding": {"x": x, "y": {"value": -3},
                                    "color": {"field": "color", "type": "nominal", "scale": None}}})
    if used:
        layers.append(_legend_layer([(f"{STATUS_STYLE[s][3]} {STATUS_STYLE[s][0]}", STATUS_STYLE[s][1])
                                     for s in used], "outcome"))
    return {"$schema": "https://vega.github.io/schema/vega-lite/v5.json", "config": _config(width),
            "background": "#ffffff", "padding": 6, "data": {"values": data}, "layer": layers,
            "width": plot_w, "height": row_h * len(rows),
            "resolve": {"scale": {"color": "independent"}}}
