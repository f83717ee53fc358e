"""What a worker measures for one subject of ``architecture``: a backend name tried, tf.keras inspected, or the
release history read. Frameworks are imported inside the functions only, in the worker.

Each Keras is driven through its own documented API: Keras 3 through ``keras.ops`` and a ``keras.Input`` in a
``Sequential``; Keras 2 (multi-backend 2.2, or 2.15) through ``keras.backend`` and an ``input_shape`` on the first
layer, as its guides wrote it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from pydantic import BaseModel, ConfigDict

from evidence.claim import FrameworkUnavailable
from evidence.claims.community import DATA_FILE, LISTING_DATE, months_between, read_listing
from evidence.errors import error_from_text, error_info
from evidence.timing import summarize


class BackendProbe(BaseModel):
    """One ``KERAS_BACKEND`` name tried: each step's outcome, and the error of a step that failed."""

    model_config = ConfigDict(extra="forbid")

    requested: str | None
    imports: bool
    import_error: dict | None = None
    keras_version: str | None = None
    active_backend: str | None = None
    ops_api: str | None = None
    op_result: float | None = None
    ops: bool | None = None
    ops_error: dict | None = None
    predicts: bool | None = None
    predict_error: dict | None = None
    trains: bool | None = None
    train_error: dict | None = None
    cold_import_s: dict | None = None


def _op(keras) -> tuple[str, float]:
    """sum(x @ x.T) of a 4x3 matrix of ones (48.0), through the Keras version's own tensor API."""
    if hasattr(keras, "ops"):
        ops = keras.ops
        x = ops.ones((4, 3))
        return "keras.ops", float(ops.convert_to_numpy(ops.sum(ops.matmul(x, ops.transpose(x)))))
    k = keras.backend  # Keras 2: the backend module is the tensor API
    x = k.ones((4, 3))
    return "keras.backend", float(k.eval(k.sum(k.dot(x, k.transpose(x)))))


def _model(keras):
    """A tiny classifier, built the way the Keras version documents."""
    if int(keras.__version__.split(".")[0]) >= 3:
        return keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                                 keras.layers.Dense(2, activation="softmax")])
    return keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                             keras.layers.Dense(2, activation="softmax")])


def try_backend() -> BackendProbe:
    """In a worker whose KERAS_BACKEND is set: import keras, run an op, predict, fit; record each step."""
    requested = os.environ.get("KERAS_BACKEND")
    try:
        import keras
    except ModuleNotFoundError as exc:
        if exc.name == "keras":
            raise FrameworkUnavailable(f"keras is not installed ({exc})") from exc
        return BackendProbe(requested=requested, imports=False, import_error=error_info(exc).model_dump())
    except Exception as exc:  # the experiment is whether this fails, and how
        return BackendProbe(requested=requested, imports=False, import_error=error_info(exc).model_dump())
    import numpy as np

    out = BackendProbe(requested=requested, imports=True, keras_version=keras.__version__,
                       active_backend=keras.backend.backend())
    try:
        out.ops_api, out.op_result = _op(keras)
        out.ops = True
    except Exception as exc:
        out.ops, out.ops_error = False, error_info(exc).model_dump()
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(32, 4)).astype("float32"), rng.integers(0, 2, size=(32,))
    model = _model(keras)
    try:
        model.predict(xs, verbose=0)
        out.predicts = True
    except Exception as exc:
        out.predicts, out.predict_error = False, error_info(exc).model_dump()
    try:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(xs, ys, epochs=1, batch_size=16, verbose=0)
        out.trains = True
    except Exception as exc:
        out.trains, out.train_error = False, error_info(exc).model_dump()
    return out


def cold_import_times(repeats: int) -> dict[str, Any]:
    """Seconds a fresh ``python -c 'import keras'`` takes under this worker's backend, ``repeats`` times."""
    samples = []
    for _ in range(repeats):
        proc = subprocess.run(
            [sys.executable, "-c",
             "import time; t = time.perf_counter(); import keras; print(time.perf_counter() - t)"],
            capture_output=True, text=True, timeout=120, env=dict(os.environ),
        )
        if proc.returncode != 0:
            return {"error": error_from_text(proc.stderr).model_dump()}
        samples.append(float(proc.stdout.strip().splitlines()[-1]))
    return summarize(samples)


def inspect_tf_keras() -> dict[str, Any]:
    """What ``tf.keras`` is in the installed TensorFlow: module, version, and whether it is Keras 3."""
    import keras
    import tensorflow as tf

    tfk = tf.keras
    return {
        "tensorflow_version": tf.__version__,
        "keras_version": keras.__version__,
        "tf_keras_module": getattr(tfk, "__name__", type(tfk).__name__),
        "tf_keras_version": getattr(tfk, "__version__", None),
        "tf_keras_model_is_keras_model": tfk.Model is keras.Model,
        "tf_keras_dense_is_keras_dense": tfk.layers.Dense is keras.layers.Dense,
        "tf_use_legacy_keras": os.environ.get("TF_USE_LEGACY_KERAS"),
    }


def release_history() -> dict[str, Any]:
    """Last release of the article's backends and of today's frameworks, from the PyPI listing."""
    rows = {r["name"].lower(): r for r in read_listing()}
    listing_month = LISTING_DATE[:7]
    out = {}
    for name in ("theano", "cntk", "tensorflow", "keras", "jax", "torch"):
        row = rows.get(name)
        if row is None:
            out[name] = None
            continue
        out[name] = {"version": row["version"], "month": row["month"],
                     "months_before_listing": months_between(row["month"], listing_month)}
    return {"source": f"PyPI listing of {LISTING_DATE} ({DATA_FILE})", "last_release": out}


def measure_backend(repeats: int) -> dict[str, Any]:
    """One backend subject: the probe, and the cold import times where Keras imported."""
    probe = try_backend()
    if probe.imports:
        probe.cold_import_s = cold_import_times(repeats)
    return probe.model_dump(exclude_none=True)
