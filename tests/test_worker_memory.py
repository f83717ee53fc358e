"""The memory watchdog (issue 27): a child whose process tree passes its memory cap is killed and reported so, its
grandchildren counted and killed too; a child under the cap ends as it would have; the runner records a worker
over the cap ``failed`` with that error and goes on.

The children hold a few hundred MiB at most against caps of about 100 MiB, and are killed within a sample or two
(:data:`POLL_S`); every bound on time is generous, for a loaded 2-core machine.
"""

from __future__ import annotations

import os
import sys
import textwrap
import time
from pathlib import Path

import pytest

from evidence import runner
from evidence.processes import GIB, ProcessOutcome, run_process
from evidence.registry import get_claim
from evidence.settings import SettingsError, worker_memory_bytes
from tests.conftest import ROOT

MIB = 2**20
POLL_S = 0.1


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie runs no code any more
    except OSError:
        return False


def _gone(pids: list[int], within_s: float = 5.0) -> bool:
    end = time.monotonic() + within_s
    while time.monotonic() < end:
        if not any(_alive(p) for p in pids):
            return True
        time.sleep(0.05)
    return False


def _run(tmp_path: Path, code: str, **kwargs) -> ProcessOutcome:
    script = tmp_path / "child.py"
    script.write_text(textwrap.dedent(code), encoding="utf-8")
    return run_process([sys.executable, str(script)], cwd=tmp_path, env=dict(os.environ),
                       stdout=tmp_path / "out.txt", stderr=tmp_path / "err.txt", memory_poll_s=POLL_S, **kwargs)


def test_a_child_over_the_cap_is_killed_and_reported(tmp_path):
    outcome = _run(tmp_path, f"""
        import os, time
        open({str(tmp_path / "pid")!r}, "w").write(str(os.getpid()))
        held = b"x" * (300 * {MIB})  # every page written, so resident
        print("holding", flush=True)
        time.sleep(60)
        """, timeout_s=50, memory_cap_bytes=100 * MIB)
    assert outcome.over_memory and not outcome.timed_out and not outcome.ok
    assert outcome.returncode is None and outcome.memory_cap_bytes == 100 * MIB
    assert 100 * MIB < outcome.peak_rss_bytes < 400 * MIB
    assert outcome.duration_s < 30  # killed, not left to sleep or time out
    assert outcome.how().startswith("used more than 100 MiB of memory (peak ")
    assert outcome.how().endswith(" MiB, itself and its children together) and was killed")
    assert _gone([int((tmp_path / "pid").read_text())])


def test_the_cap_counts_grandchildren_and_kills_them(tmp_path):
    # Each process holds about 80 MiB (60 allocated and the interpreter), under the cap of 120 MiB; together
    # they pass it. The grandchild runs in a session of its own, outside the child's process group.
    pids = tmp_path / "pids"
    outcome = _run(tmp_path, f"""
        import os, subprocess, sys, time
        grandchild = '''
        import os, time
        open({str(pids)!r}, "a").write(f"{{os.getpid()}}\\\\n")
        held = b"y" * (60 * {MIB})
        time.sleep(60)
        '''
        open({str(pids)!r}, "a").write(f"{{os.getpid()}}\\n")
        subprocess.Popen([sys.executable, "-c", grandchild], start_new_session=True)
        held = b"x" * (60 * {MIB})
        time.sleep(60)
        """, timeout_s=50, memory_cap_bytes=120 * MIB)
    assert outcome.over_memory and not outcome.timed_out, (outcome, (tmp_path / "err.txt").read_text())
    assert outcome.peak_rss_bytes > 120 * MIB
    assert outcome.duration_s < 30
    found = [int(p) for p in pids.read_text().split()]
    assert len(found) == 2  # each writes its pid before it allocates: neither alone passes the cap
    assert _gone(found)  # the grandchild too, though outside the group


def test_a_child_under_the_cap_ends_as_it_would_have(tmp_path):
    outcome = _run(tmp_path, f"""
        import sys, time
        held = b"x" * (40 * {MIB})
        time.sleep(0.6)  # long enough to be sampled a few times
        print("answer", len(held) // {MIB})
        print("a warning", file=sys.stderr)
        sys.exit(3)
        """, timeout_s=50, memory_cap_bytes=200 * MIB)
    assert not outcome.over_memory and not outcome.timed_out
    assert outcome.returncode == 3 and outcome.how() == "exited with status 3"
    assert (tmp_path / "out.txt").read_text() == "answer 40\n"
    assert outcome.last_line() == "a warning"
    assert 40 * MIB < outcome.peak_rss_bytes < 200 * MIB


def test_the_timeout_is_unchanged(tmp_path):
    outcome = _run(tmp_path, "import time; time.sleep(60)", timeout_s=0.5, memory_cap_bytes=GIB)
    assert outcome.timed_out and not outcome.over_memory and outcome.returncode is None
    assert 0.5 <= outcome.duration_s < 20
    assert outcome.how() == "timed out after 1 s and was killed"


def test_the_memory_message_in_gib():
    outcome = ProcessOutcome(None, False, 3.0, "", peak_rss_bytes=int(12.34 * GIB), memory_cap_bytes=12 * GIB)
    assert outcome.how() == ("used more than 12.0 GiB of memory (peak 12.3 GiB, itself and its children together) "
                             "and was killed")
    # A child killed by someone else is not reported over memory, whatever it held.
    other = ProcessOutcome(-9, False, 3.0, "", peak_rss_bytes=20 * GIB)
    assert not other.over_memory and other.how() == "killed by signal 9 (SIGKILL)"


def test_the_cap_setting():
    assert worker_memory_bytes({}) == 12 * GIB
    assert worker_memory_bytes({"KVT_WORKER_MEMORY_GIB": "0.5"}) == GIB // 2
    assert worker_memory_bytes({"KVT_WORKER_MEMORY_GIB": "24"}) == 24 * GIB
    for bad in ("0", "-1", "12GB", "1e3", " 12"):
        with pytest.raises(SettingsError, match=r"KVT_WORKER_MEMORY_GIB.*number of GiB above 0"):
            worker_memory_bytes({"KVT_WORKER_MEMORY_GIB": bad})


def test_the_runner_passes_the_cap_and_records_the_kill(fake_env, tmp_path, monkeypatch):
    seen = {}

    def over(cmd, **kwargs):
        seen.update(kwargs)
        return ProcessOutcome(None, False, 4.0, "Traceback ...\nconverting node 812", peak_rss_bytes=int(12.3 * GIB),
                              memory_cap_bytes=kwargs["memory_cap_bytes"])

    monkeypatch.setattr(runner, "run_process", over)
    monkeypatch.delenv("KVT_WORKER_MEMORY_GIB", raising=False)
    cell = runner.run_cell(get_claim("fake"), "ok", "first", quick=True, workdir=tmp_path, timeout_s=9)
    assert seen["memory_cap_bytes"] == 12 * GIB and seen["timeout_s"] == 9
    assert cell.status == "failed"
    assert cell.reason == ("worker used more than 12.0 GiB of memory (peak 12.3 GiB, itself and its children "
                           "together) and was killed")
    assert cell.stderr_tail.endswith("converting node 812") and cell.peak_rss_bytes == int(12.3 * GIB)
    monkeypatch.setenv("KVT_WORKER_MEMORY_GIB", "2.5")
    runner.run_cell(get_claim("fake"), "ok", "first", quick=True, workdir=tmp_path, timeout_s=9)
    assert seen["memory_cap_bytes"] == int(2.5 * GIB)


@pytest.fixture
def memhog_env(monkeypatch):
    """Register the memory claim in this process and in its workers, with a worker cap of 128 MiB."""
    monkeypatch.setenv("KVT_EXTRA_CLAIMS", "memhog=tests.memory_claims")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    monkeypatch.setenv("KVT_WORKER_MEMORY_GIB", "0.125")
    get_claim.cache_clear()
    yield
    get_claim.cache_clear()


def test_a_worker_over_the_cap_is_failed_and_the_run_goes_on(memhog_env, tmp_path):
    seen = {}
    start = time.monotonic()
    [result] = runner.run(["memhog"], quick=True, results_dir=tmp_path,
                          report=lambda c, s, st, o: seen.update({s: o}) if o else None)
    assert time.monotonic() - start < 40  # not the hog's 60 s sleep
    hog, small = result.subjects["hog"], result.subjects["small"]
    assert hog.status == "failed"
    assert hog.reason.startswith("measure: worker used more than 128 MiB of memory (peak ")
    assert hog.reason.endswith("and was killed")
    assert seen["hog"].peak_rss_bytes > 128 * MIB
    assert small.status == "ok" and small.measurements == {"answer": 42}
    assert seen["small"].peak_rss_bytes is None or seen["small"].peak_rss_bytes < 128 * MIB
    assert result.verdict == "supported"
