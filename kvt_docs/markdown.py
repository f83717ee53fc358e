"""Small Markdown builders. They escape what they are given, so text from result files cannot break a page.

Only plain Markdown and the pymdown extensions named in ``mkdocs.yml`` are produced (admonitions,
``pymdownx.tabbed``, fenced code with titles), plus one inline ``<span>`` for verdict badges, so that a later
move to another static site generator stays cheap.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Sequence
from typing import Any

#: CSS class suffix for each verdict and for the states that stand in for one (see docs/stylesheets/kvt.css).
VERDICT_CLASSES = {
    "supported": "supported",
    "partly supported": "partly",
    "refuted": "refuted",
    "outdated": "outdated",
    "inconclusive": "inconclusive",
    "not run": "missing",
    "not written": "missing",
    "invalid": "invalid",
}


def badge(verdict: str, *, stale: bool = False) -> str:
    """An inline verdict badge; a stale result says so inside the badge."""
    css = VERDICT_CLASSES.get(verdict, "missing")
    text = html.escape(verdict) + (" (stale)" if stale else "")
    return f'<span class="kvt-verdict kvt-verdict--{css}">{text}</span>'


def cell(text: Any) -> str:
    """Text made safe for one table cell: no line breaks, pipes escaped, HTML-special characters escaped."""
    value = text if isinstance(text, str) else format_value(text)
    return inline(" ".join(value.split())).replace("|", "\\|")


def inline(text: str) -> str:
    """Running text from data, shown literally: outside code spans, ``<`` and ``&`` become entities and
    Markdown's emphasis and link characters are backslash-escaped (``__array__`` stays ``__array__``)."""
    parts = re.split(r"(`+[^`]*`+)", text)
    return "".join(part if part.startswith("`") else _escape(part) for part in parts)


def _escape(text: str) -> str:
    text = html.escape(text, quote=False)
    return re.sub(r"([\\*_\[\]])", r"\\\1", text)


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table; cells are used as given (wrap raw values with :func:`cell`)."""
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def admonition(kind: str, title: str, body: str, *, collapsible: bool = False) -> str:
    """An admonition (``!!!``) or, when ``collapsible``, a closed details block (``???``)."""
    marker = "???" if collapsible else "!!!"
    return f'{marker} {kind} "{title.replace(chr(34), chr(39))}"\n\n{indent(body)}\n'


def indent(text: str, spaces: int = 4) -> str:
    """Every non-empty line of ``text`` indented, as nested Markdown blocks need."""
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.rstrip("\n").split("\n"))


def fence(code: str, language: str = "", title: str | None = None) -> str:
    """A fenced code block whose fence is longer than any backtick run inside ``code``."""
    longest = max((len(m) for m in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    info = language + (f' title="{title}"' if title else "")
    return f"{ticks}{info}\n{code.rstrip()}\n{ticks}\n"


def tabs(items: Sequence[tuple[str, str]]) -> str:
    """A ``pymdownx.tabbed`` set: one tab per (label, Markdown body)."""
    out = []
    for label, body in items:
        out.append(f'=== "{label.replace(chr(34), chr(39))}"\n\n{indent(body)}\n')
    return "\n".join(out)


def format_number(value: float | int) -> str:
    """Numbers as read from a result: integers in full, floats to four significant digits."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return str(value)
    if value != value:  # NaN
        return "NaN"
    return f"{value:.4g}"


def format_value(value: Any) -> str:
    """Any JSON value as short text: numbers via :func:`format_number`, lists joined, dicts as compact JSON."""
    if value is None:
        return "—"
    if isinstance(value, bool | int | float):
        return format_number(value)
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        if all(isinstance(v, list) for v in value):
            return "; ".join(" ".join(format_value(x) for x in v) for v in value) or "—"
        return ", ".join(format_value(v) for v in value) or "—"
    return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))


def rst_to_markdown(text: str) -> str:
    """Docstring reST roles and literals as Markdown: ``x`` and :class:`x` become `x`."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)
