"""``kvt evidence merge DIR...``: combine the parts of split runs (``run --shard I/N``) into complete result files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from kvt.usage import EXIT_OK, UsageError


def run(args: argparse.Namespace) -> int:
    """``kvt evidence merge DIR...``: combine the parts of split runs into complete result files."""
    from evidence.shards import MergeError, merge
    from kvt.rows import writable_folder

    writable_folder(args.results_dir, "--results-dir")
    try:
        written = merge(args.parts, args.results_dir)
    except MergeError as exc:
        raise UsageError(f"cannot merge: {exc}") from None
    except OSError as exc:  # the folder became unwritable between the check and the write
        raise UsageError(f"cannot merge: cannot write into {args.results_dir} ({exc.strerror or exc})") from None
    for result, path in written:
        print(f"{result.claim.id} ({result.venue}): {result.verdict}, merged from "
              f"{len(result.provenance.subjects_run)} subject(s) into {path}")
    return EXIT_OK


def add_parser(sub: Any) -> None:
    """Add ``merge`` to ``kvt evidence``'s subparsers."""
    p = sub.add_parser("merge", help="merge the partial results of split runs (`run --shard I/N`) into results")
    p.add_argument("parts", nargs="+", metavar="DIR", help="folders (or files) holding partial results")
    p.add_argument("--results-dir", type=Path, default=None,
                   help="where the merged results go (default: $KVT_RESULTS_DIR or evidence/results)")
    p.set_defaults(func=run)
