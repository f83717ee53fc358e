"""The worker: measures one (claim, subject, stage) cell in its own process.

Run by :mod:`evidence.runner` as ``python -m evidence.worker``, with ``KERAS_BACKEND`` already set. It writes
one JSON object to ``--out``: ``status`` (``ok`` or ``unavailable``), ``reason`` and ``measurements``. A crash
leaves no file and a non-zero exit; the runner then records the cell ``failed`` with the tail of stderr.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from evidence.claim import Context, FrameworkUnavailable
from evidence.registry import get_claim


@dataclass
class CellOutcome:
    """What one worker produced, as the runner records it: ``ok``, ``unavailable`` or ``failed``."""

    status: str
    reason: str | None = None
    stderr_tail: str | None = None
    duration_s: float = 0.0
    measurements: dict[str, Any] = field(default_factory=dict)
    #: The most memory the worker and its children held together (sampled; None when it ended before a sample).
    #: Shown in the run's progress lines, not written into the result.
    peak_rss_bytes: int | None = None


def _write(path: Path, payload: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    """Entry point of a worker process; returns its exit status."""
    parser = argparse.ArgumentParser(prog="python -m evidence.worker")
    parser.add_argument("claim")
    parser.add_argument("subject")
    parser.add_argument("stage")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--repeats", type=int, required=True)
    parser.add_argument("--warmup", type=int, required=True)
    args = parser.parse_args(argv)

    claim = get_claim(args.claim)
    start = time.perf_counter()
    for module in claim.requirements(args.subject):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            _write(args.out, {
                "status": "unavailable",
                "reason": f"{module} cannot be imported ({type(exc).__name__}: {exc}); "
                          f"install the evidence extra: pip install -e '.[evidence]'",
                "measurements": {},
                "duration_s": time.perf_counter() - start,
            })
            return 0
    ctx = Context(
        subject=args.subject, stage=args.stage, quick=args.quick, workdir=args.workdir,
        repeats=args.repeats, warmup=args.warmup,
    )
    try:
        measurements = claim.measure(ctx)
        if isinstance(measurements, BaseModel):  # a claim's typed measurement: stored as its JSON data
            measurements = measurements.model_dump(mode="json")
    except FrameworkUnavailable as exc:
        _write(args.out, {"status": "unavailable", "reason": str(exc), "measurements": {},
                          "duration_s": time.perf_counter() - start})
        return 0
    # Round-trip through JSON here so that a measurement that cannot be serialised fails in the worker,
    # with its traceback on stderr, instead of in the runner.
    payload = {"status": "ok", "reason": None, "measurements": measurements,
               "duration_s": time.perf_counter() - start}
    _write(args.out, json.loads(json.dumps(payload)))
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
