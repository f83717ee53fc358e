"""``kvt evidence diff OLD NEW``: what changed between two sets of results (exit 1 when anything did)."""

from __future__ import annotations

import argparse
from typing import Any

from kvt.usage import EXIT_FAILED, EXIT_OK, UsageError


def run(args: argparse.Namespace) -> int:
    """``kvt evidence diff OLD NEW``: what changed between two sets of results (exit 1 when anything did)."""
    from evidence.drift import DriftError, compare, load_source, render

    try:
        old, new = load_source(args.old), load_source(args.new)
        if args.claims:
            from evidence.registry import claim_modules

            known = set(claim_modules()) | {c for c, _ in old.results} | {c for c, _ in new.results}
            unknown = [c for c in args.claims if c not in known]
            if unknown:
                raise UsageError(f"--claims: unknown claim(s) {', '.join(map(repr, unknown))[:200]}; expected among "
                                 f"{', '.join(sorted(known))}")
        changes = compare(old, new, rtol=args.rtol, claims=args.claims)
    except DriftError as exc:
        raise UsageError(str(exc)) from None
    print(render(changes, args.format, old.label, new.label))
    return EXIT_FAILED if changes else EXIT_OK


def _fraction(text: str) -> float:
    """argparse type: a number from 0 to 1."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 1:  # NaN fails both comparisons
        raise argparse.ArgumentTypeError(f"expected a number from 0 to 1; received: {text!r}")
    return value


def add_parser(sub: Any) -> None:
    """Add ``diff`` to ``kvt evidence``'s subparsers."""
    p = sub.add_parser("diff", help="what changed between two sets of results: verdicts, numbers beyond their "
                                    "spread, subjects, framework versions (exit 1 when anything did)")
    p.add_argument("old", metavar="OLD", help="a results folder, or a git revision (HEAD, HEAD~3:evidence/results)")
    p.add_argument("new", metavar="NEW", help="a results folder, or a git revision")
    p.add_argument("--format", choices=("table", "markdown", "json"), default="table")
    p.add_argument("--claims", nargs="+", default=None, metavar="CLAIM", help="compare these claims only")
    p.add_argument("--rtol", type=_fraction, default=0.05,
                   help="relative change under which a number with no measured spread is not reported "
                        "(default 0.05)")
    p.set_defaults(func=run)
