"""The CI workflow that reruns the evidence: valid for GitHub Actions (offline linter), and wired as designed."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from evidence.registry import CLAIM_MODULES
from tests.conftest import ROOT

WORKFLOW = ROOT / ".github" / "workflows" / "evidence.yml"


def _linter() -> list[str] | None:
    """check-jsonschema (the dev extra) with the GitHub workflow schema it ships: no network needed."""
    exe = shutil.which("check-jsonschema", path=os.pathsep.join([str(Path(sys.executable).parent),
                                                                   os.environ.get("PATH", "")]))
    return [exe, "--builtin-schema", "vendor.github-workflows"] if exe else None


def lint(path: Path) -> subprocess.CompletedProcess:
    linter = _linter()
    if linter is None:
        if os.environ.get("CI"):
            pytest.fail("check-jsonschema is missing: install the dev extra (pip install -e '.[dev]')")
        pytest.skip("check-jsonschema is not installed (the dev extra has it)")
    return subprocess.run([*linter, str(path)], capture_output=True, text=True, timeout=60)


def load_workflow(path: Path) -> dict:
    """A workflow file as a dict, its triggers under ``on``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.fixture(scope="module")
def workflow() -> dict:
    return load_workflow(WORKFLOW)


def test_the_workflow_passes_its_linter():
    proc = lint(WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_linter_rejects_a_broken_workflow(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs-onn:", 1))
    proc = lint(broken)
    assert proc.returncode != 0 and "runs-on" in proc.stdout + proc.stderr


def test_the_matrix_runs_every_claim_on_the_cpu_and_gpu_venues(workflow):
    job = workflow["jobs"]["run"]
    matrix = job["strategy"]["matrix"]
    assert matrix["claim"] == list(CLAIM_MODULES), "a registered claim is missing from the CI matrix"
    assert "'cpu'" not in matrix["venue"] and '"cpu", "gpu"' in matrix["venue"]
    assert "gpu" in job["runs-on"] and "self-hosted" in job["runs-on"]
    assert not job["strategy"]["fail-fast"]
    run_step = next(s for s in job["steps"] if "evidence_claim" in s.get("run", ""))
    assert "--shard 1/1" in run_step["run"] and "--results-dir parts" in run_step["run"]
    upload = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["if"] == "always()" and "matrix.claim" in upload["with"]["name"]
    assert "matrix.venue" in upload["with"]["name"]


def test_the_merge_job_merges_the_parts_and_publishes_the_drift(workflow):
    job = workflow["jobs"]["merge"]
    assert job["needs"] == "run" and job["if"] == "always()"
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "kvt evidence merge parts --results-dir merged" in script
    assert "kvt evidence diff HEAD:evidence/results merged --format markdown" in script
    assert "GITHUB_STEP_SUMMARY" in script
    download = next(s for s in job["steps"] if s.get("uses", "").startswith("actions/download-artifact"))
    assert download["with"]["pattern"] == "parts-*" and download["with"]["merge-multiple"] is True


def test_the_nox_session_each_job_calls_exists():
    proc = subprocess.run([sys.executable, "-m", "nox", "-l"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 and "No module named nox" in proc.stderr:
        pytest.skip("nox is not installed")
    assert proc.returncode == 0, proc.stderr
    for claim in CLAIM_MODULES:
        assert f"evidence_claim(claim='{claim}')" in proc.stdout
    assert "releases ->" in proc.stdout


def test_the_latest_job_runs_the_newest_releases_weekly_and_reports_their_drift(workflow):
    from evidence.releases import RELEASE_SETS

    job = workflow["jobs"]["latest"]
    assert job["if"] == "github.event_name != 'pull_request'" and "latest" in RELEASE_SETS
    script = "\n".join(s.get("run", "") for s in job["steps"])
    assert "nox -s releases -- latest" in script
    assert "evidence.releases drift latest --format markdown" in script and "GITHUB_STEP_SUMMARY" in script
    assert "download.pytorch.org/whl/cpu" in job["env"]["PIP_EXTRA_INDEX_URL"]
    on = workflow.get("on", workflow.get(True))
    assert "schedule" in on
