"""Start-up of ``kvt evidence show`` and ``kvt claims`` as ratios to ``python -c "import pydantic, rich"``, measured
in one run: fresh processes, interleaved so that drift hits every command alike, a warm-up round first, median and
interquartile range. Issue 21 asks both to start in under twice the time of that import.

Not a test (a speed target belongs in a benchmark, not a timed unit test); run it under the shared lock::

    flock /tmp/kvt-cpu.lock python tests/bench_reader_startup.py --repeats 15 [--results-dir DIR]

It prints one JSON object: per command its median and IQR in seconds and its ratio to the baseline's median.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import pydantic, rich"


def commands(results_dir: str | None) -> dict[str, list[str]]:
    """The commands timed, by name: the baseline, then the two readers."""
    extra = ["--results-dir", results_dir] if results_dir else []
    return {
        BASELINE: [sys.executable, "-c", BASELINE],
        "kvt evidence show": [sys.executable, "-m", "kvt", "evidence", "show", *extra],
        "kvt claims": [sys.executable, "-m", "kvt", "claims", *extra],
    }


def seconds(cmd: list[str]) -> float:
    """Wall-clock seconds of one run of ``cmd`` (it must exit 0)."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return took


def main() -> None:
    """Time the commands and print the medians, spreads and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--results-dir", default=None)
    args = parser.parse_args()
    cmds = commands(args.results_dir)
    for cmd in cmds.values():  # warm-up: the file cache, .pyc files
        seconds(cmd)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(args.repeats):
        for name, cmd in cmds.items():
            times[name].append(seconds(cmd))
    base = statistics.median(times[BASELINE])
    out = {}
    for name, samples in times.items():
        q1, _, q3 = statistics.quantiles(samples, n=4)
        out[name] = {"median_s": round(statistics.median(samples), 4), "iqr_s": round(q3 - q1, 4),
                     "ratio_to_baseline": round(statistics.median(samples) / base, 3)}
    print(json.dumps({"repeats": args.repeats, "python": sys.version.split()[0], "commands": out}, indent=2))


if __name__ == "__main__":
    main()
