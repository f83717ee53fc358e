"""Result files: schema validation, atomic writes, stale detection."""

from __future__ import annotations

import json
import os

import pytest

from evidence import results
from evidence.registry import get_claim
from evidence.results import ResultError, load_result, write_result


@pytest.fixture
def result(fake_env, tmp_path):
    from evidence import runner

    [res] = runner.run(["fake"], quick=True, subjects=["ok"], results_dir=tmp_path)
    return res


def test_round_trip(result, tmp_path):
    assert load_result("fake", tmp_path) == result
    assert load_result("community", tmp_path) is None


def test_write_is_atomic_and_keeps_the_previous_file_on_failure(result, tmp_path, monkeypatch):
    path = results.result_path("fake", tmp_path)
    before = path.read_bytes()

    def explode(src, dst):
        raise OSError("disk pulled out mid-rename")

    monkeypatch.setattr(os, "replace", explode)
    changed = result.model_copy(update={"summary": "a new summary"})
    with pytest.raises(OSError, match="mid-rename"):
        write_result(changed, tmp_path)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fake.json"]  # no temp file left behind


def test_invalid_results_are_rejected_before_writing(result, tmp_path):
    bad = result.model_copy(update={"verdict": "probably"})
    with pytest.raises(ValueError):
        write_result(bad, tmp_path)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "not readable JSON"),
        (json.dumps({"schema_version": 0}), "schema_version 0, expected 1"),
        (json.dumps({"schema_version": 1, "verdict": "supported"}), "does not match the result schema"),
    ],
)
def test_broken_files_raise_a_clear_error(tmp_path, content, message):
    (tmp_path / "community.json").write_text(content)
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


def test_real_claims_hash_their_programs_and_data():
    claim = get_claim("community")
    names = [p.name for p in claim.code_files()]
    assert names == ["community.py", "pypi-dl-frameworks-2026-11-25.tsv"]
    assert all(p.exists() for p in claim.code_files())
