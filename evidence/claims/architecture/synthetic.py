"""Made-up subject results for the family test (:func:`evidence.testing.check_claim`): no worker runs."""

from __future__ import annotations

from evidence.contract import SubjectResult


def _backend(trains: bool, predicts: bool = True) -> SubjectResult:
    return SubjectResult(status="ok", measurements={"imports": True, "keras_version": "3.15.1", "trains": trains,
                                                     "predicts": predicts, "active_backend": None})


def results() -> dict[str, SubjectResult]:
    """Keras 3 as measured today: trains on tensorflow, jax and torch, predicts only on numpy and openvino, and
    rejects theano and cntk at import."""
    out = {f"backend-{b}": _backend(True) for b in ("tensorflow", "jax", "torch")}
    out |= {f"backend-{b}": _backend(False) for b in ("numpy", "openvino")}
    for b in ("theano", "cntk"):
        out[f"backend-{b}"] = SubjectResult(status="ok", measurements={
            "imports": False, "import_error": {"type": "ValueError", "message": f"Unknown backend {b}"}})
    for name, trial in out.items():
        if trial.measurements.get("imports"):
            trial.measurements["active_backend"] = name.removeprefix("backend-")
    out["tf-keras"] = SubjectResult(status="ok", measurements={
        "tensorflow_version": "2.21.0", "tf_keras_module": "keras", "tf_keras_version": "3.15.1",
        "keras_version": "3.15.1", "tf_keras_model_is_keras_model": True})
    out["pypi-listing"] = SubjectResult(status="ok", measurements={
        "source": "a made-up listing", "last_release": {
            "theano": {"version": "1.0.5", "month": "2020-07", "months_before_listing": 76},
            "cntk": {"version": "2.7", "month": "2019-04", "months_before_listing": 91}}})
    return out
