"""What the workers of ``backend_portability`` run: train, load, and the corpus. Frameworks are imported here,
inside the functions, and only in worker processes.

Each function returns its typed measurement (:mod:`.measurement`); :mod:`.assess` turns them into the assessment. The
third-party architectures' stages are in :mod:`.measure_architectures`.
"""

from __future__ import annotations

import math
import os
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Any

from evidence.claim import Context, load_program
from evidence.claims.backend_portability.corpus import describe_program
from evidence.claims.backend_portability.measurement import (
    CorpusEntry,
    CorpusRuns,
    LoadedSource,
    ModelLoads,
    ModelTraining,
    TrainAttempt,
)
from evidence.claims.backend_portability.subjects import MODEL_PROGRAM
from evidence.errors import error_info
from evidence.options import TRAINING_BACKENDS
from evidence.timing import summarize

INPUTS_FILE = "inputs.npy"


def save_atomically(path: Path, array) -> None:
    """``np.save`` to a temp name then rename, so a reader never sees half a file."""
    import numpy as np

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
    os.replace(tmp, path)


def _precision(model) -> str | None:
    """The inference precision OpenVINO compiled ``model`` with; None on other backends or when unknown."""
    compiled = getattr(model, "ov_compiled_model", None)  # set by Keras's OpenVINO trainer after predict
    if compiled is None:
        return None
    try:
        return str(compiled.get_property("INFERENCE_PRECISION_HINT").get_type_name())
    except Exception:  # an OpenVINO version without the property, or a renamed attribute: not fatal
        return None


def _compare(predictions, reference) -> dict[str, Any]:
    import numpy as np

    return {
        "max_abs_diff": float(np.max(np.abs(predictions.astype("float64") - reference))),
        "class_agreement": float(np.mean(np.argmax(predictions, -1) == np.argmax(reference, -1))),
        "classes_differing": int(np.sum(np.argmax(predictions, -1) != np.argmax(reference, -1))),
    }


def train(ctx: Context, epochs: int, batch_size: int) -> ModelTraining:
    """Train the model program for ``epochs``; save the model, its test probabilities and the test inputs."""
    import keras
    import numpy as np

    program = load_program(MODEL_PROGRAM)
    epochs = max(epochs, ctx.warmup + ctx.repeats)  # enough epochs are timed after the compiling one
    backend = keras.backend.backend()
    data = program.load_data(program.SEED)
    model = program.build_model(program.SEED)
    start = time.perf_counter()
    out = program.train(model, data, epochs=epochs, batch_size=batch_size, seed=program.SEED)
    train_s = time.perf_counter() - start

    model_path = ctx.workdir / f"{backend}.keras"
    model.save(model_path)
    save_atomically(ctx.workdir / f"{backend}.pred.npy", out["test_probabilities"])
    # Every trainer derives the same test inputs from the fixed split; the first one writes them for the load
    # stage, the others check that theirs are identical.
    inputs_path = ctx.workdir / INPUTS_FILE
    if inputs_path.exists():
        inputs_identical = bool(np.array_equal(np.load(inputs_path), data["x_test"]))
    else:
        save_atomically(inputs_path, data["x_test"])
        inputs_identical = True
    seconds = out["epoch_seconds"]
    torch_threads = None
    if backend == "torch":
        import torch

        torch_threads = torch.get_num_threads()
    return ModelTraining(**{
        "backend": backend, "program": MODEL_PROGRAM, "epochs": epochs, "batch_size": batch_size,
        "train_samples": len(data["x_train"]), "test_samples": len(data["x_test"]),
        "test_accuracy": out["test_accuracy"], "final_loss": out["loss"][-1], "loss_per_epoch": out["loss"],
        "warmup_epochs": ctx.warmup, "warmup_epoch_s": seconds[:ctx.warmup],
        "epoch_time": summarize(seconds[ctx.warmup:]), "train_s": train_s,
        "saved": model_path.name, "saved_bytes": model_path.stat().st_size, "inputs_identical": inputs_identical,
        # Recorded because the claim sets it for torch; None means the backend's default.
        "torch_threads": torch_threads,
    })


def load(ctx: Context, inference_only: bool) -> ModelLoads:
    """Load every training backend's saved file under this backend and predict on the shared test inputs."""
    import keras
    import numpy as np

    program = load_program(MODEL_PROGRAM)
    backend = keras.backend.backend()
    inputs_path = ctx.workdir / INPUTS_FILE
    x = np.load(inputs_path) if inputs_path.exists() else None
    sources: dict[str, Any] = {}
    for src in TRAINING_BACKENDS:
        path, ref_path = ctx.workdir / f"{src}.keras", ctx.workdir / f"{src}.pred.npy"
        if x is None or not path.exists() or not ref_path.exists():
            sources[src] = {"status": "missing", "reason": f"no {path.name}: the {src} train stage did not make one"}
            continue
        reference = np.load(ref_path)
        try:
            start = time.perf_counter()
            # compile=False: a file saved under jax stores jit_compile=True, which under torch would start
            # torch.compile for a prediction.
            model = keras.saving.load_model(path, compile=False)
            predictions = program.predict(model, x)
            entry: dict[str, Any] = {"status": "loaded", "load_predict_s": time.perf_counter() - start}
            entry.update(_compare(predictions, reference))
            entry["precision"] = _precision(model)
        except Exception as exc:  # a file that does not load here is the measurement
            sources[src] = {"status": "error", "error": error_info(exc).model_dump()}
            continue
        if backend == "openvino":
            entry["f32_hint"] = _openvino_f32(program, path, x, reference)
        sources[src] = entry
    return ModelLoads(backend=backend, inputs=len(x) if x is not None else 0,
                      sources={src: LoadedSource(**entry) for src, entry in sources.items()},
                      train_attempt=TrainAttempt(**_train_attempt(program)) if inference_only else None)


def _train_attempt(program: ModuleType) -> dict[str, Any]:
    """The model program's own ``build_model`` and ``train`` for one epoch on a few samples.

    On an inference-only backend this is where "the same code on every backend" stops; the error is kept.
    """
    data = {k: v[:64] for k, v in program.load_data(program.SEED).items()}
    try:
        out = program.train(program.build_model(program.SEED), data, epochs=1, batch_size=32)
        return {"works": True, "final_loss": out["loss"][-1]}
    except Exception as exc:  # NotImplementedError is the expected answer
        return {"works": False, "error": error_info(exc, MODEL_PROGRAM).model_dump()}


def _openvino_f32(program: ModuleType, path: Path, x, reference) -> dict[str, Any]:
    """Load ``path`` again and predict with OpenVINO's ``INFERENCE_PRECISION_HINT=f32``.

    Keras's OpenVINO trainer compiles with ``openvino.compile_model(model, "CPU")`` and no config, and a property
    set on one ``openvino.Core`` does not reach the fresh ``Core`` that function makes, so the only way in is to
    wrap ``openvino.compile_model`` for the duration of this prediction. That touches a Keras internal: if it
    changes, this records an error instead of a number.
    """
    import keras
    import openvino

    original = openvino.compile_model

    def compile_f32(model, device_name="AUTO", config=None):
        return original(model, device_name, {**(config or {}), "INFERENCE_PRECISION_HINT": "f32"})

    openvino.compile_model = compile_f32
    try:
        model = keras.saving.load_model(path, compile=False)
        result = _compare(program.predict(model, x), reference)
        result["precision"] = _precision(model)
        return result
    except Exception as exc:
        return {"error": error_info(exc).model_dump()}
    finally:
        openvino.compile_model = original


def _finite_float(value: Any) -> float | None:
    """``value`` as a float; None when it is not a finite number (JSON has no NaN)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def corpus(ctx: Context, programs: list[str], epochs: int) -> CorpusRuns:
    """Run every corpus program unchanged under this backend, one after the other in this worker.

    Each program runs in a fresh folder of its own; between programs the global state a program may change (the
    dtype policy of a mixed-precision program, the Keras session) is reset, so that one program does not change
    the next. A program's exception is its measurement.
    """
    import keras

    out: dict[str, Any] = {}
    for name in programs:
        folder = tempfile.mkdtemp(prefix=Path(name).stem + "-", dir=ctx.workdir)
        entry: dict[str, Any] = {"info": describe_program(name)}
        start = time.perf_counter()
        try:
            # Loading is inside the try: a program that cannot even import is a failed attempt too.
            result = load_program(name).run(epochs=epochs, workdir=folder)
            entry.update(ran=True, loss_before=_finite_float(result.get("loss_before")),
                         loss_after=_finite_float(result.get("loss_after")),
                         checks={str(k): bool(v) for k, v in (result.get("checks") or {}).items()})
        except Exception as exc:  # the failure of code that does not port is the measurement
            entry.update(ran=False, error=error_info(exc, Path(name).name).model_dump())
        finally:
            keras.config.set_dtype_policy("float32")
            keras.backend.clear_session()
        entry["seconds"] = time.perf_counter() - start
        out[name] = entry
    return CorpusRuns(backend=keras.backend.backend(), epochs=epochs,
                      programs={name: CorpusEntry(**entry) for name, entry in out.items()})
