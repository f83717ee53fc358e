"""``kvt check resnet50.keras --time`` end to end: a ResNet-50 saved to a temp folder, timed under three backends.

Not a test (a speed figure belongs in a benchmark, not a timed unit test); run it under the shared lock::

    flock /tmp/kvt-cpu.lock python tests/bench_check_time.py [--image 32] [--batch-size 16] [--windows N]
        [--window-steps N] [--timeout S] [--compile-budget S] [--settings LIST] [--cold-compile-cache] [--save-example]
        [--save-venue]

Only ``--batch-size`` is passed to ``kvt check`` by default (16, so that a 2-core CPU runs a step in a fraction
of a second); ``--windows``, ``--window-steps``, ``--timeout``, ``--compile-budget`` and ``--settings`` are
passed only when given, so that by default the command's own defaults are what is measured.

The model is ``keras.applications.ResNet50(weights=None)`` (nothing is downloaded: random weights), saved with the
TensorFlow backend into a temporary folder. ``--image 32`` makes its input 32x32x3 (the smallest ResNet50
accepts) and ``classes=10``, so that a step takes a fraction of a second on a 2-core CPU and three backends fit
in a few minutes; the architecture is the full 50-layer network (23.6 M weights). The command's wall time is
measured from outside (the ``kvt`` process's start to its exit). ``--save-example`` writes the JSON report to
``kvt_docs/check_timing_example.json`` (the site's table) and README.md's example block from it;
``--save-venue`` copies the result file ``--out`` wrote into ``evidence/results/contributed/``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "kvt_docs" / "check_timing_example.json"
CONTRIBUTED = ROOT / "evidence" / "results" / "contributed"

SAVE = """
import sys
import keras
model = keras.applications.ResNet50(weights=None, input_shape=({image}, {image}, 3), classes={classes})
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
model.save(sys.argv[1])
print(model.count_params())
"""


def main(argv: list[str] | None = None) -> int:
    """Save the model, run ``kvt check --time`` on it, print the table and the wall time."""
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--image", type=int, default=32)
    p.add_argument("--classes", type=int, default=10)
    p.add_argument("--batch-size", type=int, default=16)
    p.add_argument("--windows", type=int, default=None)
    p.add_argument("--window-steps", type=int, default=None)
    p.add_argument("--settings", default=None)
    p.add_argument("--timeout", type=float, default=None)
    p.add_argument("--compile-budget", type=float, default=None)
    p.add_argument("--cold-compile-cache", action="store_true",
                   help="give torch.compile (Inductor) an empty cache folder (TORCHINDUCTOR_CACHE_DIR), as on a "
                        "user's first run; without it, kernels cached by earlier runs on this machine are reused")
    p.add_argument("--save-example", action="store_true")
    p.add_argument("--save-venue", action="store_true")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="kvt-bench-time-") as tmp:
        model = Path(tmp) / "resnet50.keras"
        env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "2"}
        saved = subprocess.run([sys.executable, "-c", SAVE.format(image=args.image, classes=args.classes),
                                str(model)], env=env, capture_output=True, text=True, check=False)
        if saved.returncode != 0:
            raise SystemExit(f"saving ResNet-50 failed: {saved.stderr[-800:]}")
        print(f"ResNet-50 ({saved.stdout.strip()} weights, {args.image}x{args.image}x3, {args.classes} classes) "
              f"saved: {model.stat().st_size / 2**20:.0f} MiB")
        out = Path(tmp) / "out"
        # Run from the model's folder with its bare name, as a user would: the report names "resnet50.keras".
        cmd = [sys.executable, "-m", "kvt", "check", model.name, "--time", "--batch-size", str(args.batch_size),
               "--format", "json", "--out", "out"]
        for flag, value in (("--windows", args.windows), ("--window-steps", args.window_steps),
                            ("--timeout", args.timeout), ("--compile-budget", args.compile_budget),
                            ("--settings", args.settings)):
            if value is not None:
                cmd += [flag, str(value)]
        start = time.perf_counter()
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (str(ROOT), os.environ.get("PYTHONPATH"))))}
        if args.cold_compile_cache:
            env["TORCHINDUCTOR_CACHE_DIR"] = str(Path(tmp) / "inductor-cache")
        proc = subprocess.run(cmd, cwd=tmp, env=env, capture_output=True, text=True, check=False)
        took = time.perf_counter() - start
        if proc.returncode not in (0, 1):
            raise SystemExit(f"kvt check --time exited {proc.returncode}: {proc.stderr.strip()[-800:]}")
        report = json.loads(proc.stdout)
        shown = subprocess.run([sys.executable, "-c", "import json,sys;from evidence.check.timing_report import "
                                "TimingReport,render_markdown;sys.stdout.write(render_markdown("
                                "TimingReport.model_validate(json.load(sys.stdin))))"],
                               input=json.dumps(report), cwd=ROOT, capture_output=True, text=True, check=True)
        print(shown.stdout)
        print(f"kvt check resnet50.keras --time: exit {proc.returncode}, {took:.0f} s wall ({report['wall_s']:.0f} s "
              "inside the command)")
        if args.save_example:
            EXAMPLE.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
            subprocess.run([sys.executable, "-c", "from kvt_docs.check_timing_page import example, update_readme; "
                            "update_readme(example())"], cwd=ROOT, check=True)
            print(f"wrote {EXAMPLE.relative_to(ROOT)} and README.md's example")
        if args.save_venue:
            CONTRIBUTED.mkdir(parents=True, exist_ok=True)
            for path in out.glob("check_timing.*.json"):
                shutil.copy2(path, CONTRIBUTED / path.name)
                print(f"wrote {(CONTRIBUTED / path.name).relative_to(ROOT)}")
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
