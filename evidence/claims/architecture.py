"""Claim ``architecture``: Keras is a high-level API on top of TensorFlow, CNTK or Theano.

Method: one worker per backend name sets ``KERAS_BACKEND`` to it and tries, in order, ``import keras``, a
tensor op, ``predict`` and one ``fit`` epoch of a tiny model, recording each step's outcome and the exact
error where one fails; it also times a cold ``import keras`` in fresh processes. Another worker checks what
``tf.keras`` resolves to in the installed TensorFlow, and a third reads when Theano and CNTK last released from
the PyPI listing of 2026-11-25. Sub-claim (c), TensorFlow's extra architectural freedom, is tested by the
``extensibility`` claim.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from evidence.claim import Claim, Context, FrameworkUnavailable, Verdict, missing_subjects
from evidence.claims.community import DATA_FILE, LISTING_DATE, months_between, read_listing
from evidence.timing import summarize

#: Backend names tried, with the module each one needs beyond keras. Theano and CNTK need none: Keras 3
#: rejects the name itself, whether or not the old package is installed.
BACKENDS: dict[str, str | None] = {
    "tensorflow": "tensorflow",
    "jax": "jax",
    "torch": "torch",
    "numpy": None,
    "openvino": "openvino",
    "theano": None,
    "cntk": None,
}
TRAINING_ARTICLE_BACKENDS = ("tensorflow", "cntk", "theano")  # the three the article names


def _error(exc: BaseException) -> str:
    """``Type: message`` of an exception, first line only, as a user would see it."""
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".strip()


def try_backend() -> dict[str, Any]:
    """In a worker whose KERAS_BACKEND is set: import keras, run an op, predict, fit; record each step."""
    out: dict[str, Any] = {"requested": os.environ.get("KERAS_BACKEND")}
    try:
        import keras
    except ModuleNotFoundError as exc:
        if exc.name == "keras":
            raise FrameworkUnavailable(f"keras is not installed ({exc})") from exc
        out.update(imports=False, import_error=_error(exc))
        return out
    except Exception as exc:  # the experiment is whether this fails, and how
        out.update(imports=False, import_error=_error(exc))
        return out
    import numpy as np

    out.update(imports=True, keras_version=keras.__version__, active_backend=keras.backend.backend())
    try:
        x = keras.ops.ones((4, 3))
        out["op_result"] = float(keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.matmul(x, keras.ops.transpose(x)))))
        out["ops"] = True
    except Exception as exc:
        out.update(ops=False, ops_error=_error(exc))
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(32, 4)).astype("float32"), rng.integers(0, 2, size=(32,))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    try:
        model.predict(xs, verbose=0)
        out["predicts"] = True
    except Exception as exc:
        out.update(predicts=False, predict_error=_error(exc))
    try:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(xs, ys, epochs=1, batch_size=16, verbose=0)
        out["trains"] = True
    except Exception as exc:
        out.update(trains=False, train_error=_error(exc))
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
            return {"error": proc.stderr.strip().splitlines()[-1] if proc.stderr.strip() else "failed"}
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


class ArchitectureClaim(Claim):
    """Which backends Keras runs on today, and what tf.keras is."""

    id = "architecture"
    dimension = "Architecture"
    title = "Keras is a high-level API running on TensorFlow, CNTK or Theano"
    statement = ("Keras is only a front end: it runs on top of an engine — TensorFlow, CNTK or Theano — while "
                 "TensorFlow is the full framework underneath and gives more freedom to shape architectures.")
    sub_claims = {
        "a": "Which backends Keras accepts today, and whether Theano and CNTK still work.",
        "b": "Whether tf.keras in current TensorFlow is the standalone Keras 3.",
        "c": "Whether TensorFlow allows more architectural customisation (tested by the extensibility claim).",
    }
    subjects = (*(f"backend-{name}" for name in BACKENDS), "tf-keras", "pypi-listing")
    data_files = (DATA_FILE,)
    thresholds = {
        # A backend whose package has not released for this many months counts as discontinued.
        "discontinued_after_months": 36,
    }
    repeats = (1, 5)
    warmup = 0  # each cold import is its own fresh process: there is nothing to warm up
    timeout_s = (240, 600)

    def keras_backend(self, subject: str) -> str | None:
        """``backend-NAME`` runs under NAME; ``tf-keras`` under tensorflow."""
        if subject.startswith("backend-"):
            return subject.removeprefix("backend-")
        return "tensorflow" if subject == "tf-keras" else None

    def requirements(self, subject: str) -> tuple[str, ...]:
        """The backend's own package for the engines that have one.

        keras itself is not listed: with KERAS_BACKEND=theano importing it raises, and that error is the
        measurement; a missing keras is detected by the measurement itself.
        """
        if subject.startswith("backend-"):
            extra = BACKENDS[subject.removeprefix("backend-")]
            return (extra,) if extra else ()
        return ("keras", "tensorflow") if subject == "tf-keras" else ()

    def measure(self, ctx: Context) -> dict[str, Any]:
        """Try one backend, inspect tf.keras, or read the release history, depending on the subject."""
        if ctx.subject.startswith("backend-"):
            out = try_backend()
            if out.get("imports"):
                out["cold_import_s"] = cold_import_times(ctx.repeats)
            return out
        if ctx.subject == "tf-keras":
            return inspect_tf_keras()
        return release_history()

    def judge(self, results) -> Verdict:
        """Outdated when Theano and CNTK are rejected while TensorFlow (and the new engines) train."""
        ok = {s.removeprefix("backend-"): r.measurements for s, r in results.items()
              if s.startswith("backend-") and r.status == "ok"}
        missing = missing_subjects(results, self.subjects)
        training = [b for b, m in ok.items() if m.get("trains")]
        inference_only = [b for b, m in ok.items() if m.get("predicts") and not m.get("trains")]
        rejected = {b: m["import_error"] for b, m in ok.items() if not m.get("imports")}
        findings: dict[str, Any] = {
            "a": (f"Keras {next((m['keras_version'] for m in ok.values() if m.get('keras_version')), '?')} trains "
                  f"on {', '.join(training) or 'no backend'}; predicts only on {', '.join(inference_only) or 'none'}; "
                  f"rejects {', '.join(f'{b} ({e})' for b, e in rejected.items()) or 'none'}."),
            "c": "Tested by the extensibility claim (custom layers, losses, training steps, gradients, C++ ops).",
        }
        tfk = results.get("tf-keras")
        if tfk is not None and tfk.status == "ok":
            m = tfk.measurements
            findings["b"] = (f"In TensorFlow {m['tensorflow_version']}, tf.keras is {m['tf_keras_module']} "
                             f"(version {m['tf_keras_version']}); tf.keras.Model is keras.Model: "
                             f"{m['tf_keras_model_is_keras_model']}.")
        listing = results.get("pypi-listing")
        stale = []
        if listing is not None and listing.status == "ok":
            last = listing.measurements["last_release"]
            for name in ("theano", "cntk"):
                if last.get(name) and last[name]["months_before_listing"] >= self.thresholds[
                        "discontinued_after_months"]:
                    stale.append(f"{name} {last[name]['version']} ({last[name]['month']})")
            findings["release_history"] = "Last releases: " + ", ".join(
                f"{n} {v['version']} ({v['month']})" for n, v in last.items() if v) + "."
        if missing:
            findings["not_measured"] = "; ".join(missing)

        if "tensorflow" not in training:
            return Verdict("inconclusive",
                           "Keras could not be shown training on TensorFlow here"
                           + (f" ({'; '.join(missing)})" if missing else "") + ".", findings)
        old_gone = [b for b in ("theano", "cntk") if b in rejected]
        if len(old_gone) == 2:
            verdict = "outdated"
            summary = (f"Half true in 2018, outdated now: Keras {ok['tensorflow']['keras_version']} rejects theano "
                       f"and cntk at import ('{rejected['theano']}'), trains on {', '.join(training)} and runs "
                       f"inference on {', '.join(inference_only) or 'no other backend'}")
        elif old_gone:
            verdict = "partly supported"
            summary = (f"Keras trains on {', '.join(training)} but rejects {', '.join(old_gone)}")
        else:
            verdict = "supported"
            summary = f"Keras still accepts theano and cntk alongside {', '.join(training)}"
        if "b" in findings and tfk.measurements["tf_keras_model_is_keras_model"]:
            tf_keras_version = tfk.measurements["tf_keras_version"] or ok["tensorflow"]["keras_version"]
            summary += f"; tf.keras is Keras {tf_keras_version}"
        if stale:
            summary += f"; their last releases were {' and '.join(stale)}"
        if missing:
            summary += f" (not measured: {', '.join(m.split(' ')[0] for m in missing)})"
        return Verdict(verdict, summary + ".", findings)


CLAIM = ArchitectureClaim()
