"""Wall time of ``kvt check`` on one module for three backends (tensorflow, jax, torch): warm-up first, then timed
repeats, median and spread, with each trial's share from the report.

Not a test (a speed figure belongs in a benchmark, not a timed unit test); run it under the shared lock::

    flock /tmp/kvt-cpu.lock python tests/bench_check.py [--repeats 3] [--targets none] [--out FILE]

The module is ``tests/check_corpus/ops_layer.py`` (a custom keras.ops layer, 5 steps of 8 samples by default).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from evidence.timing import summarize

ROOT = Path(__file__).resolve().parent.parent
MODULE = "tests/check_corpus/ops_layer.py"


def one_run(targets: str, steps: int) -> tuple[float, dict]:
    """Seconds of one ``kvt check`` in a fresh process, and its report (trials' seconds from ``--out``)."""
    with tempfile.TemporaryDirectory(prefix="kvt-bench-check-") as tmp:
        out = Path(tmp) / "out"
        cmd = [sys.executable, "-m", "kvt", "check", MODULE, "--targets", targets, "--steps", str(steps),
               "--format", "json", "--out", str(out)]
        start = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
        took = time.perf_counter() - start
        if proc.returncode not in (0, 1):  # 1: something does not port (an export target asked, say)
            raise SystemExit(f"kvt check exited {proc.returncode}: {proc.stderr.strip()[-500:]}")
        trials = {}
        for record in sorted((out / "trials").glob("*/*.json")):
            if record.name.endswith(".job.json"):
                continue
            steps_ = json.loads(record.read_text()).get("steps", {})
            trials[f"{record.parent.name}/{record.stem}"] = round(sum(
                s.get("seconds") or 0 for s in steps_.values() if isinstance(s, dict) and "status" in s), 2)
        report = json.loads(proc.stdout)
        exports = {b: {t: e["status"] for t, e in r["exports"].items()} for b, r in report["results"].items()}
        return took, {"exit_status": proc.returncode, "report_wall_s": report["wall_s"],
                      "seconds_inside_trials": trials, **({"exports": exports} if any(exports.values()) else {})}


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print (or write) its JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--steps", type=int, default=5)
    parser.add_argument("--targets", default="none", help="--targets of the check (default none)")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    for _ in range(args.warmup):
        one_run(args.targets, args.steps)
    samples, details = [], []
    for _ in range(args.repeats):
        took, detail = one_run(args.targets, args.steps)
        samples.append(took)
        details.append(detail)
    result = {"command": f"kvt check {MODULE} --targets {args.targets} --steps {args.steps}",
              "backends": ["tensorflow", "jax", "torch"], "wall": summarize(samples), "runs": details}
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
