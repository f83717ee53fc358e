"""Serving an artifact in fresh processes, as a server would: cold start, answers, latency, parity.

:func:`run_serving_process` starts :mod:`.child` (``serve``) with :func:`evidence.processes.run_process` (its own
session, killed with its group on a timeout or when the parent dies) and returns what it wrote, or how it died.
:func:`serve_artifact` repeats that for the timed cold starts and compares the last process's answers with the
reference: it works for any artifact of any target whose program has ``load`` and ``predict``, whichever model
it holds.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from evidence.contract import ErrorInfo
from evidence.processes import run_process
from evidence.timing import summarize

from .targets import CHILD, child_error, program_path

SERVE_TIMEOUT_S = 240


def run_serving_process(program: str | os.PathLike, artifact: Path, inputs: Path, out_dir: Path, tag: str, *,
                        python: str | None = None, predictions: bool = False, latency_calls: int = 0,
                        latency_warmup: int = 0, batch_sizes: Sequence[int] = (1, 32), predict_batch: int = 32,
                        latency_budget_s: float = 0.0, timeout_s: float = SERVE_TIMEOUT_S) -> dict[str, Any]:
    """Run :func:`.child.serve` in a fresh process and return its record, or why it produced none.

    ``program`` is a file name under ``evidence/programs/`` or a path; ``python`` the interpreter (default: this
    one; a target's own environment passes its own). Paths are given relative to ``out_dir``, where the process
    runs, so that a loader quoting them in an error names no temporary folder. A process that crashes, is
    killed or times out gives ``{"ok": False, "phase": "process", "how": ...}``. The record's ``error`` is an
    :class:`ErrorInfo` dump.
    """
    program = Path(program)
    if not program.is_absolute() and program.parent == Path("."):
        program = program_path(str(program))
    out = out_dir / f"{tag}.json"
    pred_path = out_dir / f"{tag}.pred.npy"
    out.unlink(missing_ok=True)
    cmd = [python or sys.executable, str(CHILD), "serve", str(program), os.path.relpath(artifact, out_dir),
           "--inputs", os.path.relpath(inputs, out_dir), "--out", str(out),
           "--latency-calls", str(latency_calls), "--latency-warmup", str(latency_warmup),
           "--batch-sizes", ",".join(str(b) for b in batch_sizes), "--predict-batch", str(predict_batch),
           "--latency-budget-s", str(latency_budget_s)]
    if predictions:
        cmd += ["--predictions", str(pred_path)]
    env = dict(os.environ)
    if python and python != sys.executable:
        # Another environment: nothing of the project's may leak into it.
        for key in ("PYTHONPATH", "VIRTUAL_ENV"):
            env.pop(key, None)
    proc = run_process(cmd, timeout_s=timeout_s, cwd=out_dir, env=env, stdout=out_dir / f"{tag}.out",
                       stderr=out_dir / f"{tag}.err")
    if not proc.ok or not out.exists():
        record = {"ok": False, "phase": "process", "how": proc.how(), "stderr_tail": proc.stderr_tail,
                  "wall_s": proc.duration_s}
        record["error"] = child_error(record).model_dump()
        return record
    result = json.loads(out.read_text(encoding="utf-8"))
    result["wall_s"] = proc.duration_s
    if not result.get("ok"):
        result["error"] = child_error(result).model_dump()
        # A native runtime logs why it refused (the kernel, the check) on stderr, not in its exception.
        result["stderr_tail"] = _tail(out_dir / f"{tag}.err")
    elif predictions:
        result["predictions_file"] = str(pred_path)
    return result


def _tail(path: Path, size: int = 2000) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-size:]
    except OSError:
        return ""


def parity(predictions, reference) -> dict[str, Any]:
    """Max abs difference from the reference outputs, and the share of equal arg-max classes (``shape_mismatch``
    instead when the shapes differ)."""
    import numpy as np

    predictions = np.asarray(predictions, dtype="float64")
    reference = np.asarray(reference, dtype="float64")
    if predictions.shape != reference.shape:
        return {"shape_mismatch": [list(predictions.shape), list(reference.shape)]}
    return {
        "max_abs_diff": float(np.max(np.abs(predictions - reference))) if predictions.size else 0.0,
        "class_agreement": float(np.mean(np.argmax(predictions, -1) == np.argmax(reference, -1))),
    }


def judge_parity(agreement: dict[str, Any], tolerance: float) -> tuple[str, str | None]:
    """``("works", None)`` when the answers match the reference within ``tolerance``, else ``("fails", why)``."""
    if "max_abs_diff" not in agreement:
        got, want = agreement["shape_mismatch"]
        return "fails", f"output shape {got} instead of {want}"
    if agreement["max_abs_diff"] > tolerance:
        return "fails", (f"outputs differ from the original model by {agreement['max_abs_diff']:.1e} "
                         f"(tolerance {tolerance:g})")
    return "works", None


def serve_artifact(program: str, artifact: Path, inputs: Path, reference: Path, runs_dir: Path, *,
                   processes: int, warmup_processes: int, latency_calls: int, latency_warmup: int,
                   batch_sizes: Sequence[int], tolerance: float, python: str | None = None, predict_batch: int = 32,
                   latency_budget_s: float = 0.0, timeout_s: float = SERVE_TIMEOUT_S) -> dict[str, Any]:
    """Serve ``artifact`` in ``warmup_processes`` + ``processes`` fresh processes and judge its answers.

    Each process imports the runtime, loads the artifact and answers one input (the cold start, split into
    import, load and first answer); the last one also predicts every input (compared with ``reference``, a
    ``.npy`` file) and times ``latency_calls`` calls per batch size after ``latency_warmup`` untimed ones.
    Returns ``status`` (``works``/``fails``/``unavailable``: the runtime cannot be imported), ``stage`` where it
    stopped, and the measurements.
    """
    import numpy as np

    runs_dir.mkdir(parents=True, exist_ok=True)
    cold: list[dict[str, Any]] = []
    last: dict[str, Any] = {}
    for i in range(warmup_processes + processes):
        final = i == warmup_processes + processes - 1
        last = run_serving_process(program, artifact, inputs, runs_dir, f"run{i}", python=python,
                                   predictions=final, latency_calls=latency_calls if final else 0,
                                   latency_warmup=latency_warmup, batch_sizes=batch_sizes,
                                   predict_batch=predict_batch, latency_budget_s=latency_budget_s,
                                   timeout_s=timeout_s)
        if not last.get("ok"):
            err = last["error"]
            unavailable = last.get("phase") == "import" and err.get("missing_module")
            return {"status": "unavailable" if unavailable else "fails", "stage": last.get("phase"),
                    "reason": ErrorInfo(**err).text(300), "error": err, "stderr_tail": last.get("stderr_tail")}
        if i >= warmup_processes:
            cold.append(last)
    out: dict[str, Any] = {
        "cold_start": summarize([r["cold_start_s"] for r in cold]),
        "import_s": statistics.median(r["import_s"] for r in cold),
        "load_s": statistics.median(r["load_s"] for r in cold),
        "first_answer_s": statistics.median(r["first_answer_s"] for r in cold),
        "process_wall_s": statistics.median(r["wall_s"] for r in cold),
        "warmup_processes": warmup_processes,
        "latency": last.get("latency", {}),  # absent when latency_calls is 0
        "serving_distributions": last["imported"],
    }
    agreement = parity(np.load(last["predictions_file"]), np.load(reference))
    out.update(agreement)
    if "signature" in last:
        out["signature"] = last["signature"]
    status, why = judge_parity(agreement, tolerance)
    out.update(status=status, stage="compare" if why else None, reason=why)
    return out
