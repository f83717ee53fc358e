"""What runs in a fresh process: load an artifact and answer (``serve``), or export a saved model (``export``).

Run by path, as a script, so that it imports nothing of the project: the same file works in the project's
environment and in a target's own virtual environment (:mod:`.envs`), where only the standard library, numpy and
the target's packages are installed. A program (``evidence/programs/deploy_*.py``) is run with :func:`runpy.run_path`
and its functions called. What happened goes to a JSON file; an exception is recorded with its phase, its
traceback (the parent turns it into an :class:`~evidence.contract.ErrorInfo` with
:func:`evidence.errors.error_from_text`) and the module whose import failed; a crash of the process itself (a
segfault in a native loader) leaves no JSON, and the parent records its exit status instead.

    python evidence/runtimes/child.py serve PROGRAM ARTIFACT --inputs x.npy --out out.json
    KERAS_BACKEND=torch python evidence/runtimes/child.py export PROGRAM export_keras model.keras out.pt2 \\
        --out out.json
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import statistics
import sys
import time
import traceback
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path
from typing import Any


def percentiles(samples: Sequence[float]) -> dict[str, Any]:
    """p50/p90/p99, mean, min and max of per-call seconds, in milliseconds.

    Percentiles by :func:`statistics.quantiles` with the inclusive method (linear interpolation between order
    statistics, as ``numpy.percentile``'s default).
    """
    ordered = sorted(samples)
    if not ordered:
        raise ValueError("Expected at least one sample; received none")
    cuts = statistics.quantiles(ordered, n=100, method="inclusive") if len(ordered) > 1 else [ordered[0]] * 99
    return {"p50_ms": cuts[49] * 1e3, "p90_ms": cuts[89] * 1e3, "p99_ms": cuts[98] * 1e3,
            "mean_ms": statistics.fmean(ordered) * 1e3, "min_ms": ordered[0] * 1e3, "max_ms": ordered[-1] * 1e3,
            "calls": len(ordered)}


def imported_distributions(modules: set[str]) -> list[str]:
    """The distributions that provide the top-level packages of ``modules`` (standard library left out)."""
    tops = {m.split(".")[0] for m in modules} - set(sys.stdlib_module_names)
    tops = {t for t in tops if not t.startswith(("kvt_program", "evidence", "__", "child"))}
    mapping = metadata.packages_distributions()
    return sorted({d for t in tops for d in mapping.get(t, [])})


def _failure(exc: BaseException, phase: str) -> dict[str, Any]:
    missing = None
    current: BaseException | None = exc
    for _ in range(8):
        if current is None:
            break
        if isinstance(current, ImportError) and getattr(current, "name", None):
            missing = current.name
            break
        current = current.__cause__ or current.__context__
    if missing is None and isinstance(exc, ImportError):
        # Keras raises a plain ImportError ("install the `litert-torch` package") with no module name.
        text = str(exc)
        if "install the `" in text:
            missing = text.split("install the `", 1)[1].split("`", 1)[0]
    cls = type(exc)
    name = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
    return {"ok": False, "phase": phase, "type": name, "message": str(exc)[:4000],
            "traceback": "".join(traceback.format_exception(exc)), "missing_module": missing}


def write_json(path: Path, payload: Any) -> None:
    """Write ``payload`` to ``path`` atomically (a reader never sees half a file)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def _program(path: str) -> dict[str, Any]:
    return runpy.run_path(path, run_name="kvt_program")


def _latency(program: dict[str, Any], artifact: Any, x, batch: int, calls: int, warmup: int,
             budget_s: float = 0.0) -> dict[str, Any]:
    """Time up to ``calls`` calls at ``batch`` rows after ``warmup`` untimed ones; with ``budget_s`` > 0, stop
    once the timed calls have taken that long (at least 3 calls), so that a large model's batch stays bounded."""
    import numpy as np

    starts = range(0, len(x) - batch + 1, batch) if batch > 1 else range(len(x))
    batches = [np.ascontiguousarray(x[s:s + batch]) for s in starts]
    if not batches:
        raise ValueError(f"Expected at least {batch} inputs to time batch {batch}; received {len(x)}")
    predict = program["predict"]
    for i in range(warmup):
        predict(artifact, batches[i % len(batches)])
    samples = []
    for i in range(calls):
        xb = batches[i % len(batches)]
        start = time.perf_counter()
        predict(artifact, xb)
        samples.append(time.perf_counter() - start)
        if budget_s and len(samples) >= 3 and sum(samples) >= budget_s:
            break
    return percentiles(samples)


def serve(args: argparse.Namespace) -> dict[str, Any]:
    """Import the program (its runtime), load the artifact, answer one input; optionally all inputs and latency.

    Timed from just before the program runs (which imports its runtime) to its first answer; numpy is imported
    before the clock starts, since every runtime needs it.
    """
    import numpy as np

    x = np.load(args.inputs)
    baseline = set(sys.modules)
    result: dict[str, Any] = {"ok": False, "pid": os.getpid()}
    phase = "import"
    try:
        t0 = time.perf_counter()
        program = _program(args.program)
        t1 = time.perf_counter()
        phase = "load"
        artifact = program["load"](args.artifact)
        t2 = time.perf_counter()
        phase = "answer"
        first = np.asarray(program["predict"](artifact, x[:1]))
        t3 = time.perf_counter()
        result.update(import_s=t1 - t0, load_s=t2 - t1, first_answer_s=t3 - t2, cold_start_s=t3 - t0,
                      first_answer_shape=list(first.shape))
        if "describe_signature" in program:
            result["signature"] = program["describe_signature"](artifact)
        if args.predictions:
            phase = "predict"
            step = args.predict_batch
            predictions = np.concatenate([np.asarray(program["predict"](artifact, x[s:s + step]))
                                          for s in range(0, len(x), step)])
            with open(args.predictions, "wb") as fh:
                np.save(fh, predictions)
        if args.latency_calls:
            phase = "latency"
            result["latency"] = {
                str(b): _latency(program, artifact, x, int(b), args.latency_calls, args.latency_warmup,
                                 args.latency_budget_s)
                for b in args.batch_sizes.split(",")
            }
        result["ok"] = True
    except Exception as exc:  # what the loader says about a bad artifact is the measurement
        result.update(_failure(exc, phase))
    result["imported"] = imported_distributions(set(sys.modules) - baseline)
    return result


def export(args: argparse.Namespace) -> dict[str, Any]:
    """Load a ``.keras`` file under this process's ``KERAS_BACKEND`` and call the program's export function."""
    baseline = set(sys.modules)
    phase = "import"
    start = time.perf_counter()
    try:
        import keras

        phase = "load"
        model = keras.saving.load_model(args.model, compile=False)
        program = _program(args.program)
        phase = "export"
        start = time.perf_counter()
        program[args.function](model, args.artifact)
        out: dict[str, Any] = {"ok": True, "seconds": time.perf_counter() - start,
                               "keras_version": keras.__version__, "backend": keras.backend.backend()}
    except Exception as exc:  # a route that does not work is the measurement
        out = {**_failure(exc, phase), "seconds": time.perf_counter() - start}
    out["imported"] = imported_distributions(set(sys.modules) - baseline)
    return out


def main(argv: list[str] | None = None) -> int:
    """Entry point: ``serve`` or ``export``; writes ``--out`` (unless the process itself dies), then exits."""
    parser = argparse.ArgumentParser(prog="child.py")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve")
    s.add_argument("program")
    s.add_argument("artifact")
    s.add_argument("--inputs", required=True, type=Path)
    s.add_argument("--out", required=True, type=Path)
    s.add_argument("--predictions", type=Path)
    s.add_argument("--latency-calls", type=int, default=0)
    s.add_argument("--latency-warmup", type=int, default=0)
    s.add_argument("--batch-sizes", default="1,32")
    s.add_argument("--predict-batch", type=int, default=32)
    s.add_argument("--latency-budget-s", type=float, default=0.0)
    e = sub.add_parser("export")
    e.add_argument("program")
    e.add_argument("function")
    e.add_argument("model")
    e.add_argument("artifact")
    e.add_argument("--out", required=True, type=Path)
    args = parser.parse_args(argv)
    write_json(args.out, serve(args) if args.command == "serve" else export(args))
    sys.stdout.flush()
    sys.stderr.flush()
    # The record is written: skip the interpreter's teardown, which for TensorFlow or torch takes about a second
    # and is no part of what is measured (the cold start ends at the first answer).
    os._exit(0)


if __name__ == "__main__":
    # Run as a script, this file's folder heads sys.path: drop it, so that its neighbours (targets.py,
    # browser.py...) cannot shadow a runtime's own modules.
    here = Path(__file__).resolve().parent
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != here]
    sys.exit(main())
