"""Start-up of ``kvt advise --no-input --format json`` and ``kvt claims``, as ratios to ``python -c "import sklearn,
numpy"`` measured in one run (interleaved fresh processes, warm-up first, median and spread).

Not a test (a speed target belongs in a benchmark, not a timed unit test); run it under the shared lock::

    flock /tmp/kvt-cpu.lock python tests/bench_advisor_startup.py --repeats 15 [--results-dir DIR]

Issue 15 asks ``advise`` to stay within 1.3x of the scikit-learn import.
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


def commands(results_dir: str | None) -> dict[str, list[str]]:
    extra = ["--results-dir", results_dir] if results_dir else []
    return {
        "import sklearn, numpy": [sys.executable, "-c", "import sklearn, numpy"],
        "kvt advise --no-input --format json": [sys.executable, "-m", "kvt", "advise", "--no-input", "--format",
                                                "json", *extra],
        "kvt claims": [sys.executable, "-m", "kvt", "claims", *extra],
    }


def seconds(cmd: list[str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    took = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--results-dir", default=None)
    args = parser.parse_args()
    cmds = commands(args.results_dir)
    for cmd in cmds.values():  # warm-up: the file cache, .pyc files
        seconds(cmd)
    times: dict[str, list[float]] = {name: [] for name in cmds}
    for _ in range(args.repeats):
        for name, cmd in cmds.items():  # interleaved, so drift hits every command alike
            times[name].append(seconds(cmd))
    base = statistics.median(times["import sklearn, numpy"])
    out = {}
    for name, samples in times.items():
        q1, _, q3 = statistics.quantiles(samples, n=4)
        out[name] = {"median_s": round(statistics.median(samples), 4), "iqr_s": round(q3 - q1, 4),
                     "ratio_to_sklearn": round(statistics.median(samples) / base, 3)}
    print(json.dumps({"repeats": args.repeats, "results_dir": args.results_dir, "timings": out}, indent=2))


if __name__ == "__main__":
    main()
