"""A run killed part-way keeps the previous result file intact and valid, and leaves no worker behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from evidence.results import load_result
from tests.conftest import ROOT, result_file


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split()[2] != "Z"
    except OSError:
        return False


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killed_run_keeps_previous_result(fake_env, tmp_path, sig):
    results = tmp_path / "results"
    pidfile = tmp_path / "pids.txt"
    env = dict(os.environ, KVT_TEST_PIDFILE=str(pidfile))
    base = [sys.executable, "-m", "kvt", "evidence", "run", "fake", "--quick", "--results-dir", str(results)]

    first = subprocess.run([*base, "--subjects", "ok"], env=env, cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert first.returncode == 0, first.stdout + first.stderr
    previous = result_file(results, "fake").read_bytes()
    pidfile.unlink()

    # Second run: `ok` finishes, then `hang` blocks until we kill the runner.
    runner = subprocess.Popen([*base, "--subjects", "ok", "hang", "--timeout", "600"], env=env, cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    _wait_for(lambda: pidfile.exists() and len(pidfile.read_text().split()) == 2, 60, "the hanging worker")
    hanging_worker = int(pidfile.read_text().split()[1])
    assert _running(hanging_worker)

    os.killpg(runner.pid, sig)
    out, _ = runner.communicate(timeout=60)
    if sig == signal.SIGTERM:
        # A polite stop: the runner says what happened and exits 130.
        assert runner.returncode == 130
        assert b"kept their previous result files" in out
    else:
        assert runner.returncode == -signal.SIGKILL

    # The worker dies with the runner (process group kill on SIGTERM, parent-death signal on SIGKILL).
    _wait_for(lambda: not _running(hanging_worker), 10, "the worker to die")
    assert result_file(results, "fake").read_bytes() == previous
    assert load_result("fake", results).provenance.subjects_run == ["ok"]
    # no half-written temp file either
    assert [p.name for p in results.iterdir()] == [result_file(results, "fake").name]
