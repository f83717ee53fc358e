"""Start-up of ``kvt evidence show`` and ``kvt claims`` as ratios to ``python -c "import pydantic, rich"``, measured
in one run: fresh processes, interleaved so that drift hits every command alike, a warm-up round first, median and
interquartile range, of wall-clock time and of CPU time (user + system, which a loaded machine inflates less).
Issue 21 asks both to start in under twice the time of that import. ``kvt evidence show community`` (one claim
in the decide/report shape) is timed beside them. Each reader is timed twice: as a user runs it again (its rows
from the row cache, kvt/row_cache.py, which the warm-up round fills) and with ``KVT_ROWS_CACHE=off`` (every result
validated and judged: the first read after a result or the code changed).

Not a test (a speed target belongs in a benchmark, not a timed unit test); run it under the shared lock::

    flock /tmp/kvt-cpu.lock python tests/bench_reader_startup.py --repeats 15 [--results-dir DIR]

It prints one JSON object: per command its median and IQR in seconds and its ratio to the baseline's median.

Byte code: the baseline's modules come compiled (pip writes their ``.pyc`` at install); with
``PYTHONDONTWRITEBYTECODE=1`` and no ``__pycache__`` in the checkout, kvt's own modules are compiled from source on
every start (measured 2026-12-07: about 0.15 s of CPU, 9x instead of 7x the baseline). Run a command once without
that variable first to compare like with like.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "import pydantic, rich"
#: A second reference, for reading the ratios: what any command pays that validates one pydantic model and prints a
#: Rich table (``import pydantic, rich`` imports neither pydantic-core nor Rich's console, both lazily loaded).
FLOOR = ("from pydantic import BaseModel; from rich.console import Console; from rich.table import Table\n"
         "class M(BaseModel):\n    a: int\n"
         "M(a=1); t = Table(); t.add_column('a'); Console(file=open('/dev/null', 'w')).print(t)")


#: The environment of the readers timed without their row cache (kvt/row_cache.py): every read in full.
NO_CACHE = {"KVT_ROWS_CACHE": "off"}


def commands(results_dir: str | None) -> dict[str, tuple[list[str], dict[str, str]]]:
    """The commands timed, by name, with their extra environment: the baseline, then the two readers as a user
    runs them a second time (rows from the cache the warm-up round filled) and with the cache off."""
    extra = ["--results-dir", results_dir] if results_dir else []
    kvt = [sys.executable, "-m", "kvt"]
    readers = {
        "kvt evidence show": [*kvt, "evidence", "show", *extra],
        "kvt claims": [*kvt, "claims", *extra],
        "kvt evidence show community": [*kvt, "evidence", "show", "community", *extra],
    }
    return {
        BASELINE: ([sys.executable, "-c", BASELINE], {}),
        "one pydantic model and a Rich table": ([sys.executable, "-c", FLOOR], {}),
        **{name: (cmd, {}) for name, cmd in readers.items()},
        **{f"{name} (no row cache)": (cmd, NO_CACHE) for name, cmd in readers.items()},
    }


def seconds(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system) of one run of ``cmd`` (it must exit 0)."""
    full_env = {**os.environ, **env}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False, env=full_env)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {proc.stderr.strip()[-300:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    """Time the commands and print the medians, spreads and ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--results-dir", default=None)
    args = parser.parse_args()
    cmds = commands(args.results_dir)
    for cmd, env in cmds.values():  # warm-up: the file cache, .pyc files, the row cache
        seconds(cmd, env)
    times: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in cmds}
    for _ in range(args.repeats):
        for name, (cmd, env) in cmds.items():
            wall, cpu = seconds(cmd, env)
            times[name]["wall"].append(wall)
            times[name]["cpu"].append(cpu)
    out = {}
    for name, kinds in times.items():
        out[name] = {}
        for kind, samples in kinds.items():
            base = statistics.median(times[BASELINE][kind])
            q1, _, q3 = statistics.quantiles(samples, n=4)
            out[name][kind] = {"median_s": round(statistics.median(samples), 4), "iqr_s": round(q3 - q1, 4),
                               "ratio_to_baseline": round(statistics.median(samples) / base, 2)}
    print(json.dumps({"repeats": args.repeats, "python": sys.version.split()[0], "load_average": os.getloadavg(),
                      "commands": out}, indent=2))


if __name__ == "__main__":
    main()
