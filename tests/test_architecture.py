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


def test_no_training_backend_is_inconclusive():
    results = {"backend-tensorflow": SubjectResult(status="unavailable", reason="tensorflow cannot be imported")}
    assert CLAIM.judge(results).verdict == "inconclusive"


def _unavailable(why):
    return SubjectResult(status="unavailable", reason=why)


def test_the_article_era_keras_2_2_on_theano_supports_the_claim_and_names_what_was_not_tried():
    """Multi-backend Keras 2.2 selects Theano by its name and trains; TensorFlow 1.x and CNTK could not be installed
    (unavailable, never failed): supported, with both named as not tried."""
    results = {"backend-theano": _subject("theano"),
               "backend-numpy": _subject("numpy", imports=False,
                                         error={"type": "ValueError",
                                                "message": "Invalid backend. Missing required entry : placeholder"}),
               "backend-tensorflow": _unavailable("tensorflow is not part of the keras-2.2 release set: pip could "
                                                  "not install tensorflow>=1.5,<2"),
               "backend-cntk": _unavailable("cntk is not part of the keras-2.2 release set: pip could not install "
                                            "cntk")}
    a = CLAIM.assess(results, quick=False)
    assert a.training_backends() == ["theano"] and a.untried_backends() == ["tensorflow", "cntk"]
    v = CLAIM.verdict(a)
    assert v.verdict == "supported"
    assert "selects theano" in v.summary and "tensorflow and cntk could not be tried" in v.summary
    # The same trial with Theano also untried has nothing to say about the old backends.
    results["backend-theano"] = _unavailable("theano is not part of the set")
    results["backend-jax"] = _subject("jax")
    assert CLAIM.judge(results).verdict == "inconclusive"


def test_one_old_backend_gone_is_partly_supported():
    error = {"type": "ValueError", "message": "Unable to import backend : cntk"}
    results = {"backend-theano": _subject("theano"), "backend-cntk": _subject("cntk", imports=False, error=error)}
    assert CLAIM.judge(results).verdict == "partly supported"


def test_the_probe_drives_each_keras_through_its_own_api():
    """Keras 3 through keras.ops and keras.Input; Keras 2 through keras.backend and input_shape."""
    import types

    from evidence.claims.architecture import measure

    calls = []
    k2 = types.SimpleNamespace(__version__="2.2.4", backend=types.SimpleNamespace(
        ones=lambda s: "x", transpose=lambda x: x, dot=lambda a, b: a, sum=lambda x: x, eval=lambda x: 48.0),
        Sequential=lambda layers: layers, layers=types.SimpleNamespace(
            Dense=lambda n, **kw: calls.append(kw) or n))
    assert measure._op(k2) == ("keras.backend", 48.0)
    measure._model(k2)
    assert calls[0] == {"activation": "relu", "input_shape": (4,)}


def test_the_article_era_is_cited_fact_with_dates_and_sources():
    from evidence.claims.architecture import CLAIM, HISTORY

    dates = {h.source.rsplit("/", 1)[-1]: h.date for h in HISTORY}
    assert dates["2.3.0"] == "2019-09-17" and dates["2.4.0"] == "2020-06-17"
    assert all(h.source.startswith("https://github.com/keras-team/keras/releases/tag/") for h in HISTORY)
    assert CLAIM.venue_scope.machine_dependent is False
    assert "HISTORY" in CLAIM.decision_log[0].change
    assert "keras-2.2" in CLAIM.decision_log[-1].reason
