"""``kvt questions``: every question the advisor asks, with its flag, choices, default and help."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kvt.usage import EXIT_OK, terminal_width


def run(args: argparse.Namespace) -> int:
    """``kvt questions``: every question's id, flag, choices, default and help."""
    from advisor.questions import QUESTIONS

    if args.format == "json":
        print(json.dumps([q.describe() for q in QUESTIONS], indent=2))
        return EXIT_OK
    from advisor.render import wrap

    width = terminal_width()
    lines = []
    for q in QUESTIONS:
        many = " (several, comma-separated)" if q.multiple else ""
        lines += [f"{q.flag} / {q.id}{many}", *wrap(q.text, width, "    ", "  "),
                  *wrap(q.help, width, "    ", "  ")]
        for c in q.choices:
            lines += wrap(f"{c.value}{' (default)' if c.value == q.default else ''}: {c.label}", width,
                           "        ", "    ")
        if q.legacy:
            lines += wrap("old answers still read: " + ", ".join(f"{old} -> {new}" for old, (new, _)
                                                                  in q.legacy.items()), width, "        ", "    ")
        lines.append("")
    print("\n".join(lines), end="")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Add ``questions`` to ``kvt``'s subparsers."""
    p = sub.add_parser("questions", help="list the advisor's questions, choices and defaults")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.set_defaults(func=run)
