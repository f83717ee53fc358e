"""The rows ``kvt claims`` and ``kvt evidence show`` print are cached by the bytes of the result files and the code
that reads them (kvt/row_cache.py): a second read is the same and imports no validation or judge; a changed file,
or changed code, is read in full again; ``KVT_ROWS_CACHE=off`` keeps nothing."""

from __future__ import annotations

import json
import shutil

import pytest

from kvt import row_cache
from kvt.rows import claim_rows
from tests.conftest import kvt
from tests.site_helpers import COMMITTED_RESULTS
from tests.support.imports import modules_imported

CLAIM = "community"


@pytest.fixture
def results(tmp_path):
    """A copy of the committed results."""
    folder = tmp_path / "results"
    shutil.copytree(COMMITTED_RESULTS, folder)
    return folder


@pytest.fixture
def cached(tmp_path, monkeypatch):
    """The cache on, in a folder of its own; the number of rows read in full."""
    where = tmp_path / "rows"
    monkeypatch.setenv("KVT_ROWS_CACHE", str(where))
    reads = {"n": 0}
    real = __import__("kvt.rows", fromlist=["_read_row"])._read_row

    def counted(cid, directory):
        reads["n"] += 1
        return real(cid, directory)

    monkeypatch.setattr("kvt.rows._read_row", counted)
    return where, reads


def test_a_second_read_comes_from_the_cache_and_equals_the_first(results, cached):
    where, reads = cached
    first = claim_rows([CLAIM, "architecture"], results)
    assert reads["n"] == 2 and len(list(where.glob("*.json"))) == 2
    again = claim_rows([CLAIM, "architecture"], results)
    assert reads["n"] == 2  # nothing read in full
    assert again == first and first[0]["verdict"] == json.loads(
        (results / f"{CLAIM}.cpu-2core.json").read_text(encoding="utf-8"))["verdict"]


def test_an_edited_result_is_read_in_full_again_and_refused(results, cached):
    _, reads = cached
    assert claim_rows([CLAIM], results)[0]["verdict"] != "invalid"
    path = results / f"{CLAIM}.cpu-2core.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["verdict"] = "supported" if data["verdict"] != "supported" else "refuted"
    path.write_text(json.dumps(data), encoding="utf-8")
    row = claim_rows([CLAIM], results)[0]
    assert reads["n"] == 2 and row["verdict"] == "invalid" and "edited by hand" in row["summary"]


def test_changed_code_is_a_miss(results, cached, monkeypatch):
    _, reads = cached
    claim_rows([CLAIM], results)
    row_cache.code_stamp.cache_clear()
    monkeypatch.setattr(row_cache, "code_stamp", lambda: "another checkout")
    claim_rows([CLAIM], results)
    assert reads["n"] == 2


def test_off_keeps_nothing_and_a_link_is_never_cached(results, cached, monkeypatch, tmp_path):
    where, reads = cached
    (results / f"{CLAIM}.cpu-2core.json").rename(tmp_path / "elsewhere.json")
    (results / f"{CLAIM}.cpu-2core.json").symlink_to(tmp_path / "elsewhere.json")
    claim_rows([CLAIM], results)
    claim_rows([CLAIM], results)
    assert reads["n"] == 2 and not where.exists()  # judged in full each time
    monkeypatch.setenv("KVT_ROWS_CACHE", "off")
    claim_rows(["architecture"], results)
    claim_rows(["architecture"], results)
    assert reads["n"] == 4 and not where.exists()


def test_a_cached_read_imports_no_validation_or_judge(results, tmp_path):
    env = {"KVT_ROWS_CACHE": str(tmp_path / "rows")}
    first = kvt("claims", "--format", "json", "--results-dir", str(results), env=env)
    assert first.returncode == 0, first.stderr
    modules = modules_imported(["claims", "--results-dir", str(results)], tmp_path / "m.json", env=env)
    assert "kvt.row_cache" in modules
    assert not [m for m in modules if m.split(".")[0] == "pydantic" or m.startswith("evidence.claims.")
                or m in ("evidence.results", "evidence.contract")], modules
    again = kvt("claims", "--format", "json", "--results-dir", str(results), env=env)
    assert again.stdout == first.stdout
