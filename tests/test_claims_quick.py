"""architecture and community, run for real in quick mode on every backend (one shared run per test session)."""

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
        assert m[backend]["op_result"] == 48.0  # sum of ones(4,3) @ ones(3,4)
    a = res.assessment
    assert a.training_backends() == ["tensorflow", "jax", "torch"]
    assert all(a.backends[b].cold_import_s.estimate > 0 for b in ("tensorflow", "jax", "torch"))
    assert a.inference_only_backends() == ["numpy", "openvino"]
    assert a.backends["numpy"].error.type == "NotImplementedError"
    for old in ("theano", "cntk"):
        assert a.backends[old].status == "rejected"
        assert a.backends[old].error.text() == f"ValueError: Unable to import backend : {old}"
    assert a.tf_keras.is_keras and a.tf_keras.version == a.backends["tensorflow"].keras_version
    assert a.discontinued == ["theano", "cntk"]
    assert res.verdict == "outdated"
    assert "rejects theano and cntk" in res.summary


def test_community(quick_results):
    a = load_result("community", quick_results).assessment
    assert a.frameworks["tensorflow"].rank == 908 and a.frameworks["keras"].rank == 957
    assert a.frameworks["theano"].month == "2020-07"
    assert a.ecosystems["torch"].packages > a.ecosystems["tensorflow"].packages


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
    assert arch.assessment.backends["torch"].status == "unavailable"
    assert "torch cannot be imported" in arch.subjects["backend-torch"].reason
    assert all(arch.subjects[s].status == "ok" for s in ("backend-numpy", "backend-theano", "tf-keras"))
    assert "backend-torch" in arch.summary
    assert load_result("community", results).subjects["pypi-listing"].status == "ok"
    shown = json.loads(kvt("evidence", "show", "architecture", "--format", "json",
                           "--results-dir", str(results)).stdout)
    assert shown[0]["subjects"]["backend-torch"]["status"] == "unavailable"
