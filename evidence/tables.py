"""Tables, the one writer of each kind: Markdown pipe tables (reports, the site's pages, drift) and Rich tables
for a terminal (``kvt claims``, ``kvt evidence show``, ``kvt check``). Standard library only at import; Rich is
imported by :func:`print_table` when it prints."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence


def escape_cell(text: object) -> str:
    """A cell's text that cannot end the cell or the row (pipes escaped, line breaks made spaces)."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Iterable[Iterable[object]],
                   cell: Callable[[object], str] = str) -> str:
    """A GitHub-flavoured Markdown pipe table, without a final line break.

    Args:
        headers: the column names, used as given.
        rows: the rows, each cell written through ``cell``.
        cell: how a value becomes a cell; ``str`` (the default) uses cells as given (already escaped or formatted
            by the caller), :func:`escape_cell` escapes raw text.
    """
    lines = ["| " + " | ".join(headers) + " |", "| " + " | ".join("---" for _ in headers) + " |"]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


#: The most characters of one value a terminal table shows (``--format json`` gives them all): wrapping a long
#: text in a terminal table takes time that grows with it.
CELL_CHARS = 2000


def shown(text: object) -> str:
    """``text`` cut to :data:`CELL_CHARS` characters, saying how many more there were."""
    text = str(text)
    return text if len(text) <= CELL_CHARS else f"{text[:CELL_CHARS]}… ({len(text) - CELL_CHARS:,} more characters)"


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """A Rich table on standard output; cells are data (error messages hold brackets), never parsed as markup."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    table = Table(title=title, show_lines=False, expand=False)
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*(Text(shown(cell)) for cell in row))
    Console().print(table)
