"""Result files: schema validation, typed assessments, venues, atomic writes, stale detection."""

from __future__ import annotations

import json
import os

import pytest

from evidence import results
from evidence.registry import get_claim
from evidence.results import ResultError, load_result, load_venues, venues, write_result
from tests.conftest import VENUE, result_file


@pytest.fixture
def result(fake_env, tmp_path):
    from evidence import runner

    [res] = runner.run(["fake"], quick=True, subjects=["ok"], results_dir=tmp_path)
    return res


def test_round_trip_keeps_the_typed_assessment(result, tmp_path):
    loaded = load_result("fake", tmp_path)
    assert loaded == result
    assert type(loaded.assessment).__name__ == "FakeAssessment" and loaded.assessment.answer == 42
    assert load_result("community", tmp_path) is None


def test_results_of_several_venues_sit_side_by_side(result, tmp_path):
    from evidence.registry import get_claim

    # Another venue's own numbers (ok answered 41 there), judged by the claim: verdicts are never set by hand.
    assessment = result.assessment.model_copy(update={"answer": 41})
    judged = get_claim("fake").verdict(assessment)
    other = result.model_copy(update={"venue": "gpu-h200", "assessment": assessment, "verdict": judged.verdict,
                                      "summary": judged.summary, "decision": judged.decision})
    write_result(other, tmp_path)
    assert venues("fake", tmp_path) == [VENUE, "gpu-h200"]  # the CPU venue first
    assert {v: r.verdict for v, r in load_venues("fake", tmp_path).items()} == {VENUE: "supported",
                                                                                "gpu-h200": "inconclusive"}
    assert load_result("fake", tmp_path).venue == VENUE
    assert load_result("fake", tmp_path, venue="gpu-h200").verdict == "inconclusive"


def test_a_file_whose_name_and_venue_disagree_is_rejected(result, tmp_path):
    path = result_file(tmp_path, "fake")
    path.rename(tmp_path / "fake.gpu-h200.json")
    with pytest.raises(ResultError, match="holds venue"):
        load_result("fake", tmp_path)


def test_write_is_atomic_and_keeps_the_previous_file_on_failure(result, tmp_path, monkeypatch):
    path = result_file(tmp_path, "fake")
    before = path.read_bytes()

    def explode(src, dst):
        raise OSError("disk pulled out mid-rename")

    monkeypatch.setattr(os, "replace", explode)
    changed = result.model_copy(update={"summary": "a new summary"})
    with pytest.raises(OSError, match="mid-rename"):
        write_result(changed, tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no temp file left behind


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")
def test_invalid_results_are_rejected_before_writing(result, tmp_path):
    path = result_file(tmp_path, "fake")
    before = path.read_bytes()
    bad = result.model_copy(update={"verdict": "probably"})
    with pytest.raises(ResultError, match="verdict"):
        write_result(bad, tmp_path)
    bad = result.model_copy(update={"assessment": result.assessment.model_copy(update={"answer": "many"})})
    with pytest.raises(ResultError, match=r"assessment\.answer"):
        write_result(bad, tmp_path)
    assert path.read_bytes() == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not readable JSON"),
        (json.dumps({"schema_version": 0}), "schema_version 0, expected 2: needs a rerun of community"),
        (json.dumps({"schema_version": 2, "verdict": "supported"}), "does not match the result schema"),
        (b"\xff\xfe\x00garbage", "not readable JSON"),
    ],
)
def test_broken_files_raise_a_clear_error(tmp_path, content, message):
    path = tmp_path / f"community.{VENUE}.json"
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(ResultError, match=message):
        load_result("community", tmp_path)


def test_code_hash_follows_the_claims_files(fake_env, tmp_path, monkeypatch):
    claim = get_claim("fake")
    program = tmp_path / "program.py"
    program.write_text("print('v1')\n")
    monkeypatch.setattr(type(claim), "code_files", lambda self: [program])
    first = claim.code_hash()
    assert claim.code_hash() == first
    program.write_text("print('v2')\n")
    assert claim.code_hash() != first


def test_stale_when_the_code_changed(result, tmp_path):
    assert results.is_stale(result) is False
    assert results.is_stale(result.model_copy(update={"code_hash": "0" * 64})) is True


def test_real_claims_hash_their_programs_and_data():
    claim = get_claim("community")
    names = [p.name for p in claim.code_files()]
    # A claim package counts every module of it but its prose (report.py) and its family-test data
    # (synthetic.py), then its data files.
    assert names == ["__init__.py", "assess.py", "assessment.py", "claim.py", "constants.py", "measure.py",
                     "measure_listing.py", "verdict.py", "pypi-dl-frameworks-2026-11-25.tsv",
                     "pypi-dl-frameworks-2026-11-25.source.json", "community-first-party.tsv"]
    assert all(p.exists() for p in claim.code_files())
