"""Fuzzing every command with hostile input (issue 26): exit 2 with one line, never a traceback, a hang or garbage
accepted.

Hypothesis generates bad input of every kind: flag values and repeated flags, ``KVT_*`` variables, results folders
and result files (mutated, nested past any limit, an integer of 5,000 digits, NaN thresholds, an edited verdict),
answers files, the parts of split runs, and the paths ``kvt check`` is given (not a zip, a zip bomb, a deep
config, no ``build_model()``). The bulk runs the ``kvt`` entry function in-process (:func:`kvt.cli.main`), so
1,000-odd inputs cost seconds; a sample of them, and every special file (a FIFO, links to ``/dev/zero`` and
``/dev/urandom``, a symlink loop, a folder, a dangling link, a sparse 100 MB file) in every place a file is read,
run as real processes with a 2 s timeout.

Every input is bad by construction. The outcomes: ``exit2`` (status 2, exactly one stderr line ``kvt: error: …``),
``reported`` (``kvt evidence show`` and ``kvt claims`` list an invalid result as ``invalid`` with its reason, and
say so on stderr, exit 0, as the README promises), and the failures: a traceback, a hang, or garbage accepted
(exit 0 without a word, or any other status). Each run draws a fresh seed, printed in every failure message and
in the summary line (``FUZZ_SEED=N`` replays it); the counts are printed at the end of the module
(``pytest -s``) and written to ``test-artifacts/fuzz-counts.json``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import secrets
import signal
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, seed, settings

from tests.fuzz_cases import (
    ALL,
    Case,
    answers_cases,
    check_cases,
    env_cases,
    flag_cases,
    part_cases,
    result_cases,
)
from tests.site_helpers import ARTIFACTS, COMMITTED_RESULTS, ROOT

SEED = int(os.environ.get("FUZZ_SEED") or secrets.randbits(32))
#: Generated inputs per in-process test; the module's tests together try at least MIN_INPUTS.
EXAMPLES = 130
MIN_INPUTS = 1000
#: Seconds an in-process call may take before it counts as a hang (a FIFO read would block forever).
HANG_S = 10
PROCESS_TIMEOUT_S = 2
COUNTS: Counter = Counter()
COMMON = settings(max_examples=EXAMPLES, deadline=None, derandomize=False, database=None,
                  suppress_health_check=list(HealthCheck))


class Hang(Exception):
    """An in-process call that did not return in :data:`HANG_S`."""


def _alarm(signum, frame):
    raise Hang


def run_in_process(case: Case) -> tuple[int, str, str]:
    """``kvt.cli.main`` on the case, in this process: (status, stdout, stderr). A traceback propagates."""
    from evidence import registry
    from kvt.cli import main

    with tempfile.TemporaryDirectory() as tmp:
        argv = case.materialise(Path(tmp))
        env = {k: v.replace("{d}", tmp) for k, v in case.env.items()}
        saved = {k: os.environ.get(k) for k in env}
        out, err = io.StringIO(), io.StringIO()
        os.environ.update(env)
        registry.get_claim.cache_clear()
        previous = signal.signal(signal.SIGALRM, _alarm)
        signal.alarm(HANG_S)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                try:
                    code = main(argv)
                except SystemExit as exc:  # argparse's own errors
                    code = exc.code if isinstance(exc.code, int) else 1
        except Hang:
            COUNTS["hang"] += 1
            raise AssertionError(f"hang: kvt {' '.join(argv)} (FUZZ_SEED={SEED})") from None
        except Exception:
            COUNTS["traceback"] += 1
            raise
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
            registry.get_claim.cache_clear()
    return code, out.getvalue(), err.getvalue()


def judge(case: Case, code: int, out: str, err: str) -> None:
    """Count the outcome; fail on anything but exit 2 with one line (or a reported invalid result, or prose
    edited into a file that the reader did not show)."""
    COUNTS["inputs"] += 1
    COUNTS[f"kind:{case.kind}"] += 1
    lines = [ln for ln in err.splitlines() if ln.strip()]
    where = f"kvt {' '.join(case.argv)} env={case.env} (FUZZ_SEED={SEED})"
    if "Traceback" in err or "Traceback" in out:
        COUNTS["traceback"] += 1
        raise AssertionError(f"traceback: {where}\n{err[-2000:]}")
    if code == 2:
        if len(lines) != 1 or not lines[0].startswith("kvt: error: "):
            COUNTS["not-one-line"] += 1
            raise AssertionError(f"exit 2 without exactly one error line: {where}\n{err[-1000:]}")
        COUNTS["exit2"] += 1
        return
    if code == 0 and case.reported_ok and "invalid result" in err and "invalid" in out:
        COUNTS["reported"] += 1
        return
    if code == 0 and case.hidden and case.hidden not in "".join((out + err).split()):
        COUNTS["edit-not-shown"] += 1  # prose edited into the file; the reader showed today's report instead
        return
    COUNTS["accepted-garbage"] += 1
    raise AssertionError(f"accepted (status {code}): {where}\nstdout: {out[-500:]}\nstderr: {err[-500:]}")


# -- in process: the bulk -----------------------------------------------------------------------------------------
def _check(case: Case) -> None:
    code, out, err = run_in_process(case)
    judge(case, code, out, err)


@seed(SEED)
@COMMON
@given(flag_cases())
def test_bad_flags(case):
    _check(case)


@seed(SEED + 1)
@COMMON
@given(env_cases())
def test_bad_settings(case):
    _check(case)


@seed(SEED + 2)
@settings(COMMON, max_examples=EXAMPLES * 2)
@given(result_cases())
def test_bad_results(case):
    _check(case)


@seed(SEED + 3)
@COMMON
@given(answers_cases())
def test_bad_answers_files(case):
    _check(case)


@seed(SEED + 4)
@COMMON
@given(part_cases())
def test_bad_parts(case):
    _check(case)


@seed(SEED + 5)
@settings(COMMON, max_examples=EXAMPLES * 2)
@given(check_cases())
def test_bad_check_paths(case):
    _check(case)


# -- real processes: a sample, and every special file in every place a file is read --------------------------------
def run_process(argv: list[str], env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """``python -m kvt`` with a 2 s timeout; one retry at 10 s tells a loaded machine from a hang."""
    full = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **(env or {})}
    for limit in (PROCESS_TIMEOUT_S, 10):
        try:
            proc = subprocess.run([sys.executable, "-m", "kvt", *argv], capture_output=True, text=True, env=full,
                                  timeout=limit, cwd=ROOT, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired:
            COUNTS["process-over-2s"] += 1
            continue
        return proc.returncode, proc.stdout, proc.stderr
    COUNTS["hang"] += 1
    raise AssertionError(f"hang: kvt {' '.join(argv)} did not end in 10 s (FUZZ_SEED={SEED})")


@seed(SEED + 6)
@settings(COMMON, max_examples=24)
@given(ALL)
def test_a_sample_as_real_processes(case):
    with tempfile.TemporaryDirectory() as tmp:
        argv = case.materialise(Path(tmp))
        code, out, err = run_process(argv, {k: v.replace("{d}", tmp) for k, v in case.env.items()})
    COUNTS["process"] += 1
    judge(case, code, out, err)


def _special(folder: Path) -> dict[str, Path]:
    """The special files, each under a name that the command expects."""
    (folder / "fifo").mkdir(parents=True)
    os.mkfifo(folder / "fifo" / "x")
    specials = {"fifo": folder / "fifo" / "x"}
    for name, target in (("zero", "/dev/zero"), ("urandom", "/dev/urandom"), ("loop", None), ("dangling", None),
                         ("folder", None), ("sparse", None)):
        (folder / name).mkdir()
        path = folder / name / "x"
        if target:
            path.symlink_to(target)
        elif name == "loop":
            path.symlink_to(folder / name / "y")
            (folder / name / "y").symlink_to(path)
        elif name == "dangling":
            path.symlink_to(folder / name / "nothing")
        elif name == "folder":
            path.mkdir()
        else:
            with open(path, "wb") as fh:
                fh.truncate(100 * 1024 * 1024)  # 100 MB of nothing: refused by size before it is read
        specials[name] = path
    return specials


#: Where a file is read, with the name the file must have there ({f}: the special file, linked under that name).
PLACES = {
    "result (show)": (["evidence", "show", "--results-dir", "{d}"], "architecture.cpu-2core.json", True),
    "result (advise)": (["advise", "--no-input", "--results-dir", "{d}"], "architecture.cpu-2core.json", False),
    "result (diff)": (["evidence", "diff", "{d}", str(COMMITTED_RESULTS)], "architecture.cpu-2core.json", False),
    "answers": (["advise", "--no-input", "--answers", "{f}", "--results-dir", str(COMMITTED_RESULTS)], "a.toml",
                False),
    "part": (["evidence", "merge", "{f}", "--results-dir", "{d}/out"], "architecture.cpu-2core.shard-1-of-2.json",
             False),
    "check": (["check", "{f}"], "m.keras", False),
    "results folder": (["evidence", "show", "--results-dir", "{s}"], None, False),
    "merge target": (["evidence", "merge", str(ROOT / "tests"), "--results-dir", "{s}"], None, False),
}


@pytest.mark.parametrize("kind", ["fifo", "zero", "urandom", "loop", "dangling", "folder", "sparse"])
def test_every_special_file_in_every_place_as_a_real_process(kind, tmp_path):
    specials = _special(tmp_path / "specials")
    special = specials[kind]
    for place, (argv, name, reported) in PLACES.items():
        folder = tmp_path / place.replace(" ", "_").replace("(", "").replace(")", "")
        folder.mkdir()
        target = special
        if name:
            target = folder / name
            os.symlink(special, target)
        args = [a.replace("{d}", str(folder)).replace("{f}", str(target)).replace("{s}", str(special)) for a in argv]
        if place == "merge target" and kind in ("folder",):
            continue  # an empty folder is a fine place to merge into (and the tests folder holds no part: exit 2)
        code, out, err = run_process(args)
        COUNTS["process"] += 1
        COUNTS[f"special:{kind}"] += 1
        judge(Case(f"special-{kind}", args, reported_ok=reported), code, out, err)


def test_zz_counts():
    """At least MIN_INPUTS inputs tried, none a traceback, a hang or garbage accepted; the counts kept."""
    summary = {"seed": SEED, **dict(sorted(COUNTS.items()))}
    summary["exit2_share"] = round(COUNTS["exit2"] / max(COUNTS["inputs"], 1), 4)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fuzz-counts.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    print(f"\nfuzz (FUZZ_SEED={SEED}): {json.dumps(summary)}")
    if COUNTS["inputs"] < MIN_INPUTS:  # a selection (-k) ran only part of the module
        pytest.skip(f"only {COUNTS['inputs']} inputs ran in this selection; the whole module tries {MIN_INPUTS}+")
    assert COUNTS["traceback"] == COUNTS["hang"] == COUNTS["accepted-garbage"] == COUNTS["not-one-line"] == 0
    assert COUNTS["exit2"] + COUNTS["reported"] + COUNTS["edit-not-shown"] == COUNTS["inputs"]


random.seed(SEED)  # anything else drawn at random in this module follows the run's seed too
