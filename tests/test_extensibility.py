"""extensibility: attempts become records, the gradient check catches wrong gradients, builds without a compiler
are ``unavailable``, the assessment and every verdict branch on synthetic attempts, and the real quick run.

The first part needs no framework; the gradient check is also run through real frameworks with a deliberately
wrong backward (slow), and the last part reads the shared quick-mode run of every claim (``quick_results``).
"""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, load_program
from evidence.claims.extensibility import CLAIM, ExtensibilityAssessment, attempt
from evidence.claims.extensibility import build as build_module
from evidence.claims.extensibility.assess import _cell
from evidence.claims.extensibility.measure import route_lines
from evidence.claims.extensibility.routes import BUILDS, ROUTES, is_own, routes_for
from evidence.options import KERAS_OPTIONS, OPTIONS, TF_CORE
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

check = load_program("extensions_check.py")
TOL = CLAIM.threshold("gradient_tolerance")


# -- the gradient check ------------------------------------------------------------------------------------------
def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x.astype("float64")))


def swish_grad(x):
    s = sigmoid(x)
    return s + x * s * (1 - s)


@pytest.mark.parametrize("wrong", [
    lambda x: sigmoid(x),                 # a plausible mistake: the derivative of the wrong function
    lambda x: 1.01 * swish_grad(x),       # off by 1%
    lambda x: swish_grad(x) + 0.01,       # off by a constant
])
def test_the_gradient_check_catches_a_wrong_backward(wrong):
    x = check.probe_points()
    right = check.gradient_check(check.swish, lambda v, w: w * swish_grad(v), x)
    assert right["max_error"] < TOL / 10 and right["finite"]
    bad = check.gradient_check(check.swish, lambda v, w: w * wrong(v), x)
    assert bad["max_error"] > TOL, bad


def test_a_non_finite_gradient_has_no_error_and_fails():
    x = check.probe_points()
    out = check.gradient_check(check.swish, lambda v, w: np.full(v.shape, np.nan), x)
    assert out["max_error"] is None and not out["finite"]
    cell = _cell(CLAIM, "keras-jax", route("jax_custom_vjp"), ran(gradient_error=None), {}, quick=False)
    assert cell.status == "fails" and "not finite" in cell.reason


WRONG_BACKWARD = {
    "jax": '''
        import keras, numpy as np
        from evidence.claim import load_program
        harness = load_program("extensions_keras.py")
        check = load_program("extensions_check.py")

        @keras.ops.custom_gradient
        def wrong(x):
            def grad(*args, upstream=None):
                upstream = args[0] if upstream is None else upstream
                return upstream * keras.ops.sigmoid(x)  # the gradient of softplus, not of swish
            return x * keras.ops.sigmoid(x), grad

        right = harness.check_function(harness.log1pexp, check.softplus)["errors"]["gradient"]
        bad = harness.check_function(wrong, check.swish)["errors"]["gradient"]
        print(right, bad)
    ''',
    "torch": '''
        import numpy as np, torch
        from evidence.claim import load_program
        harness = load_program("extensions_keras.py")
        check = load_program("extensions_check.py")

        class Wrong(torch.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * torch.sigmoid(x)

            @staticmethod
            def backward(ctx, upstream):
                (x,) = ctx.saved_tensors
                return upstream * torch.sigmoid(x)

        mod = load_program("extensions_torch.py")
        right = harness.check_function(mod.torch_log1pexp, check.softplus)["errors"]["gradient"]
        bad = harness.check_function(Wrong.apply, check.swish)["errors"]["gradient"]
        print(right, bad)
    ''',
}


@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
@pytest.mark.parametrize("backend", sorted(WRONG_BACKWARD))
def test_the_harness_fails_a_wrong_backward_in_a_real_framework(backend):
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "2"}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(WRONG_BACKWARD[backend])], capture_output=True,
                          text=True, timeout=300, env=env, cwd=PROGRAMS_DIR.parent.parent)
    assert proc.returncode == 0, proc.stderr[-2000:]
    right, bad = map(float, proc.stdout.split()[-2:])
    assert right <= TOL < bad, (right, bad)


# -- attempts and builds -----------------------------------------------------------------------------------------
def test_attempt_records_what_happened():
    record = attempt(lambda: {"checks": {"trained": True}}, "x.py")
    assert record["status"] == "ran" and record["result"]["checks"] == {"trained": True}

    def raises():
        raise ValueError("Exception encountered when calling L.call().\n\nbad shape\n")

    record = attempt(raises, "test_extensibility.py")
    assert record["status"] == "raised" and record["error"]["message"] == "bad shape"
    assert record["error"]["at"].startswith("test_extensibility.py:")

    def missing():
        raise ModuleNotFoundError("No module named 'torch'", name="torch")

    assert attempt(missing, "x.py")["status"] == "unavailable"

    def other_missing():
        raise ModuleNotFoundError("No module named 'helper'", name="helper")

    assert attempt(other_missing, "x.py")["status"] == "raised"


def test_no_compiler_makes_a_build_unavailable_and_its_routes_too(tmp_path, monkeypatch):
    monkeypatch.setattr(build_module.shutil, "which", lambda name: None)
    info = build_module.run_build("jax_ffi", tmp_path, 60)
    assert info["status"] == "unavailable" and "g++ not found" in info["reason"]
    library, instead = build_module.library_for("jax_ffi", tmp_path)
    assert library is None and instead["status"] == "unavailable" and "g++" in instead["reason"]
    cell = _cell(CLAIM, "keras-jax", route("jax_ffi_op"), {**instead, **route_lines(route("jax_ffi_op"))}, {}, False)
    assert cell.status == "unavailable"


def test_a_failed_or_missing_build_is_recorded(tmp_path):
    library, instead = build_module.library_for("torch_op", tmp_path)
    assert library is None and instead["status"] == "unavailable" and "not built" in instead["reason"]
    build_module.record_path(tmp_path, "torch_op").write_text(json.dumps({"status": "fails", "reason": "x: error"}))
    library, instead = build_module.library_for("torch_op", tmp_path)
    assert instead["status"] == "build_failed"
    cell = _cell(CLAIM, "keras-torch", route("torch_cpp_op"), {**instead, **route_lines(route("torch_cpp_op"))}, {},
                       False)
    assert cell.status == "fails" and "x: error" in cell.reason


def test_every_route_names_real_code_and_an_attempt_of_its_program():
    for r in ROUTES:
        for symbol in r.symbols:
            code_metrics.symbol_source(PROGRAMS_DIR / r.program, symbol)
        tree = ast.parse((PROGRAMS_DIR / r.program).read_text(encoding="utf-8"))
        table = next(n.value for n in tree.body if isinstance(n, ast.Assign) and n.targets[0].id == "ATTEMPTS")
        assert r.attempt in {k.value for k in table.keys if isinstance(k, ast.Constant)}, r.id
        lines = route_lines(r)
        assert lines["python_lines"] > 0
        if r.build:
            assert lines["cpp_lines"] == code_metrics.cpp_logical_lines(
                (PROGRAMS_DIR / BUILDS[r.build].source).read_text(encoding="utf-8")) > 0
    assert {b.source for b in BUILDS.values()} <= set(CLAIM.programs)
    assert not list(PROGRAMS_DIR.glob("*.so"))  # no binary committed


def test_the_calls_that_complete_a_definition_count_with_it():
    path = PROGRAMS_DIR / "extensions_jax.py"
    symbols = ("jax_log1pexp", "jax_log1pexp_fwd", "jax_log1pexp_bwd")
    alone = code_metrics.analyse_symbols(path, symbols).logical_lines
    assert code_metrics.analyse_symbols(path, symbols, completions=True).logical_lines == alone + 1
    assert code_metrics.completing_calls(path, ["jax_log1pexp"]) == ["jax_log1pexp.defvjp(jax_log1pexp_fwd, "
                                                                     "jax_log1pexp_bwd)"]


def test_each_option_attempts_its_own_routes_and_ports_the_others():
    for option in OPTIONS:
        own = routes_for(option, portability=False)
        assert own and all(is_own(r, option) for r in own)
    jax_own = {r.id for r in routes_for("keras-jax", portability=False)}
    assert {"keras_custom_gradient", "jax_custom_vjp", "jax_ffi_op", "jax_pallas"} <= jax_own
    assert not {"tf_custom_gradient", "torch_cpp_op"} & jax_own
    ported = {r.id for r in routes_for("keras-jax", portability=True)} - jax_own
    assert {"tf_compiled_op", "torch_cpp_op", "tf_layer"} <= ported and not any(r.startswith("tfcore") for r in ported)
    assert routes_for(TF_CORE, portability=True) == routes_for(TF_CORE, portability=False)


# -- the assessment and the verdict on synthetic attempts --------------------------------------------------------
def route(route_id):
    return next(r for r in ROUTES if r.id == route_id)


def ran(*, checks=None, value_error=1e-7, gradient_error=1e-5, gradient=True):
    result = {"checks": {"trained": True, "finite": True} if checks is None else checks,
              "errors": {"value": value_error}}
    if gradient:
        result["gradient_check"] = {"max_error": gradient_error, "points": 9, "step": 1e-2}
    return {"status": "ran", "result": result, "seconds": 0.1, **route_lines(route("jax_custom_vjp"))}


def synthetic(fail=(), unavailable=(), drop=(), portability=True):
    """Results as the workers write them: every attempt works unless its (option, route) is in ``fail`` (a raised
    error) or ``unavailable``; foreign routes fail, as they do."""
    builds = {b.id: {"id": b.id, "source": f"evidence/programs/{b.source}", "sha256": "0" * 64, "status": "works",
                     "tool": b.tool, "steps": ["g++ ..."], "seconds": 1.0, "cpp_lines": 20} for b in BUILDS.values()}
    results = {}
    for option in OPTIONS:
        if option in drop:
            results[option] = SubjectResult(status="unavailable", reason="jax cannot be imported (hidden)")
            continue
        attempts, foreign = {}, {}
        for r in routes_for(option, portability=portability):
            lines = route_lines(r)
            if (option, r.id) in fail or not is_own(r, option):
                record = {"status": "raised", "error": {"type": "TypeError", "message": "not a valid JAX type"},
                          "seconds": 0.1, **lines}
            elif (option, r.id) in unavailable:
                record = {"status": "unavailable", "reason": "g++ not found on PATH", "seconds": 0.0, **lines}
            else:
                record = {**ran(gradient=r.kind not in ("metric", "train_step", "training_loop")), **lines}
            (attempts if is_own(r, option) else foreign)[r.id] = record
        m = {"attempts": attempts}
        if portability and option in KERAS_OPTIONS:
            m["portability_attempts"] = foreign
        if option in CLAIM.BUILDERS:
            m["builds"] = {CLAIM.BUILDERS[option]: builds[CLAIM.BUILDERS[option]]}
        results[option] = SubjectResult(status="ok", measurements=m)
    return results


def test_cells_are_judged_against_the_declared_tolerances():
    r = route("jax_custom_vjp")
    assert _cell(CLAIM, "keras-jax", r, ran(), {}, False).status == "works"
    over = _cell(CLAIM, "keras-jax", r, ran(gradient_error=2 * TOL), {}, False)
    assert over.status == "fails" and over.gradient_check.passed is False and "finite differences" in over.reason
    value = _cell(CLAIM, "keras-jax", r, ran(value_error=1e-2), {}, False)
    assert value.status == "fails" and "NumPy" in value.reason
    stuck = _cell(CLAIM, "keras-jax", r, ran(checks={"trained": False, "finite": True}), {}, False)
    assert stuck.status == "fails" and "no gradient flowed" in stuck.failed_checks[0]
    nothing = _cell(CLAIM, "keras-jax", r, ran(checks={}, gradient=False), {}, False)
    assert nothing.status == "fails"


def test_refuted_when_every_option_extends_everything_with_its_own_tools():
    a = CLAIM.assess(synthetic(), quick=False)
    assert isinstance(a, ExtensibilityAssessment)
    verdict = CLAIM.verdict(a)
    assert verdict.verdict == "refuted", verdict.summary
    assert "jax.custom_vjp" in verdict.summary and "jax.ffi" in verdict.summary
    assert "torch.autograd.Function" in verdict.summary and "cpp_extension" in verdict.summary
    assert set(CLAIM.sub_claims) <= set(verdict.findings)
    for option in ("keras-jax", "keras-torch"):
        compiled = a.compiled_op(option)
        assert compiled.works and compiled.framework == option.removeprefix("keras-") and compiled.build_steps
        assert compiled.gradient_check.passed and compiled.cpp_lines > 0
        assert any(c.kind == "custom_gradient" and c.works for c in a.native_routes(option))
    assert a.cell(TF_CORE, "train_step").status == "not_applicable"
    assert not a.portability or all(not c.own for c in a.portability)
    assert a.ported("tensorflow") == {"keras-jax": False, "keras-torch": False}
    assert "portability" in verdict.summary


def test_partly_supported_when_one_keras_option_cannot_compile_an_op():
    a = CLAIM.assess(synthetic(fail={("keras-torch", "torch_cpp_op")}), quick=False)
    verdict = CLAIM.verdict(a)
    assert verdict.verdict == "partly supported"
    assert a.covers("keras-torch").unmet == ["compiled op"] and a.compiled_op("keras-torch").status == "fails"
    assert "keras-torch" in verdict.summary and "not compiled op" in verdict.summary


def test_supported_when_no_keras_option_meets_every_need():
    fail = {("keras-tensorflow", "tf_compiled_op"), ("keras-jax", "jax_ffi_op"), ("keras-torch", "torch_cpp_op")}
    assert CLAIM.verdict(CLAIM.assess(synthetic(fail=fail), quick=False)).verdict == "supported"


def test_a_need_that_could_not_be_tried_is_named_not_counted():
    unavailable = {(o, r.id) for o in OPTIONS for r in ROUTES if r.kind == "compiled_op"}
    a = CLAIM.assess(synthetic(unavailable=unavailable), quick=False)
    assert all(a.covers(o).not_tried == ["compiled op"] for o in OPTIONS)
    verdict = CLAIM.verdict(a)
    assert verdict.verdict == "refuted" and "not tried: compiled op" in verdict.summary


def test_inconclusive_without_tensorflow_core_and_missing_options_named():
    verdict = CLAIM.verdict(CLAIM.assess(synthetic(drop=(TF_CORE,)), quick=False))
    assert verdict.verdict == "inconclusive" and TF_CORE in verdict.summary
    a = CLAIM.assess(synthetic(drop=("keras-jax",)), quick=False)
    assert a.cell("keras-jax", "layer") is None and a.covers("keras-jax") is None
    assert "keras-jax" in CLAIM.verdict(a).summary


def test_quick_mode_tries_no_portability():
    assert CLAIM.stages_for(quick=True) == ("measure",)
    assert CLAIM.stages_for(quick=False) == ("measure", "portability")
    a = CLAIM.assess(synthetic(portability=False), quick=True)
    assert not a.portability_tried and a.portability == []
    assert "not tried in this run" in CLAIM.verdict(a).findings["portability"]


# -- the real quick run ------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_extends_every_option_through_its_own_tools(quick_results):
    res = load_result("extensibility", quick_results)
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(OPTIONS, "ok")
    a = res.assessment
    assert {b.id: b.status for b in a.builds.values()} == dict.fromkeys(BUILDS, "works")
    for b in a.builds.values():
        assert b.sha256 == code_metrics.file_sha256(PROGRAMS_DIR / b.source.rsplit("/", 1)[-1]) and b.steps
    broken = [(c.option, c.route, c.reason) for c in a.cells if c.status not in ("works", "not_applicable")]
    assert not broken, broken
    for option, gradient, compiled in (("keras-jax", "jax_custom_vjp", "jax_ffi_op"),
                                       ("keras-torch", "torch_autograd_function", "torch_cpp_op")):
        routes = {c.route: c for c in a.native_routes(option)}
        assert routes[gradient].gradient_check.passed and routes[compiled].gradient_check.passed
        assert a.compiled_op(option).route == compiled and a.compiled_op(option).build_steps
    assert not a.portability_tried and res.verdict == "refuted"
    assert res.code_hash == CLAIM.code_hash()


# -- the committed result ----------------------------------------------------------------------------------------
def test_the_committed_result_shows_each_backend_extended_through_its_own_tools():
    """Issue 13's "must show": for keras-jax and keras-torch, a custom gradient and a compiled C++ op through their
    own mechanisms, each with its outcome and gradient check; portability tried apart (full mode)."""
    from evidence.results import DEFAULT_RESULTS_DIR

    res = load_result("extensibility", DEFAULT_RESULTS_DIR, venue="cpu-2core")
    assert res.provenance.mode == "full"
    a = res.assessment
    for option, gradient, compiled in (("keras-jax", "jax_custom_vjp", "jax_ffi_op"),
                                       ("keras-torch", "torch_autograd_function", "torch_cpp_op")):
        routes = {c.route: c for c in a.native_routes(option)}
        for route_id in (gradient, compiled):
            cell = routes[route_id]
            assert cell.status in ("works", "fails", "unavailable") and cell.gradient_check is not None, route_id
        assert a.compiled_op(option).route == compiled and a.compiled_op(option).build_steps
    assert a.portability_tried and a.portability and not any(c.own for c in a.portability)
