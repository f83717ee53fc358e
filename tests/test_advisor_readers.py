"""Each criterion's reader and each hard requirement's check, against synthetic assessments built from the claims'
own classes: what the advisor concludes follows the assessment's fields and queries, and nothing else."""

from __future__ import annotations

import pytest

from advisor.assessments import ClaimReading, from_mapping
from advisor.constraints import BY_ID as REQUIREMENTS
from advisor.constraints import check
from advisor.criteria import BY_ID as CRITERIA
from advisor.criteria import read
from advisor.model import CLAIMS_READ
from tests.test_advisor_support import architecture, community, portability


def readings(**assessments):
    return from_mapping(CLAIMS_READ, assessments)


# -- community --------------------------------------------------------------------------------------------------
def test_community_scores_popularity_and_activity_with_the_noise_band():
    r = read(CRITERIA["community"], readings(community=community()), "all")
    assert r.claim == "community" and r.missing is None
    torch = r.values["keras-torch"]
    assert torch.low == pytest.approx(torch.value / 1.5) and torch.high == pytest.approx(torch.value * 1.5)
    assert "best download rank" in torch.note
    worse = read(CRITERIA["community"], readings(community=community(keras_torch=9000)), "all")
    assert worse.values["keras-torch"].value < torch.value


def test_a_claim_that_needs_a_rerun_is_missing_with_its_message():
    r = read(CRITERIA["community"], {"community": ClaimReading("community", error="x.json: schema_version 1, "
                                                                                 "expected 2: needs a rerun")}, "all")
    assert r.missing == "x.json: schema_version 1, expected 2: needs a rerun"
    assert all(v.value is None for v in r.values.values())


# -- backend flexibility and switch_backends=yes ----------------------------------------------------------------
def test_flexibility_counts_switches_weighted_by_the_corpus():
    r = read(CRITERIA["backend_flexibility"], readings(backend_portability=portability()), "all")
    assert r.claim == "backend_portability"
    assert r.values["keras-jax"].value == pytest.approx(1 + 2 * 2 / 3)
    assert r.values["tensorflow-core"].value == 1.0 and r.values["tensorflow-core"].basis == "definition"
    blocked = portability(no_switch=(("keras-jax", "keras-torch"),))
    r = read(CRITERIA["backend_flexibility"], readings(backend_portability=blocked), "all")
    assert r.values["keras-jax"].value == pytest.approx(1 + 2 / 3)
    assert "not with keras-torch" in r.values["keras-jax"].note


def test_flexibility_falls_back_to_architecture():
    r = read(CRITERIA["backend_flexibility"], readings(architecture=architecture(trains=("tensorflow", "jax"))),
             "all")
    assert r.claim == "architecture"
    assert r.values["keras-jax"].value == 2.0 and r.values["keras-torch"].value is None
    assert "inference_only" in r.values["keras-torch"].note


def test_switch_backends_requires_a_verified_switch():
    req = REQUIREMENTS["switch_backends=yes"]
    ok = readings(backend_portability=portability())
    assert check(req, ok, "keras-jax")[0].state == "met"
    assert check(req, ok, "tensorflow-core")[0].state == "failed"
    alone = portability(no_switch=(("keras-torch", "keras-jax"), ("keras-torch", "keras-tensorflow")))
    result = check(req, readings(backend_portability=alone), "keras-torch")[0]
    assert result.state == "failed" and "switches with no other backend" in result.reason
    missing = check(req, readings(), "keras-jax")[0]
    assert missing.state == "not_verified" and "no result yet" in missing.reason
