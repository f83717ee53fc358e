"""``kvt evidence show`` and ``kvt claims`` read results without the experiments (issue 21): run in a fresh
interpreter, they import no framework and none of the claims' measurement, serving or browser modules. The modules
are read from ``sys.modules`` when the command ends (tests/support/imports.py).
"""

from __future__ import annotations

import pytest

from tests.support.imports import forbidden, modules_imported


@pytest.mark.parametrize("args", [["evidence", "show"], ["claims"], ["evidence", "show", "community"]])
def test_reading_results_imports_no_experiment(args, tmp_path):
    modules = modules_imported(args, tmp_path / "modules.json")
    assert "evidence.results" in modules and "evidence.contract" in modules  # it did read results
    assert not forbidden(modules), forbidden(modules)
    read = ["community"] if "community" in args else ["community", "ease_of_use", "extensibility",
                                                       "distributed_scaling", "platform", "performance", "deployment"]
    for claim in read:  # each decision was recomputed on read, through its verdict module
        assert f"evidence.claims.{claim}.verdict" in modules, claim


def test_showing_one_claim_imports_only_its_reader_modules(tmp_path):
    """One claim shown imports that claim's declarations, assessment,
    verdict and report modules (its prose is rendered on read), and no other claim's."""
    modules = modules_imported(["evidence", "show", "community", "--format", "json"], tmp_path / "m.json")
    assert not forbidden(modules), forbidden(modules)
    claims = sorted(m for m in modules if m.startswith("evidence.claims."))
    # (claim and constants: the declarations)
    assert claims == ["evidence.claims.community", "evidence.claims.community.assessment",
                      "evidence.claims.community.claim", "evidence.claims.community.constants",
                      "evidence.claims.community.report", "evidence.claims.community.verdict"], claims


def test_showing_the_deployment_claim_imports_no_export_serving_or_browser_code(tmp_path):
    """The deployment claim's declarations import neither its workers nor the export, serving and browser code it
    shares with ``kvt check`` (:mod:`evidence.runtimes`): showing its result reads its reader modules only."""
    modules = modules_imported(["evidence", "show", "deployment", "--format", "json"], tmp_path / "m.json")
    assert "evidence.claims.deployment.verdict" in modules and "evidence.claims.deployment.report" in modules
    assert not forbidden(modules), forbidden(modules)
    assert not [m for m in modules if m.startswith("evidence.runtimes")], sorted(modules)
    claims = sorted(m for m in modules if m.startswith("evidence.claims."))
    assert claims == ["evidence.claims.deployment", "evidence.claims.deployment.assessment",
                      "evidence.claims.deployment.claim", "evidence.claims.deployment.report",
                      "evidence.claims.deployment.verdict"], claims
