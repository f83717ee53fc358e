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
