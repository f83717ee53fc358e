"""The contract every claim honours, checked for each registered claim (in the spirit of scikit-learn's
``check_estimator``): its quick run writes a result whose typed assessment validates; ``verdict()`` recomputed
from the stored assessment gives the stored verdict; every status it holds is one the claim declares; every field
is described; and a result hand-edited to break the assessment is rejected on read, naming the field.

The project's claims are checked on the session's quick run of every claim (``quick_results``); an outside
claim registered with ``KVT_EXTRA_CLAIMS`` (the test suite's ``fake``) gets the same checks on its own run.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evidence.contract import Assessment, Setting, Threshold
from evidence.registry import claim_ids, get_claim
from evidence.results import SCHEMA_VERSION, ResultError, json_schema, load_result, load_venues, parse_result


def check_contract(claim_id: str, directory: Path) -> None:
    """Every check of the contract on ``claim_id``'s result in ``directory`` (see the module docstring)."""
    claim = get_claim(claim_id)
    assert isinstance(claim.assessment_type, type) and issubclass(claim.assessment_type, Assessment)
    assert all(isinstance(t, Threshold) and t.reason.strip() for t in claim.thresholds.values()), claim_id
    assert all(isinstance(s, Setting) for s in claim.settings.values()), claim_id
    found = load_venues(claim_id, directory)
    assert found, f"{claim_id} wrote no result into {directory}"
    for venue, result in found.items():
        assert result.schema_version == SCHEMA_VERSION and result.venue == venue
        assert type(result.assessment) is claim.assessment_type
        # The decision is a function of the stored assessment and thresholds: recomputed, it is the stored one
        # (and its verdict the last run's, when several runs disagreed and the published verdict is inconclusive).
        again = claim.judgement(result.assessment, result.mode == "quick")
        last = result.reruns[-1].verdict if result.reruns else result.verdict
        if result.reruns and len({r.verdict for r in result.reruns}) > 1:
            assert result.verdict == "inconclusive"
        assert again.verdict == last, claim_id
        assert result.decision is not None and again.decision.same_as(result.decision), claim_id
        assert all(isinstance(v, str) for v in result.findings.values())
        for where, status in result.assessment.statuses():
            assert status in claim.assessment_type.STATUSES, f"{claim_id}: {where} = {status!r}"
        for subject, res in result.subjects.items():
            assert res.status in ("ok", "failed", "unavailable"), subject
        assert set(result.subjects) <= set(claim.subjects)
        check_tampering_is_rejected(claim_id, directory / f"{claim_id}.{venue}.json")


def _first_status_path(value: Any, path: list) -> list | None:
    """The path of the first ``status`` string in the assessment's JSON, else of its first scalar leaf."""
    if isinstance(value, dict):
        if isinstance(value.get("status"), str):
            return [*path, "status"]
        for key, item in value.items():
            found = _first_status_path(item, [*path, key])
            if found:
                return found
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found = _first_status_path(item, [*path, i])
            if found:
                return found
    return None


def check_tampering_is_rejected(claim_id: str, path: Path) -> None:
    """A hand-edited assessment (a status that is no status, a field that does not exist) fails on read, and
    the message names the field."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    where = _first_status_path(raw["assessment"], ["assessment"])
    if where is not None:
        broken = json.loads(json.dumps(raw))
        node = broken
        for key in where[:-1]:
            node = node[key]
        node[where[-1]] = "probably-fine"
        with pytest.raises(ResultError) as info:
            parse_result(broken, claim_id, "tampered")
        assert str(where[-2] if len(where) > 1 else where[-1]) in str(info.value), str(info.value)
    extra = json.loads(json.dumps(raw))
    extra["assessment"]["hand_added_field"] = 1
    with pytest.raises(ResultError, match="hand_added_field"):
        parse_result(extra, claim_id, "tampered")
    missing = json.loads(json.dumps(raw))
    field = next(iter(missing["assessment"]))
    del missing["assessment"][field]
    with pytest.raises(ResultError, match=field):
        parse_result(missing, claim_id, "tampered")


@pytest.mark.slow
@pytest.mark.parametrize("claim_id", claim_ids())
def test_every_claim_honours_the_contract(claim_id, quick_results):
    check_contract(claim_id, quick_results)


def test_an_outside_claim_gets_the_same_checks(fake_env, tmp_path):
    from evidence import runner

    runner.run(["fake"], quick=True, subjects=["ok", "missing"], results_dir=tmp_path)
    check_contract("fake", tmp_path)


def test_every_field_of_every_result_is_described():
    """``kvt evidence schema`` describes each field of the result and of every claim's assessment."""
    schema = json_schema()
    undescribed = [f"{name}.{prop}" for name, definition in schema["$defs"].items()
                   for prop, spec in definition.get("properties", {}).items() if not spec.get("description")]
    assert not undescribed, undescribed
    assert len(schema["oneOf"]) == len(claim_ids())


def test_a_schema_1_file_needs_a_rerun_and_is_never_misread(tmp_path):
    (tmp_path / "community.json").write_text(json.dumps({"schema_version": 1, "verdict": "refuted"}))
    with pytest.raises(ResultError, match="needs a rerun of community"):
        load_result("community", tmp_path)
    (tmp_path / "community.json").unlink()
    (tmp_path / "community.cpu-2core.json").write_text(json.dumps({"schema_version": 1, "verdict": "refuted"}))
    with pytest.raises(ResultError, match=r"schema_version 1, expected 2: needs a rerun of community"):
        load_result("community", tmp_path)
