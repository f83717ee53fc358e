"""``kvt evidence schema``: the JSON Schema of result files, every claim's assessment included."""

from __future__ import annotations

import argparse
import json
from typing import Any

from kvt.usage import EXIT_OK, UsageError


def run(args: argparse.Namespace) -> int:
    """``kvt evidence schema``: the JSON Schema of result files, every claim's assessment included."""
    from evidence.results import ResultError, json_schema
    from kvt.rows import resolve_claims

    try:
        schema = json_schema(resolve_claims(None))
    except ResultError as exc:  # a registered claim without an assessment type (an outside claim, say)
        raise UsageError(str(exc)) from None
    print(json.dumps(schema, indent=2))
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Add ``schema`` to ``kvt evidence``'s subparsers."""
    p = sub.add_parser("schema", help="print the JSON Schema of result files, with each field's description")
    p.set_defaults(func=run)
