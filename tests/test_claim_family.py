"""The family test (issue 21): :func:`evidence.testing.check_claim` on every registered claim and on a claim
registered from outside (``KVT_EXTRA_CLAIMS``), on synthetic subject results, with no framework imported.

Every project claim gives the decide/report shape and the ``synthetic_results`` hook: none may lack anything.
"""

from __future__ import annotations

import sys

import pytest

from evidence.registry import claim_ids, get_claim
from evidence.testing import check_claim
from tests.support.imports import FRAMEWORKS


@pytest.mark.parametrize("claim_id", claim_ids())
def test_every_registered_claim_passes_the_family_checks(claim_id):
    loaded_before = {m for m in sys.modules if m.split(".")[0] in FRAMEWORKS}
    found = check_claim(get_claim(claim_id))  # raises, naming the check, on any failure
    assert not found.lacking, f"{claim_id} lacks: {found.lacking}"
    assert any(p.startswith("edge of ") for p in found.passed) or not set(get_claim(claim_id).thresholds) - set(
        get_claim(claim_id).unguarded_thresholds)
    frameworks = {m for m in sys.modules if m.split(".")[0] in FRAMEWORKS} - loaded_before
    assert not {m.split(".")[0] for m in frameworks} & {"tensorflow", "keras", "jax", "torch"}, sorted(frameworks)


def test_an_outside_claim_passes_the_family_checks(fake_env):
    found = check_claim(get_claim("fake"))
    assert not found.lacking
    assert "edge of answer: not_answered below, answered above" in found.passed


def test_the_family_test_catches_a_rule_that_ignores_its_threshold(fake_env, monkeypatch):
    """A decision rule that no longer reads a declared threshold fails the edge check, naming it."""
    from evidence.contract import Decision
    from evidence.testing import ClaimCheckError

    claim = get_claim("fake")
    monkeypatch.setattr(type(claim), "decide", lambda self, a, t: Decision(
        verdict="supported" if a.answer is not None else "inconclusive", code="any_answer",
        unavailable=a.unavailable, failed=a.failed))
    with pytest.raises(ClaimCheckError, match="threshold edges: 'answer'"):
        check_claim(claim)


def test_the_family_test_catches_unavailable_counted_as_failed(fake_env, monkeypatch):
    from evidence.contract import Decision
    from evidence.testing import ClaimCheckError

    claim = get_claim("fake")
    original = type(claim).decide

    def as_failed(self, a, thresholds):
        decision = original(self, a, thresholds)
        return decision.model_copy(update={"failed": decision.failed + decision.unavailable, "unavailable": []})

    monkeypatch.setattr(type(claim), "decide", as_failed)
    with pytest.raises(ClaimCheckError, match=r"all subjects unavailable|unavailable is never a failure"):
        check_claim(claim)
    assert isinstance(original(claim, claim.assess({}, False), {"answer": 42}), Decision)
