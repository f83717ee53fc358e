"""What the ease-of-use claim's worker measures: every program of the styles the option serves, trained for real
(its test accuracy), and each program file's static record (code metrics, hyper-parameters)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, Context, load_program
from evidence.errors import error_info
from evidence.options import KERAS_OPTIONS

from .assessment import HANDWRITTEN, STYLE_OPTIONS, STYLES, TASKS, program_name

if TYPE_CHECKING:
    from evidence.claim import Claim


def limit_torch_threads() -> int:
    """One intra-op thread for torch; returns the count used.

    Why: on a shared 2-core machine torch's two threads spin against each other and against other
    processes; measured here, an epoch of the MLP took 3-6 s with 2 threads and 0.2 s with 1. This claim
    does not judge speed, and the setting is recorded with the result.
    """
    import torch

    torch.set_num_threads(1)
    return torch.get_num_threads()


def measure(claim: Claim, ctx: Context) -> dict[str, Any]:
    """Run every program of the styles this option serves, and measure each program file."""
    out: dict[str, Any] = {"mode": "quick" if ctx.quick else "full"}
    if ctx.subject == "keras-torch":
        out["torch_threads"] = limit_torch_threads()
    if ctx.subject in KERAS_OPTIONS:
        import keras

        out["backend"] = keras.backend.backend()
    runs: dict[str, dict[str, Any]] = {}
    for style in STYLES:
        if ctx.subject not in STYLE_OPTIONS[style]:
            continue
        for task in TASKS:
            runs.setdefault(style, {})[task] = _run(claim, program_name(task, style), task, ctx.quick)
    out["runs"] = runs
    return out

def _run(claim: Claim, name: str, task: str, quick: bool) -> dict[str, Any]:
    """Train one program; a program that raises is recorded with its error, not a crashed worker."""
    path = PROGRAMS_DIR / name
    entry: dict[str, Any] = {"program": code_metrics.display_path(path), "sha256": code_metrics.file_sha256(path),
                             "record": measure_program(path)}
    start = time.perf_counter()
    try:
        module = load_program(name)
        epochs = int(claim.setting(f"epochs_{task}", quick))
        entry["epochs"] = epochs
        entry.update(status="ran", **module.run(epochs=epochs, seed=module.SEED))
    except Exception as exc:  # the failure is the measurement
        entry.update(status="raised", error=error_info(exc, name).model_dump())
    entry["seconds"] = round(time.perf_counter() - start, 3)
    return entry


def measure_program(path: Path) -> dict[str, Any]:
    """The static record of one program: its code metrics (named by file and sha256), its module-level
    hyper-parameters, and the lines of what it writes by hand for want of a TensorFlow equivalent
    (:data:`HANDWRITTEN`). Needs no framework."""
    record: dict[str, Any] = {"metrics": code_metrics.analyse_file(path).to_dict(),
                              "hyperparameters": code_metrics.module_constants(path)}
    present = [s for s in HANDWRITTEN if _defines(path, s)]
    if present:
        record["handwritten"] = ", ".join(present)
        record["handwritten_lines"] = code_metrics.analyse_symbols(path, present).logical_lines
    return record


def _defines(path: Path, symbol: str) -> bool:
    try:
        code_metrics.symbol_source(path, symbol)
    except LookupError:
        return False
    return True
