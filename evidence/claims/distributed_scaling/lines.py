"""Lines of code going distributed adds: logical lines of two programs, diffed (framework-free).

Lines are Python's logical lines (``tokenize``: one statement however many physical lines it spans; comments,
blank lines and docstrings left out). Lines marked ``# simulation`` (splitting a CPU into devices; not needed
on real devices) are counted apart, and statements marked ``# measurement`` (returning timings and progress to
this experiment) are not counted.
"""

from __future__ import annotations

import difflib
import io
import tokenize

from evidence.claim import PROGRAMS_DIR

SIMULATION_MARKER = "simulation"
MEASUREMENT_MARKER = "measurement"


def logical_lines(source: str, exclude_markers: tuple[str, ...] = (SIMULATION_MARKER, MEASUREMENT_MARKER)
                  ) -> list[str]:
    """The logical lines of Python ``source``, each normalised to its tokens joined by spaces.

    Comments, blank lines and docstrings (statements that are a lone string) are left out, and so is every
    logical line carrying a comment that contains one of ``exclude_markers``.
    """
    lines: list[str] = []
    current: list[tokenize.TokenInfo] = []
    marked = False
    skip = {tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING, tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            # Only a comment inside a statement marks it; one on a line of its own marks nothing.
            if current and any(marker in tok.string for marker in exclude_markers):
                marked = True
            continue
        if tok.type in skip:
            continue
        if tok.type == tokenize.NEWLINE:
            docstring = len(current) == 1 and current[0].type == tokenize.STRING
            if current and not docstring and not marked:
                lines.append(" ".join(t.string for t in current))
            current, marked = [], False
            continue
        current.append(tok)
    return lines


def lines_added(single: str, distributed: str) -> dict[str, int]:
    """Logical lines of ``distributed`` not matched in ``single`` (added or changed), and the reverse.

    Lines marked ``simulation`` or ``measurement`` are left out of both; the distributed program's simulation
    lines are counted apart (``simulation_lines``).
    """
    a, b = logical_lines(single), logical_lines(distributed)
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    added = removed = 0
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("insert", "replace"):
            added += j2 - j1
        if op in ("delete", "replace"):
            removed += i2 - i1
    simulation = len(logical_lines(distributed, exclude_markers=(MEASUREMENT_MARKER,))) - len(b)
    return {"single_lines": len(a), "distributed_lines": len(b), "added": added, "removed": removed,
            "simulation_lines": simulation}


def program_lines_added(single: str, distributed: str) -> dict[str, int]:
    """:func:`lines_added` of two files under ``evidence/programs/``."""
    return lines_added((PROGRAMS_DIR / single).read_text(encoding="utf-8"),
                       (PROGRAMS_DIR / distributed).read_text(encoding="utf-8"))
