"""What every ``kvt`` command shares: exit statuses, the usage error, and the ``--results-dir`` argument.

Bad input from the user is a :class:`~evidence.errors.UsageError`: one line on stderr, exit status 2, never a traceback.
"""

from __future__ import annotations

import argparse
import math
import shutil
import sys
from pathlib import Path

from evidence.errors import UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "UsageError", "positive_int",
           "positive_seconds", "results_dir_arg", "terminal_width", "usage_error", "warn"]


def usage_error(message: str) -> int:
    """Print ``message`` the way ``kvt`` prints usage errors (one line) and return the usage exit status."""
    print(f"kvt: error: {' '.join(str(message).split())}", file=sys.stderr)
    return EXIT_USAGE


def warn(message: str) -> None:
    """Print ``message`` as a one-line warning on stderr (what a command skips, said rather than hidden)."""
    print(f"kvt: warning: {' '.join(str(message).split())}", file=sys.stderr)


def results_dir_arg(parser: argparse.ArgumentParser) -> None:
    """Add ``--results-dir DIR`` to ``parser``."""
    parser.add_argument("--results-dir", type=Path, default=None,
                        help="folder of result files (default: $KVT_RESULTS_DIR or evidence/results)")


def positive_int(text: str) -> int:
    """argparse type: a whole number of at least 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1; received: {text!r}")
    return value


def positive_seconds(text: str) -> float:
    """argparse type: a finite number of seconds above 0 (``nan``, ``inf``, ``-5`` and ``0`` refused)."""
    try:
        value = float(text)
    except ValueError:
        value = 0.0
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"expected a finite number of seconds above 0; received: {text[:80]!r}")
    return value


def terminal_width() -> int:
    """The terminal's width (``$COLUMNS`` first), 80 when there is no terminal."""
    return shutil.get_terminal_size(fallback=(80, 24)).columns
