"""The backend_portability claim: the switch rule, the corpus's judging and its failure classes on synthetic
results, and a real quick run on every backend."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from evidence.claim import PROGRAMS_DIR
from evidence.claims.backend_portability import CLAIM, CORPUS, PortabilityAssessment
from evidence.claims.backend_portability.corpus import FAILURE_RULES, classify, describe_program, outcome
from evidence.claims.backend_portability.subjects import BACKENDS, CORPUS_QUICK, INFERENCE_ONLY
from evidence.options import KERAS_OPTIONS
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

TRAINING = KERAS_OPTIONS


# -- synthetic raw results ---------------------------------------------------------------------------------------
def _train(acc: float) -> dict:
    return {
        "backend": "?", "program": "digits_mlp.py", "epochs": 20, "batch_size": 32, "train_samples": 1437,
        "test_samples": 360, "test_accuracy": acc, "final_loss": 0.1, "loss_per_epoch": [0.1], "warmup_epochs": 1,
        "warmup_epoch_s": [0.8],
        "epoch_time": {"median_s": 0.05, "iqr_s": 0.01, "min_s": 0.04, "max_s": 0.06, "repeats": 19,
                       "samples_s": [0.04, 0.05, 0.05, 0.06]},
        "train_s": 2.0, "saved": "x.keras", "saved_bytes": 1000, "inputs_identical": True, "torch_threads": None,
    }


def _load(loader: str, sources: tuple[str, ...], diff: float = 3e-7) -> dict:
    entries = {}
    for src in sources:
        entry = {"status": "loaded", "load_predict_s": 0.1, "max_abs_diff": 0.0 if src == loader else diff,
                 "class_agreement": 1.0, "classes_differing": 0, "precision": None}
        if loader == "openvino":
            entry.update(max_abs_diff=5e-3, precision="bf16",
                         f32_hint={"max_abs_diff": diff, "class_agreement": 1.0, "classes_differing": 0,
                                   "precision": "f32"})
        entries[src] = entry
    out = {"backend": loader, "inputs": 360, "sources": entries}
    if loader in ("numpy", "openvino"):
        out["train_attempt"] = {"works": False, "error": {"type": "NotImplementedError", "message": "no fit"}}
    return out


def _ran(before: float = 1.0, after: float = 0.5, **checks: bool) -> dict:
    return {"ran": True, "loss_before": before, "loss_after": after, "checks": checks, "seconds": 0.5}


def _raised(type_: str, message: str, root: str | None = None, line: str | None = None) -> dict:
    return {"ran": False, "seconds": 0.1,
            "error": {"type": type_, "message": message, "root": root, "at": None, "line": line}}


_TF_UNDER_JAX = _raised("AttributeError", "'str' object has no attribute '_error_repr'",
                        root="jax.errors.TracerArrayConversionError: The numpy.ndarray conversion method")
_TF_UNDER_TORCH = _raised("RuntimeError", "Can't call numpy() on Tensor that requires grad.",
                          line="return tf.math.cumsum(inputs, axis=1)")
_JAX_STEP = _raised("TypeError", "JaxStepModel.train_step() missing 1 required positional argument: 'data'")

#: program -> (imports, entry per backend): one Keras-only program that ports, one TensorFlow layer and one JAX step
#: that port nowhere else, as the real corpus's first members do.
CORPUS_RUNS: dict[str, tuple[list[str], dict[str, dict]]] = {
    "corpus/custom_layer_ops.py": (["keras"], {"tensorflow": _ran(), "jax": _ran(), "torch": _ran()}),
    "corpus/layer_tf_ops.py": (["tensorflow"], {"tensorflow": _ran(), "jax": _TF_UNDER_JAX,
                                                "torch": _TF_UNDER_TORCH}),
    "corpus/train_step_jax.py": (["jax"], {"tensorflow": _JAX_STEP, "jax": _ran(), "torch": _JAX_STEP}),
}


def _corpus(backend: str, runs: dict[str, tuple[list[str], dict[str, dict]]]) -> dict:
    programs = {}
    for name, (imports, per_backend) in runs.items():
        info = {"title": name, "modelled_on": "https://keras.io/guides/", "features": ["x"], "imports": imports}
        programs[name] = {"info": info, **copy.deepcopy(per_backend[backend])}
    return {"backend": backend, "epochs": 3, "programs": programs}


# -- synthetic architecture measurements (the arch_train and arch_load stages) -----------------------------------
def _arch_info(name: str) -> dict:
    return {"title": name, "library": "keras-hub", "source": "keras_hub.models.X", "reference": "https://keras.io/",
            "requires": ["keras_hub"], "config": {"num_layers": 12}, "preset": "x_base", "inputs": {"batch": 2}}


def _arch_trained(name: str, **changes) -> dict:
    entry = {"info": _arch_info(name), "status": "trained", "params": 1000, "losses": [2.0, 1.9, 1.8],
             "losses_finite": True, "variables": 10, "variables_changed": 10, "build_s": 1.0,
             "step_s": [5.0, 1.0, 1.2], "predict_s": 0.5, "save_s": 0.5, "saved_bytes": 4000, "output_shape": [2, 2]}
    return {**entry, **changes}


def _arch_loaded(diff: float = 2e-6, scale: float = 4.0) -> dict:
    return {"status": "loaded", "load_s": 1.0, "predict_s": 0.5,
            "comparison": {"max_abs_diff": diff, "reference_scale": scale, "top1_agreement": 1.0,
                           "top1_differing": 0, "shape": [2, 2]}}


#: architecture -> the relative difference of its cross-backend loads.
ARCH_RUNS: dict[str, float] = {"architectures/bert.py": 2e-6, "architectures/resnet50.py": 5e-7}


def _arch_stages(backend: str, arch: dict[str, float], trained: tuple[str, ...]) -> dict:
    """This backend's arch_train and arch_load measurements; ``trained``: the backends whose files exist."""
    train = {"backend": backend, "steps": 3, "programs": {name: _arch_trained(name) for name in arch}}
    load = {"backend": backend, "programs": {
        name: {src: _arch_loaded(diff * 4.0) if src in trained else {"status": "missing", "reason": "no file"}
               for src in ("tensorflow", "jax", "torch") if src != backend}
        for name, diff in arch.items()}}
    return {"arch_train": train, "arch_load": load}


def synthetic(accs: dict[str, float] | None = None, diff: float = 3e-7, corpus: dict | None = None,
              arch: dict[str, float] | None = None) -> dict:
    """A complete set of results for all five subjects; ``accs`` maps training backends to accuracies."""
    accs = accs or {"tensorflow": 0.96, "jax": 0.965, "torch": 0.958}
    corpus = CORPUS_RUNS if corpus is None else corpus
    arch = ARCH_RUNS if arch is None else arch
    results = {}
    for subject in TRAINING + INFERENCE_ONLY:
        backend = BACKENDS[subject]
        measurements = {"load": _load(backend, tuple(accs), diff)}
        stages = {"load": "ok"}
        if subject in TRAINING:
            measurements["train"] = {**_train(accs[backend]), "backend": backend}
            measurements["corpus"] = _corpus(backend, corpus)
            measurements.update(_arch_stages(backend, arch, tuple(accs)))
            stages = {"train": "ok", "load": "ok", "corpus": "ok", "arch_train": "ok", "arch_load": "ok"}
        results[subject] = SubjectResult(status="ok", stages=stages, measurements=measurements)
    return results


def unavailable(results: dict, subject: str) -> dict:
    """``results`` with ``subject`` unavailable and every file it would have saved missing for the loaders."""
    results = copy.deepcopy(results)
    results[subject] = SubjectResult(status="unavailable", reason=f"{subject.split('-')[1]} cannot be imported",
                                     stages={"train": "unavailable"})
    gone = BACKENDS[subject]
    for res in results.values():
        sources = res.measurements.get("load", {}).get("sources", {})
        if gone in sources:
            sources[gone] = {"status": "missing", "reason": "no file"}
        for entries in res.measurements.get("arch_load", {}).get("programs", {}).values():
            entries[gone] = {"status": "missing", "reason": "no file"}
    return results


def assess(results: dict, quick: bool = False) -> PortabilityAssessment:
    return CLAIM.assess(results, quick)


# -- the switch rule ---------------------------------------------------------------------------------------------
def test_all_agreeing_switch_both_ways_in_either_order():
    a = assess(synthetic())
    for x, y in (("keras-tensorflow", "keras-jax"), ("keras-torch", "keras-jax"), ("keras-tensorflow", "keras-torch")):
        ok, detail = a.switch(x, y)
        assert ok, detail
        assert a.switch(y, x) == (ok, detail)
        assert "digits_mlp.py" in detail and "3.0e-07" in detail
    assert set(a.partners("keras-jax")) == {"keras-tensorflow", "keras-torch"}
    with pytest.raises(ValueError, match="tensorflow-core"):
        a.switch("keras-jax", "tensorflow-core")


def test_no_switch_when_one_did_not_train():
    ok, detail = assess(unavailable(synthetic(), "keras-torch")).switch("keras-jax", "keras-torch")
    assert not ok and "keras-torch did not train (unavailable" in detail


def test_no_switch_below_the_accuracy_floor():
    floor = CLAIM.threshold("min_accuracy")
    a = assess(synthetic({"tensorflow": 0.96, "jax": floor - 0.01, "torch": floor - 0.02}))
    ok, detail = a.switch("keras-jax", "keras-torch")
    assert not ok and "below the floor" in detail
    assert not a.switch("keras-tensorflow", "keras-jax")[0]


def test_no_switch_when_accuracies_differ_beyond_the_tolerance_and_quick_mode_is_looser():
    tol = CLAIM.threshold("accuracy_tolerance")
    accs = {"tensorflow": 0.96, "jax": 0.96 - 1.5 * tol, "torch": 0.958}
    ok, detail = assess(synthetic(accs)).switch("keras-tensorflow", "keras-jax")
    assert not ok and "differ by more than" in detail
    assert assess(synthetic(accs)).switch("keras-tensorflow", "keras-torch")[0]
    assert 1.5 * tol < CLAIM.threshold("accuracy_tolerance", quick=True)
    assert assess(synthetic(accs), quick=True).switch("keras-tensorflow", "keras-jax")[0]


def test_no_switch_when_a_saved_model_does_not_load_under_the_other():
    results = synthetic()
    results["keras-torch"].measurements["load"]["sources"]["jax"] = {
        "status": "error", "error": {"type": "ValueError", "message": "cannot load this file"}}
    a = assess(results)
    ok, detail = a.switch("keras-jax", "keras-torch")
    assert not ok and "keras-jax's saved model did not load under keras-torch (ValueError: cannot load" in detail
    assert a.load("jax", "torch").status == "fails"
    assert a.switch("keras-tensorflow", "keras-torch")[0]  # only that direction of that pair broke


def test_no_switch_when_predictions_differ_beyond_the_tolerance():
    a = assess(synthetic(diff=1e-2))
    ok, detail = a.switch("keras-tensorflow", "keras-jax")
    assert not ok and "predicts 1.0e-02 apart" in detail


def test_reduced_precision_engine_is_equal_only_with_the_f32_hint_within_tolerance():
    a = assess(synthetic())
    ov = a.load("jax", "openvino")
    assert ov.reduced_precision and ov.equal and ov.max_abs_diff == 5e-3 and ov.f32_max_abs_diff == 3e-7
    results = synthetic()
    results["keras-openvino"].measurements["load"]["sources"]["jax"]["f32_hint"]["max_abs_diff"] = 1e-2
    assert not assess(results).load("jax", "openvino").equal


# -- the corpus: outcome, classes, shares ------------------------------------------------------------------------
def test_outcome_needs_a_finished_run_a_falling_loss_and_every_check():
    assert outcome(_ran()) == ("works", None)
    status, error = outcome(_ran(before=1.0, after=1.2))
    assert status == "fails" and error["type"] == "CheckFailed" and "did not go down" in error["message"]
    status, error = outcome(_ran(before=None))
    assert status == "fails" and "not a finite number" in error["message"]
    status, error = outcome(_ran(**{"reloaded model predicts the same": False, "other": True}))
    assert status == "fails" and error["message"] == "did not hold: reloaded model predicts the same"
    assert outcome(_JAX_STEP) == ("fails", _JAX_STEP["error"])


def test_failures_are_classed_by_their_error_and_the_program_s_imports():
    assert classify(_JAX_STEP["error"], ["jax"], "torch") == "train_step_signature"
    assert classify({"type": "TypeError", "message": "M.train_step() takes 2 positional arguments but 3 were "
                                                     "given"}, ["keras"], "jax") == "train_step_signature"
    assert classify(_TF_UNDER_JAX["error"], ["tensorflow"], "jax") == "tf_ops_in_model"
    assert classify(_TF_UNDER_TORCH["error"], ["tensorflow"], "torch") == "tf_ops_in_model"
    # The same text from a program that does not import TensorFlow, or under TensorFlow itself, is not that class.
    assert classify(_TF_UNDER_TORCH["error"], ["keras"], "torch") == "unclassified"
    assert classify(_TF_UNDER_TORCH["error"], ["tensorflow"], "tensorflow") == "unclassified"
    assert classify({"type": "ZeroDivisionError", "message": "division by zero"}, ["keras"], "jax") == "unclassified"
    # Errors as the real corpus raised them (keras 3.15, tensorflow 2.21, jax 0.10, torch 2.13).
    wrapper = {"type": "RuntimeError", "message": "Can't call numpy() on Tensor that requires grad.",
               "at": "torch_module_wrapper.py:31 in __init__", "line": "self.torch_part = TorchModuleWrapper(module)"}
    assert classify(wrapper, ["torch"], "jax") == "torch_module_in_model"
    assert classify(wrapper, ["torch"], "torch") == "unclassified"
    zero_grad = {"type": "AttributeError", "message": "'BackwardModel' object has no attribute 'zero_grad'",
                 "at": "train_step_torch.py:39 in train_step", "line": "self.zero_grad()"}
    assert classify(zero_grad, ["torch"], "tensorflow") == "framework_training_code"
    tape = {"type": "TypeError", "message": "Cannot convert the argument `type_value`: tensor(5.7) to a TensorFlow "
            "DType.", "at": "train_step_tensorflow.py:42 in train_step",
            "line": "gradients = tape.gradient(loss, self.trainable_variables)"}
    assert classify(tape, ["tensorflow"], "torch") == "framework_training_code"  # not tf_ops_in_model: training code
    strings = {"type": "ValueError", "message": "Invalid dtype: object", "at": "text_vectorization_in_model.py:66"}
    assert classify(strings, ["tensorflow"], "jax") == "tf_preprocessing_in_model"
    assert classify(strings, ["tensorflow"], "tensorflow") == "unclassified"
    assert len({r.id for r in FAILURE_RULES}) == len(FAILURE_RULES)
    assert all(r.reference.startswith("https://keras.io/") and r.why and r.portable_route for r in FAILURE_RULES)


def test_corpus_shares_and_failure_classes():
    a = assess(synthetic())
    assert [p.program for p in a.corpus] == list(CORPUS_RUNS)
    assert {b: (s.ported, s.tried) for b, s in a.shares.items()} == {"tensorflow": (2, 3), "jax": (2, 3),
                                                                     "torch": (1, 3)}
    assert (a.share_overall.ported, a.share_overall.tried) == (1, 3)
    assert (a.share_keras_only.ported, a.share_keras_only.tried, a.share_keras_only.share) == (1, 1, 1.0)
    assert {f: (s.ported, s.tried) for f, s in a.shares_by_imports.items()} == {"keras": (1, 1), "tensorflow": (0, 1),
                                                                              "jax": (0, 1)}
    classes = {f.id: f for f in a.failure_classes}
    assert set(classes) == {"tf_ops_in_model", "train_step_signature"}
    tf_ops = classes["tf_ops_in_model"]
    assert (tf_ops.runs, tf_ops.share_of_runs, tf_ops.programs, tf_ops.backends) == (
        2, 2 / 9, ["corpus/layer_tf_ops.py"], ["jax", "torch"])
    assert tf_ops.share_of_programs == 1 / 3
    assert tf_ops.example.root.startswith("jax.errors.TracerArrayConversionError")
    assert (tf_ops.example_program, tf_ops.example_backend) == ("corpus/layer_tf_ops.py", "jax")
    assert a.program("train_step_jax.py").worked_on() == ["jax"]
    assert a.program("corpus/custom_layer_ops.py").ported()
    assert a.corpus_ported_between("jax", "torch").ported == 1


def test_a_program_that_works_nowhere_is_left_out_of_the_shares():
    runs = dict(CORPUS_RUNS)
    oops = _raised("ZeroDivisionError", "division by zero")
    runs["corpus/broken.py"] = (["keras"], {"tensorflow": oops, "jax": oops, "torch": oops})
    a = assess(synthetic(corpus=runs))
    assert a.broken == ["corpus/broken.py"]
    assert (a.share_keras_only.ported, a.share_keras_only.tried) == (1, 1)
    assert "unclassified" not in {f.id for f in a.failure_classes}
    assert "corpus/broken.py" in CLAIM.verdict(a).findings["c"]


def test_an_unavailable_backend_is_not_a_failure():
    a = assess(unavailable(synthetic(), "keras-torch"))
    run = a.program("custom_layer_ops.py").runs["torch"]
    assert run.status == "unavailable" and run.failure_class is None
    assert a.program("custom_layer_ops.py").ported()  # on the two backends that ran
    assert a.shares["torch"].tried == 0
    assert all("torch" not in f.backends for f in a.failure_classes)


# -- the verdict -------------------------------------------------------------------------------------------------
def test_all_agreeing_is_supported_with_the_corpus_and_its_classes_named():
    verdict = CLAIM.verdict(assess(synthetic()))
    assert verdict.verdict == "supported"
    assert "1 of 1 corpus programs written to the Keras API alone" in verdict.summary
    assert "1 of 3 of the whole corpus" in verdict.summary
    assert "12 of 12 cross-backend loads" in verdict.summary
    assert "a train_step override, which the JAX trainer calls with another signature (2 of 9 runs)" in verdict.summary
    assert {"a", "b", "c", "switches"} <= set(verdict.findings)
    assert "TracerArrayConversionError" in verdict.findings["c"]


def test_the_keras_only_share_decides_between_supported_partly_and_refuted():
    def with_keras_only(ported: int, failing: int) -> str:
        runs = dict(CORPUS_RUNS)
        bad = _ran(before=1.0, after=2.0)
        for i in range(ported):
            runs[f"corpus/ok_{i}.py"] = (["keras"], {"tensorflow": _ran(), "jax": _ran(), "torch": _ran()})
        for i in range(failing):
            runs[f"corpus/bad_{i}.py"] = (["keras"], {"tensorflow": _ran(), "jax": _ran(), "torch": bad})
        return CLAIM.verdict(assess(synthetic(corpus=runs))).verdict

    # 1 + ported of 1 + ported + failing Keras-only programs port.
    assert with_keras_only(9, 1) == "supported"      # 10/11 >= 0.9
    assert with_keras_only(5, 3) == "partly supported"  # 6/9
    assert with_keras_only(0, 2) == "refuted"          # 1/3 < 0.5


def test_mlp_disagreement_is_partly_supported_and_both_failing_refutes():
    accs = {"tensorflow": 0.96, "jax": 0.80, "torch": 0.958}
    assert CLAIM.verdict(assess(synthetic(accs))).verdict == "partly supported"
    assert CLAIM.verdict(assess(synthetic(accs, diff=1e-2))).verdict == "refuted"


def test_unavailable_subject_is_named_and_the_rest_decides():
    a = assess(unavailable(synthetic(), "keras-torch"))
    verdict = CLAIM.verdict(a)
    assert verdict.verdict == "supported"
    assert "keras-torch (unavailable: torch cannot be imported)" in verdict.summary
    # Loaders tensorflow and jax each load the other's file; numpy and openvino load both: 6 cross-loads.
    assert "6 of 6 cross-backend loads" in verdict.summary


def test_fewer_than_two_trainers_is_inconclusive():
    verdict = CLAIM.verdict(assess(unavailable(unavailable(synthetic(), "keras-torch"), "keras-jax")))
    assert verdict.verdict == "inconclusive"
    assert "keras-jax" in verdict.summary and "keras-torch" in verdict.summary


# -- the third-party architectures -------------------------------------------------------------------------------
def decision(results: dict, quick: bool = False):
    return CLAIM.decide(assess(results, quick))


def test_architectures_port_when_every_backend_trains_and_every_load_is_within_the_tolerance():
    a = assess(synthetic())
    assert [x.program for x in a.architectures] == list(ARCH_RUNS)
    bert = a.architectures[0]
    assert bert.ported() and bert.trained_on() == ["tensorflow", "jax", "torch"] and bert.params == 1000
    assert len(bert.loads) == len(bert.cross_loads()) == 6
    assert max(c.relative_diff for c in bert.cross_loads()) == pytest.approx(8e-6 / 4.0)
    assert (a.share_architectures.ported, a.share_architectures.tried) == (2, 2)
    d = decision(synthetic())
    assert (d.verdict, d.code) == ("supported", "all_hold")
    assert (d.numbers["architectures_ported"], d.numbers["architectures_tried"]) == (2, 2)
    assert (d.numbers["own_keras_only_ported"], d.numbers["own_keras_only_tried"]) == (1, 1)
    assert (d.numbers["own_all_ported"], d.numbers["own_all_tried"]) == (1, 3)


def test_the_architecture_tolerance_is_relative_to_the_predictions_scale_and_its_edge_decides():
    tol = CLAIM.threshold("architecture_tolerance")
    # Cross-loads differ by 4x the entry's value over a scale of 4.0: relative difference = the value itself.
    inside = assess(synthetic(arch={"architectures/bert.py": tol * 0.9, "architectures/resnet50.py": 0.0}))
    assert inside.architectures[0].ported()
    outside = synthetic(arch={"architectures/bert.py": tol * 1.1, "architectures/resnet50.py": 0.0})
    a = assess(outside)
    assert not a.architectures[0].ported() and a.architectures[1].ported()
    assert (a.share_architectures.ported, a.share_architectures.tried) == (1, 2)
    d = CLAIM.decide(a)
    assert (d.verdict, d.code) == ("partly supported", "some_hold")  # 1/2: below supported, not below refuted
    # A scale below 1 is judged absolutely: outputs near zero do not inflate the difference.
    from evidence.claims.backend_portability.measurement import Comparison

    small = Comparison(max_abs_diff=1e-5, reference_scale=1e-3, top1_agreement=1.0, top1_differing=0, shape=[1])
    assert small.relative_diff == 1e-5


def test_architectures_failing_under_a_backend_refute_below_the_refuted_share():
    results = synthetic()
    for name in ARCH_RUNS:
        results["keras-torch"].measurements["arch_train"]["programs"][name] = {
            "info": _arch_info(name), "status": "error",
            "error": {"type": "RuntimeError", "message": "no kernel for this op"}}
        for res in results.values():
            loads = res.measurements.get("arch_load", {}).get("programs", {})
            if name in loads:
                loads[name]["torch"] = {"status": "missing", "reason": "no arch file"}
    a = assess(results)
    run = a.architectures[0].runs["torch"]
    assert run.status == "fails" and run.error.message == "no kernel for this op"
    unloaded = [c for c in a.architectures[0].loads if c.saved_under == "torch"]
    assert all(c.status == "unavailable" for c in unloaded)
    assert (a.share_architectures.ported, a.share_architectures.tried) == (0, 2)
    d = CLAIM.decide(a)
    assert (d.verdict, d.code) == ("refuted", "architectures_below_refuted_share")


def test_a_training_run_needs_finite_losses_and_changed_weights():
    results = synthetic()
    programs = results["keras-jax"].measurements["arch_train"]["programs"]
    programs["architectures/bert.py"] = _arch_trained("architectures/bert.py", losses_finite=False)
    programs["architectures/resnet50.py"] = _arch_trained("architectures/resnet50.py", variables_changed=0)
    a = assess(results)
    bert, resnet = (x.runs["jax"] for x in a.architectures)
    assert bert.status == resnet.status == "fails"
    assert bert.error.type == resnet.error.type == "CheckFailed"
    assert bert.first_step_s == 5.0 and bert.step_s == pytest.approx(1.1)


def test_a_missing_library_makes_its_architectures_unavailable_never_failed():
    results = synthetic()
    why = "keras_hub cannot be imported; install the evidence extra"
    for res in results.values():
        if "arch_train" in res.measurements:
            res.measurements["arch_train"]["programs"]["architectures/bert.py"] = {
                "info": _arch_info("architectures/bert.py"), "status": "unavailable", "reason": why}
            res.measurements["arch_load"]["programs"]["architectures/bert.py"] = {
                b: {"status": "unavailable", "reason": why} for b in ("tensorflow", "jax", "torch")}
    a = assess(results)
    bert = a.architectures[0]
    assert bert.tried() == [] and not bert.ported()
    assert all(c.status == "unavailable" for c in bert.loads)
    assert (a.share_architectures.ported, a.share_architectures.tried) == (1, 1)
    assert a.architectures_unavailable == [f"architectures/bert.py ({why})"]
    d = CLAIM.decide(a)
    assert (d.verdict, d.code) == ("supported", "all_hold")
    assert d.unavailable == a.architectures_unavailable and d.failed == []
    # With no architecture measured at all, the own programs decide and the decision says so.
    none = CLAIM.decide(assess(synthetic(arch={})))
    assert (none.verdict, none.code, none.numbers["architectures_tried"]) == (
        "supported", "all_hold_architectures_unavailable", 0)


def test_an_unavailable_backend_leaves_the_architectures_ported_on_the_others():
    a = assess(unavailable(synthetic(), "keras-torch"))
    bert = a.architectures[0]
    assert bert.runs["torch"].status == "unavailable" and bert.tried() == ["tensorflow", "jax"]
    assert bert.ported() and len(bert.cross_loads()) == 2
    assert (a.share_architectures.ported, a.share_architectures.tried) == (2, 2)


def test_the_verdict_counts_own_programs_and_architectures_apart():
    verdict = CLAIM.verdict(assess(synthetic()))
    assert "2 of 2 architectures" in verdict.summary and "bert" in verdict.summary
    assert "architectures/bert.py" not in verdict.findings["c"]  # the corpus finding is about our own programs
    assert "2 of 2 architectures" in verdict.findings["d"]


# -- the corpus's files and the runner hooks ---------------------------------------------------------------------
def test_every_corpus_file_is_declared_and_describes_itself():
    on_disk = sorted(f"corpus/{p.name}" for p in (PROGRAMS_DIR / "corpus").glob("*.py"))
    assert sorted(CORPUS) == on_disk
    assert set(CORPUS_QUICK) < set(CORPUS)
    for name in CORPUS:
        info = describe_program(name)
        assert info["title"] and info["modelled_on"].startswith("https://keras.io/") and info["features"], name
    assert describe_program("corpus/layer_tf_ops.py")["imports"] == ["tensorflow"]
    assert describe_program("corpus/train_step_jax.py")["imports"] == ["jax"]
    assert describe_program("corpus/custom_layer_ops.py")["imports"] == ["keras"]


def test_describe_program_names_a_missing_declaration(tmp_path, monkeypatch):
    from evidence.claims.backend_portability import corpus

    (tmp_path / "bare.py").write_text("TITLE = 'x'\nimport torch\n")
    monkeypatch.setattr(corpus, "PROGRAMS_DIR", Path(tmp_path))
    with pytest.raises(ValueError, match="MODELLED_ON, FEATURES"):
        corpus.describe_program("bare.py")


def test_runner_hooks():
    assert CLAIM.stage_subjects("train") == TRAINING
    assert CLAIM.stage_subjects("corpus") == TRAINING
    assert CLAIM.stage_subjects("arch_train") == CLAIM.stage_subjects("arch_load") == TRAINING
    assert CLAIM.stage_subjects("load") == TRAINING + INFERENCE_ONLY
    assert [CLAIM.keras_backend(s) for s in CLAIM.subjects] == ["tensorflow", "jax", "torch", "numpy", "openvino"]
    assert CLAIM.requirements("keras-numpy") == ("keras",)
    assert CLAIM.requirements("keras-openvino") == ("keras", "openvino")
    assert {p.name for p in CLAIM.code_files()} >= {"digits_mlp.py", "layer_tf_ops.py", "train_step_jax.py",
                                                    "claim.py", "corpus.py", "assessment.py", "measure.py",
                                                    "bert.py", "gpt2.py", "resnet50.py", "mobilenet_v3.py",
                                                    "failure_rules.json"}


# -- a real run --------------------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run_on_every_backend(quick_results):
    res = load_result("backend_portability", quick_results)
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(CLAIM.subjects, "ok"), res.subjects
    a = res.assessment
    assert a.quick and res.provenance.mode == "quick"
    for run in a.trained.values():
        assert run.status == "works" and run.test_accuracy > CLAIM.threshold("min_accuracy", quick=True), run
        assert run.epoch_s is not None
    for option_a, option_b in (("keras-tensorflow", "keras-jax"), ("keras-jax", "keras-torch")):
        assert a.switch(option_a, option_b)[0], a.switch(option_a, option_b)
    assert len(a.loads) == 15 and all(c.status == "works" and c.equal for c in a.loads), a.loads
    assert all(i.status == "fails" and i.error.type == "NotImplementedError" for i in a.inference_only.values())
    assert [p.program for p in a.corpus] == list(CORPUS_QUICK)
    assert a.program("custom_layer_ops.py").ported()
    tf_layer = a.program("layer_tf_ops.py").runs
    assert tf_layer["tensorflow"].status == "works"
    assert {b: r.failure_class for b, r in tf_layer.items() if b != "tensorflow"} == dict.fromkeys(
        ("jax", "torch"), "tf_ops_in_model")
    step = a.program("train_step_jax.py").runs
    assert step["jax"].status == "works"
    assert step["tensorflow"].failure_class == step["torch"].failure_class == "train_step_signature"
    assert step["torch"].error.at.startswith("train_step_jax.py:")
    assert not a.broken and "unclassified" not in {f.id for f in a.failure_classes}
    assert res.verdict == "supported"


def test_a_load_that_is_not_equal_without_a_difference_is_described_not_crashed():
    """A cross-backend load that ran but gave nothing to compare (no error, no difference) is described in words;
    before, formatting its missing difference raised TypeError and the claim wrote no result (Keras 3.0)."""
    from evidence.claims.backend_portability.assessment import CrossLoad
    from evidence.claims.backend_portability.report import _difference

    measured = CrossLoad(saved_under="jax", loaded_by="tensorflow", status="works", equal=False, max_abs_diff=0.25)
    assert _difference(measured) == "2.5e-01"
    nothing = CrossLoad(saved_under="jax", loaded_by="tensorflow", status="works", equal=False)
    assert "could not be compared" in _difference(nothing)
    said = CrossLoad(saved_under="jax", loaded_by="tensorflow", status="works", equal=False, reason="shapes differ")
    assert _difference(said) == "shapes differ"


def test_the_story_shows_the_architectures_apart_from_our_own_programs():
    """The site's story reads the architectures from the assessment: its finding, its reasons and a table of their
    configurations, parameter counts and cross-loads."""
    from kvt_docs.stories.backend_portability import STORY
    from tests.test_advisor_support import result_of

    r = result_of("backend_portability", assess(synthetic()))
    assert "2 of 2 (100%) architectures from the field's libraries" in STORY.found(r)
    titles = dict(STORY.details(r))
    table = titles["Architectures from the field's libraries (code nobody here wrote)"]
    assert "architectures/bert.py" in table and "1,000" in table and "6 of 6" in table
    assert any("code nobody here wrote" in line for line in STORY.why(r))
