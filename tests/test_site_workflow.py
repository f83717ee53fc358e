"""The workflow that publishes the site: valid for GitHub Actions (offline linter), strict, and wired to Pages."""

from __future__ import annotations

import pytest

from tests.conftest import ROOT
from tests.test_workflow import lint, load_workflow

SITE_WORKFLOW = ROOT / ".github" / "workflows" / "site.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return load_workflow(SITE_WORKFLOW)


def test_the_site_workflow_passes_its_linter():
    proc = lint(SITE_WORKFLOW)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_it_publishes_on_every_push_to_main_and_after_the_weekly_evidence_run(workflow):
    on = workflow["on"]
    assert on["push"]["branches"] == ["main"]
    assert on["workflow_run"]["workflows"] == ["evidence"] and on["workflow_run"]["types"] == ["completed"]
    # Only a successful evidence run publishes its numbers.
    assert "conclusion == 'success'" in workflow["jobs"]["build"]["if"]


def test_it_builds_strictly_with_the_repository_settings_and_deploys_to_pages(workflow):
    build = workflow["jobs"]["build"]["steps"]
    step = next(s for s in build if "nox -s docs" in s.get("run", ""))
    assert set(step["env"]) >= {"KVT_SITE_URL", "KVT_REPO_URL"}
    assert "github.repository" in step["env"]["KVT_REPO_URL"]
    assert "mkdocs\", \"build\", \"--strict" in (ROOT / "noxfile.py").read_text(encoding="utf-8")
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact@") for s in build)
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    assert any(s.get("uses", "").startswith("actions/deploy-pages@") for s in deploy["steps"])
    assert workflow["permissions"] == {"contents": "read"}, "the build job needs no write permission"
