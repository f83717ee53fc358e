"""The community claim: packages classified by what they are, look-alikes excluded, the verdict's rule."""

from __future__ import annotations

import pytest

from evidence.claims.community import CLAIM, CommunityAssessment, classify, read_listing
from evidence.results import load_result
from evidence.runner import run


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    [res] = run(["community"], quick=False, results_dir=tmp_path_factory.mktemp("community"))
    return res


@pytest.mark.parametrize(("name", "summary", "expected"), [
    ("tf-audit", "Terraform configuration auditor & security scanner", {"tensorflow": "look_alike"}),
    ("tf-idf-cosimm", "functions to analyze cosine similarity between texts", {"tensorflow": "look_alike"}),
    ("tf-agents", "TF-Agents: A Reinforcement Learning Library for TensorFlow", {"tensorflow": "name"}),
    ("tf-clahe", "Contrast limited adaptive histogram equalization implemented in TF ops", {"tensorflow": "name_only"}),
    ("tf-explain", "Interpretability Callbacks for Tensorflow 2.0", {"tensorflow": "summary"}),
    ("tf-keras", "Deep learning for humans.", {"tensorflow": "name", "keras": "name"}),
    ("django-ajax-selects", "Edit ForeignKey in Django Admin using jQuery UI", {"jax": "look_alike"}),
    ("blackjax", "Flexible and fast sampling in Python", {"jax": "name_only"}),
    ("jaxtorch", "A jax based nn library", {"jax": "summary", "torch": "name_only"}),
    ("netorchestr", "A network emulator for network orchestration", {"torch": "look_alike"}),
    ("nvidia-pytorch", "A fake package to warn the user they are not installing the correct package.",
     {"torch": "placeholder"}),
    ("easy-tensorflow", "Feature Pipelines for Keras preprocessing layers.",
     {"tensorflow": "name", "keras": "summary"}),
])
def test_classification_by_what_a_package_is(name, summary, expected):
    assert {eco: how for eco, (how, _) in classify(name, summary).items()} == expected


def test_no_terraform_tool_is_counted_as_tensorflow(result):
    members = set(result.subjects["pypi-listing"].measurements["ecosystems"]["tensorflow"]["members"])
    terraform = {r["name"].lower() for r in read_listing() if "terraform" in r["summary"].lower()}
    assert terraform and not members & terraform
    excluded = {x.name.lower() for x in result.assessment.excluded if x.ecosystem == "tensorflow"}
    assert terraform <= excluded | {r["name"].lower() for r in read_listing()
                                    if "tensorflow" not in classify(r["name"], r["summary"])}


def test_a_package_of_both_sides_counts_once_on_each(result):
    a = result.assessment
    assert "tf-keras" in a.both_sides
    tf_members = result.subjects["pypi-listing"].measurements["ecosystems"]["tensorflow"]["members"]
    assert len(tf_members) == len(set(tf_members)) == a.ecosystems["tensorflow"].packages


def test_keras_being_a_dependency_of_tensorflow_is_read_from_metadata(result):
    from importlib import metadata

    try:
        metadata.version("tensorflow-cpu")
    except metadata.PackageNotFoundError:
        pytest.skip("TensorFlow is not installed")
    assert "requires keras" in result.assessment.keras_is_a_tensorflow_dependency


def test_every_option_draws_on_keras_and_its_engine(result):
    opts = result.assessment.options
    assert opts["keras-torch"].ecosystems == ["keras", "torch"] and opts["tensorflow-core"].ecosystems == ["tensorflow"]
    assert opts["keras-torch"].best_rank == result.assessment.frameworks["torch"].rank
    assert opts["keras-tensorflow"].packages <= (result.assessment.ecosystems["keras"].packages
                                                 + result.assessment.ecosystems["tensorflow"].packages)


def _with_signals(result, statuses: dict[str, str]) -> CommunityAssessment:
    a = result.assessment
    signals = {k: s.model_copy(update={"status": statuses[k]}) for k, s in a.signals.items()}
    return a.model_copy(update={"signals": signals})


@pytest.mark.parametrize(("statuses", "verdict"), [
    (("favours_tensorflow", "favours_tensorflow", "within_noise"), "supported"),
    (("favours_tensorflow", "within_noise", "within_noise"), "partly supported"),
    (("within_noise", "within_noise", "within_noise"), "inconclusive"),
    (("favours_keras", "favours_keras", "within_noise"), "refuted"),
    (("favours_keras", "within_noise", "favours_tensorflow"), "inconclusive"),
    (("favours_keras", "within_noise", "within_noise"), "inconclusive"),
])
def test_the_verdict_rule(result, statuses, verdict):
    a = _with_signals(result, dict(zip(("packages", "active", "widely_downloaded"), statuses, strict=True)))
    assert CLAIM.verdict(a).verdict == verdict


def test_the_committed_result_is_the_current_code():
    res = load_result("community")
    if res is None:
        pytest.skip("no committed community result yet")
    assert res.code_hash == CLAIM.code_hash()
    assert not any("terraform" in (s or "").lower() for s in
                   (r["summary"] for r in read_listing()
                    if r["name"].lower() in res.subjects["pypi-listing"].measurements["ecosystems"]["tensorflow"]
                    ["members"]))
