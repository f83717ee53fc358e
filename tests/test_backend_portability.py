"""The backend_portability claim: the switch rule, the corpus's judging and its failure classes on synthetic
results, and a real quick run on every backend."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import pytest

from evidence.claim import PROGRAMS_DIR
from evidence.claims.backend_portability import CLAIM, CORPUS, PortabilityAssessment, synthetic
from evidence.claims.backend_portability.corpus import FAILURE_RULES, classify, describe_program, outcome
from evidence.claims.backend_portability.subjects import BACKENDS, CORPUS_QUICK, INFERENCE_ONLY
from evidence.options import KERAS_OPTIONS
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

TRAINING = KERAS_OPTIONS


# -- synthetic raw results (the claim's own builders, which its synthetic_results hook uses too) -------------------
_ran, _raised, _arch_info, _arch_trained = synthetic.ran, synthetic.raised, synthetic.arch_info, synthetic.arch_trained
_TF_UNDER_JAX, _TF_UNDER_TORCH, _JAX_STEP = synthetic.TF_UNDER_JAX, synthetic.TF_UNDER_TORCH, synthetic.JAX_STEP
CORPUS_RUNS, ARCH_RUNS = synthetic.CORPUS_RUNS, synthetic.ARCH_RUNS


def synthetic_results(accs: dict[str, float] | None = None, diff: float = 3e-7, corpus: dict | None = None,
                      arch: dict[str, float] | None = None) -> dict:
    """A complete set of results for all five subjects; ``accs`` maps training backends to accuracies."""
    return synthetic.results(accs=accs, diff=diff, runs=corpus, arch=arch)


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

def _decide(a):
    """The claim's decision under the thresholds of the assessment's mode."""
    return CLAIM.decide(a, CLAIM.threshold_values(a.quick))

def test_all_agreeing_switch_both_ways_in_either_order():
    a = assess(synthetic_results())
    for x, y in (("keras-tensorflow", "keras-jax"), ("keras-torch", "keras-jax"), ("keras-tensorflow", "keras-torch")):
        ok, detail = a.switch(x, y)
        assert ok, detail
        assert a.switch(y, x) == (ok, detail)
        assert "digits_mlp.py" in detail and "3.0e-07" in detail
    assert set(a.partners("keras-jax")) == {"keras-tensorflow", "keras-torch"}
    with pytest.raises(ValueError, match="tensorflow-core"):
        a.switch("keras-jax", "tensorflow-core")


def test_no_switch_when_one_did_not_train():
    ok, detail = assess(unavailable(synthetic_results(), "keras-torch")).switch("keras-jax", "keras-torch")
    assert not ok and "keras-torch did not train (unavailable" in detail


def test_no_switch_below_the_accuracy_floor():
    floor = CLAIM.threshold("min_accuracy")
    a = assess(synthetic_results({"tensorflow": 0.96, "jax": floor - 0.01, "torch": floor - 0.02}))
    ok, detail = a.switch("keras-jax", "keras-torch")
    assert not ok and "below the floor" in detail
    assert not a.switch("keras-tensorflow", "keras-jax")[0]


def test_no_switch_when_accuracies_differ_beyond_the_tolerance_and_quick_mode_is_looser():
    tol = CLAIM.threshold("accuracy_tolerance")
    accs = {"tensorflow": 0.96, "jax": 0.96 - 1.5 * tol, "torch": 0.958}
    ok, detail = assess(synthetic_results(accs)).switch("keras-tensorflow", "keras-jax")
    assert not ok and "differ by more than" in detail
    assert assess(synthetic_results(accs)).switch("keras-tensorflow", "keras-torch")[0]
    assert 1.5 * tol < CLAIM.threshold("accuracy_tolerance", quick=True)
    assert assess(synthetic_results(accs), quick=True).switch("keras-tensorflow", "keras-jax")[0]


def test_no_switch_when_a_saved_model_does_not_load_under_the_other():
    results = synthetic_results()
    results["keras-torch"].measurements["load"]["sources"]["jax"] = {
        "status": "error", "error": {"type": "ValueError", "message": "cannot load this file"}}
    a = assess(results)
    ok, detail = a.switch("keras-jax", "keras-torch")
    assert not ok and "keras-jax's saved model did not load under keras-torch (ValueError: cannot load" in detail
    assert a.load("jax", "torch").status == "fails"
    assert a.switch("keras-tensorflow", "keras-torch")[0]  # only that direction of that pair broke


def test_no_switch_when_predictions_differ_beyond_the_tolerance():
    a = assess(synthetic_results(diff=1e-2))
    ok, detail = a.switch("keras-tensorflow", "keras-jax")
    assert not ok and "predicts 1.0e-02 apart" in detail


def test_reduced_precision_engine_is_equal_only_with_the_f32_hint_within_tolerance():
    a = assess(synthetic_results())
    ov = a.load("jax", "openvino")
    assert ov.reduced_precision and ov.equal and ov.max_abs_diff == 5e-3 and ov.f32_max_abs_diff == 3e-7
    results = synthetic_results()
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
    a = assess(synthetic_results())
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
    a = assess(synthetic_results(corpus=runs))
    assert a.broken == ["corpus/broken.py"]
    assert (a.share_keras_only.ported, a.share_keras_only.tried) == (1, 1)
    assert "unclassified" not in {f.id for f in a.failure_classes}
    assert "corpus/broken.py" in CLAIM.verdict(a).findings["c"]


def test_an_unavailable_backend_is_not_a_failure():
    a = assess(unavailable(synthetic_results(), "keras-torch"))
    run = a.program("custom_layer_ops.py").runs["torch"]
    assert run.status == "unavailable" and run.failure_class is None
    assert a.program("custom_layer_ops.py").ported()  # on the two backends that ran
    assert a.shares["torch"].tried == 0
    assert all("torch" not in f.backends for f in a.failure_classes)


# -- the verdict -------------------------------------------------------------------------------------------------
def test_all_agreeing_is_supported_with_the_corpus_and_its_classes_named():
    verdict = CLAIM.verdict(assess(synthetic_results()))
    assert verdict.verdict == "supported"
    assert "1 of 1 corpus programs written to the Keras API alone" in verdict.summary
    assert "1 of 3 of the whole corpus" in verdict.summary
    assert "12 of 12 cross-backend loads" in verdict.summary
    assert "a train_step override, which the JAX trainer calls with another signature (2 of 9 runs)" in verdict.summary
    assert {"a", "b", "c", "switches"} <= set(verdict.findings)
    assert "TracerArrayConversionError" in verdict.findings["c"]


def test_the_keras_only_share_decides_between_supported_partly_and_refuted():
    def with_keras_only(ported: int, failing: int) -> str:
        return _decide(assess(synthetic_results(corpus=synthetic.with_keras_only(ported, failing)))).verdict

    # 1 + ported of 1 + ported + failing Keras-only programs port.
    assert with_keras_only(9, 1) == "supported"      # 10/11 >= 0.9
    assert with_keras_only(5, 3) == "partly supported"  # 6/9
    assert with_keras_only(0, 2) == "refuted"          # 1/3 < 0.5


@pytest.mark.parametrize("quick", [False, True])
@pytest.mark.parametrize("name", list(CLAIM.thresholds))
def test_each_threshold_s_edge_flips_the_decision_it_guards(name, quick):
    """The synthetic_results hook (the family test's, issue 21): just below and just above each threshold the
    decisions differ, and all else alike is supported."""
    assert _decide(assess(CLAIM.synthetic_results(quick), quick)).verdict == "supported"
    below, above = (CLAIM.synthetic_results(quick, (name, side)) for side in ("below", "above"))
    assert below is not None and above is not None, name
    decided = [_decide(assess(r, quick)) for r in (below, above)]
    assert decided[0].verdict != decided[1].verdict, (name, decided)
    flips = {d.verdict for d in decided}
    assert "supported" in flips or name == "refuted_share", (name, flips)


def test_mlp_disagreement_is_partly_supported_and_both_failing_refutes():
    accs = {"tensorflow": 0.96, "jax": 0.80, "torch": 0.958}
    assert CLAIM.verdict(assess(synthetic_results(accs))).verdict == "partly supported"
    assert CLAIM.verdict(assess(synthetic_results(accs, diff=1e-2))).verdict == "refuted"


def test_unavailable_subject_is_named_and_the_rest_decides():
    a = assess(unavailable(synthetic_results(), "keras-torch"))
    verdict = CLAIM.verdict(a)
    assert verdict.verdict == "supported"
    assert "keras-torch (unavailable: torch cannot be imported)" in verdict.summary
    # Loaders tensorflow and jax each load the other's file; numpy and openvino load both: 6 cross-loads.
    assert "6 of 6 cross-backend loads" in verdict.summary


def test_fewer_than_two_trainers_is_inconclusive():
    verdict = CLAIM.verdict(assess(unavailable(unavailable(synthetic_results(), "keras-torch"), "keras-jax")))
    assert verdict.verdict == "inconclusive"
    assert "keras-jax" in verdict.summary and "keras-torch" in verdict.summary


# -- the third-party architectures -------------------------------------------------------------------------------
def decision(results: dict, quick: bool = False):
    return _decide(assess(results, quick))


def test_architectures_port_when_every_backend_trains_and_every_load_is_within_the_tolerance():
    a = assess(synthetic_results())
    assert [x.program for x in a.architectures] == list(ARCH_RUNS)
    bert = a.architectures[0]
    assert bert.ported() and bert.trained_on() == ["tensorflow", "jax", "torch"] and bert.params == 1000
    assert len(bert.loads) == len(bert.cross_loads()) == 6
    assert max(c.relative_diff for c in bert.cross_loads()) == pytest.approx(8e-6 / 4.0)
    assert (a.share_architectures.ported, a.share_architectures.tried) == (2, 2)
    d = decision(synthetic_results())
    assert (d.verdict, d.code) == ("supported", "all_hold")
    assert (d.numbers["architectures_ported"], d.numbers["architectures_tried"]) == (2, 2)
    assert (d.numbers["own_keras_only_ported"], d.numbers["own_keras_only_tried"]) == (1, 1)
    assert (d.numbers["own_all_ported"], d.numbers["own_all_tried"]) == (1, 3)


def test_the_architecture_tolerance_is_relative_to_the_predictions_scale_and_its_edge_decides():
    tol = CLAIM.threshold("architecture_tolerance")
    # Cross-loads differ by 4x the entry's value over a scale of 4.0: relative difference = the value itself.
    inside = assess(synthetic_results(arch={"architectures/bert.py": tol * 0.9, "architectures/resnet50.py": 0.0}))
    assert inside.architectures[0].ported()
    outside = synthetic_results(arch={"architectures/bert.py": tol * 1.1, "architectures/resnet50.py": 0.0})
    a = assess(outside)
    assert not a.architectures[0].ported() and a.architectures[1].ported()
    assert (a.share_architectures.ported, a.share_architectures.tried) == (1, 2)
    d = _decide(a)
    assert (d.verdict, d.code) == ("partly supported", "some_hold")  # 1/2: below supported, not below refuted
    # A scale below 1 is judged absolutely: outputs near zero do not inflate the difference.
    from evidence.claims.backend_portability.measurement import Comparison

    small = Comparison(max_abs_diff=1e-5, reference_scale=1e-3, top1_agreement=1.0, top1_differing=0, shape=[1])
    assert small.relative_diff == 1e-5


def test_architectures_failing_under_a_backend_refute_below_the_refuted_share():
    results = synthetic_results()
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
    d = _decide(a)
    assert (d.verdict, d.code) == ("refuted", "architectures_below_refuted_share")


def test_a_training_run_needs_finite_losses_and_changed_weights():
    results = synthetic_results()
    programs = results["keras-jax"].measurements["arch_train"]["programs"]
    programs["architectures/bert.py"] = _arch_trained("architectures/bert.py", losses_finite=False)
    programs["architectures/resnet50.py"] = _arch_trained("architectures/resnet50.py", variables_changed=0)
    a = assess(results)
    bert, resnet = (x.runs["jax"] for x in a.architectures)
    assert bert.status == resnet.status == "fails"
    assert bert.error.type == resnet.error.type == "CheckFailed"
    assert bert.first_step_s == 5.0 and bert.step_s == pytest.approx(1.1)


def test_a_missing_library_makes_its_architectures_unavailable_never_failed():
    results = synthetic_results()
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
    d = _decide(a)
    assert (d.verdict, d.code) == ("supported", "all_hold")
    assert d.unavailable == a.architectures_unavailable and d.failed == []
    # With no architecture measured at all, the own programs decide and the decision says so.
    none = _decide(assess(synthetic_results(arch={})))
    assert (none.verdict, none.code, none.numbers["architectures_tried"]) == (
        "supported", "all_hold_architectures_unavailable", 0)


def test_an_unavailable_backend_leaves_the_architectures_ported_on_the_others():
    a = assess(unavailable(synthetic_results(), "keras-torch"))
    bert = a.architectures[0]
    assert bert.runs["torch"].status == "unavailable" and bert.tried() == ["tensorflow", "jax"]
    assert bert.ported() and len(bert.cross_loads()) == 2
    assert (a.share_architectures.ported, a.share_architectures.tried) == (2, 2)


def test_the_verdict_counts_own_programs_and_architectures_apart():
    verdict = CLAIM.verdict(assess(synthetic_results()))
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
    # The third-party architectures, counted apart: KerasHub's BERT and GPT-2 at tiny configurations.
    assert [x.program for x in a.architectures] == list(CLAIM.setting("architecture_programs", quick=True))
    if importlib.util.find_spec("keras_hub") is None:  # we could not try: unavailable, never failed
        assert a.share_architectures.tried == 0 and len(a.architectures_unavailable) == 2
        assert all(r.status == "unavailable" for x in a.architectures for r in x.runs.values())
        return
    for x in a.architectures:
        assert x.library == "keras-hub" and x.params and x.config["num_layers"] == 2, x
        assert x.trained_on() == ["tensorflow", "jax", "torch"], x.runs
        assert len(x.cross_loads()) == 6 and x.ported(), x.loads
        assert all(r.variables_changed == r.variables and len(r.losses) == 2 for r in x.runs.values())
    assert (a.share_architectures.ported, a.share_architectures.tried) == (2, 2)
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

    r = result_of("backend_portability", assess(synthetic_results()))
    assert "2 of 2 (100%) architectures from the field's libraries" in STORY.found(r)
    titles = dict(STORY.details(r))
    table = titles["Architectures from the field's libraries (code nobody here wrote)"]
    assert "architectures/bert.py" in table and "1,000" in table and "6 of 6" in table
    assert any("code nobody here wrote" in line for line in STORY.why(r))
