"""``kvt claims``: ids, titles and verdicts, per venue."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kvt.usage import EXIT_OK, results_dir_arg


def run(args: argparse.Namespace) -> int:
    """``kvt claims``: ids, titles and verdicts."""
    from evidence.tables import print_table
    from kvt.rows import claim_rows, readable_results, resolve_claims, verdict_text

    readable_results(args.results_dir)
    rows = claim_rows(resolve_claims(None), args.results_dir)
    if args.format == "json":
        keys = ("id", "title", "dimension", "verdict", "summary", "venue", "machine_dependent", "stale", "venues")
        print(json.dumps([{k: r.get(k) for k in keys} for r in rows], indent=2))
        return EXIT_OK
    print_table("Claims under test", ["id", "title", "verdict"],
                [[r["id"], r["title"], verdict_text(r)] for r in rows])
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Add ``claims`` to ``kvt``'s subparsers."""
    p = sub.add_parser("claims", help="list the claims with their verdicts")
    p.add_argument("--format", choices=("table", "json"), default="table")
    results_dir_arg(p)
    p.set_defaults(func=run)
