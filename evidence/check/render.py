"""How a ``kvt check`` report is written out, whatever it reports: its tables and closing lines as Markdown (for a
pull request) or as Rich tables (for a terminal). ``report.py`` and ``timing_report.py`` give the tables."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

Table = tuple[str, Sequence[str], Sequence[Sequence[str]]]


def escape_cell(text: str) -> str:
    """A cell's text that cannot end the cell or the row."""
    return text.replace("|", "\\|").replace("\n", " ")


def markdown(tables: Iterable[Table], lines: Iterable[str], heading: str | None = None) -> str:
    """``tables`` (title, headers, rows) as Markdown tables, then ``lines`` as a list, under ``heading``."""
    parts = [f"{heading}\n"] if heading else []
    for title, headers, rows in tables:
        parts.append(f"**{escape_cell(title)}**\n")
        parts.append("| " + " | ".join(escape_cell(h) for h in headers) + " |")
        parts.append("|" + "---|" * len(headers))
        parts += ["| " + " | ".join(escape_cell(c) for c in row) + " |" for row in rows]
        parts.append("")
    parts += [f"- {escape_cell(line)}" for line in lines]
    return "\n".join(parts) + "\n"


def print_tables(tables: Iterable[Table], lines: Iterable[str]) -> None:
    """``tables`` printed with Rich, then ``lines``."""
    from evidence.cli import print_table

    for title, headers, rows in tables:
        print_table(title, headers, rows)
    for line in lines:
        print(line)
