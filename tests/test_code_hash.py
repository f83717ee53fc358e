"""What the code hash covers (issue 21): what decides a result (declarations, measurement, assessment and decision
code, programs, data), not the report's prose. A sentence changed in a claim's report module leaves its committed
result fresh and valid; a threshold changed makes it stale. Edits are made to a copy of the claim's package that
the registry is pointed at (tests/support/claims.py), never to the checkout."""

from __future__ import annotations

from evidence.results import is_stale, load_result
from tests.site_helpers import COMMITTED_RESULTS
from tests.support.claims import copy_claim_package, edit

CLAIM, VENUE = "community", "cpu-2core"


def test_the_committed_result_is_fresh_as_it_is(tmp_path, monkeypatch):
    copy_claim_package(CLAIM, tmp_path, monkeypatch)
    assert is_stale(load_result(CLAIM, COMMITTED_RESULTS, VENUE)) is False


def test_a_sentence_changed_in_the_report_leaves_the_result_fresh(tmp_path, monkeypatch):
    package = copy_claim_package(CLAIM, tmp_path, monkeypatch)
    edit(package / "report.py", "Download ranks are a rough signal", "Download ranks are only a rough signal")
    result = load_result(CLAIM, COMMITTED_RESULTS, VENUE)  # read and checked: still valid
    assert is_stale(result) is False


def test_a_threshold_changed_makes_the_result_stale(tmp_path, monkeypatch):
    package = copy_claim_package(CLAIM, tmp_path, monkeypatch)
    edit(package / "claim.py", "value=1.5,", "value=1.4,")
    assert is_stale(load_result(CLAIM, COMMITTED_RESULTS, VENUE)) is True


def test_a_decision_rule_changed_makes_the_result_stale(tmp_path, monkeypatch):
    package = copy_claim_package(CLAIM, tmp_path, monkeypatch)
    edit(package / "verdict.py", "if len(tf_side) >= need and not keras_side:", "if len(tf_side) > need:")
    assert is_stale(load_result(CLAIM, COMMITTED_RESULTS, VENUE)) is True
