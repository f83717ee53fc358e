"""Claim ``architecture``: Keras is a high-level API on top of TensorFlow, CNTK or Theano.

Method: one worker per backend name sets ``KERAS_BACKEND`` to it and tries, in order, ``import keras``, a
tensor op, ``predict`` and one ``fit`` epoch of a tiny model, recording each step's outcome and the exact
error where one fails; it also times a cold ``import keras`` in fresh processes. Another worker checks what
``tf.keras`` resolves to in the installed TensorFlow, and a third reads when Theano and CNTK last released from
the PyPI listing of 2026-11-25. Sub-claim (c), TensorFlow's extra architectural freedom, is tested by the
``extensibility`` claim.

The article's era is not measured here (this machine cannot install multi-backend Keras 2.3 beside TensorFlow
1.x, Theano and CNTK); it is stated as cited fact with sources and dates (:data:`HISTORY`), recorded in the
assessment, and the release-set runs (``evidence/results/releases/``) measure the Keras 2.15 and 3.0 eras.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from evidence.claim import Claim, Context, FrameworkUnavailable, VenueScope, Verdict, missing_subjects
from evidence.claims.community import DATA_FILE, LISTING_DATE, months_between, read_listing
from evidence.contract import Assessment, ContractModel, DecisionChange, ErrorInfo, Interval, Threshold
from evidence.errors import error_from_text, error_info
from evidence.timing import interval, summarize

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


def try_backend() -> dict[str, Any]:
    """In a worker whose KERAS_BACKEND is set: import keras, run an op, predict, fit; record each step."""
    out: dict[str, Any] = {"requested": os.environ.get("KERAS_BACKEND")}
    try:
        import keras
    except ModuleNotFoundError as exc:
        if exc.name == "keras":
            raise FrameworkUnavailable(f"keras is not installed ({exc})") from exc
        out.update(imports=False, import_error=error_info(exc).model_dump())
        return out
    except Exception as exc:  # the experiment is whether this fails, and how
        out.update(imports=False, import_error=error_info(exc).model_dump())
        return out
    import numpy as np

    out.update(imports=True, keras_version=keras.__version__, active_backend=keras.backend.backend())
    try:
        x = keras.ops.ones((4, 3))
        out["op_result"] = float(keras.ops.convert_to_numpy(keras.ops.sum(keras.ops.matmul(x, keras.ops.transpose(x)))))
        out["ops"] = True
    except Exception as exc:
        out.update(ops=False, ops_error=error_info(exc).model_dump())
    rng = np.random.default_rng(0)
    xs, ys = rng.normal(size=(32, 4)).astype("float32"), rng.integers(0, 2, size=(32,))
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])
    try:
        model.predict(xs, verbose=0)
        out["predicts"] = True
    except Exception as exc:
        out.update(predicts=False, predict_error=error_info(exc).model_dump())
    try:
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
        model.fit(xs, ys, epochs=1, batch_size=16, verbose=0)
        out["trains"] = True
    except Exception as exc:
        out.update(trains=False, train_error=error_info(exc).model_dump())
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


Backend = Literal["tensorflow", "jax", "torch", "numpy", "openvino", "theano", "cntk"]
Capability = Literal["trains", "inference_only", "rejected", "ignored", "broken", "unavailable", "failed"]


class BackendTrial(ContractModel):
    """What Keras did under one ``KERAS_BACKEND`` name."""

    backend: Backend
    """The name given to ``KERAS_BACKEND``."""
    status: Capability
    """``trains``: one ``fit`` epoch ran; ``inference_only``: ``predict`` ran but ``fit`` raised;
    ``rejected``: ``import keras`` raised for the name; ``ignored``: Keras imported but ran on another backend
    (Keras 2 reads no ``KERAS_BACKEND`` and always runs on TensorFlow); ``broken``: it imported but could not
    predict;
    ``unavailable``: the backend's package is not installed (not tried); ``failed``: the worker crashed."""
    keras_version: str | None = None
    """The Keras version that ran."""
    active_backend: str | None = None
    """The backend Keras reported running on (``keras.backend.backend()``)."""
    error: ErrorInfo | None = None
    """The error of the first step that failed (the import for a rejected name, ``fit`` for inference only)."""
    reason: str | None = None
    """Why the backend was not tried, or how the worker failed."""
    cold_import_s: Interval | None = None
    """Seconds a fresh ``import keras`` takes under the backend (median of fresh processes, with the
    interquartile range)."""


class TfKeras(ContractModel):
    """What ``tf.keras`` is in the installed TensorFlow."""

    tensorflow_version: str
    """TensorFlow's version."""
    module: str
    """The module ``tf.keras`` resolves to."""
    version: str | None
    """Its version."""
    is_keras: bool
    """Whether ``tf.keras.Model is keras.Model`` (the standalone Keras, not a copy)."""


class LastRelease(ContractModel):
    """A package's newest release in the PyPI listing."""

    version: str
    """The version."""
    month: str
    """Its month (YYYY-MM)."""
    months_before_listing: int
    """Whole months between it and the listing."""


class CitedFact(ContractModel):
    """A fact of the public record, with its date and source: what the claim states about a past it cannot run."""

    date: str
    """When it happened (YYYY-MM, or YYYY-MM-DD where the source gives the day)."""
    fact: str
    """The fact, in our words."""
    source: str
    """Where it is recorded (a URL)."""
    title: str
    """The source's title."""


#: The article's era, from the public record: multi-backend Keras and its end. Each date was checked against the
#: source named beside it.
HISTORY: tuple[CitedFact, ...] = (
    CitedFact(date="2019-08", fact="Keras 2.2.5, the last release of the 2.2 API, supports TensorFlow 1 as well as "
                                    "Theano and CNTK",
              source="https://github.com/keras-team/keras/releases/tag/2.2.5", title="Keras 2.2.5 release notes"),
    CitedFact(date="2019-09-17", fact="Keras 2.3.0 supports TensorFlow 2.0 and keeps TensorFlow 1.14/1.13, Theano "
                                       "and CNTK; its notes call it the last major release of multi-backend Keras",
              source="https://github.com/keras-team/keras/releases/tag/2.3.0", title="Keras 2.3.0 release notes"),
    CitedFact(date="2020-06-17", fact="Keras 2.4.0 discontinues multi-backend Keras: the keras package redirects to "
                                       "tf.keras and runs on TensorFlow only",
              source="https://github.com/keras-team/keras/releases/tag/2.4.0", title="Keras 2.4.0 release notes"),
    CitedFact(date="2023-11", fact="Keras 3.0 is multi-backend again, on TensorFlow, JAX and PyTorch (not Theano "
                                    "or CNTK)",
              source="https://github.com/keras-team/keras/releases/tag/v3.0.0", title="Keras 3.0.0 release notes"),
)


class ArchitectureAssessment(Assessment):
    """Which backend names Keras accepts and trains on today, what tf.keras is, and when the old backends last
    released."""

    STATUSES: ClassVar[tuple[str, ...]] = Capability.__args__

    backends: dict[Backend, BackendTrial]
    """One trial per backend name tried."""
    tf_keras: TfKeras | None
    """What tf.keras is; None when the inspection did not run."""
    last_release: dict[str, LastRelease | None]
    """The newest release of each package in the listing (theano, cntk, tensorflow, keras, jax, torch)."""
    listing: str
    """The listing the releases come from."""
    discontinued: list[str]
    """Old backends with no release for at least the threshold's months."""
    history: list[CitedFact] = []
    """The article's era as cited fact (multi-backend Keras 2.x and its end), each with its date and source."""
    not_measured: list[str]
    """Subjects that did not run ok, each with its status and reason."""

    def training_backends(self) -> list[str]:
        """The backends Keras trained on."""
        return [b for b, t in self.backends.items() if t.status == "trains"]

    def inference_only_backends(self) -> list[str]:
        """The backends that predict but do not train."""
        return [b for b, t in self.backends.items() if t.status == "inference_only"]

    def rejected_backends(self) -> list[str]:
        """The names Keras refused at import."""
        return [b for b, t in self.backends.items() if t.status == "rejected"]

    def ignored_backends(self) -> list[str]:
        """The names Keras accepted but did not run on (it ran on another backend)."""
        return [b for b, t in self.backends.items() if t.status == "ignored"]


def trial(backend: str, res) -> BackendTrial:
    """A :class:`BackendTrial` from one ``backend-NAME`` subject's result."""
    if res.status != "ok":
        return BackendTrial(backend=backend, status="unavailable" if res.status == "unavailable" else "failed",
                            reason=res.short_reason())
    m = res.measurements
    cold = m.get("cold_import_s")
    timing = interval(cold) if cold and "median_s" in cold else None
    if not m.get("imports"):
        return BackendTrial(backend=backend, status="rejected", error=m.get("import_error"))
    active = m.get("active_backend")
    if active and active != backend:  # the name was not honoured: whatever ran, it was not this backend
        return BackendTrial(backend=backend, status="ignored", keras_version=m.get("keras_version"),
                            active_backend=active, reason=f"Keras ran on {active} instead", cold_import_s=timing)
    if m.get("trains"):
        status, error = "trains", None
    elif m.get("predicts"):
        status, error = "inference_only", m.get("train_error")
    else:
        status, error = "broken", m.get("predict_error") or m.get("ops_error")
    return BackendTrial(backend=backend, status=status, keras_version=m.get("keras_version"), active_backend=active,
                        error=error, cold_import_s=timing)


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
    assessment_type = ArchitectureAssessment
    thresholds = {
        "discontinued_after_months": Threshold(
            value=36, reason="a backend whose package has not released for three years is no longer maintained"),
    }
    decision_rule_fixed = "2026-11-26"
    decision_log = (
        DecisionChange(
            date="2026-12-07",
            change="The summary no longer opens with the fixed words 'Half true in 2018': the article's era is "
                   "stated as cited facts with dates and sources (HISTORY: Keras 2.2.5 and 2.3.0 ran on "
                   "TensorFlow, Theano and CNTK; 2.3.0, 2019-09-17, was the last multi-backend release; 2.4.0, "
                   "2020-06-17, ran on TensorFlow only), recorded in the assessment; the verdict rule is unchanged.",
            reason="A review as a maintainer: a claim about 2018 published as fixed text is not evidence.",
            affects="The result of 2026-12-06 (outdated); the verdict is the same, the summary's opening changes."),
    )
    venue_scope = VenueScope(
        machine_dependent=False,
        needs="nothing of the machine: the verdict rests on which backend names the installed Keras accepts and "
              "trains on, and on release dates; the cold-import times it reports hold for the machine they ran on")
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

    def assess(self, results: Mapping[str, Any], quick: bool) -> ArchitectureAssessment:
        """Each backend's trial, what tf.keras is, and the release history with the discontinued backends."""
        backends = {s.removeprefix("backend-"): trial(s.removeprefix("backend-"), r)
                    for s, r in results.items() if s.startswith("backend-")}
        tfk = results.get("tf-keras")
        tf_keras = None
        if tfk is not None and tfk.status == "ok":
            m = tfk.measurements
            tf_keras = TfKeras(tensorflow_version=m["tensorflow_version"], module=m["tf_keras_module"],
                               version=m["tf_keras_version"] or m["keras_version"],
                               is_keras=bool(m["tf_keras_model_is_keras_model"]))
        listing = results.get("pypi-listing")
        last: dict[str, Any] = {}
        source = ""
        if listing is not None and listing.status == "ok":
            last, source = listing.measurements["last_release"], listing.measurements["source"]
        limit = self.threshold("discontinued_after_months")
        discontinued = [n for n in ("theano", "cntk") if last.get(n) and last[n]["months_before_listing"] >= limit]
        return ArchitectureAssessment(backends=backends, tf_keras=tf_keras, last_release=last, listing=source,
                                      discontinued=discontinued, history=list(HISTORY),
                                      not_measured=missing_subjects(results, self.subjects))

    def verdict(self, a: ArchitectureAssessment) -> Verdict:
        """Outdated when Keras no longer runs on Theano and CNTK (it rejects the names, or ignores them and runs on
        another backend) while it trains on TensorFlow; partly supported when only one of them is gone;
        supported when both still train."""
        training, inference_only = a.training_backends(), a.inference_only_backends()
        rejected, ignored = a.rejected_backends(), a.ignored_backends()
        version = next((t.keras_version for t in a.backends.values() if t.keras_version), "?")
        findings: dict[str, str] = {
            "a": (f"Keras {version} trains on {', '.join(training) or 'no backend'}; predicts only on "
                  f"{', '.join(inference_only) or 'none'}; rejects "
                  f"{', '.join(f'{b} ({a.backends[b].error.text()})' for b in rejected) or 'none'}"
                  + (f"; ignores {', '.join(ignored)} (it ran on {a.backends[ignored[0]].active_backend} "
                     "whatever the name)" if ignored else "") + "."),
            "c": "Tested by the extensibility claim (custom layers, losses, training steps, gradients, C++ ops).",
        }
        if a.tf_keras:
            findings["b"] = (f"In TensorFlow {a.tf_keras.tensorflow_version}, tf.keras is {a.tf_keras.module} "
                             f"(version {a.tf_keras.version}); tf.keras.Model is keras.Model: {a.tf_keras.is_keras}.")
        if a.last_release:
            findings["release_history"] = "Last releases: " + ", ".join(
                f"{n} {v.version} ({v.month})" for n, v in a.last_release.items() if v) + "."
        if a.history:
            findings["history"] = "From the public record: " + "; ".join(
                f"{h.date}: {h.fact} ({h.title}, {h.source})" for h in a.history) + "."
        if a.not_measured:
            findings["not_measured"] = "; ".join(a.not_measured)
        if "tensorflow" not in training:
            return Verdict("inconclusive",
                           "Keras could not be shown training on TensorFlow here"
                           + (f" ({'; '.join(a.not_measured)})" if a.not_measured else "") + ".", findings)
        old_gone = [b for b in ("theano", "cntk") if b in rejected or b in ignored]
        if len(old_gone) == 2:
            verdict = "outdated"
            how = (f"rejects theano and cntk at import ('{a.backends['theano'].error.text()}')"
                   if all(b in rejected for b in old_gone) else
                   f"ignores the theano and cntk backend names and runs on "
                   f"{a.backends[old_gone[0]].active_backend or 'another backend'}"
                   if all(b in ignored for b in old_gone) else "no longer runs on theano or cntk")
            summary = (f"Outdated: Keras {version} {how}, trains on {', '.join(training)} "
                       f"and runs inference on {', '.join(inference_only) or 'no other backend'}"
                       + self._era(a))
        elif old_gone:
            verdict = "partly supported"
            summary = f"Keras trains on {', '.join(training)} but no longer runs on {', '.join(old_gone)}"
        else:
            verdict = "supported"
            summary = f"Keras still accepts theano and cntk alongside {', '.join(training)}"
        if a.tf_keras and a.tf_keras.is_keras:
            summary += f"; tf.keras is Keras {a.tf_keras.version}"
        stale = [f"{n} {a.last_release[n].version} ({a.last_release[n].month})" for n in a.discontinued]
        if stale:
            summary += f"; their last releases were {' and '.join(stale)}"
        if a.not_measured:
            summary += f" (not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)})"
        return Verdict(verdict, summary + ".", findings)


    @staticmethod
    def _era(a: ArchitectureAssessment) -> str:
        """The article's era in one clause, from the cited facts (empty without them)."""
        by = {h.source.rsplit("/", 1)[-1]: h for h in a.history}
        last, tf_only = by.get("2.3.0"), by.get("2.4.0")
        if not (last and tf_only):
            return ""
        return (f"; in the article's era the claim held for multi-backend Keras 2.1-2.3, which ran on TensorFlow, "
                f"Theano and CNTK until Keras 2.3.0 ({last.date}, its last multi-backend release), while Keras 2.4.0 "
                f"({tf_only.date}) ran on TensorFlow only (release notes)")


CLAIM = ArchitectureClaim()
