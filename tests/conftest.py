"""Shared fixtures: temporary results folders and the fake claim registered for workers."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FRAMEWORKS = ("keras", "tensorflow", "jax", "torch")

# Every read in the tests goes through the full reader (validation, judging, prose): tests edit files, registries
# and judges, and a row cached by an earlier test would hide what they check. tests/test_row_cache.py turns the
# cache on where it tests it.
os.environ.setdefault("KVT_ROWS_CACHE", "off")

#: Test files and tests that take more than a few seconds each, run in the slow tier (CI runs both tiers: `nox -s
#: tests`), so that the fast tier (`pytest -m "not slow"`) stays under 3 minutes on a 2-core machine. Declared here,
#: not in the files, so that marking a test slow never collides with an edit of its file. Measured 2026-12-07 with
#: `pytest -m "not slow" --durations=80` (the seconds are a run's on the 2-core machine): a test that builds the
#: site again in a temporary folder (15 to 25 s), drives Chromium (30 to 45 s a file), or starts real processes
#: per case. Each behaviour stays covered in the fast tier by a cheaper test beside it (the one site build shared by
#: test_site.py's `site` fixture, the in-process fuzz cases, the judge tests on synthetic results).
SLOW_FILES = frozenset({
    "test_site_a11y.py",  # axe in Chromium on every page: 52 s
    "test_site_browser.py",  # the pages in Chromium at two widths: 52 s
    "test_site_injection.py",  # a hostile result built into every page: 45 s
})
SLOW_TESTS = frozenset({
    "test_site.py::test_strict_build_of_the_published_site_is_clean_and_fast",  # a build of its own: 15 s
    "test_edited_results.py::test_the_site_refuses_an_edited_verdict",  # a site build: 21 s
    "test_fuzz_hostile.py::test_a_sample_as_real_processes",  # 9 s; every case runs in-process in the fast tier
    "test_fuzz_hostile.py::test_every_special_file_in_every_place_as_a_real_process",  # 8 cases, 22 s
    "test_shards.py::test_split_and_merge_gives_the_unsplit_result",  # 11 s
    "test_deployment.py::test_an_environment_is_built_once_recorded_and_reused",  # builds a venv: 10 s
    "test_distributed_scaling.py::test_a_fault_is_injected_at_a_step_watched_and_the_job_restarted",  # 8 s
    "test_runner.py::test_every_outcome_is_recorded_and_the_run_goes_on",  # real workers: 5 s
    "test_runner.py::test_reruns_keep_every_verdict_and_the_last_measurements",  # real workers, 3 runs: 4 s busy
    "test_runner.py::test_cli_shows_how_many_reruns_agreed",  # the same through the command: 4 s busy
    "test_deployment.py::test_serve_artifact_judges_parity_with_the_tolerance",  # real runtimes: 5 s busy
    # The fuzz sweeps over every check path and every hostile result file (14 s and 9 s on a busy machine); the
    # flags, settings, answers and parts sweeps and the hand-written bad-input tests stay fast.
    "test_fuzz_hostile.py::test_bad_check_paths",
    "test_fuzz_hostile.py::test_bad_results",
    # Generated (hypothesis) bad input, 12 s together; the hand-written cases of each kind stay fast.
    "test_advisor_bad_input.py::test_generated_bad_answers_files",
    "test_advisor_bad_input.py::test_generated_bytes_that_are_not_answers",
    "test_advisor_bad_input.py::test_generated_bad_flag_sets",
})


#: Fixtures that build the whole site with mkdocs (18 s on an idle 2-core machine, 40 s on a busy one): a test that
#: needs one is slow; the page builders themselves are tested without a build in the fast tier.
SLOW_FIXTURES = frozenset({"site"})


@pytest.hookimpl(tryfirst=True)  # before pytest's own -m selection reads the marks
def pytest_collection_modifyitems(config, items):
    """Mark the tests of :data:`SLOW_FILES` and :data:`SLOW_TESTS`, and those using :data:`SLOW_FIXTURES`, slow."""
    for item in items:
        file, _, name = item.nodeid.partition("::")
        if Path(file).name in SLOW_FILES or f"{Path(file).name}::{name.split('[')[0]}" in SLOW_TESTS or \
                SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)


def frameworks_installed() -> bool:
    """Whether the evidence extra's frameworks are importable (without importing them)."""
    return all(importlib.util.find_spec(m) is not None for m in FRAMEWORKS)


needs_frameworks = pytest.mark.skipif(
    not frameworks_installed(), reason="needs the evidence extra: pip install -e '.[evidence]'"
)


def kvt(*args: str, env: dict | None = None, timeout: float = 900, **kw) -> subprocess.CompletedProcess:
    """Run the ``kvt`` CLI in a fresh interpreter, as a user would."""
    full_env = dict(os.environ)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "kvt", *args], capture_output=True, text=True,
                          env=full_env, timeout=timeout, cwd=ROOT, **kw)


@pytest.fixture
def fake_env(monkeypatch):
    """Register the fake claim in this process and in every worker it starts."""
    monkeypatch.setenv("KVT_EXTRA_CLAIMS", "fake=tests.fake_claims")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    from evidence import registry

    registry.get_claim.cache_clear()
    yield
    registry.get_claim.cache_clear()


@pytest.fixture(scope="session")
def quick_results(tmp_path_factory):
    """Every claim run for real in quick mode, once per test session, into a temporary results folder."""
    if not frameworks_installed():
        pytest.skip("needs the evidence extra: pip install -e '.[evidence]'")
    directory = tmp_path_factory.mktemp("quick-results")
    proc = kvt("evidence", "run", "--quick", "--results-dir", str(directory), timeout=1800)
    # Exit 1 means a cell failed; the tests below say which, from the result files.
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    return directory


@pytest.fixture(scope="session")
def community_dir(tmp_path_factory):
    """A real community result (framework-free, instant), made once per test session; never modified."""
    from tests.test_advisor_support import make_community

    return make_community(tmp_path_factory.mktemp("community"))


@pytest.fixture
def results(community_dir, tmp_path):
    """A private copy of the community result, for a test to edit or add to."""
    from tests.test_advisor_support import copy_results

    return copy_results(community_dir, tmp_path / "results")


def this_venue() -> str:
    """The venue results made on this machine are filed under (``cpu-2core`` here)."""
    from evidence.provenance import gpu_name
    from evidence.venue import current_venue

    return current_venue(gpu_name(), os.cpu_count() or 1)


VENUE = this_venue()


def result_file(directory: Path, claim_id: str) -> Path:
    """The path of ``claim_id``'s result made on this machine in ``directory``."""
    return Path(directory) / f"{claim_id}.{VENUE}.json"


@pytest.fixture(scope="module")
def browser():
    """Headless Chromium from Debian, driven by Playwright (one per test module; the browser test modules skip,
    or on CI fail, through :func:`tests.site_browser.skip_unless_browser` before they use it)."""
    from playwright.sync_api import sync_playwright

    from tests.site_browser import CHROMIUM, CHROMIUM_ARGS

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
