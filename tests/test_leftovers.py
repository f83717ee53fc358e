"""What a killed run leaves behind is removed by the next run, never what a run still going is using (issue 26).

A run killed with SIGKILL cannot clean up: its working folder (``$TMPDIR/kvt-<claim>-*``) and the temp file of a
result it was writing stay. :func:`evidence.runner.clean_leftovers` removes them at the next run's start when
their owner process is gone.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from evidence import runner
from tests.conftest import ROOT


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr("tempfile.tempdir", str(folder))
    return folder


def test_leftovers_of_dead_runs_go_and_those_of_live_runs_stay(fake_env, private_tmp, tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    dead, alive = _dead_pid(), os.getpid()
    gone = [results / f".fake.cpu-2core.json.pid{dead}.abc123.tmp", private_tmp / "kvt-fake-dead"]
    kept = [results / f".fake.cpu-2core.json.pid{alive}.def456.tmp", private_tmp / "kvt-fake-alive",
            private_tmp / "kvt-fake-recent-unowned", private_tmp / "not-kvt-fake-x", results / "notes.tmp"]
    for path in gone + kept:
        if path.name.startswith(("kvt-", "not-")):
            path.mkdir()
        else:
            path.write_text("x")
    (private_tmp / "kvt-fake-dead" / runner.OWNER_FILE).write_text(f"{dead} 1\n")
    (private_tmp / "kvt-fake-alive" / runner.OWNER_FILE).write_text(runner._owner_mark(alive))
    old_unowned = private_tmp / "kvt-fake-old-unowned"
    old_unowned.mkdir()
    stamp = time.time() - runner.UNOWNED_AGE_S - 60
    os.utime(old_unowned, (stamp, stamp))
    gone.append(old_unowned)

    removed = runner.clean_leftovers(results)
    assert sorted(map(str, removed)) == sorted(map(str, gone))
    assert not any(p.exists() for p in gone) and all(p.exists() for p in kept)


def test_a_reused_pid_is_not_the_owner(private_tmp, tmp_path):
    """An owner file naming a live pid with another start time (the pid was reused) marks the folder dead."""
    folder = private_tmp / "kvt-community-reused"
    folder.mkdir()
    (folder / runner.OWNER_FILE).write_text(f"{os.getpid()} 1\n")  # this process did not start at tick 1
    assert runner.clean_leftovers(tmp_path / "none") == [folder]


def test_a_sigkilled_run_leaves_nothing_after_the_next_run(fake_env, tmp_path):
    """Kill a run with SIGKILL while a worker hangs; the next run removes its work folder and temp file."""
    results, tmp, pidfile = tmp_path / "results", tmp_path / "tmp", tmp_path / "pids.txt"
    tmp.mkdir()
    env = dict(os.environ, TMPDIR=str(tmp), KVT_TEST_PIDFILE=str(pidfile))
    base = [sys.executable, "-m", "kvt", "evidence", "run", "fake", "--quick", "--results-dir", str(results)]
    killed = subprocess.Popen([*base, "--subjects", "ok", "hang", "--timeout", "600"], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while not (pidfile.exists() and len(pidfile.read_text().split()) == 2):
        assert time.monotonic() < deadline, "the hanging worker never started"
        time.sleep(0.1)
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait(timeout=30)
    left = [p for p in tmp.iterdir() if p.name.startswith("kvt-fake-")]
    assert left, "a SIGKILLed run leaves its work folder (the case this cleanup is for)"
    results.mkdir(exist_ok=True)
    half_written = results / f".fake.cpu-2core.json.pid{killed.pid}.zz.tmp"  # as write_text_atomically names it
    half_written.write_text("{")

    again = subprocess.run([*base, "--subjects", "ok"], env=env, cwd=ROOT, capture_output=True, text=True,
                           timeout=120)
    assert again.returncode == 0, again.stdout + again.stderr
    assert not any(p.exists() for p in left) and not half_written.exists()
    assert [p.name for p in tmp.iterdir() if p.name.startswith("kvt-")] == []
