"""The zoo class inside a worker: each (model, phase, setting) cell prepared, warmed up and timed in windows.

A cell is one program's ``prepare(...)`` (``perf_zoo_keras.py``, ``perf_zoo_tf.py``, ``perf_zoo_jax.py``,
``perf_zoo_torch.py``), which returns a step that runs one training step, one inference batch or one generation
call and waits for its result. The first call is timed on its own (it traces and compiles); then ``warmup`` more
untimed calls; then ``windows`` timed windows of ``steps_per_window`` calls each, with no epoch boundary, data
loading or logging inside a window. The peak resident memory of the process is sampled while the cell runs.
Only worker processes import this module's callers' frameworks; this module imports none.
"""

from __future__ import annotations

import contextlib
import gc
import os
import signal
import threading
import time
from typing import Any

from evidence.errors import KvtError, error_info

GIB = 1024**3


class PeakRss:
    """The largest resident set size of this process while it runs, sampled every ``every`` seconds."""

    def __init__(self, every: float = 0.05):
        self.every = every
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._page = os.sysconf("SC_PAGE_SIZE")

    def _read(self) -> int:
        with open("/proc/self/statm", encoding="ascii") as f:
            return int(f.read().split()[1]) * self._page

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self._read())
            self._stop.wait(self.every)

    def __enter__(self) -> PeakRss:
        self.peak = self._read()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self._read())


def time_step(step, *, warmup: int, windows: int, steps_per_window: int) -> dict[str, Any]:
    """The first call's seconds, then per-step seconds of each timed window (window time / its steps)."""
    start = time.perf_counter()
    step()
    first_s = time.perf_counter() - start
    for _ in range(warmup):
        step()
    samples = []
    for _ in range(windows):
        start = time.perf_counter()
        for _ in range(steps_per_window):
            step()
        samples.append((time.perf_counter() - start) / steps_per_window)
    return {"first_s": first_s, "samples_s": samples, "warmup": warmup, "steps_per_window": steps_per_window}


class CellTimeout(KvtError):
    """A cell ran past the worker's hard limit (raised by an alarm, recorded as the cell's error)."""


@contextlib.contextmanager
def time_limit(seconds: float):
    """Raise :class:`CellTimeout` in the main thread after ``seconds``: a compile that would outlast the runner's
    timeout fails its own cell instead of killing the worker with every cell it had timed."""
    def alarm(signum, frame):
        raise CellTimeout(f"the cell ran past the worker's time limit ({seconds:.0f} s left when it started)")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, max(1.0, seconds))
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def run_cell(program, cell: dict[str, Any], *, deadline: float, hard_deadline: float | None = None
             ) -> dict[str, Any]:
    """Prepare and time one cell; its record (``ok`` with timings, ``failed`` with the error, or ``unavailable``
    when the worker's time budget ran out before it started or a package it needs is missing). A cell still
    running at ``hard_deadline`` (monotonic seconds) is stopped and recorded failed."""
    base = {k: cell[k] for k in ("model", "phase", "setting", "batch", "shape", "new_tokens")}
    if time.monotonic() > deadline:
        return {**base, "status": "unavailable", "reason": "the worker's time budget was spent before this cell"}
    zoo = program.zoo
    framework = "torch" if "perf_zoo_torch" in program.__file__ else "keras"
    missing = zoo.availability(cell["model"], framework)
    if missing:
        return {**base, "status": "unavailable", "reason": missing}
    step = None
    limit = (hard_deadline - time.monotonic()) if hard_deadline else 24 * 3600.0
    with PeakRss() as rss:
        try:
            with time_limit(limit):
                start = time.perf_counter()
                step, info = program.prepare(cell["model"], cell["size"], cell["program_phase"],
                                             batch=cell["batch"], shape=cell["shape"], new_tokens=cell["new_tokens"],
                                             **cell["kwargs"])
                build_s = time.perf_counter() - start
                timing = time_step(step, warmup=cell["warmup"], windows=cell["windows"],
                                   steps_per_window=cell["steps_per_window"])
            out = {**base, "status": "ok", "build_s": build_s, **timing,
                   "info": {k: v if isinstance(v, int | float | str | bool) or v is None else str(v)
                            for k, v in info.items()}}
        except Exception as exc:  # a setting that breaks on a model is a finding, not the end of the worker
            out = {**base, "status": "failed",
                   "error": error_info(exc, program=os.path.basename(program.__file__)).model_dump()}
    del step
    gc.collect()
    out["peak_rss_gib"] = rss.peak / GIB
    return out


def parity(workdir: str, size: str) -> dict[str, Any]:
    """Same function across engines: transformers' BERT and GPT-2 copied into KerasHub through KerasHub's own
    checkpoint converter, outputs compared on the zoo's inputs (run in the PyTorch worker, Keras on torch)."""
    import numpy as np

    from evidence.claim import load_program

    zoo = load_program("zoo.py")
    out: dict[str, Any] = {"torchvision_shim": False}
    for name in ("bert_base", "gpt2_small"):
        missing = zoo.availability(name, "torch") or zoo.availability(name, "keras")
        if missing:
            out[name] = {"status": "unavailable", "reason": missing}
            continue
        try:
            import keras
            import torch

            model = zoo.build_torch(name, size).eval()
            keras_model = zoo.keras_from_torch(name, model, workdir)
            kx, _ = zoo.keras_inputs(name, size, 2)
            tx, _ = zoo.torch_inputs(name, size, 2)
            with torch.inference_mode():
                ref = (model if name == "bert_base" else model.transformer)(**tx).last_hidden_state.numpy()
            got = keras_model(kx)
            got = keras.ops.convert_to_numpy(got["sequence_output"] if isinstance(got, dict) else got)
            out[name] = {"status": "ok", "max_abs_diff": float(np.max(np.abs(got - ref))),
                         "scale": float(np.max(np.abs(ref))), "torch_parameters": zoo.count_parameters(model),
                         "keras_parameters": zoo.count_parameters(keras_model)}
        except Exception as exc:
            out[name] = {"status": "failed", "error": error_info(exc).model_dump()}
    out["torchvision_shim"] = bool(zoo.TORCHVISION_SHIM)
    return out
