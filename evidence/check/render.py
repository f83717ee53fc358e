"""How a ``kvt check`` report is written out, whatever it reports: its tables and closing lines as Markdown (for a
pull request) or as Rich tables (for a terminal), through :mod:`evidence.tables`. ``report.py`` and
``timing_report.py`` give the tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from evidence.tables import escape_cell, markdown_table, print_table

Table = tuple[str, Sequence[str], Sequence[Sequence[str]]]

__all__ = ["Table", "escape_cell", "markdown", "print_tables"]


def markdown(tables: Iterable[Table], lines: Iterable[str], heading: str | None = None) -> str:
    """``tables`` (title, headers, rows) as Markdown tables, then ``lines`` as a list, under ``heading``."""
    parts = [f"{heading}\n"] if heading else []
    for title, headers, rows in tables:
        parts.append(f"**{escape_cell(title)}**\n")
        parts.append(markdown_table([escape_cell(h) for h in headers], rows, escape_cell))
        parts.append("")
    parts += [f"- {escape_cell(line)}" for line in lines]
    return "\n".join(parts) + "\n"


def print_tables(tables: Iterable[Table], lines: Iterable[str]) -> None:
    """``tables`` printed with Rich, then ``lines``."""
    for title, headers, rows in tables:
        print_table(title, headers, rows)
    for line in lines:
        print(line)
