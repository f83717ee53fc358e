"""The runner records ok / failed / unavailable per subject, goes on after failures, and leaves no process."""

from __future__ import annotations

import json
import os
import time

import pytest

from evidence import runner
from evidence.claim import Verdict
from evidence.registry import get_claim
from evidence.results import Rerun, load_result
from tests.conftest import VENUE, kvt


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is not running code any more.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return False


def test_every_outcome_is_recorded_and_the_run_goes_on(fake_env, tmp_path, monkeypatch):
    pidfile = tmp_path / "pids.txt"
    monkeypatch.setenv("KVT_TEST_PIDFILE", str(pidfile))
    seen = []
    [result] = runner.run(["fake"], quick=True, results_dir=tmp_path / "results", timeout_s=4,
                          report=lambda c, s, st, o: seen.append((s, st, o and o.status)))
    subjects = result.subjects
    assert subjects["ok"].status == "ok"
    assert subjects["ok"].measurements == {"answer": 42, "quick": True, "repeats": 2, "keras_backend": "jax"}

    assert subjects["crash"].status == "failed"
    assert "deliberate crash in the fake claim" in subjects["crash"].reason
    assert "about to fail" in subjects["crash"].stderr_tail
    assert "Traceback" in subjects["crash"].stderr_tail

    assert subjects["hang"].status == "failed"
    assert "timed out after 4 s" in subjects["hang"].reason

    assert subjects["missing"].status == "unavailable"
    assert "kvt_no_such_framework" in subjects["missing"].reason

    # Stages run in order and share the workdir; only `staged` takes part in the second one.
    assert subjects["staged"].stages == {"first": "ok", "second": "ok"}
    assert subjects["staged"].measurements == {"first_value": 1, "second_saw": "from the first stage"}
    assert ("staged", "second", "ok") in seen and ("ok", "second", "ok") not in seen

    assert result.verdict == "supported"
    assert "crash (failed" in result.summary and "missing (unavailable" in result.summary
    assert result.provenance.mode == "quick"
    # TensorFlow's oneDNN policy is left at its default: the caller's setting does not reach the workers.
    assert "TF_ENABLE_ONEDNN_OPTS" not in result.provenance.environment
    assert result.venue == "cpu-2core" or result.venue.startswith(("cpu-", "gpu-"))
    assert result.assessment.answer == 42 and result.assessment.statuses_seen["hang"] == "failed"
    # The file on disk is what was returned, and it validates.
    assert load_result("fake", tmp_path / "results") == result

    # The hung worker was killed with its group: nothing it started is still running.
    pids = [int(p) for p in pidfile.read_text().split()]
    assert len(pids) == 5
    time.sleep(0.2)
    assert not [p for p in pids if _alive(p)]


def test_subject_selection_validates_names(fake_env):
    claim = get_claim("fake")
    assert runner.select_subjects([claim], ["ok"]) == {"fake": ("ok",)}
    with pytest.raises(runner.UnknownSubjectError, match="Expected one of: crash, hang, missing, ok, staged"):
        runner.select_subjects([claim], ["ok", "nope"])


def test_partial_run_names_what_was_not_run(fake_env, tmp_path):
    [result] = runner.run(["fake"], quick=True, subjects=["ok"], results_dir=tmp_path)
    assert list(result.subjects) == ["ok"]
    assert result.provenance.subjects_run == ["ok"]
    assert "crash (not run)" in result.summary


def test_cli_exit_status_reports_failed_cells(fake_env, tmp_path):
    proc = kvt("evidence", "run", "fake", "--quick", "--subjects", "ok", "crash", "--results-dir", str(tmp_path))
    assert proc.returncode == 1, proc.stderr
    assert "fake/crash/first" in proc.stdout
    assert load_result("fake", tmp_path).subjects["crash"].status == "failed"
    proc = kvt("evidence", "run", "fake", "--quick", "--subjects", "ok", "missing", "--results-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_reruns_keep_every_verdict_and_the_last_measurements(fake_env, tmp_path, monkeypatch):
    seen = []
    [result] = runner.run(["fake"], quick=True, subjects=["ok"], results_dir=tmp_path, reruns=3,
                          report=lambda c, s, st, o: seen.append(st) if o else None)
    assert seen == ["first (run 1/3)", "first (run 2/3)", "first (run 3/3)"]
    # The progress total counts the same cells: `staged` also takes part in the second stage.
    claim = get_claim("fake")
    assert runner.planned_cells(claim, ["ok"], quick=True, reruns=3) == len(seen)
    assert runner.planned_cells(claim, ["ok", "staged"], quick=True) == 3
    assert [r.verdict for r in result.reruns] == ["supported"] * 3
    assert all(r.duration_s > 0 for r in result.reruns)
    assert result.verdict == "supported"
    assert "in all 3 runs" in result.findings["stability"]
    assert result.subjects["ok"].measurements["answer"] == 42
    assert load_result("fake", tmp_path) == result
    # A single run records no reruns and no stability finding.
    [single] = runner.run(["fake"], quick=True, subjects=["ok"], results_dir=tmp_path)
    assert single.reruns == [] and "stability" not in single.findings
    # Without a number, the claim's own for the mode decides.
    monkeypatch.setattr(type(get_claim("fake")), "reruns", (2, 1))
    [own] = runner.run(["fake"], quick=True, subjects=["ok"], results_dir=tmp_path)
    assert len(own.reruns) == 2
    with pytest.raises(ValueError, match="reruns >= 1"):
        runner.run(["fake"], quick=True, subjects=["ok"], results_dir=tmp_path, reruns=0)


def test_a_verdict_that_changes_across_reruns_is_not_published():
    def rerun(verdict):
        return Rerun(verdict=verdict, summary=f"{verdict} because", date="2026-11-26T00:00:00+00:00", duration_s=1.0)

    last = Verdict("refuted", "TensorFlow slower: 0.72x.", {"train": "numbers"})
    same = runner.stability([rerun("refuted")] * 3, last)
    assert (same.verdict, same.summary) == ("refuted", last.summary)
    assert same.findings["train"] == "numbers" and "refuted, in all 3 runs" in same.findings["stability"]

    changed = runner.stability([rerun("refuted"), rerun("partly supported"), rerun("refuted")], last)
    assert changed.verdict == "inconclusive"
    assert "run 1 refuted; run 2 partly supported; run 3 refuted" in changed.summary
    assert changed.summary.endswith("the last run said: refuted: TensorFlow slower: 0.72x.")
    assert "changed across 3 runs" in changed.findings["stability"]
    assert runner.stability([rerun("refuted")], last) is last


def test_cli_reruns_must_be_a_positive_whole_number(fake_env, tmp_path):
    for bad in ("0", "-1", "two"):
        proc = kvt("evidence", "run", "fake", "--quick", "--reruns", bad, "--results-dir", str(tmp_path))
        assert proc.returncode == 2
        assert "--reruns: expected a whole number of at least 1" in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not list(tmp_path.iterdir())


def test_cli_shows_how_many_reruns_agreed(fake_env, tmp_path):
    proc = kvt("evidence", "run", "fake", "--quick", "--subjects", "ok", "--reruns", "2",
               "--results-dir", str(tmp_path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "verdict of each run: supported, supported" in proc.stdout
    proc = kvt("claims", "--results-dir", str(tmp_path), env={"COLUMNS": "200"})
    assert f"supported on {VENUE} (same in 2 runs)" in proc.stdout
    [row] = [r for r in json.loads(kvt("evidence", "show", "fake", "--format", "json", "--results-dir",
                                       str(tmp_path)).stdout) if r["id"] == "fake"]
    assert row["reruns"] == ["supported", "supported"]
