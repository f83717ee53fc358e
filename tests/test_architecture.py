"""The architecture claim's judge on synthetic trials: a backend name Keras ignores is not a backend it runs on."""

from __future__ import annotations

from evidence.claims.architecture import CLAIM
from evidence.results import SubjectResult


def _subject(requested: str, active: str | None = None, *, imports=True, trains=True, predicts=True, error=None):
    m = {"requested": requested, "imports": imports, "keras_version": "2.15.0" if active else "3.15.1"}
    if imports:
        m.update(active_backend=active or requested, predicts=predicts, trains=trains)
    else:
        m.update(import_error=error)
    return SubjectResult(status="ok", measurements=m)


def _tf_keras(version="2.15.0"):
    return SubjectResult(status="ok", measurements={
        "tensorflow_version": "2.15.1", "keras_version": version, "tf_keras_module": "keras.api._v2.keras",
        "tf_keras_version": version, "tf_keras_model_is_keras_model": True})


def test_keras_2_running_every_name_on_tensorflow_is_outdated_not_supported():
    results = {f"backend-{b}": _subject(b, "tensorflow") for b in ("tensorflow", "theano", "cntk", "numpy")}
    results["tf-keras"] = _tf_keras()
    a = CLAIM.assess(results, quick=False)
    assert a.training_backends() == ["tensorflow"]
    assert a.ignored_backends() == ["theano", "cntk", "numpy"]
    assert a.backends["theano"].active_backend == "tensorflow"
    v = CLAIM.verdict(a)
    assert v.verdict == "outdated"
    assert "ignores the theano and cntk backend names and runs on tensorflow" in v.summary


def test_keras_3_rejecting_the_old_names_is_outdated():
    error = {"type": "ValueError", "message": "Unable to import backend : theano"}
    results = {"backend-tensorflow": _subject("tensorflow"), "backend-jax": _subject("jax"),
               "backend-theano": _subject("theano", imports=False, error=error),
               "backend-cntk": _subject("cntk", imports=False,
                                        error=error | {"message": "Unable to import backend : cntk"})}
    v = CLAIM.judge(results)
    assert v.verdict == "outdated" and "rejects theano and cntk at import" in v.summary
    # The article's era comes from the cited facts, never from fixed text.
    assert "Half true" not in v.summary and "Keras 2.3.0 (2019-09-17" in v.summary and "history" in v.findings


def test_old_backends_still_training_would_support_the_claim():
    results = {f"backend-{b}": _subject(b) for b in ("tensorflow", "theano", "cntk")}
    assert CLAIM.judge(results).verdict == "supported"


def test_no_tensorflow_training_is_inconclusive():
    results = {"backend-tensorflow": SubjectResult(status="unavailable", reason="tensorflow cannot be imported")}
    assert CLAIM.judge(results).verdict == "inconclusive"


def test_the_article_era_is_cited_fact_with_dates_and_sources():
    from evidence.claims.architecture import CLAIM, HISTORY

    dates = {h.source.rsplit("/", 1)[-1]: h.date for h in HISTORY}
    assert dates["2.3.0"] == "2019-09-17" and dates["2.4.0"] == "2020-06-17"
    assert all(h.source.startswith("https://github.com/keras-team/keras/releases/tag/") for h in HISTORY)
    assert CLAIM.venue_scope.machine_dependent is False
    assert "HISTORY" in CLAIM.decision_log[-1].change
