"""A timing worker of ``kvt check --time``: one backend at one setting (``python -m evidence.check.timing JOB``).

Started by :mod:`evidence.check.timing_run` with ``KERAS_BACKEND`` set, one process per backend and setting, so
that its peak host memory (the process's RSS high-water mark) belongs to that setting alone. The job names the
model (a ``.keras`` file, loaded with ``safe_mode`` on, or a module's ``build_model()``), the setting (Keras's
``jit_compile`` and ``steps_per_execution``, as the performance claim declares them), the batch size and the
windows.

How it measures. The model is compiled again with its own optimizer, loss and metrics (its saved training
configuration; a file without one gets Adam and mean squared error, and the report says so) plus the setting.
Training is ONE ``model.fit`` epoch of ``steps_per_epoch = warm-up + windows x steps per window`` batches of the
same data, so no epoch boundary falls inside a window; a callback stamps the time at the end of every compiled
call (``on_train_batch_end``), which makes Keras turn the step's logs into Python numbers, a sync per call, as
``fit``'s default progress bar (``verbose="auto"``) does too. The first call's time (from ``on_train_begin``) is
the first-step time (tracing and compiling included); the next call is warm-up as well (Keras on TensorFlow and
``torch.compile`` may trace again on the second step); each timed window is the stretch between two stamps
``steps per window`` batches apart. Inference is the same with ``model.predict`` over as many batches, the output
of each call read back to NumPy (what ``predict`` returns anyway). Then the peak host memory (``ru_maxrss``) and,
on a GPU, the peak device memory from the backend's own allocator (:func:`device_peak`).

Every step is written to the job's ``out`` file as it starts and ends
(:class:`evidence.check.trial_common.Record`), so a worker killed at its timeout or out of memory still tells how
far it got.

The compile budget. A watchdog thread (:func:`watch_budget`) follows every compiled call (armed at the start of
training or inference and at every call's end stamp); when one runs past the job's ``compile_budget_s``, it
records ``over_budget`` (the phase, the call, how many seconds it had run) and ends the process at once, so the
parent goes on with the next setting instead of waiting out ``--timeout``. The budget bounds the first call in
practice (tracing and compiling; ``torch.compile`` of a ResNet-50 takes minutes on a 2-core CPU), but any call
is watched. Compilers spend their time in Python or release the GIL while their subprocesses build, so the
thread gets to run.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import sys
import threading
import time
from pathlib import Path
from typing import Any

from evidence.check.trial_common import (
    Record,
    custom_objects,
    generate_inputs,
    import_user_module,
    input_specs,
    save_model_info,
    synthetic_targets,
    to_numpy,
)
from evidence.errors import BadInputError

#: Batch size when neither ``--batch-size`` nor the model's input says one (Keras's own ``fit`` default).
DEFAULT_BATCH = 32
#: Untimed compiled calls before the first window: the first traces and compiles, the second may trace again.
WARMUP_CALLS = 2


def host_peak_bytes() -> int:
    """This process's peak resident memory (``ru_maxrss``; kilobytes on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return int(peak if sys.platform == "darwin" else peak * 1024)


def device_peak(backend: str) -> tuple[int | None, str]:
    """Peak device memory of this process on its first GPU through the backend's own allocator, and the API
    asked: ``tf.config.experimental.get_memory_info``'s ``peak``, JAX's ``Device.memory_stats()``
    ``peak_bytes_in_use``, ``torch.cuda.max_memory_allocated`` (CUDA and ROCm builds alike)."""
    if backend == "tensorflow":
        import tensorflow as tf

        return int(tf.config.experimental.get_memory_info("GPU:0")["peak"]), \
            "tf.config.experimental.get_memory_info('GPU:0')['peak']"
    if backend == "jax":
        import jax

        stats = jax.local_devices()[0].memory_stats() or {}
        peak = stats.get("peak_bytes_in_use")
        return (int(peak) if peak is not None else None), "jax.local_devices()[0].memory_stats()['peak_bytes_in_use']"
    if backend == "torch":
        import torch

        if torch.cuda.is_available():
            return int(torch.cuda.max_memory_allocated()), "torch.cuda.max_memory_allocated()"
        return None, "torch.cuda.is_available() is False"
    return None, f"no device-memory API known for {backend}"


def _recompile(model, jit_compile: Any, spe: int) -> str:
    """Compile ``model`` again with its own training configuration and the setting; how it was compiled."""
    import keras

    config = {}
    try:
        config = dict(model.get_compile_config() or {})
    except Exception:  # a loss or metric that does not serialize: compiled below from the live objects
        config = {}
    if config.get("loss") is not None or config.get("optimizer") is not None:
        config.update(jit_compile=jit_compile, steps_per_execution=spe)
        model.compile_from_config(config)
        return "its own training configuration"
    if getattr(model, "compiled", False) and getattr(model, "loss", None) is not None:
        optimizer = type(model.optimizer).from_config(model.optimizer.get_config())
        model.compile(optimizer=optimizer, loss=model.loss, jit_compile=jit_compile, steps_per_execution=spe)
        return "its own optimizer and loss (metrics left out: they did not serialize)"
    model.compile(optimizer=keras.optimizers.Adam(), loss="mean_squared_error", jit_compile=jit_compile,
                  steps_per_execution=spe)
    return "Adam and mean squared error (the model carries no training configuration)"


class Watch:
    """The compiled call under way: its phase, its number (1: the first) and when it started."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.phase: str | None = None
        self.call = 0
        self.since: float | None = None

    def arm(self, phase: str, call: int) -> None:
        """Call ``call`` of ``phase`` starts now."""
        with self.lock:
            self.phase, self.call, self.since = phase, call, time.perf_counter()

    def disarm(self) -> None:
        """No call is under way."""
        with self.lock:
            self.since = None

    def overrun(self, budget_s: float) -> dict[str, Any] | None:
        """The ``over_budget`` entry when the call under way has run past ``budget_s``; else None."""
        with self.lock:
            if self.since is None:
                return None
            ran = time.perf_counter() - self.since
            if ran <= budget_s:
                return None
            return {"phase": self.phase, "call": self.call, "budget_s": budget_s, "lower_bound_s": round(ran, 2)}


def watch_budget(rec: Record, watch: Watch, budget_s: float, *, poll_s: float = 0.2, stop=os._exit) -> threading.Thread:
    """Start a daemon thread that, once a watched call runs past ``budget_s``, records ``over_budget`` in ``rec``
    (the call's step marked ``over_budget``) and calls ``stop(0)``: the process ends there, nothing after it runs
    (``os._exit``: a compiler's threads and child processes must not hold the worker up)."""

    def loop() -> None:
        while True:
            time.sleep(poll_s)
            over = watch.overrun(budget_s)
            if over is not None:
                rec.data["over_budget"] = over
                entry = rec.data["steps"].get(over["phase"])
                if isinstance(entry, dict):
                    entry["status"] = "over_budget"
                rec.write()
                stop(0)
                return

    thread = threading.Thread(target=loop, name="kvt-compile-budget", daemon=True)
    thread.start()
    return thread


def _timer(keras, phase: str, watch: Watch | None = None):
    """A callback stamping the end of every compiled call of ``phase`` (``train`` or ``predict``); with
    ``watch``, it arms the compile budget's watch at the start and at every stamp, and disarms it at the end."""
    watch = watch or Watch()

    class Timer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.start = 0.0
            self.ends: list[float] = []
            self.losses: list[float] = []

        def on_train_begin(self, logs=None):
            self.start = time.perf_counter()
            watch.arm(phase, 1)

        on_predict_begin = on_train_begin

        def on_train_batch_end(self, batch, logs=None):
            if logs and isinstance(logs.get("loss"), float):
                self.losses.append(logs["loss"])
            self.ends.append(time.perf_counter())
            watch.arm(phase, len(self.ends) + 1)

        def on_predict_batch_end(self, batch, logs=None):
            outputs = (logs or {}).get("outputs")
            if outputs is not None:  # wait for the call's outputs, as predict's own conversion to NumPy does
                leaf = keras.tree.flatten(outputs)[0]
                keras.ops.convert_to_numpy(leaf)
            self.ends.append(time.perf_counter())
            watch.arm(phase, len(self.ends) + 1)

        def on_train_end(self, logs=None):
            watch.disarm()

        on_predict_end = on_train_end

    return Timer()


def windows_of(start: float, ends: list[float], *, spe: int, warmup_calls: int, window_steps: int) -> dict:
    """First-call seconds and each window's seconds per step, from the call end stamps.

    Examples:
        >>> windows_of(0.0, [5.0, 5.5, 6.0, 6.5, 7.0, 7.5], spe=1, warmup_calls=2, window_steps=2)
        {'first_s': 5.0, 'step_s': [0.5, 0.5], 'calls': 6}
    """
    per_window = window_steps // spe
    marks = ends[warmup_calls - 1::per_window]
    step_s = [(b - a) / window_steps for a, b in itertools.pairwise(marks)]
    return {"first_s": round(ends[0] - start, 6) if ends else None, "step_s": [round(s, 7) for s in step_s],
            "calls": len(ends)}


def _tile(value: Any, times: int) -> Any:
    import keras
    import numpy as np

    return keras.tree.map_structure(lambda a: np.concatenate([a] * times), value)


def run(rec: Record, job: dict[str, Any]) -> None:
    """Load or build the model, compile it at the job's setting, time training and inference, read memory."""
    import numpy as np

    spe, windows, window_steps = int(job["steps_per_execution"]), int(job["windows"]), int(job["window_steps"])
    with rec.step("import") as entry:
        import keras

        entry.update(keras_version=keras.__version__, backend=keras.backend.backend())
    if rec.data["steps"]["import"]["status"] != "works":
        return
    model = module = None
    with rec.step("model") as entry:
        if job["mode"] == "module":
            module = import_user_module(Path(job["path"]))
            model = module.build_model()
            if not isinstance(model, keras.Model):
                raise BadInputError(f"build_model() returned {type(model).__name__}, not a Keras model")
        else:
            objects = custom_objects(import_user_module(Path(job["custom_objects"]))) \
                if job.get("custom_objects") else None
            model = keras.saving.load_model(job["path"], custom_objects=objects, compile=True, safe_mode=True)
            if not isinstance(model, keras.Model):
                raise BadInputError(f"the file holds a {type(model).__name__}, not a Keras model")
    if rec.data["steps"]["model"]["status"] != "works":
        return
    specs = input_specs(model)
    save_model_info(rec, model, specs)
    rng = np.random.default_rng(int(job.get("seed", 0)))
    x = y = None
    with rec.step("data") as entry:
        fixed = None
        if specs:
            first_spec = next(iter(specs.values())) if isinstance(specs, dict) else specs[0]
            fixed = first_spec[1][0] if first_spec[1] else None
        batch = job.get("batch_size") or fixed or DEFAULT_BATCH
        entry["batch_size"] = int(batch)
        entry["batch_from"] = ("--batch-size" if job.get("batch_size") else
                               "the model's input batch dimension" if fixed else f"the default, {DEFAULT_BATCH}")
        if module is not None and hasattr(module, "make_data"):
            data = module.make_data()
            if not (isinstance(data, tuple) and len(data) == 2):
                data = next(iter(data))  # a dataset: its first batch
            x, y = to_numpy(data[0]), to_numpy(data[1])
            n = len(keras.tree.flatten(x)[0])
            reps = -(-batch // n)
            x, y = keras.tree.map_structure(lambda a: np.concatenate([a] * reps)[:batch], (x, y))
            entry["source"] = "make_data()'s first samples, repeated to one batch"
        else:
            if specs is None:
                raise BadInputError("cannot derive inputs: the model declares none (a subclassed model); "
                               "define make_data() returning (x, y)")
            x = generate_inputs(model, specs, batch, rng)
            entry["source"] = "synthetic: inputs of the model's shapes"
    if rec.data["steps"]["data"]["status"] != "works":
        return
    batch = rec.data["steps"]["data"]["batch_size"]
    with rec.step("compile") as entry:
        entry["compiled_with"] = _recompile(model, job["jit_compile"], spe)
        entry.update(jit_compile=job["jit_compile"], resolved_jit_compile=getattr(model, "jit_compile", None),
                     steps_per_execution=int(getattr(model, "steps_per_execution", spe) or spe))
        if y is None:
            y, how = synthetic_targets(model, batch, rng)
            rec.data["steps"]["data"]["source"] += f", {how}"
    if rec.data["steps"]["compile"]["status"] != "works":
        return
    calls = WARMUP_CALLS + windows * (window_steps // spe)
    xs, ys = _tile(x, calls * spe), _tile(y, calls * spe)
    watch = Watch()
    if job.get("compile_budget_s"):
        watch_budget(rec, watch, float(job["compile_budget_s"]))
    with rec.step("train") as entry:
        timer = _timer(keras, "train", watch)
        model.fit(xs, ys, batch_size=batch, epochs=1, steps_per_epoch=calls * spe, shuffle=False, verbose=0,
                  callbacks=[timer])
        entry.update(windows_of(timer.start, timer.ends, spe=spe, warmup_calls=WARMUP_CALLS,
                                window_steps=window_steps))
        entry["loss_first"], entry["loss_last"] = (timer.losses[0], timer.losses[-1]) if timer.losses else (None,) * 2
    with rec.step("predict") as entry:
        timer = _timer(keras, "predict", watch)
        model.predict(xs, batch_size=batch, steps=calls * spe, verbose=0, callbacks=[timer])
        entry.update(windows_of(timer.start, timer.ends, spe=spe, warmup_calls=WARMUP_CALLS,
                                window_steps=window_steps))
    with rec.step("memory") as entry:
        entry["host_peak_bytes"] = host_peak_bytes()
        if job.get("accelerator") == "gpu":
            entry["device_peak_bytes"], entry["device_api"] = device_peak(job["backend"])


def main(argv: list[str] | None = None) -> int:
    """Run the job file named on the command line; the record goes to the job's ``out``."""
    argv = sys.argv[1:] if argv is None else argv
    job = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    sys.dont_write_bytecode = True  # importing the user's module must not write __pycache__ beside it
    rec = Record(Path(job["out"]), Path(job["path"]).name if job["mode"] == "module" else None)
    rec.data.update(mode=job["mode"], backend=job["backend"], setting=job["setting"])
    rec.write()
    run(rec, job)
    rec.write()
    return 0


if __name__ == "__main__":
    sys.exit(main())
