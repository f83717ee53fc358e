"""The advisor's estimator: sklearn conventions, criteria from results, missing evidence, constraints, confidence."""

from __future__ import annotations

import dataclasses
import doctest
import json
import pickle

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils import estimator_checks

import advisor.constraints as hard
import advisor.criteria as criteria
from advisor import model as model_module
from advisor.constraints import ConstraintCheck
from advisor.criteria import CRITERION_IDS, Criterion, OptionValue
from advisor.model import Advisor
from advisor.options import OPTIONS
from advisor.result_files import SCHEMA_VERSION, read_result, results_dir
from evidence.registry import claim_ids, get_claim
from evidence.results import write_result
from tests.test_advisor_support import (
    edit_json,
    synthetic,
    write_architecture,
)


@pytest.fixture
def results(results):
    """The shared community copy (tests/conftest.py) plus a synthetic architecture result."""
    write_architecture(results)
    return results


def col(advisor, criterion):
    return dict(zip(advisor.options_, advisor.criterion_scores_[:, advisor.criteria_.index(criterion)], strict=True))


# -- scikit-learn conventions -------------------------------------------------------------------------------------
APPLICABLE_CHECKS = [
    "check_no_attributes_set_in_init", "check_get_params_invariance", "check_set_params",
    "check_parameters_default_constructible", "check_estimator_cloneable", "check_estimator_repr",
    "check_do_not_raise_errors_in_init_or_set_params", "check_mixin_order", "check_valid_tag_types",
    "check_estimator_tags_renamed", "check_estimators_unfitted",
]


@pytest.mark.parametrize("check", APPLICABLE_CHECKS)
def test_sklearn_estimator_checks_that_apply(check):
    # The checks that fit on numeric arrays do not apply: the advisor fits on result files. Their intent is
    # covered by the tests below with real inputs (fit returns self, pickling, idempotence, no param overwrite).
    getattr(estimator_checks, check)("Advisor", Advisor())


def test_init_stores_params_unchanged_and_is_keyword_only():
    est = Advisor(n_draws=7, weight_noise=0.1, noise_scale=2.0, random_state=3)
    assert est.get_params() == {"n_draws": 7, "weight_noise": 0.1, "noise_scale": 2.0, "random_state": 3}
    with pytest.raises(TypeError):
        Advisor(7)  # positional arguments are refused
    # No validation in __init__: bad values are accepted there and refused by fit.
    bad = Advisor(n_draws=0)
    with pytest.raises(ValueError, match="n_draws"):
        bad.fit({})
    with pytest.raises(ValueError, match="weight_noise"):
        Advisor(weight_noise=-1).fit({})


def test_fit_returns_self_idempotent_picklable_and_leaves_params(results):
    est = Advisor(n_draws=50)
    params = est.get_params()
    assert est.fit(results) is est
    assert est.get_params() == params
    first = est.criterion_scores_.copy()
    np.testing.assert_array_equal(est.fit(results).criterion_scores_, first)
    again = pickle.loads(pickle.dumps(est))
    assert again.rank({}).to_dict() == est.rank({}).to_dict()
    fresh = clone(est)
    assert not hasattr(fresh, "criterion_scores_") and fresh.get_params() == params


@pytest.mark.parametrize("method", ["rank", "predict", "decision_function", "missing_evidence"])
def test_methods_need_a_fit(method):
    est = Advisor()
    args = {"rank": ({},), "predict": ([{}],), "decision_function": ([{}],), "missing_evidence": ()}[method]
    with pytest.raises(NotFittedError):
        getattr(est, method)(*args)


def test_fitted_attributes(results):
    est = Advisor().fit(results)
    assert est.options_ == OPTIONS and est.criteria_ == CRITERION_IDS
    assert est.criterion_scores_.shape == est.criterion_spread_.shape == (len(OPTIONS), len(CRITERION_IDS))
    assert set(est.evidence_) == set(CRITERION_IDS)
    present = est.criterion_scores_[~np.isnan(est.criterion_scores_)]
    assert present.size and (present >= 0).all() and (present <= 1).all()


def test_doctests_of_the_advisor_modules():
    import advisor.options
    import advisor.questions

    for module in (model_module, advisor.questions, advisor.options):
        outcome = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert outcome.failed == 0 and outcome.attempted > 0, module.__name__


# -- criteria from results ----------------------------------------------------------------------------------------
def test_no_results_means_every_criterion_missing_and_named():
    est = Advisor().fit({})
    assert np.isnan(est.criterion_scores_).all()
    missing = {m["criterion"]: m for m in est.missing_evidence()}
    assert set(missing) == set(CRITERION_IDS)
    assert missing["deployment"]["reason"] == "needs claim deployment, which has no result yet"
    assert missing["community"]["claims"] == ["community"]
    rec = est.rank({})
    assert all(r.score == 0 for r in rec.ranking)
    assert rec.confidence == 0.0 and len(rec.tied_with) == len(OPTIONS) - 1


def test_community_is_computed_from_the_listing(results):
    est = Advisor().fit(results)
    m = json.loads((results / "community.json").read_text())["subjects"]["pypi-listing"]["measurements"]
    rank = {eco: m["frameworks"][eco]["rank"] for eco in ("keras", "tensorflow", "jax", "torch")}
    window = {eco: m["ecosystems"][eco]["released_in_window"] for eco in ("keras", "tensorflow", "jax", "torch")}
    ecos = {"keras-tensorflow": ("keras", "tensorflow"), "keras-jax": ("keras", "jax"),
            "keras-torch": ("keras", "torch"), "tensorflow-core": ("tensorflow",)}
    pop = {o: 1 / min(rank[e] for e in es) for o, es in ecos.items()}
    act = {o: sum(window[e] for e in es) for o, es in ecos.items()}
    expected = {o: (pop[o] / max(pop.values()) + act[o] / max(act.values())) / 2 for o in OPTIONS}
    expected = {o: v / max(expected.values()) for o, v in expected.items()}
    got = col(est, "community")
    for option in OPTIONS:
        assert got[option] == pytest.approx(expected[option])
    assert est.evidence_["community"].reader == "community_values"
    assert "best download rank" in est.evidence_["community"].values["keras-torch"].note


def test_backend_flexibility_from_architecture(results):
    est = Advisor().fit(results)
    got = col(est, "backend_flexibility")
    assert got["keras-jax"] == got["keras-torch"] == got["keras-tensorflow"] == 1.0
    assert got["tensorflow-core"] == pytest.approx(1 / 3)
    assert est.evidence_["backend_flexibility"].values["tensorflow-core"].basis == "definition"


def test_an_option_whose_backend_was_not_shown_working_gets_no_value(results):
    write_architecture(results, trains=("tensorflow", "jax"), unavailable=("torch",))
    est = Advisor().fit(results)
    got = col(est, "backend_flexibility")
    assert np.isnan(got["keras-torch"])
    assert "torch cannot be imported" in est.evidence_["backend_flexibility"].values["keras-torch"].note
    assert got["keras-jax"] == 1.0 and got["tensorflow-core"] == pytest.approx(0.5)
    rec = est.rank({"switch_backends": "no"})
    torch_row = next(r for r in rec.ranking if r.option == "keras-torch")
    assert torch_row.contributions["backend_flexibility"] is None
    assert torch_row.evidence_coverage < next(r for r in rec.ranking if r.option == "keras-jax").evidence_coverage


def test_a_result_that_breaks_the_readers_layout_is_missing_not_a_crash(results):
    edit_json(results / "community.json",
              lambda d: d["subjects"]["pypi-listing"]["measurements"].pop("ecosystems"))
    est = Advisor().fit(results)
    reason = est.evidence_["community"].missing_reason
    assert "community_values could not read" in reason and "ecosystems" in reason
    assert np.isnan(col(est, "community")["keras-torch"])


@pytest.mark.parametrize("content, expected", [
    ("{not json", "not readable JSON"),
    ('{"schema_version": 99, "subjects": {}}', "schema_version 99, expected 1"),
    ('{"schema_version": 1, "subjects": {"x": {"status": "maybe"}}, "verdict": "supported"}', "status 'maybe'"),
    ("[]", "expected a JSON object"),
])
def test_invalid_result_files_are_reported_and_unused(results, content, expected):
    (results / "community.json").write_text(content)
    est = Advisor().fit(results)
    assert est.results_["community"].state == "invalid"
    assert expected in est.results_["community"].reason
    assert "whose result is invalid" in est.evidence_["community"].missing_reason


def test_a_result_without_a_reader_says_so(monkeypatch, results):
    # Every claim has a reader today; a claim added later has none until one is written.
    monkeypatch.setattr(model_module, "CRITERIA", tuple(
        dataclasses.replace(c, reader=None) if c.id == "extensibility" else c for c in criteria.CRITERIA))
    monkeypatch.setattr(hard, "HARD_CONSTRAINTS", tuple(
        dataclasses.replace(c, lookup=None) if c.claim == "extensibility" else c for c in hard.HARD_CONSTRAINTS))
    write_result(synthetic("extensibility", {"keras-tensorflow": {"status": "ok", "measurements": {"x": 1}}}),
                 results)
    est = Advisor().fit(results)
    assert "has a result but the advisor has no reader" in est.evidence_["extensibility"].missing_reason
    failed = est.rank({"custom_ops": "compiled_kernels"}).ranking[0].failed_constraints
    assert failed[0]["constraint"] == "custom_ops=compiled_kernels"
    assert "has a result but the advisor has no lookup" in failed[0]["reason"]


def test_reader_contract_violations_are_refused(monkeypatch, results):
    def negative(_results):
        return {o: OptionValue(-1.0) for o in OPTIONS}

    crits = tuple(dataclasses.replace(c, reader=negative) if c.id == "community" else c for c in criteria.CRITERIA)
    monkeypatch.setattr(model_module, "CRITERIA", crits)
    est = Advisor().fit(results)
    assert "break the reader contract" in est.evidence_["community"].missing_reason


def test_staleness_is_flagged(results):
    assert read_result("community", results).stale is False
    edit_json(results / "community.json", lambda d: d.update(code_hash="0" * 64))
    assert read_result("community", results).stale is True
    est = Advisor().fit(results)
    assert next(e for e in est.rank({}).evidence if e["claim"] == "community")["stale"] is True


@pytest.mark.parametrize("claim_id", claim_ids())
def test_the_fast_code_hash_equals_the_claims_own(claim_id):
    from advisor.result_files import code_hash

    claim = get_claim(claim_id)
    assert code_hash(claim_id, {"claim": claim.describe()}) == claim.code_hash()


def test_reader_stays_in_step_with_the_evidence_package(monkeypatch, tmp_path):
    import evidence.results as ev

    assert SCHEMA_VERSION == ev.SCHEMA_VERSION
    assert results_dir() == ev.results_dir()
    monkeypatch.setenv("KVT_RESULTS_DIR", str(tmp_path))
    assert results_dir() == ev.results_dir() == tmp_path


def test_the_projects_own_results_are_read_by_every_reader_that_has_one():
    """Each committed result (when there are any) must be readable by its criterion's reader: no layout drift."""
    est = Advisor().fit(None)
    usable = [cid for cid, r in est.results_.items() if r.ok]
    if not usable:
        pytest.skip("no result files in evidence/results yet")
    for crit in criteria.CRITERIA:
        ev = est.evidence_[crit.id]
        if crit.reader and ev.missing:
            assert "could not read" not in ev.missing_reason, ev.missing_reason


# -- ranking, constraints and confidence ----------------------------------------------------------------------
def test_contributions_add_up_and_order_is_by_score(results):
    est = Advisor().fit(results)
    rec = est.rank({"ecosystem": "jax", "priority": "longevity"})
    for row in rec.ranking:
        assert sum(v for v in row.contributions.values() if v is not None) == pytest.approx(row.score, abs=1e-5)
    scores = [r.score for r in rec.ranking]
    assert scores == sorted(scores, reverse=True)
    assert [r.rank for r in rec.ranking] == [1, 2, 3, 4]
    assert sum(rec.weights.values()) == pytest.approx(1.0, abs=1e-5)


def test_without_evidence_every_option_fails_a_hard_constraint_with_the_reason(results):
    rec = Advisor().fit(results).rank({"custom_ops": "compiled_kernels", "scale": "multi_node"})
    assert not rec.satisfied
    for row in rec.ranking:
        reasons = {f["constraint"]: f["reason"] for f in row.failed_constraints}
        assert reasons == {
            "custom_ops=compiled_kernels": "no evidence yet (claim extensibility has no result)",
            "scale=multi_node": "no evidence yet (claim distributed_scaling has no result)",
        }


def _plug(monkeypatch, constraint_id, satisfied_for):
    """Give ``constraint_id`` a lookup that the evidence 'shows working' only for ``satisfied_for``."""
    def lookup(result, option):
        return ConstraintCheck(option in satisfied_for, f"test lookup for {option}")

    swapped = tuple(dataclasses.replace(c, lookup=lookup) if c.id == constraint_id else c
                    for c in hard.HARD_CONSTRAINTS)
    monkeypatch.setattr(hard, "HARD_CONSTRAINTS", swapped)


def test_an_option_that_meets_a_constraint_ranks_above_better_scored_ones(monkeypatch, results):
    write_result(synthetic("deployment", {"tensorflow-core": {"status": "ok"}}), results)
    _plug(monkeypatch, "deploy_target=mobile", {"tensorflow-core"})
    est = Advisor().fit(results)
    free = est.rank({"deploy_target": "none"})
    assert free.top_pick == "keras-torch"
    rec = est.rank({"deploy_target": "mobile"})
    assert rec.top_pick == "tensorflow-core" and rec.satisfied
    assert rec.confidence == 1.0 and rec.confidence_draws == 0  # the only option meeting the requirement
    for row in rec.ranking[1:]:
        assert row.failed_constraints == [{"constraint": "deploy_target=mobile", "claim": "deployment",
                                           "requirement": row.failed_constraints[0]["requirement"],
                                           "reason": f"test lookup for {row.option}"}]
    assert rec.ranking[0].score < rec.ranking[1].score  # it ranks first despite a lower score


def test_a_lookup_that_crashes_fails_the_constraint_with_the_error(monkeypatch, results):
    write_result(synthetic("deployment", {}), results)

    def broken(result, option):
        return ConstraintCheck(result.data["no such key"], "")

    monkeypatch.setattr(hard, "HARD_CONSTRAINTS", tuple(
        dataclasses.replace(c, lookup=broken) if c.id == "deploy_target=onnx" else c for c in hard.HARD_CONSTRAINTS))
    failed = Advisor().fit(results).rank({"deploy_target": "onnx"}).ranking[0].failed_constraints
    assert "broken could not read claim deployment's result: KeyError" in failed[0]["reason"]


def test_confidence_is_deterministic_and_reflects_the_spread(monkeypatch, results):
    def close_call(_results):
        # Two options 2% apart with a 10% measurement spread: the top pick often loses a draw.
        return {"keras-tensorflow": OptionValue(1.0, spread=0.1), "keras-jax": OptionValue(0.98, spread=0.1),
                "keras-torch": OptionValue(0.1), "tensorflow-core": OptionValue(0.1)}

    crits = tuple(Criterion(c.id, c.label, c.claims, close_call, c.description) if c.id == "performance" else
                  dataclasses.replace(c, reader=None) for c in criteria.CRITERIA)
    monkeypatch.setattr(model_module, "CRITERIA", crits)
    noisy = Advisor(n_draws=400).fit(results)
    rec = noisy.rank({"priority": "speed"})
    assert rec.top_pick == "keras-tensorflow"
    assert 0.4 < rec.confidence < 0.9
    assert noisy.rank({"priority": "speed"}).confidence == rec.confidence  # fixed seed
    quiet = Advisor(noise_scale=0.0, weight_noise=0.0).fit(results)
    assert quiet.rank({"priority": "speed"}).confidence == 1.0
    # Weight noise alone cannot reorder a single criterion.
    assert Advisor(noise_scale=0.0, weight_noise=1.0).fit(results).rank({}).confidence == 1.0


def test_weights_can_flip_the_top_pick_and_confidence_sees_it(monkeypatch, results):
    def a_wins(_results):
        return {o: OptionValue(1.0 if o == "keras-jax" else 0.5) for o in OPTIONS}

    def b_wins(_results):
        return {o: OptionValue(1.0 if o == "keras-tensorflow" else 0.5) for o in OPTIONS}

    readers = {"ease_of_use": a_wins, "performance": b_wins}
    crits = tuple(dataclasses.replace(c, reader=readers.get(c.id)) for c in criteria.CRITERIA)
    monkeypatch.setattr(model_module, "CRITERIA", crits)
    est = Advisor(n_draws=300).fit(results)
    assert est.rank({"priority": "simplicity"}).top_pick == "keras-jax"
    assert est.rank({"priority": "speed", "goal": "research"}).top_pick == "keras-tensorflow"
    balanced = est.rank({"experience": "intermediate", "goal": "research"})
    assert 0.0 < balanced.confidence < 1.0  # near-equal weights: perturbations flip it sometimes


def test_decision_function_and_predict_follow_rank(results):
    est = Advisor().fit(results)
    answers = [{}, {"ecosystem": "tensorflow"}, {"scale": "multi_node", "ecosystem": "jax"}]
    scores = est.decision_function(answers)
    assert scores.shape == (3, len(OPTIONS))
    for row, a in zip(scores, answers, strict=True):
        ranked = [r.option for r in est.rank(a).ranking]
        assert [OPTIONS[i] for i in np.argsort(-row)] == ranked
    assert list(est.predict(answers)) == [est.rank(a).top_pick for a in answers]


def test_bad_answers_raise_value_errors_naming_the_question(results):
    est = Advisor().fit(results)
    with pytest.raises(ValueError, match=r"question 'scale'.*single_device, multi_device, multi_node"):
        est.rank({"scale": "galactic"})
    with pytest.raises(ValueError, match="unknown question 'colour'"):
        est.rank({"colour": "blue"})
