"""The performance claim: the zoo's configurations and FLOPs, the cell plan, and the assessment and every branch of
the decision on synthetic worker results (no framework), then the real quick-mode run (marked slow).

``synthetic_results`` builds what the claim's workers return, for given seconds per step per option and setting.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from evidence.claims.performance import CLAIM, OPTION_SETTINGS, SUBJECTS, ZOO_SETTINGS, load_program
from evidence.claims.performance.assess_zoo import planned
from evidence.claims.performance.assessment import PerformanceAssessment
from evidence.claims.performance.verdict import decide
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

zoo = load_program("zoo.py")


# -- the zoo -------------------------------------------------------------------------------------------------------
def test_published_configurations_and_flops():
    bert = zoo.config("bert_base")
    assert (bert["num_layers"], bert["hidden_dim"], bert["intermediate_dim"], bert["sequence_length"]) == (12, 768,
                                                                                                         3072, 128)
    # BERT-base at 128 tokens: ~22 GFLOP forward per sequence (12 layers of 4 d^2 + 2 d ff per token, plus scores).
    assert 21e9 < zoo.flops("bert_base", "full", "forward") < 23e9
    assert zoo.flops("bert_base", "full", "train") == 3 * zoo.flops("bert_base", "full", "forward")
    # keras.applications' ResNet50 at 224: ~3.9 G multiply-adds, ~7.7 GFLOP.
    assert 7.4e9 < zoo.flops("resnet50", "full", "forward") < 8.0e9
    assert zoo.flops("resnet50", "full", "forward", image_size=112) < zoo.flops("resnet50", "full", "forward") / 3.5
    # GPT-2 small: ~0.25 GFLOP per generated token, a third of it the tied output projection.
    assert 0.2e9 < zoo.flops("gpt2_small", "full", "token", new_tokens=16) < 0.3e9
    with pytest.raises(ValueError, match="Expected a model"):
        zoo.config("vgg")
    with pytest.raises(ValueError, match="Expected a size"):
        zoo.config("bert_base", "huge")


def test_every_zoo_option_declares_a_default_and_what_its_documentation_says():
    assert set(ZOO_SETTINGS) == {"keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core", "jax-native",
                                 "torch-native"}
    for option, settings in ZOO_SETTINGS.items():
        assert "default" in settings, option
        assert all(s["documented"] for s in settings.values())
    for subject, config in SUBJECTS.items():
        assert set(config["zoo"][1]) <= set(ZOO_SETTINGS[config["option"]]), subject
    # The dispatch-bound class keeps the settings kvt check --time reads.
    assert OPTION_SETTINGS["keras-torch"]["spe"]["jit_compile"] is None


def test_the_cell_plan():
    full = planned(CLAIM, "keras-torch", quick=False)
    # channels_first is a setting for convolutions: ResNet-50 only.
    assert {c["model"] for c in full if c["setting"] == "channels_first"} == {"resnet50"}
    assert {(c["model"], c["phase"]) for c in full if c["setting"] == "default"} == {
        ("resnet50", "train"), ("resnet50", "inference"), ("bert_base", "train"), ("bert_base", "inference"),
        ("gpt2_small", "generate_b1"), ("gpt2_small", "generate_batch")}
    # KerasHub's generate never compiles on torch: not applicable, with why; not run.
    compiled = planned(CLAIM, "keras-torch-compile", quick=False)
    skipped = [c for c in compiled if c["not_applicable"]]
    assert {c["phase"] for c in skipped} == {"generate_b1", "generate_batch"} and "eagerly" in skipped[0][
        "not_applicable"]
    assert len(CLAIM.zoo_cells("keras-torch-compile", False)) == 4
    # Quick mode compiles one small cell; batch sizes and shapes come from the settings.
    assert [(c["model"], c["phase"]) for c in CLAIM.zoo_cells("torch-native-compile", True)] == [
        ("bert_base", "inference")]
    assert CLAIM.zoo_cells("keras-torch-compile", True) == []
    gen = [c for c in planned(CLAIM, "jax-native", quick=False) if c["model"] == "gpt2_small"]
    assert sorted(c["batch"] for c in gen) == [1, 4] and {c["new_tokens"] for c in gen} == {16}


# -- synthetic results -------------------------------------------------------------------------------------------
ROOF = 100.0


def _zoo_records(subject: str, seconds: dict[tuple[str, str], float], rng: random.Random) -> list[dict]:
    out = []
    for c in CLAIM.zoo_cells(subject, quick=False):
        s = seconds.get((c["option"], c["setting"]), 1.0)
        out.append({**{k: c[k] for k in ("model", "phase", "setting", "batch", "shape", "new_tokens")},
                    "status": "ok", "build_s": 1.0, "first_s": 5 * s, "warmup": 1, "steps_per_window": 2,
                    "samples_s": [s * (1 + rng.uniform(-0.01, 0.01)) for _ in range(3)],
                    "info": {"parameters": 1000}, "peak_rss_gib": 2.0})
    return out


def synthetic_results(seconds: dict[tuple[str, str], float], *, unsteady: bool = False,
                      drop: tuple[str, ...] = ()) -> dict[str, SubjectResult]:
    """Worker results in which every zoo cell of (option, setting) takes ``seconds`` per step (1.0 if absent)."""
    rng = random.Random(0)
    out = {}
    for i, subject in enumerate(CLAIM.subjects):
        if subject in drop:
            out[subject] = SubjectResult(status="unavailable", reason="jax cannot be imported")
            continue
        numpy = ROOF * (0.5 if unsteady and i == 0 else 1.0)
        m = {"framework": SUBJECTS[subject]["framework"], "device": {"kind": "cpu", "name": "cpu", "count": 1},
             "threads": {"cpu_count": 2}, "engine": {}, "cpu": {"amx_bf16": False, "avx512_bf16": True},
             "roof": {"matmul_n": 64, "framework_gflops_before": ROOF, "framework_gflops_after": ROOF,
                      "numpy_gflops": numpy},
             "zoo": _zoo_records(subject, seconds, rng), "small": {}, "parity": None,
             "option": SUBJECTS[subject]["option"], "subject": subject, "mode": "full"}
        out[subject] = SubjectResult(status="ok", measurements=m)
    return out


def judge(seconds, **kw) -> tuple[PerformanceAssessment, object]:
    a = CLAIM.assess(synthetic_results(seconds, **kw), quick=False)
    return a, CLAIM.verdict(a)


def test_engine_and_keras_ratios_take_each_side_at_its_best():
    a, v = judge({("tensorflow-core", "xla"): 0.5, ("jax-native", "default"): 1.0, ("torch-native", "default"): 2.0,
                  ("torch-native", "compile"): 1.5, ("keras-tensorflow", "xla"): 0.6})
    jax = [r for r in a.engines if r.denominator.startswith("jax-native")]
    assert len(jax) == 6 and all(r.numerator == "tensorflow-core/xla" for r in jax)
    assert jax[0].ratio.estimate == pytest.approx(2.0, rel=0.05) and jax[0].comparison == "faster"
    torch = [r for r in a.engines if r.denominator.startswith("torch-native")]
    # ResNet has channels_last too (1.0 s, the default's); the compiled program is the best elsewhere.
    assert {r.denominator for r in torch} >= {"torch-native/compile"}
    # Keras on TensorFlow at its best (XLA, 0.6 s) against TensorFlow native at its best (0.5 s): 0.83x.
    tf_overhead = a.overhead("tensorflow")
    assert tf_overhead[0].numerator == "keras-tensorflow/xla"
    assert tf_overhead[0].ratio.estimate == pytest.approx(0.5 / 0.6, rel=0.05)
    assert a.decision.verdict == "supported" and v.verdict == "supported"
    assert "cpu-2core" in v.summary or a.venue in v.summary
    # Every timed cell has its roof fraction and the generation cells count tokens.
    gen = a.cell("jax-native", "default", "gpt2_small", "generate_batch")
    assert gen.unit == "tokens/s" and gen.throughput.estimate == pytest.approx(4 * 16 / 1.0, rel=0.05)
    assert all(c.roof_fraction is not None for c in a.cells if c.status == "works")
    assert a.over_memory == []  # 2 GiB everywhere, under the 12 GiB limit


@pytest.mark.parametrize(("tf_s", "verdict", "code"), [
    (0.5, "supported", "tensorflow_faster_overall"),  # twice as fast everywhere
    (1.0, "partly supported", "faster_in_part"),      # as fast: the interval straddles 1 but not 1.10
    (2.0, "refuted", "tensorflow_slower_overall"),    # twice as slow
])
def test_verdict_follows_the_native_ratios(tf_s, verdict, code):
    seconds = {("tensorflow-core", "default"): max(tf_s, 1.0), ("tensorflow-core", "xla"): tf_s}
    a, v = judge(seconds)
    assert a.decision.verdict == verdict, (a.decision, v.summary)
    d = decide(a, CLAIM.threshold_values())
    assert (d.verdict, d.code) == (verdict, code) and v.decision == d
    assert d.numbers["cells"] == a.decision.cells == 6 and d.numbers["engine_mean"] == a.decision.engine_mean.estimate


def test_refuted_when_no_cell_is_faster_and_one_is_slower():
    results = CLAIM.synthetic_results(False)  # every window exact: TensorFlow at 1.2x in five cells, 0.5x in one
    for rec in results["tensorflow-core"].measurements["zoo"]:
        step = 2.0 if (rec["model"], rec["phase"]) == ("resnet50", "train") else 1 / 1.2
        rec["samples_s"] = [step] * len(rec["samples_s"])
    d = decide(CLAIM.assess(results, quick=False), CLAIM.threshold_values())
    assert (d.verdict, d.code, d.numbers["faster"], d.numbers["slower"]) == ("refuted", "no_cell_faster", 0, 1)
    assert d.numbers["engine_mean_high"] >= 1.0  # not the mean: the cells decide this branch


def test_keras_never_enters_the_verdict():
    slow_keras = {("keras-tensorflow", "default"): 9.0, ("keras-tensorflow", "xla"): 9.0,
                  ("keras-jax", "default"): 0.1, ("tensorflow-core", "xla"): 0.5}
    a, _ = judge(slow_keras)
    assert a.decision.verdict == "supported"  # native TensorFlow twice as fast as native JAX and PyTorch
    assert all(r.comparison == "slower" for r in a.overhead("tensorflow"))
    assert all(r.comparison == "faster" for r in a.overhead("jax"))


def test_no_verdict_without_the_evidence():
    a, _ = judge({}, unsteady=True)
    assert (a.decision.verdict, a.decision.reason) == ("inconclusive", "unsteady")
    a, _ = judge({}, drop=("tensorflow-core",))
    assert (a.decision.verdict, a.decision.reason) == ("inconclusive", "side_missing")
    d = decide(a, CLAIM.threshold_values())
    assert (d.code, d.unavailable, d.failed) == ("side_missing", ["tensorflow-core"], [])
    missing = a.cell("tensorflow-core", "xla", "resnet50", "train")
    assert missing.status == "unavailable" and "jax cannot be imported" in missing.reason
    quick = CLAIM.assess(synthetic_results({}), quick=True)
    assert quick.decision.reason == "quick_mode"


def test_a_failed_cell_is_recorded_and_the_rest_still_counts():
    results = synthetic_results({})
    rec = results["torch-native"].measurements["zoo"][0]
    rec.update(status="failed", error={"type": "RuntimeError", "message": "boom"})
    a = CLAIM.assess(results, quick=False)
    cell = a.cell("torch-native", "default", rec["model"], rec["phase"])
    assert cell.status == "fails" and cell.error.message == "boom"
    assert a.options["torch-native"].status == "works" and a.decision.cells == 6


def test_models_say_what_was_cut_and_what_is_the_same_function():
    a, _ = judge({})
    assert a.model_info["resnet50"].cut.startswith("image_size 112 instead of 224")
    assert "not the same function" in a.model_info["resnet50"].same_function
    assert a.model_info["bert_base"].cut.startswith("batch 1/2")
    assert a.cpu.amx_bf16 is False and "no AMX" in a.cpu.bf16_settings


def test_the_story_renders_the_claims_decision_and_names_every_number():
    from evidence.results import ResultFile
    from kvt_docs.stories.performance import STORY

    a, _ = judge({("tensorflow-core", "xla"): 0.5})
    from types import SimpleNamespace

    r = ResultFile.model_construct(assessment=a, venue=a.venue, provenance=SimpleNamespace(mode="full"),
                                   claim=SimpleNamespace(thresholds=CLAIM.thresholds))
    titles = dict(STORY.details(r))
    table = titles["Keras overhead per backend"]
    rows = [line for line in table.splitlines() if "JAX" in line and "bert" in line]
    assert len(rows) == 2  # BERT's training step and inference, each with its batch and the venue
    assert all(a.venue in row and ("training step" in row or "inference" in row) for row in rows)
    assert "| 1 |" in rows[0] and "| 2 |" in rows[1]  # the batches of BERT's training and inference
    assert a.decision.verdict in STORY.why(r)[0]


# -- the real run, quick mode ------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run(quick_results):
    from tests.test_claim_contract import check_contract

    res = load_result("performance", Path(quick_results))
    check_contract("performance", Path(quick_results))
    a: PerformanceAssessment = res.assessment
    assert a.mode == "quick" and a.decision.reason == "quick_mode"
    timed = {(c.option, c.model, c.phase) for c in a.cells if c.status == "works"}
    for option in ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core", "jax-native", "torch-native"):
        assert (option, "bert_base", "inference") in timed, (option, [c for c in a.cells if c.option == option])
    assert a.engines and a.keras_overhead
    assert all(p.status == "works" and p.max_abs_diff < 1e-3 for p in a.parity), a.parity


def test_findings_name_model_batch_phase_and_venue_and_quote_the_roof():
    a, v = judge({("tensorflow-core", "xla"): 0.5})
    assert {"engines", "keras_overhead_tensorflow", "keras_overhead_jax", "keras_overhead_torch", "compile", "roof",
            "models", "bf16", "cuts", "public_record", "caveat"} <= set(v.findings)
    first = v.findings["keras_overhead_jax"].split(": ", 1)[1]
    assert first.startswith("resnet50 training step, batch 8, cpu-2core") or a.venue in first
    # Every option's fraction of the roof on ResNet-50 and BERT training is quoted.
    for option in ("keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core", "jax-native", "torch-native"):
        assert f"{option}/" in v.findings["roof"]
