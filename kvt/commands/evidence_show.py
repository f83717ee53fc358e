"""``kvt evidence show [CLAIM]``: verdicts with their summaries and provenance (a table, JSON, or every assessment
flattened to CSV rows)."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from kvt.usage import EXIT_OK, results_dir_arg, warn


def run(args: argparse.Namespace) -> int:
    """``kvt evidence show [CLAIM]``: verdicts with their summaries and provenance."""
    from evidence.tables import print_table
    from kvt.rows import claim_rows, readable_results, resolve_claims, verdict_text

    claims = resolve_claims([args.claim] if args.claim else None)
    readable_results(args.results_dir)
    rows = claim_rows(claims, args.results_dir)
    for row in rows:
        if row["verdict"] == "invalid":  # said on stderr in every format, beside the row itself
            warn(f"{row['id']}: invalid result: {row['summary']}")
    if args.format == "json":
        print(json.dumps(rows, indent=2, default=str))
        return EXIT_OK
    if args.format == "csv":
        return _show_csv(rows, args.results_dir)
    print_table(
        "Evidence",
        ["claim", "verdict", "summary", "mode", "date"],
        [[r["id"], verdict_text(r), r["summary"],
          (r["provenance"] or {}).get("mode", "-"), (r["provenance"] or {}).get("date", "-")] for r in rows],
    )
    if args.claim:
        row = rows[0]
        if row.get("findings"):
            print_table(f"{row['id']}: findings", ["sub-claim", "finding"], list(map(list, row["findings"].items())))
        if row["subjects"]:
            print_table(f"{row['id']}: subjects", ["subject", "status", "reason"],
                        [[s, v["status"], v["reason"] or ""] for s, v in row["subjects"].items()])
    if any(r.get("stale") for r in rows):
        print("stale: the claim's code changed since this result was made; rerun `kvt evidence run CLAIM`.")
    return EXIT_OK


def _show_csv(rows: list[dict[str, Any]], results_dir: Path | None) -> int:
    """Every claim's assessment flattened to one row per leaf value (claim, venue, field, value), as CSV."""
    import sys

    import pandas as pd

    from evidence.results import load_venues

    records = []
    for row in rows:
        if row["verdict"] == "invalid":  # never dropped silently: a row that says why the result is refused
            records.append({"claim": row["id"], "venue": "", "field": "invalid", "value": row["summary"]})
            continue
        if row["verdict"] == "not run":
            continue
        for venue, result in load_venues(row["id"], results_dir).items():
            flat = pd.json_normalize(result.assessment.model_dump(mode="json"), sep=".").iloc[0].to_dict()
            records += [{"claim": row["id"], "venue": venue, "field": k, "value": v} for k, v in flat.items()]
    pd.DataFrame.from_records(records, columns=["claim", "venue", "field", "value"]).to_csv(sys.stdout, index=False)
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Add ``show`` to ``kvt evidence``'s subparsers."""
    p = sub.add_parser("show", help="show verdicts, summaries and provenance")
    p.add_argument("claim", nargs="?", metavar="CLAIM")
    p.add_argument("--format", choices=("table", "json", "csv"), default="table",
                   help="csv: every assessment flattened to claim, venue, field, value rows")
    results_dir_arg(p)
    p.set_defaults(func=run)
