"""The three claims, run for real in quick mode on every backend (one shared run per test session)."""

from __future__ import annotations

import json

import pytest

from evidence.results import load_result
from tests.conftest import kvt, needs_frameworks

pytestmark = [pytest.mark.slow, pytest.mark.frameworks, needs_frameworks]


def test_architecture(quick_results):
    res = load_result("architecture", quick_results)
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(res.claim.subjects, "ok")
    m = {s.removeprefix("backend-"): r.measurements for s, r in res.subjects.items()}
    for backend in ("tensorflow", "jax", "torch"):
        assert m[backend]["active_backend"] == backend
        assert m[backend]["trains"] is True
        assert m[backend]["op_result"] == 48.0  # sum of ones(4,3) @ ones(3,4)
        assert m[backend]["cold_import_s"]["median_s"] > 0
    assert m["numpy"]["predicts"] is True and m["numpy"]["trains"] is False
    assert "NotImplementedError" in m["numpy"]["train_error"]
    for old in ("theano", "cntk"):
        assert m[old]["imports"] is False
        assert m[old]["import_error"] == f"ValueError: Unable to import backend : {old}"
    assert m["tf-keras"]["tf_keras_model_is_keras_model"] is True
    assert m["tf-keras"]["tf_keras_version"] == m["tensorflow"]["keras_version"]
    assert res.verdict == "outdated"
    assert "rejects theano and cntk" in res.summary


def test_community(quick_results):
    res = load_result("community", quick_results)
    m = res.subjects["pypi-listing"].measurements
    assert m["frameworks"]["tensorflow"]["rank"] == 908
    assert m["frameworks"]["keras"]["rank"] == 957
    assert m["frameworks"]["theano"]["month"] == "2020-07"
    assert m["ecosystems"]["torch"]["packages"] > m["ecosystems"]["tensorflow"]["packages"]
    assert res.verdict in {"refuted", "partly supported"}


def test_hidden_framework_is_unavailable_and_the_rest_completes(tmp_path):
    # A stand-in package that fails to import the way a missing one does, placed first on the path.
    shim = tmp_path / "shim" / "torch"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text(
        "raise ModuleNotFoundError(\"No module named 'torch' (hidden by the test)\", name='torch')\n")
    results = tmp_path / "results"
    proc = kvt("evidence", "run", "architecture", "community", "--quick", "--results-dir", str(results),
               "--subjects", "backend-torch", "backend-numpy", "backend-theano", "tf-keras", "pypi-listing",
               env={"PYTHONPATH": str(shim.parent)})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    arch = load_result("architecture", results)
    assert arch.subjects["backend-torch"].status == "unavailable"
    assert "torch cannot be imported" in arch.subjects["backend-torch"].reason
    assert all(arch.subjects[s].status == "ok" for s in ("backend-numpy", "backend-theano", "tf-keras"))
    assert "backend-torch" in arch.summary
    assert load_result("community", results).subjects["pypi-listing"].status == "ok"
    shown = json.loads(kvt("evidence", "show", "architecture", "--format", "json",
                           "--results-dir", str(results)).stdout)
    assert shown[0]["subjects"]["backend-torch"]["status"] == "unavailable"
