"""Raw subject results of ``architecture`` -> :class:`~.assessment.ArchitectureAssessment` (the judge's first half)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidence.claim import missing_subjects
from evidence.timing import interval

from .assessment import ArchitectureAssessment, BackendTrial, TfKeras
from .history import HISTORY

#: The old backends whose last release dates the claim.
OLD_BACKENDS = ("theano", "cntk")


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


def assess(results: Mapping[str, Any], subjects: tuple[str, ...], discontinued_after: float) -> ArchitectureAssessment:
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
    discontinued = [n for n in OLD_BACKENDS if last.get(n) and last[n]["months_before_listing"] >= discontinued_after]
    return ArchitectureAssessment(backends=backends, tf_keras=tf_keras, last_release=last, listing=source,
                                  discontinued=discontinued, history=list(HISTORY),
                                  not_measured=missing_subjects(results, subjects))
