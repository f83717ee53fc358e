"""Helpers for the site tests: results folders to build from, ``mkdocs build`` run as a user runs it, and the
answer sets of the advisor's parity test.

The site is built in a subprocess (``python -m mkdocs build --strict``) with ``KVT_RESULTS_DIR`` pointing at
a temporary results folder, filled with whatever results the project has committed plus fresh runs of the
framework-free claims (``community`` and the test-only ``toy_pair`` of :mod:`tests.site_claim`), so the tests
never depend on result files that do not exist yet.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import random
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COMMITTED_RESULTS = ROOT / "evidence" / "results"
ARTIFACTS = ROOT / "test-artifacts"

#: The test-only claim with paired programs, registered through the registry's plugin variable.
TOY_CLAIMS = "toy_pair=tests.site_claim"
#: Claims whose experiments need no framework and finish in about a second.
FAST_CLAIMS = ("community",)


@dataclass(frozen=True)
class Build:
    """One ``mkdocs build``: where the site went, how it ended, what it printed, how long it took."""

    site: Path
    returncode: int
    output: str
    seconds: float

    def page(self, path: str) -> str:
        """The HTML of a built page (``claims/community/`` → ``claims/community/index.html``)."""
        return (self.site / path / "index.html").read_text(encoding="utf-8")

    def warnings(self) -> list[str]:
        """Lines of the build output that report a warning or an error."""
        return [line for line in self.output.splitlines() if "WARNING" in line or "ERROR" in line]


def env_with(**values: str | None) -> dict[str, str]:
    """This process's environment with ``values`` set (None removes a variable) and the project importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["NO_MKDOCS_2_WARNING"] = "1"  # Material's end-of-life notice is not a warning about our site
    for key, value in values.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def make_results(directory: Path, *, toy: bool = True) -> Path:
    """Committed results copied into ``directory``, then the fast claims (and the toy one) run into it."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in COMMITTED_RESULTS.glob("*.json"):
        shutil.copy2(path, directory / path.name)
    claims = [*FAST_CLAIMS, *(["toy_pair"] if toy else [])]
    proc = subprocess.run(
        [sys.executable, "-m", "kvt", "evidence", "run", *claims, "--results-dir", str(directory)],
        capture_output=True, text=True, timeout=300, cwd=ROOT,
        env=env_with(KVT_EXTRA_CLAIMS=TOY_CLAIMS if toy else None),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return directory


def build_site(dest: Path, results: Path | None, *, toy: bool = True, timeout: float = 120,
               **env: str | None) -> Build:
    """``mkdocs build --strict`` into ``dest`` from ``results`` (None: the default results folder), with the site
    settings of ``env`` (``KVT_SITE_URL``, ``KVT_REPO_URL``; unset by default)."""
    env = env_with(KVT_RESULTS_DIR=str(results) if results else None,
                   KVT_EXTRA_CLAIMS=TOY_CLAIMS if toy else None,
                   **{"KVT_SITE_URL": None, "KVT_REPO_URL": None, "KVT_EDIT_URI": None, **env})
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"), "-d", str(dest)],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env,
    )
    return Build(dest, proc.returncode, proc.stdout + proc.stderr, time.perf_counter() - start)


_SHARED: dict[str, tuple[Path, Build]] = {}


def shared_site(tmp_path_factory) -> tuple[Path, Build]:
    """One results folder and one site built from it (toy claim included), shared by a whole test session."""
    if "site" not in _SHARED:
        results = make_results(tmp_path_factory.mktemp("site-results"))
        build = build_site(tmp_path_factory.mktemp("site") / "out", results)
        assert build.returncode == 0, build.output
        _SHARED["site"] = (results, build)
    return _SHARED["site"]


# -- the advisor's parity test -----------------------------------------------------------------------------------
#: How many answer sets the parity test runs at least, and the seed of its random ones.
MIN_ANSWER_SETS = 200
ANSWER_SEED = 20261201


def answer_sets(total: int = 240, seed: int = ANSWER_SEED) -> list[dict[str, str]]:
    """The defaults; every single-answer change from them (each other choice of each question, each old answer
    name still read, each combination of two for a multiple-choice question); then random complete answer sets
    (several ecosystems at once among them) up to ``total``, without repeats."""
    from advisor.questions import QUESTIONS

    defaults = {q.id: q.default for q in QUESTIONS}
    sets = [dict(defaults)]
    for q in QUESTIONS:
        changes = [v for v in q.values if v != q.default] + list(q.legacy)
        if q.multiple:
            named = [v for v in q.values if v != "none"]
            changes += [f"{a},{b}" for i, a in enumerate(named) for b in named[i + 1:]]
        sets += [{**defaults, q.id: v} for v in changes]
    rng = random.Random(seed)
    seen = {json.dumps(s, sort_keys=True) for s in sets}
    while len(sets) < total:
        answer = {}
        for q in QUESTIONS:
            if q.multiple:
                named = [v for v in q.values if v != "none"]
                picked = [v for v in named if rng.random() < 0.35]
                answer[q.id] = ",".join(picked) if picked else "none"
            else:
                answer[q.id] = rng.choice(q.values)
        key = json.dumps(answer, sort_keys=True)
        if key not in seen:
            seen.add(key)
            sets.append(answer)
    return sets


def advise_argv(answers: dict[str, str], results: Path) -> list[str]:
    """``kvt advise --no-input --format json`` with one flag per answer, on ``results``."""
    from advisor.questions import BY_ID

    flags = [arg for qid, value in answers.items() for arg in (BY_ID[qid].flag, value)]
    return ["advise", "--no-input", "--format", "json", "--results-dir", str(results), *flags]


def advise_in_process(answers: dict[str, str], results: Path) -> dict:
    """What ``kvt advise --format json`` prints for ``answers``, from the ``kvt`` entry point in this process."""
    from kvt.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(advise_argv(answers, results))
    assert status == 0, f"kvt advise exited {status}: {err.getvalue()}"
    return json.loads(out.getvalue())


def advise_subprocess(answers: dict[str, str], results: Path) -> dict:
    """What ``python -m kvt advise --format json`` prints for ``answers``, in a fresh interpreter."""
    proc = subprocess.run([sys.executable, "-m", "kvt", *advise_argv(answers, results)], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, env=env_with())
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)
