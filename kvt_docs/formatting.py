"""Numbers, intervals, sizes and dates as a reader wants them: ``12,943``, ``2.62 s (2.60–2.66)``, ``1.13×``,
``1 December 2026``; never ``1.292e+04`` or a raw ISO timestamp.

Every function formats a value it is given and computes nothing else, so a figure on the site is the figure of
the assessment, rounded for reading.
"""

from __future__ import annotations

import math
from datetime import datetime

from evidence.contract import Interval

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def number(value: float | int | None, digits: int = 3) -> str:
    """A number to ``digits`` significant digits (at least the integer part), thousands separated.

    Examples:
        >>> number(12943), number(12942.7), number(2.61547), number(0.0003301), number(3.2e-7), number(None)
        ('12,943', '12,943', '2.62', '0.00033', '3.2 × 10⁻⁷', '—')
    """
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if math.isnan(value):
        return "not a number"
    if math.isinf(value):
        return "∞" if value > 0 else "−∞"
    if value == 0:
        return "0"
    magnitude = math.floor(math.log10(abs(value)))
    if magnitude < -3:
        mantissa = f"{value / 10 ** magnitude:.{max(digits - 2, 0)}f}".rstrip("0").rstrip(".")
        return f"{mantissa} × 10{str(magnitude).translate(_SUPERSCRIPT)}"
    decimals = max(digits - 1 - magnitude, 0)
    text = f"{value:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def seconds(value: float | None, digits: int = 3) -> str:
    """Seconds in the unit that reads best: ``2.62 s``, ``84.1 ms``, ``35 µs``."""
    if value is None:
        return "—"
    if value != 0 and abs(value) < 1e-3:
        return f"{number(value * 1e6, digits)} µs"
    if value != 0 and abs(value) < 1:
        return f"{number(value * 1e3, digits)} ms"
    return f"{number(value, digits)} s"


def ratio(value: float | None, digits: int = 3) -> str:
    """A ratio with a times sign: ``1.13×``."""
    return "—" if value is None else f"{number(value, digits)}×"


def percent(value: float | None) -> str:
    """A share in [0, 1] as a percentage: ``33%``, ``99.5%``, ``2.5%``."""
    if value is None:
        return "—"
    pct = value * 100
    if pct in (0, 100) or 10 <= abs(pct) <= 99:
        return f"{pct:.0f}%"
    return f"{pct:.1f}".rstrip("0").rstrip(".") + "%"  # under 10%, and just under 100%, a decimal tells them apart


def size(value: int | None) -> str:
    """Bytes in decimal units: ``812 B``, ``1.23 MB``."""
    if value is None:
        return "—"
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if abs(value) >= scale:
            return f"{number(value / scale)} {unit}"
    return f"{value} B"


def interval(iv: Interval | None, fmt=number, *, level: bool = False) -> str:
    """An interval as ``estimate (low–high)``, each end formatted by ``fmt``; with ``level`` its coverage too."""
    if iv is None:
        return "—"
    text = f"{fmt(iv.estimate)} ({fmt(iv.low)}–{fmt(iv.high)}"
    return text + (f", {percent(iv.level)} interval)" if level else ")")


def date(value: str | None) -> str:
    """An ISO date or timestamp as a date: ``1 December 2026``."""
    if not value:
        return "—"
    parsed = _parse(value)
    return f"{parsed.day} {MONTHS[parsed.month - 1]} {parsed.year}" if parsed else value


def date_time(value: str | None) -> str:
    """An ISO timestamp as ``1 December 2026, 09:07 UTC`` (the time only when the value has one)."""
    if not value:
        return "—"
    parsed = _parse(value)
    if parsed is None:
        return value
    if "T" not in value:
        return date(value)
    offset = parsed.utcoffset()
    zone = "UTC" if offset is not None and offset.total_seconds() == 0 else parsed.strftime("%z") or "local time"
    return f"{date(value)}, {parsed:%H:%M} {zone}"


def month(value: str | None) -> str:
    """``2020-07`` as ``July 2020``."""
    if not value:
        return "—"
    try:
        year, mon = value.split("-")[:2]
        return f"{MONTHS[int(mon) - 1]} {int(year)}"
    except (ValueError, IndexError):
        return value


def _parse(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def words(identifier: str) -> str:
    """An identifier in words: ``cold_import_s`` → ``cold import (s)``, ``max_abs_diff`` → ``max abs diff``."""
    text = identifier
    for suffix, unit in (("_s", "s"), ("_ms", "ms"), ("_bytes", "bytes")):
        if text.endswith(suffix):
            return f"{text.removesuffix(suffix).replace('_', ' ')} ({unit})"
    return text.replace("_", " ")


def listing(items: list[str], conjunction: str = "and") -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conjunction} {items[-1]}"
