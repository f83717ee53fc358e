"""The community claim: packages classified by what they are, look-alikes excluded, the verdict's rule."""

from __future__ import annotations

import pytest

from evidence.claims.community import CLAIM, CommunityAssessment, classify, origin, read_first_party, read_listing
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
    # A PyTorch tool that names Keras only to compare itself with it is no Keras package.
    ("torchsummary", "Model summary in PyTorch similar to `model.summary()` in Keras",
     {"keras": "look_alike", "torch": "summary"}),
    ("tensorflow-hooks", "PyTorch-like hooks for TensorFlow Keras layers",
     {"tensorflow": "name", "keras": "summary", "torch": "summary"}),
])
def test_classification_by_what_a_package_is(name, summary, expected):
    assert {eco: how for eco, (how, _) in classify(name, summary).items()} == expected


@pytest.mark.parametrize(("eco", "name", "summary", "expected"), [
    ("tensorflow", "tensorflow-cpu", "TensorFlow is an open source machine learning framework for everyone.",
     "framework"),
    ("tensorflow", "tensorflow-macos", "", "framework"),
    ("tensorflow", "tf-nightly", "", "framework"),
    ("tensorflow", "types-tensorflow", "Typing stubs for tensorflow", "framework"),
    ("tensorflow", "tensorflow-ascend", "TensorFlow is an open source machine learning framework for everyone.",
     "framework"),
    ("tensorflow", "tensorflow-transform", "A library for data preprocessing with TensorFlow", "first_party"),
    ("tensorflow", "tf-keras", "Deep learning for humans.", "first_party"),
    ("keras", "tf-keras", "Deep learning for humans.", "framework"),
    ("keras", "keras-nightly", "Multi-backend Keras", "framework"),
    ("keras", "keras-tuner", "A Hyperparameter Tuning Library for Keras", "first_party"),
    ("keras", "scikeras", "Scikit-Learn API wrapper for Keras.", "third_party"),
    ("tensorflow", "tf-explain", "Interpretability Callbacks for Tensorflow 2.0", "third_party"),
])
def test_origin_sets_the_framework_and_its_owner_apart(eco, name, summary, expected):
    assert origin(eco, name, summary, read_first_party())[0] == expected


def test_every_reviewed_first_party_entry_gives_its_reason():
    reviewed = read_first_party()
    assert len(reviewed) > 50
    assert all(v["organisation"] and ("github.com/" in v["reason"] or "summary" in v["reason"] or
                                      "name before" in v["reason"]) for v in reviewed.values())


def test_the_signals_count_third_party_packages_only(result):
    a = result.assessment
    apart = {x.name.lower() for x in a.set_apart if x.ecosystem == "tensorflow"}
    assert {"tensorflow-cpu", "tensorflow-intel", "tensorflow-macos", "tensorflow-aarch64", "tf-nightly",
            "tf-keras-nightly", "types-tensorflow", "tensorflow-transform", "tensorflow-data-validation"} <= apart
    assert "torchsummary" in {x.name for x in a.excluded if x.ecosystem == "keras"}
    tf, keras = a.ecosystems["tensorflow"], a.ecosystems["keras"]
    assert a.signals["packages"].tensorflow == tf.by_origin["third_party"].packages
    assert a.signals["widely_downloaded"].keras == keras.by_origin["third_party"].widely_downloaded
    assert sum(o.packages for o in tf.by_origin.values()) == tf.packages
    assert tf.packages - tf.by_origin["third_party"].packages == len(apart)
    # Before the split, 35 TensorFlow packages were widely downloaded; none of them is third-party.
    assert tf.widely_downloaded == 35 and tf.by_origin["third_party"].widely_downloaded == 0
    assert a.signals["widely_downloaded"].status == "too_few"


def test_the_result_says_what_a_listing_cannot(result):
    a = result.assessment
    assert a.listing is not None and a.listing.taken == "2026-11-25" and a.listing.does_not_hold
    assert any("contributor" in x for x in a.cannot_say)
    assert result.claim.venue_scope is not None and result.claim.machine_dependent is False


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
    # A package listing shows the package half of a community at most: never "supported", never "refuted".
    (("favours_tensorflow", "favours_tensorflow", "within_noise"), "partly supported"),
    (("favours_tensorflow", "favours_tensorflow", "favours_tensorflow"), "partly supported"),
    (("favours_tensorflow", "favours_tensorflow", "favours_keras"), "inconclusive"),
    (("favours_tensorflow", "within_noise", "within_noise"), "inconclusive"),
    (("favours_tensorflow", "too_few", "too_few"), "inconclusive"),
    (("within_noise", "within_noise", "within_noise"), "inconclusive"),
    (("favours_keras", "favours_keras", "within_noise"), "inconclusive"),
    (("favours_keras", "within_noise", "favours_tensorflow"), "inconclusive"),
    (("favours_keras", "within_noise", "within_noise"), "inconclusive"),
])
def test_the_verdict_rule(result, statuses, verdict):
    a = _with_signals(result, dict(zip(("packages", "active", "widely_downloaded"), statuses, strict=True)))
    decision = CLAIM.verdict(a).decision
    assert decision.verdict == verdict
    assert (decision.numbers["favour_tensorflow"], decision.numbers["favour_keras"]) == (
        statuses.count("favours_tensorflow"), statuses.count("favours_keras"))


def test_the_committed_result_is_the_current_code():
    res = load_result("community")
    if res is None:
        pytest.skip("no committed community result yet")
    assert res.code_hash == CLAIM.code_hash()
    assert not any("terraform" in (s or "").lower() for s in
                   (r["summary"] for r in read_listing()
                    if r["name"].lower() in res.subjects["pypi-listing"].measurements["ecosystems"]["tensorflow"]
                    ["members"]))
