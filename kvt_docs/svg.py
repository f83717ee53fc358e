"""Charts as SVG, drawn by hand: bars or dots with their intervals, and grids of outcomes.

Each chart is drawn twice, once for a wide screen (720 px) and once for a phone (360 px), so that its text stays
at reading size on both: a page shows the narrow drawing below 600 px (``<picture>``), the wide one above. Text is
real SVG text (it stays sharp when zoomed, and the colours of the options are explained by a legend that never
covers a mark). Nothing here reads an assessment: the story modules (:mod:`kvt_docs.stories`) pass the values.

Two kinds of chart:

- :func:`bar_chart`: one row per item, a bar (or a dot, for ratios on a log scale) with its interval as a
  whisker, the value written beside it, optional reference lines (a threshold) and a shaded band (a noise band);
- :func:`status_grid`: rows by columns of outcomes (works, fails, could not try, not applicable), each cell a
  colour *and* a symbol, so the grid reads without colour too.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from html import escape

WIDE = 720
NARROW = 360
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
TEXT = "#1f1f1f"
MUTED = "#555555"
GRID = "#d9d9d9"

#: The colours of the options: the Keras backends in blues, TensorFlow core in orange (told apart without
#: colour vision too: blue against orange is the safest pair).
OPTION_COLORS = {"keras-tensorflow": "#1b4f91", "keras-jax": "#3a7fc4", "keras-torch": "#7fb2e5",
                 "tensorflow-core": "#d2691e"}
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


def text_width(text: str, size: float, bold: bool = False) -> float:
    """An estimate of ``text``'s width in a sans-serif font of ``size`` px (wide letters counted wider)."""
    wide = sum(1 for ch in text if ch in "mwMW@%")
    narrow = sum(1 for ch in text if ch in "il.,:;|!' ")
    return size * (0.58 * (len(text) - wide - narrow) + 0.88 * wide + 0.32 * narrow) * (1.06 if bold else 1.0)


def wrap(text: str, size: float, width: float, *, split_words: bool = True) -> list[str]:
    """``text`` in lines no wider than ``width`` (split between words; a word too wide for a line is split after
    its dots and underscores)."""
    lines: list[str] = []
    for word in text.split():
        for k, piece in enumerate(_pieces(word, size, width) if split_words else [word]):
            joint = " " if k == 0 else ""
            if lines and text_width(lines[-1] + joint + piece, size) <= width:
                lines[-1] += joint + piece
            else:
                lines.append(piece)
    return lines or [""]


def _pieces(word: str, size: float, width: float) -> list[str]:
    """``word``, or, when it is wider than ``width``, its pieces: split after dots and underscores
    (``keras.distribution.`` ``DataParallel``), then cut where a piece is still too wide."""
    if text_width(word, size) <= width:
        return [word]
    parts = re.findall(r"[^._]+[._]?|[._]", word)
    out: list[str] = []
    for part in parts:
        if out and text_width(out[-1] + part, size) <= width:
            out[-1] += part
            continue
        while text_width(part, size) > width and len(part) > 1:
            cut = max(1, int(len(part) * width / text_width(part, size)))
            out.append(part[:cut])
            part = part[cut:]
        out.append(part)
    return out


def fit_text(text: str, size: float, width: float) -> str:
    """``text``, cut with an ellipsis to fit ``width``."""
    if text_width(text, size) <= width:
        return text
    while text and text_width(text + "…", size) > width:
        text = text[:-1]
    return text.rstrip() + "…"


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
class _Canvas:
    width: int
    parts: list[str] = field(default_factory=list)

    def text(self, x: float, y: float, s: str, *, size: float = 13, anchor: str = "start", color: str = TEXT,
             bold: bool = False) -> None:
        weight = ' font-weight="600"' if bold else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
                          f'fill="{color}"{weight}>{escape(s)}</text>')

    def line(self, x1: float, y1: float, x2: float, y2: float, *, color: str = GRID, width: float = 1,
             dash: str | None = None) -> None:
        extra = f' stroke-dasharray="{dash}"' if dash else ""
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{color}" '
                          f'stroke-width="{width}"{extra}/>')

    def rect(self, x: float, y: float, w: float, h: float, fill: str, *, rx: float = 0, opacity: float = 1,
             stroke: str | None = None) -> None:
        extra = f' fill-opacity="{opacity}"' if opacity != 1 else ""
        extra += f' stroke="{stroke}"' if stroke else ""
        self.parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{h:.1f}" rx="{rx}" '
                          f'fill="{fill}"{extra}/>')

    def circle(self, x: float, y: float, r: float, fill: str) -> None:
        self.parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" fill="{fill}" stroke="#ffffff" '
                          f'stroke-width="1"/>')

    def render(self, height: float, title: str, desc: str) -> str:
        h = math.ceil(height)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {self.width} {h}" width="{self.width}" '
                f'height="{h}" role="img" font-family="{escape(FONT)}"><title>{escape(title)}</title>'
                f'<desc>{escape(desc)}</desc><rect width="100%" height="100%" fill="#ffffff"/>'
                + "".join(self.parts) + "</svg>\n")


def _legend(c: _Canvas, items: list[tuple[str, str]], y: float, x0: float = 8, size: float = 13) -> float:
    """Swatches and labels from ``x0``, wrapping; returns the y below the legend."""
    if not items:
        return y
    x, line_h = x0, size + 9
    y += size
    for label, color in items:
        w = 14 + 6 + text_width(label, size) + 18
        if x + w > c.width - 4 and x > x0:
            x, y = x0, y + line_h
        c.rect(x, y - size + 2, 14, 12, color, rx=2)
        c.text(x + 20, y, label, size=size)
        x += w
    return y + 10


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round tick values covering ``[low, high]`` (steps of 1, 2 or 5 times a power of ten)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / max(count, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    start = math.floor(low / step) * step
    ticks, v = [], start
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


def bar_chart(rows: list[Bar | Section], *, title: str, x_label: str, log: bool = False, dots: bool = False,
              domain: tuple[float, float] | None = None, references: list[Reference] | None = None,
              band: Band | None = None, legend: list[tuple[str, str]] | None = None,
              tick_format=None) -> Drawing:
    """Rows of bars (from zero) or dots (``dots``; always on a log axis), each with its interval and its text.

    Args:
        rows: the rows, top to bottom; a :class:`Section` starts a group.
        title: what the chart shows (its SVG title, for assistive technology).
        x_label: the axis's label, with its unit.
        log: a logarithmic axis (ratios).
        dots: a dot at the value instead of a bar.
        domain: the axis's range; by default from 0 (or the smallest value, on a log axis) to the largest end.
        references: vertical lines with labels.
        band: a shaded range with its label.
        legend: (label, colour) pairs drawn above the plot.
        tick_format: the ticks' labels (default :func:`tick_text`).
    """
    references = references or []
    bars = [r for r in rows if isinstance(r, Bar)]
    ends = [v for b in bars for v in (b.value, b.low, b.high) if v is not None]
    ends += [r.value for r in references] + ([band.low, band.high] if band else [])
    if domain is None:
        if log:
            positive = [v for v in ends if v > 0] or [1.0]
            domain = (min(positive) / 1.25, max(positive) * 1.25)
        else:
            top = max(ends, default=1.0) or 1.0
            domain = (0.0, nice_ticks(0.0, top)[-1])
    lo, hi = domain
    ticks = log_ticks(lo, hi) if log else nice_ticks(lo, hi)
    desc = "; ".join(f"{b.label}: {b.text}" for b in bars)
    args = (rows, title, desc, x_label, log, dots, lo, hi, ticks, references, band, legend, tick_format or tick_text)
    return _drawing(_bars(WIDE, *args), _bars(NARROW, *args))


def _drawing(wide: tuple[str, float], narrow: tuple[str, float]) -> Drawing:
    return Drawing(wide[0], narrow[0], math.ceil(wide[1]), math.ceil(narrow[1]))


def _bars(width: int, rows, title, desc, x_label, log, dots, lo, hi, ticks, references, band,
          legend, tick_format) -> tuple[str, float]:
    c = _Canvas(width)
    narrow = width < WIDE
    size = 13
    y = _legend(c, legend or [], 0)
    value_w = 0 if narrow else min(max((text_width(b.text, 12) for b in rows if isinstance(b, Bar)), default=0)
                                   + 12, 230)
    label_w = 0 if narrow else min(max((text_width(b.label, size) for b in rows if isinstance(b, Bar)),
                                       default=0) + 14, 250)
    x0, x1 = (10, width - 14) if narrow else (label_w + 8, width - value_w - 8)
    # Labels above the plot: the band's, then each reference's, each on the first line where it overlaps none.
    labels = []  # (x, anchor, text, line)
    occupied: list[list[tuple[float, float]]] = []

    def place(x: float, anchor: str, text: str) -> None:
        w = text_width(text, 11)
        a, b = (x - w, x) if anchor == "end" else (x - w / 2, x + w / 2) if anchor == "middle" else (x, x + w)
        for line, spans in enumerate(occupied):
            if all(b + 6 < s0 or a - 6 > s1 for s0, s1 in spans):
                spans.append((a, b))
                labels.append((x, anchor, text, line))
                return
        occupied.append([(a, b)])
        labels.append((x, anchor, text, len(occupied) - 1))

    def xpos(v: float) -> float:
        v = min(max(v, lo), hi)
        if log:
            return x0 + (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo)) * (x1 - x0)
        return x0 + (v - lo) / (hi - lo) * (x1 - x0)

    if band:
        place((xpos(band.low) + xpos(band.high)) / 2, "middle", band.label)
    for ref in references:
        anchor = "end" if xpos(ref.value) > (x0 + x1) / 2 else "start"
        place(xpos(ref.value) + (-4 if anchor == "end" else 4), anchor, ref.label)
    top = y + 6 + len(occupied) * 15 + (4 if occupied else 0)

    # Rows first (to know the plot's height); marks are drawn after the band and grid lines, so they sit on top.
    layout = []
    yy = top
    for row in rows:
        if isinstance(row, Section):
            lines = wrap(row.title, size, width - 20)
            layout.append((row, yy, lines))
            yy += 8 + 16 * len(lines)
            continue
        if narrow:
            lines = wrap(row.label + ("  " + row.text if row.text else ""), 12, width - 20)
            layout.append((row, yy, lines))
            yy += 15 * len(lines) + 20
        else:
            lines = wrap(row.label, size, label_w - 10)
            h = max(26, 16 * len(lines) + 8)
            layout.append((row, yy, lines))
            yy += h
    bottom = yy + 4
    if band:
        c.rect(xpos(band.low), top - 4, xpos(band.high) - xpos(band.low), bottom - top + 4, "#f2e6b3", opacity=0.8)
    for t in ticks:
        c.line(xpos(t), top - 2, xpos(t), bottom, color=GRID)
    for ref in references:
        c.line(xpos(ref.value), top - 4, xpos(ref.value), bottom, color="#333333", width=1.2, dash="4 3")
    for x, anchor, text, line in labels:
        c.text(x, top - 8 - 15 * (len(occupied) - 1 - line), text, size=11, anchor=anchor, color="#333333")
    for row, ry, lines in layout:
        if isinstance(row, Section):
            for i, line in enumerate(lines):
                c.text(x0 if narrow else 8, ry + 14 + 16 * i, line, size=size, bold=True)
            continue
        if narrow:
            for i, line in enumerate(lines):
                c.text(x0, ry + 12 + 15 * i, line, size=12)
            mid = ry + 15 * len(lines) + 6
        else:
            h = max(26, 16 * len(lines) + 8)
            for i, line in enumerate(lines):
                c.text(label_w, ry + h / 2 + 4 - 8 * (len(lines) - 1) + 16 * i, line, size=size, anchor="end")
            mid = ry + h / 2
        if row.value is not None and not dots:
            base = xpos(lo if log else max(lo, 0.0))
            c.rect(base, mid - 7, xpos(row.value) - base, 14, row.color, rx=1.5)
        if row.low is not None and row.high is not None:
            a, b = xpos(row.low), xpos(row.high)
            whisker = "#111111"
            c.line(a, mid, b, mid, color=whisker, width=1.4)
            c.line(a, mid - 5, a, mid + 5, color=whisker, width=1.4)
            c.line(b, mid - 5, b, mid + 5, color=whisker, width=1.4)
        if row.value is not None and dots:
            c.circle(xpos(row.value), mid, 6, row.color)
        if not narrow and row.text:
            c.text(x1 + 10, mid + 4, fit_text(row.text, 12, width - x1 - 14), size=12,
                   color=TEXT if row.value is not None else MUTED)
    # Axis.
    c.line(x0, bottom, x1, bottom, color="#888888")
    for t in ticks:
        c.line(xpos(t), bottom, xpos(t), bottom + 4, color="#888888")
        c.text(xpos(t), bottom + 17, tick_format(t), size=11, anchor="middle", color=MUTED)
    lines = wrap(x_label, 12, x1 - x0)
    for i, line in enumerate(lines):
        c.text((x0 + x1) / 2, bottom + 34 + 15 * i, line, size=12, anchor="middle")
    return c.render(bottom + 40 + 15 * len(lines), title, desc), bottom + 40 + 15 * len(lines)


@dataclass
class GridCell:
    """One cell of a status grid: its outcome and an optional short text (``7 lines``)."""

    status: str
    text: str = ""


def status_grid(rows: list[str], columns: list[str], cells: dict[tuple[str, str], GridCell], *, title: str,
                column_colors: dict[str, str] | None = None) -> Drawing:
    """A grid of outcomes: one row per ``rows`` item, one column per ``columns`` item; a missing cell is blank.

    Every outcome that appears is explained in a legend; each cell carries its symbol as well as its colour.
    """
    used = [s for s in STATUS_STYLE if any(cell.status == s for cell in cells.values())]
    desc = "; ".join(f"{r} × {c}: {STATUS_STYLE.get(cell.status, (cell.status,))[0]}"
                     + (f" ({cell.text})" if cell.text else "")
                     for (r, c), cell in cells.items())
    return _drawing(_grid(WIDE, rows, columns, cells, title, desc, used, column_colors or {}),
                    _grid(NARROW, rows, columns, cells, title, desc, used, column_colors or {}))


def _grid(width, rows, columns, cells, title, desc, used, column_colors) -> tuple[str, float]:
    c = _Canvas(width)
    narrow = width < WIDE
    size = 12 if narrow else 13
    y = _legend(c, [(f"{STATUS_STYLE[s][3]} {STATUS_STYLE[s][0]}", STATUS_STYLE[s][1]) for s in used], 0,
                size=12)
    label_w = min(max((text_width(r, size) for r in rows), default=40) + 12, 120 if narrow else 230)
    col_w = (width - label_w - 8) / max(len(columns), 1)
    head = [wrap(col, 10 if narrow else 12, col_w - 4, split_words=False) for col in columns]
    head_h = 15 * max(len(h) for h in head) + 6
    for i, lines in enumerate(head):
        cx = label_w + col_w * (i + 0.5)
        color = column_colors.get(columns[i])
        if color:
            c.rect(label_w + col_w * i + 3, y + 2, col_w - 6, 4, color)
        for j, line in enumerate(lines):
            c.text(cx, y + 20 + 15 * j, line, size=10 if narrow else 12, anchor="middle", bold=True)
    y += head_h + 12
    for r in rows:
        lines = wrap(r, size, label_w - 10)
        row_h = max(36 if not narrow else 38, 14 * len(lines) + 10)
        for j, line in enumerate(lines):
            c.text(label_w - 8, y + row_h / 2 + 4 - 7 * (len(lines) - 1) + 14 * j, line, size=size, anchor="end")
        for i, col in enumerate(columns):
            cell = cells.get((r, col))
            x = label_w + col_w * i
            if cell is None:
                c.rect(x + 3, y + 3, col_w - 6, row_h - 6, "#ffffff", stroke=GRID, rx=3)
                continue
            _, fill, ink, symbol = STATUS_STYLE.get(cell.status, (cell.status, "#9e9e9e", "#000000", "?"))
            c.rect(x + 3, y + 3, col_w - 6, row_h - 6, fill, rx=3)
            if cell.text and col_w >= 60:
                c.text(x + col_w / 2, y + row_h / 2 - 1, symbol, size=13, anchor="middle", color=ink, bold=True)
                c.text(x + col_w / 2, y + row_h / 2 + 12, fit_text(cell.text, 10, col_w - 10), size=10,
                       anchor="middle", color=ink)
            else:
                c.text(x + col_w / 2, y + row_h / 2 + 5, symbol, size=14, anchor="middle", color=ink, bold=True)
        y += row_h
    return c.render(y + 8, title, desc), y + 8
