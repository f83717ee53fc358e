"""The estimator on synthetic assessments (built from the claims' own classes): normalisation and uncertainty,
the ranking's order, honest confidence, explanations, and scikit-learn's conventions."""

from __future__ import annotations

import json
import pickle

import pytest
from sklearn.base import clone

from advisor.constraints import Check
from advisor.model import Advisor
from evidence.options import OPTIONS
from tests.test_advisor_support import community, evidence


@pytest.fixture(scope="module")
def fitted() -> Advisor:
    return Advisor(n_draws=300).fit(evidence())


def test_fit_returns_self_and_follows_sklearn_conventions(fitted):
    advisor = Advisor(n_draws=50)
    assert advisor.fit(evidence()) is advisor
    assert clone(advisor).get_params() == {"n_draws": 50, "random_state": 0, "weight_noise": 0.5}
    assert pickle.loads(pickle.dumps(fitted)).rank({}).to_dict() == fitted.rank({}).to_dict()
    for bad in ({"n_draws": 0}, {"n_draws": 2.5}, {"weight_noise": 1.5}, {"random_state": None}):
        with pytest.raises(ValueError, match="Expected"):
            Advisor(**bad).fit({})


def test_each_variant_is_normalised_best_one_with_its_uncertainty(fitted):
    table = fitted.tables_["community"]["all"]
    scores = {o: c.score for o, c in table.cells.items()}
    assert max(scores.values()) == 1.0 and scores["keras-torch"] == 1.0
    band = community().noise_band
    for cell in table.cells.values():  # the claim's noise band is the interval
        assert cell.uncertainty == "interval"
        assert cell.low == pytest.approx(cell.score / band) and cell.high == pytest.approx(cell.score * band)
    flex = fitted.tables_["backend_flexibility"]["all"]
    # 1 + two switches, each weighted by the 2 of 3 corpus programs that ran on both; TensorFlow core: 1.
    assert flex.claim == "backend_portability" and flex.cells["tensorflow-core"].basis == "definition"
    assert flex.cells["keras-jax"].score == 1.0 and flex.cells["tensorflow-core"].score == pytest.approx(3 / 7)
    assert flex.cells["keras-jax"].uncertainty == "declared" and flex.cells["keras-jax"].high == pytest.approx(1.1)
    # Without backend_portability, from architecture: the same program trains on three engines.
    arch = Advisor(n_draws=10).fit(evidence(backend_portability=None)).tables_["backend_flexibility"]["all"]
    assert arch.claim == "architecture" and arch.cells["tensorflow-core"].score == pytest.approx(1 / 3)
    for crit, variants in fitted.tables_.items():
        for table in variants.values():
            for cell in table.cells.values():
                assert 0 <= cell.low <= cell.score <= cell.high, (crit, cell)
                if cell.basis == "missing":
                    assert (cell.score, cell.low, cell.high) == (0.0, 0.0, 1.0)


def test_performance_is_not_borrowed_from_another_venue(fitted):
    for accelerator, table in fitted.tables_["performance"].items():
        if accelerator == "cpu":
            assert table.venue == "cpu-2core" and not table.missing
        else:
            assert table.venue is None and "not measured on your hardware" in table.missing, accelerator


def test_scores_follow_the_evidence():
    before = Advisor(n_draws=50).fit(evidence()).rank({"priority": "longevity"})
    after = Advisor(n_draws=50).fit(evidence(community=community(keras_torch=9))).rank({"priority": "longevity"})
    assert before.top_pick == "keras-torch" and after.top_pick != "keras-torch"
    torch = {r.option: r for r in after.ranking}["keras-torch"]
    assert torch.contributions["community"] < {r.option: r for r in before.ranking}["keras-torch"].contributions[
        "community"]


def test_removing_evidence_lowers_confidence():
    # Each criterion carries an uncertainty (an interval, a declared width, or [0, 1] without evidence), so the
    # evidence that separates the top pick from its rivals, once removed, leaves it less sure.
    for answers, claim in (({"experience": "beginner", "ecosystem": "jax"}, "ease_of_use"),
                           ({"deploy_target": "onnx"}, "deployment")):
        full = Advisor().fit(evidence()).rank(answers)
        less = Advisor().fit(evidence(**{claim: None})).rank(answers)
        assert full.top_pick == less.top_pick, (answers, claim)
        assert full.confidence > less.confidence + 0.1, (answers, claim, full.confidence, less.confidence)


def test_order_puts_failures_after_unverified_after_met(fitted, monkeypatch):
    advisor = clone(fitted).fit(evidence())
    req = "switch_backends=yes"
    advisor.checks_ = dict(advisor.checks_)
    advisor.checks_["platform=nvidia_gpu/linux"] = {o: Check("met", "supported") for o in OPTIONS}
    advisor.checks_[req] = {"keras-tensorflow": Check("not_verified", "jax2onnx is unavailable"),
                            "keras-jax": Check("met", "switches with keras-torch"),
                            "keras-torch": Check("failed", "ValueError: broke"),
                            "tensorflow-core": Check("failed", "not Keras")}
    rec = advisor.rank({"switch_backends": "yes", "priority": "longevity"})
    assert [r.option for r in rec.ranking][:2] == ["keras-jax", "keras-tensorflow"]
    assert rec.ranking[1].not_verified == [req] and rec.ranking[2].failed == [req]
    assert "despite a higher score" not in rec.ranking[1].note
    # Only one option meets the requirements: said in words, with no percentage.
    assert rec.confidence is None and rec.confidence_among == ["keras-jax"]
    assert rec.confidence_text == "keras-jax is the only option that meets your requirements"
    assert rec.satisfied
    # None meets them: said too, and the top pick is not called satisfied.
    advisor.checks_[req] = {o: Check("not_verified", "no result") for o in OPTIONS}
    rec = advisor.rank({"switch_backends": "yes"})
    assert not rec.satisfied and rec.confidence is not None and "miss as many" in rec.confidence_text


def test_confidence_is_reproducible_from_the_seed():
    first = Advisor(random_state=7).fit(evidence()).rank({"priority": "longevity"})
    again = Advisor(random_state=7).fit(evidence()).rank({"priority": "longevity"})
    other = Advisor(random_state=8).fit(evidence()).rank({"priority": "longevity"})
    assert first.confidence == again.confidence and 0 < first.confidence < 1
    assert other.confidence != first.confidence or other.ranking == first.ranking


def test_explanations_name_the_evidence_and_its_page(fitted):
    rec = fitted.rank({"ecosystem": "pytorch", "priority": "longevity"})
    assert rec.reasons[0]["criterion"] == "fit" and "pytorch" in rec.reasons[0]["text"]
    community_reason = next(r for r in rec.reasons if r["criterion"] == "community")
    assert community_reason["page"] == "claims/community/" and community_reason["venue"] is None
    assert "released in the 12 months" in community_reason["text"]
    assert all("Traceback" not in r["text"] for r in rec.reasons)
    assert rec.venues["community"] is None and rec.venues["performance"] is None


def test_the_recommendation_is_json_ready(fitted):
    data = json.loads(json.dumps(fitted.rank({"deploy_target": "mobile"}).to_dict()))
    assert data["answers"]["deploy_target"] == "android" and "mobile" in data["notes"][0]
    assert [r["rank"] for r in data["ranking"]] == [1, 2, 3, 4]
    assert data["requirements"][0]["id"] == "platform=nvidia_gpu/linux"
    assert data["requirements"][1]["id"] == "deploy_target=android"
    assert data["ranking"][0]["requirements"]["deploy_target=android"]["state"] == "met"


def test_the_estimator_and_the_cli_ranker_rank_alike():
    from advisor.ranking import Ranker

    for answers in ({}, {"ecosystem": "pytorch", "deploy_target": "onnx"}, {"priority": "longevity"}):
        assert Ranker().fit(evidence()).rank(answers).to_dict() == Advisor().fit(evidence()).rank(answers).to_dict()


def test_ties_are_reported_and_broken_by_option_order():
    rec = Advisor(n_draws=20).fit({}).rank({})
    assert [r.option for r in rec.ranking] == list(OPTIONS)
    assert rec.tied_with == list(OPTIONS[1:])
