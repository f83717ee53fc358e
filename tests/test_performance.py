"""The performance claim: FLOP counts, size classes and settings, statistics, the assessment and every branch of the
verdict on synthetic results (no framework), then the real quick-mode run (one shared run per test session).

``synthetic_results`` builds what the claim's workers return, for given seconds per option and setting; the
advisor's and the site's tests may import it to make a performance result without running anything.
"""

from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from evidence.claim import Context
from evidence.claims.performance import (
    CLAIM,
    OPTION_SETTINGS,
    SUBJECTS,
    TENSORFLOW_ENGINE,
    PerformanceAssessment,
    across_venues,
    compare,
    faster,
    joint_bootstrap,
    load_program,
    phase_stats,
    pool_rounds,
    public_record,
)
from evidence.claims.performance import claim as claim_module
from evidence.claims.performance.measure import matmul_gflops
from evidence.contract import Interval
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

spec = load_program("perf_spec.py")
FULL_MODELS = ("mlp", "cnn", "attention", "cnn_wide", "transformer")
ROOF = 400.0


# -- FLOPs, counted by hand from the sizes in perf_spec.py ---------------------------------------------------------
def test_mlp_flops():
    # 256 -> 512 -> 512 -> 10; the first layer's input is the data, so it needs no input gradient.
    forward = 2 * (256 * 512 + 512 * 512 + 512 * 10)
    assert spec.flops_per_sample("mlp") == {"forward": forward, "train": 3 * forward - 2 * 256 * 512}


def test_cnn_flops():
    conv1 = 2 * 32 * 32 * (3 * 3 * 3) * 16   # 'same' padding: 32x32 outputs, each a 3x3x3 dot product, 16 filters
    conv2 = 2 * 16 * 16 * (3 * 3 * 16) * 32  # after 2x2 pooling
    dense = 2 * (8 * 8 * 32) * 10
    assert spec.flops_per_sample("cnn") == {"forward": conv1 + conv2 + dense,
                                            "train": 2 * conv1 + 3 * (conv2 + dense)}


def test_wide_cnn_flops():
    conv1 = 2 * 32 * 32 * 27 * 128
    conv2 = 2 * 16 * 16 * (9 * 128) * 256
    conv3 = 2 * 8 * 8 * (9 * 256) * 512
    dense = 2 * (4 * 4 * 512) * 10
    assert spec.flops_per_sample("cnn_wide") == {"forward": conv1 + conv2 + conv3 + dense,
                                                 "train": 2 * conv1 + 3 * (conv2 + conv3 + dense)}


@pytest.mark.parametrize(("model", "length", "dim", "ffn"), [("attention", 32, 64, 128),
                                                              ("transformer", 128, 512, 2048)])
def test_attention_flops(model, length, dim, ffn):
    qkv = 3 * 2 * length * dim * dim
    mix = 2 * (2 * length * length * dim)  # scores and the weighted sum, over all heads
    rest = 2 * length * dim * dim + 2 * 2 * length * dim * ffn + 2 * dim * 10
    assert spec.flops_per_sample(model) == {"forward": qkv + mix + rest, "train": 2 * qkv + 3 * (mix + rest)}


def test_flops_reject_an_unknown_model():
    with pytest.raises(ValueError, match="Expected a model in"):
        spec.flops_per_sample("rnn")


def test_data_is_the_same_in_every_process_and_learnable():
    x1, y1 = spec.make_data("cnn", 32)
    x2, y2 = spec.make_data("cnn", 32)
    assert x1.shape == (32, 32, 32, 3) and x1.dtype == "float32" and y1.dtype == "int32"
    assert (x1 == x2).all() and (y1 == y2).all()
    assert len(set(spec.make_data("mlp", 512)[1])) == 10


# -- size classes and settings, declared before the run --------------------------------------------------------------
def test_size_classes():
    assert spec.models_of("dispatch-bound") == ("mlp", "cnn", "attention")
    assert spec.models_of("compute-bound") == ("cnn_wide", "transformer")
    assert CLAIM.setting("models_dispatch", quick=False) == list(spec.models_of("dispatch-bound"))
    assert CLAIM.setting("models_compute", quick=False) == list(spec.models_of("compute-bound"))
    # The compute-bound models do far more arithmetic per sample than the dispatch-bound ones.
    assert min(spec.flops_per_sample(m)["train"] for m in spec.models_of("compute-bound")) > 20 * max(
        spec.flops_per_sample(m)["train"] for m in spec.models_of("dispatch-bound"))
    with pytest.raises(ValueError, match="Expected a size class"):
        spec.models_of("huge")


def test_every_option_has_a_default_and_its_documented_settings():
    for option, settings in OPTION_SETTINGS.items():
        assert "default" in settings, option
        assert all(s["documented"] for s in settings.values())
        # A setting the framework does not offer says where its documentation says so.
        assert all(s.get("reason") for s in settings.values() if s["jit_compile"] is None)
    assert OPTION_SETTINGS["keras-tensorflow"]["default"]["jit_compile"] == "auto"
    assert OPTION_SETTINGS["keras-tensorflow"]["xla"]["jit_compile"] is True
    assert OPTION_SETTINGS["keras-torch"]["default"]["jit_compile"] == "auto"        # eager
    assert OPTION_SETTINGS["keras-torch"]["torch_compile"]["jit_compile"] is True    # torch.compile
    assert OPTION_SETTINGS["keras-torch"]["spe"]["jit_compile"] is None              # not supported on torch
    # Every runnable setting is measured by exactly one subject.
    runnable = {(o, s) for o, settings in OPTION_SETTINGS.items() for s, d in settings.items()
                if d["jit_compile"] is not None}
    measured = [(c["option"], s) for c in SUBJECTS.values() for s in c["settings"]]
    assert sorted(measured) == sorted(runnable)


def test_settings_and_thresholds_are_apart_and_recorded():
    described = CLAIM.describe()
    assert set(described["settings"]) >= {"batch_size_dispatch", "batch_size_cnn_wide", "batch_size_transformer",
                                          "steps_dispatch", "steps_compute", "rounds", "matmul_n",
                                          "steps_per_execution"}
    assert set(described["thresholds"]) == {"faster_margin", "engine_margin", "bootstrap_level",
                                            "min_models_per_class", "min_steadiness"}
    assert all(isinstance(s.full, int) for k, s in CLAIM.settings.items() if k.startswith(("batch", "steps")))
    assert all(s.reason for s in CLAIM.settings.values())
    assert CLAIM.decision_rule_fixed == "2026-12-01"
    assert [c.date for c in CLAIM.decision_log] == ["2026-11-26", "2026-12-01"]
    assert "after seeing those runs" in CLAIM.decision_log[0].reason


def test_compute_bound_models_warm_up_for_two_single_step_epochs():
    sizes = CLAIM.sizes(quick=False, warmup=1)
    assert sizes["mlp"] == (64, 8, 1)
    assert sizes["cnn_wide"] == (128, 1, 2) and sizes["transformer"] == (32, 1, 2)


def test_spe_runs_in_the_dispatch_bound_class_only():
    assert CLAIM.models_of("keras-tensorflow", "xla_spe", quick=False) == ["mlp", "cnn", "attention"]
    assert CLAIM.models_of("keras-tensorflow", "xla", quick=False) == list(FULL_MODELS)
    assert CLAIM.models_of("keras-torch-compile", "torch_compile", quick=False) == list(FULL_MODELS)
    assert CLAIM.models_of("keras-torch-compile", "torch_compile", quick=True) == ["mlp"]


def test_rounds_and_which_subjects_take_part(monkeypatch):
    assert CLAIM.stages_for(quick=True) == ("round1",)
    assert CLAIM.stages_for(quick=False) == ("round1",)
    # With two rounds (a venue with time for them), torch.compile's subject keeps to its own number of rounds.
    monkeypatch.setitem(type(CLAIM).settings, "rounds", CLAIM.settings["rounds"].model_copy(update={"full": 2}))
    assert CLAIM.stages_for(quick=False) == ("round1", "round2")
    assert "keras-torch-compile" in CLAIM.stage_subjects("round1")
    assert "keras-torch-compile" not in CLAIM.stage_subjects("round2")
    assert CLAIM.subject_rounds("keras-torch-compile", quick=False) == ("round1",)
    assert CLAIM.subject_rounds("keras-jax", quick=False) == ("round1", "round2")


# -- statistics --------------------------------------------------------------------------------------------------
def test_phase_stats_leaves_out_the_warm_up_and_reports_compile_apart():
    stats = phase_stats([3.0, 1.0, 1.2, 0.8, 1.1, 0.9], warmup=1, samples=1000, batches=10, flops_per_sample=2e6)
    assert stats["time"]["median_s"] == 1.0 and stats["time"]["repeats"] == 5
    assert stats["compile_s"] == 2.0
    assert stats["samples_per_s"] == 1000.0
    assert stats["batch_latency_s"] == 0.1
    assert stats["achieved_gflops"] == pytest.approx(2.0)
    # Two warm-up runs (a compute-bound model's second step traces again): both count as compiling.
    two = phase_stats([3.0, 1.5, 1.0, 1.2, 0.8, 1.1, 0.9], warmup=2, samples=1000, batches=10, flops_per_sample=2e6)
    assert two["time"]["repeats"] == 5 and two["compile_s"] == pytest.approx(2.5) and two["first_s"] == 3.0


def _times(median: float, spread: float = 0.02) -> list[float]:
    return [median * (1 + spread * k) for k in (-2, -1, 0, 1, 2)]


def test_faster_needs_the_margin_and_separate_spreads():
    assert faster(_times(1.0), _times(2.0), 0.25)
    assert not faster(_times(1.0), _times(1.2), 0.25)                   # inside the margin
    assert not faster(_times(1.0, 0.3), _times(1.4, 0.3), 0.25)         # beyond it, but the spreads overlap
    assert compare(_times(2.0), _times(1.0), 0.25) == "slower"
    assert compare(_times(1.0), _times(1.1), 0.25) == "within noise"


def test_the_interval_spans_the_differences_between_rounds():
    # Option A's two processes ran at 1.0 s and 1.4 s per repeat, B's both at 1.2 s: a draw may pick either of
    # A's rounds twice, so the interval of B/A reaches from 1.2/1.4 to 1.2/1.0.
    samples = {"a": [[1.0] * 3, [1.4] * 3], "b": [[1.2] * 3, [1.2] * 3]}
    ratio = {"r": lambda med: med["b"] / med["a"]}
    low, high = joint_bootstrap(samples, ratio, iterations=400, level=0.9)["r"]
    assert low == pytest.approx(1.2 / 1.4) and high == pytest.approx(1.2 / 1.0)
    # Either round alone would have claimed a tight interval around its own ratio.
    one = {"a": [[1.0] * 3], "b": [[1.2] * 3]}
    assert joint_bootstrap(one, ratio, iterations=400, level=0.9)["r"] == pytest.approx((1.2, 1.2))
    # Rounds of different lengths take the slow path and give the same kind of answer.
    uneven = {"a": [[1.0] * 3, [1.4] * 4], "b": [[1.2] * 3, [1.2] * 4]}
    low, high = joint_bootstrap(uneven, ratio, iterations=200, level=0.9)["r"]
    assert low == pytest.approx(1.2 / 1.4) and high == pytest.approx(1.2 / 1.0)


def test_matmul_roof_warms_up_for_the_time_asked():
    start = time.perf_counter()
    gflops = matmul_gflops("numpy", 64, repeats=2, warmup_s=0.3)
    assert time.perf_counter() - start >= 0.3
    assert gflops > 0
    with pytest.raises(ValueError, match="Expected numpy or a framework"):
        matmul_gflops("theano", 64, repeats=1)


# -- synthetic results ---------------------------------------------------------------------------------------------
def _model_record(model: str, seconds: float, *, spread: float, rng: random.Random, setting_request: dict,
                  sizes: dict[str, tuple[int, int, int]]) -> dict:
    batch, steps, _ = sizes[model]
    flops = spec.flops_per_sample(model)
    train = [seconds * (1 + rng.uniform(-spread, spread)) for _ in range(5)]
    infer = [t / 3 for t in train]
    return {"model": model, "size_class": spec.size_class(model), "flops_per_sample": flops, "batch_size": batch,
            "steps_per_epoch": steps, "status": "ok", "parameters": 1000,
            "jit_compile": setting_request["jit_compile"] is True or setting_request["jit_compile"] == "auto",
            "steps_per_execution": setting_request["steps_per_execution"], "build_s": 0.1,
            "loss_first_epoch": 2.3, "loss_last_epoch": 2.0, "graph_breaks": None,
            "train": phase_stats([seconds * 3, *train], warmup=1, samples=batch * steps, batches=steps,
                                 flops_per_sample=flops["train"]),
            "inference": phase_stats([seconds, *infer], warmup=1, samples=batch * steps, batches=steps,
                                     flops_per_sample=flops["forward"])}


def synthetic_results(seconds: dict[tuple[str, str], float | dict[str, float]] | None = None, *,
                      tf_s: float = 1.0, other_s: float = 1.0, rounds: int = 2, spread: float = 0.02,
                      models: tuple[str, ...] = FULL_MODELS, roof: float = ROOF, seed: int = 0,
                      gpu: str | None = None) -> dict[str, SubjectResult]:
    """What the claim's workers return, as ``SubjectResult``s: every (option, setting) of every subject trains
    each model in ``seconds[(option, setting)]`` seconds per epoch (a number, or one per model; default ``tf_s``
    on TensorFlow's engine and ``other_s`` elsewhere, a little slower for non-default settings), repeats spread
    by ``spread``, inference at a third of that, in ``rounds`` rounds. Every worker measures ``roof`` GFLOP/s."""
    rng = random.Random(seed)
    seconds = seconds or {}
    sizes = CLAIM.sizes(quick=False)
    out = {}
    for subject, config in SUBJECTS.items():
        option = config["option"]
        n_rounds = 1 if subject == "keras-torch-compile" else rounds
        round_records = []
        for r in range(n_rounds):
            settings = {}
            for name in config["settings"]:
                base = seconds.get((option, name), (tf_s if option in TENSORFLOW_ENGINE else other_s)
                                   * (1.0 if name == "default" else 1.02))
                request = {"jit_compile": OPTION_SETTINGS[option][name]["jit_compile"],
                           "steps_per_execution": 4 if OPTION_SETTINGS[option][name]["spe"] else 1}
                wanted = [m for m in CLAIM.models_of(subject, name, quick=False) if m in models]
                settings[name] = {"request": request, "models": {
                    m: _model_record(m, base[m] if isinstance(base, dict) else base, spread=spread, rng=rng,
                                     setting_request=request, sizes=sizes) for m in wanted}}
            framework = "tensorflow" if option in TENSORFLOW_ENGINE else option.removeprefix("keras-")
            round_records.append({
                "framework": framework, "program": config["program"],
                "device": {"kind": "gpu", "name": gpu, "count": 1} if gpu else {"kind": "cpu", "name": "cpu",
                                                                                   "count": 1},
                "threads": {"cpu_count": 2, "affinity": 2},
                "engine": {"onednn": True if framework in ("tensorflow", "torch") else None, "onednn_env": None},
                "order": list(settings),
                "roof": {"matmul_n": 2048, "framework_gflops_before": roof, "framework_gflops_after": roof * 0.95,
                         "numpy_gflops_before": roof, "numpy_gflops_after": roof, "numpy_gflops": roof,
                         "warmup_s": 0.5, "repeats": 5},
                "settings": settings, "option": option, "subject": subject, "mode": "full", "round": f"round{r + 1}"})
        out[subject] = SubjectResult(status="ok", measurements=pool_rounds(round_records))
    return out


def judge(results, quick: bool = False):
    assessment = CLAIM.assess(results, quick)
    return assessment, CLAIM.verdict(assessment)


@pytest.fixture(autouse=True)
def _no_venue_override(monkeypatch):
    monkeypatch.delenv("KVT_VENUE", raising=False)


# -- the assessment ------------------------------------------------------------------------------------------------
def test_ratios_to_the_fastest_and_the_best_setting_per_model():
    # keras-jax's default is the fastest on every model; its spe setting runs at 1.25 s on the small models.
    seconds = {("keras-jax", "default"): 0.5, ("keras-jax", "spe"): 0.625}
    a, _ = judge(synthetic_results(seconds, spread=0.0))
    cell = a.cell("keras-jax", "default", "mlp", "train")
    assert cell.ratio_to_fastest.estimate == pytest.approx(1.0)
    assert a.cell("keras-jax", "spe", "mlp", "train").ratio_to_fastest.estimate == pytest.approx(0.8)
    assert a.cell("keras-torch", "default", "mlp", "train").ratio_to_fastest.estimate == pytest.approx(0.5)
    assert a.cell("keras-tensorflow", "xla", "cnn_wide", "inference").ratio_to_fastest.estimate == pytest.approx(
        0.5 / 1.02)
    best = a.best("keras-tensorflow", "dispatch-bound", "train")
    assert best.settings == dict.fromkeys(["mlp", "cnn", "attention"], "default")  # the others are 2 % slower
    assert a.default("keras-jax", "compute-bound", "train").settings == {"cnn_wide": "default",
                                                                         "transformer": "default"}
    assert a.option_speed("keras-jax").estimate == pytest.approx(1.0)
    assert a.option_speed("keras-torch", "compute-bound").estimate == pytest.approx(0.5)
    assert a.option_speed("no-such-option") is None
    assert a.fastest_option("dispatch-bound", "train") == "keras-jax"
    # A setting's effect against its option's default.
    assert a.setting("keras-jax", "spe").classes["dispatch-bound"]["train"].vs_default.estimate == pytest.approx(0.8)
    assert a.setting("keras-jax", "default").classes["dispatch-bound"]["train"].vs_default is None


def test_throughput_and_roof_fraction_are_computed_from_the_sizes():
    a, _ = judge(synthetic_results(tf_s=0.5, other_s=1.0, spread=0.0))
    batch, steps, _ = CLAIM.sizes(quick=False)["transformer"]
    cell = a.cell("tensorflow-core", "default", "transformer", "train")
    samples_per_s = batch * steps / 0.5
    assert cell.throughput.estimate == pytest.approx(samples_per_s)
    achieved = spec.flops_per_sample("transformer")["train"] * samples_per_s / 1e9
    assert cell.achieved_gflops == pytest.approx(achieved)
    assert cell.roof_fraction == pytest.approx(achieved / ROOF)
    assert cell.compile_s == pytest.approx(1.0)  # first epoch 3x the median
    assert a.roof.gflops == {"cpu": ROOF}
    # A class's fraction is the geometric mean of its models'.
    wide = a.cell("tensorflow-core", "default", "cnn_wide", "train").roof_fraction
    assert a.best("tensorflow-core", "compute-bound", "train").roof_fraction == pytest.approx(
        (wide * cell.roof_fraction) ** 0.5)


def test_settings_are_recorded_with_what_they_ran_with():
    a, _ = judge(synthetic_results())
    tf = a.setting("keras-tensorflow", "default").run
    assert tf.jit_compile == "auto" and tf.onednn is True and tf.onednn_env is None and tf.compiler == "xla"
    assert a.setting("keras-tensorflow", "xla_spe").run.steps_per_execution == 4
    assert a.setting("keras-tensorflow", "xla_spe").run.size_classes == ["dispatch-bound"]
    assert a.setting("keras-torch", "torch_compile").run.compiler == "torch.compile"
    assert a.setting("keras-torch", "spe").status == "not_applicable"
    assert "not supported with the PyTorch backend" in a.setting("keras-torch", "spe").reason
    assert a.setting("keras-jax", "xla").status == "not_applicable"
    assert a.setting("keras-jax", "default").run.onednn is None
    assert {o: r.status for o, r in a.options.items()} == dict.fromkeys(OPTION_SETTINGS, "works")


def test_a_failed_model_under_one_setting_is_recorded_and_the_rest_still_counts():
    results = synthetic_results()
    record = results["keras-torch-compile"].measurements["settings"]["torch_compile"]["models"]
    record["cnn_wide"] = {**record["cnn_wide"], "status": "failed",
                          "error": {"type": "torch._dynamo.exc.Unsupported", "message": "graph break"}}
    for k in ("train", "inference"):
        record["cnn_wide"].pop(k)
    a, _ = judge(results)
    compiled = a.setting("keras-torch", "torch_compile")
    assert compiled.status == "fails" and compiled.models["cnn_wide"].status == "fails"
    assert compiled.models["cnn_wide"].error.message == "graph break"
    assert a.options["keras-torch"].status == "works"
    assert a.best("keras-torch", "compute-bound", "train").settings["cnn_wide"] == "default"


def test_an_unavailable_subject_is_named_and_its_settings_unavailable():
    results = synthetic_results()
    results["keras-torch-compile"] = SubjectResult(status="unavailable", reason="torch cannot be imported")
    a, v = judge(results)
    assert a.setting("keras-torch", "torch_compile").status == "unavailable"
    assert "keras-torch-compile (unavailable: torch cannot be imported)" in a.not_measured
    assert "keras-torch-compile" in v.summary and "keras-torch-compile" in v.findings["missing"]


def test_the_public_record_is_data_with_its_own_tally():
    record = public_record()
    assert record.url == "https://keras.io/getting_started/benchmarks/"
    assert "A100" in record.hardware
    assert record.fastest_counts() == {"tensorflow": 5, "jax": 7}
    assert next(t for t in record.tasks if t.task == "BERT fit").fastest == "tensorflow"


# -- the verdict, every branch ---------------------------------------------------------------------------------------
@pytest.mark.parametrize(("tf_s", "other_s", "verdict"), [
    (0.5, 1.0, "supported"),
    (1.0, 0.5, "refuted"),
    (1.0, 1.05, "partly supported"),   # level in both classes
    (1.05, 1.0, "refuted"),            # 5 % slower with tight repeats: the claimed advantage is not there
])
def test_verdict_follows_the_ratios(tf_s, other_s, verdict):
    a, v = judge(synthetic_results(tf_s=tf_s, other_s=other_s))
    assert v.verdict == verdict, v.summary
    assert v.summary.startswith(f"{verdict.capitalize()} on {a.venue}:")
    assert "dispatch-bound" in v.summary and "compute-bound" in v.summary
    assert set(v.findings) >= {"train", "inference", "compile", "roof", "engines", "settings", "caveat",
                               "public_record", "onednn"}


def test_faster_in_one_class_slower_in_the_other_is_partly_supported():
    seconds = {}
    for option, settings in OPTION_SETTINGS.items():
        for name in settings:
            tf = option in TENSORFLOW_ENGINE
            seconds[(option, name)] = {"mlp": 1.0 if tf else 0.5, "cnn": 1.0 if tf else 0.5,
                                       "attention": 1.0 if tf else 0.5,
                                       "cnn_wide": 0.5 if tf else 1.0, "transformer": 0.5 if tf else 1.0}
    a, v = judge(synthetic_results(seconds))
    assert v.verdict == "partly supported"
    assert "faster in compute-bound, not in dispatch-bound" in v.summary
    assert CLAIM.class_outcome(a.engine_ratio("compute-bound")) == "faster"
    assert CLAIM.class_outcome(a.engine_ratio("dispatch-bound")) == "slower"


def _with_engine(a: PerformanceAssessment, **ratios: tuple[float, float]) -> PerformanceAssessment:
    """``a`` with the given size classes' engine intervals replaced by (low, high)."""
    engines = dict(a.engines)
    for name, (low, high) in ratios.items():
        c = name.replace("_", "-")
        engines[c] = engines[c].model_copy(update={"ratio": Interval(
            estimate=(low + high) / 2, low=low, high=high, level=0.9, method="test")})
    return a.model_copy(update={"engines": engines})


def test_the_rule_at_its_edges():
    a, _ = judge(synthetic_results())
    margin = CLAIM.thresholds["engine_margin"].value
    at = _with_engine(a, dispatch_bound=(1 + margin, 1.3), compute_bound=(1 + margin, 1.4))
    assert CLAIM.verdict(at).verdict == "supported"
    below = _with_engine(a, dispatch_bound=(1 + margin - 0.001, 1.3), compute_bound=(1 + margin, 1.4))
    assert CLAIM.verdict(below).verdict == "partly supported"
    slower_one = _with_engine(a, dispatch_bound=(0.7, 0.999), compute_bound=(0.95, 1.2))
    assert CLAIM.verdict(slower_one).verdict == "refuted"
    touching = _with_engine(a, dispatch_bound=(0.7, 1.0), compute_bound=(0.95, 1.2))
    assert CLAIM.verdict(touching).verdict == "partly supported"


def test_too_few_models_per_class_is_inconclusive():
    a, v = judge(synthetic_results(tf_s=0.5, models=("mlp", "transformer")), quick=True)
    assert v.verdict == "inconclusive"
    assert "fewer than 2 models timed on both sides" in v.summary and f"on {a.venue}" in v.summary


def test_an_unsteady_machine_gives_no_verdict():
    results = synthetic_results(tf_s=0.5)
    results["keras-jax"].measurements["rounds"][1]["roof"]["numpy_gflops"] = ROOF / 3
    a, v = judge(results)
    assert v.verdict == "inconclusive" and "not steady" in v.summary and "rerun on a quiet machine" in v.summary
    assert a.steadiness.across_workers == pytest.approx(1 / 3)
    results = synthetic_results(tf_s=0.5)
    results["keras-torch"].measurements["rounds"][0]["roof"]["framework_gflops_after"] = ROOF / 2
    assert judge(results)[1].verdict == "inconclusive"


def test_one_side_missing_is_inconclusive():
    results = synthetic_results(tf_s=0.5)
    for subject in ("keras-jax", "keras-torch", "keras-torch-compile"):
        results[subject] = SubjectResult(status="unavailable", reason="jax cannot be imported")
    a, v = judge(results)
    assert v.verdict == "inconclusive" and "nothing to compare" in v.summary
    assert a.engines == {}


def test_the_verdict_names_its_venue_and_what_is_missing():
    a, v = judge(synthetic_results(tf_s=1.0, other_s=0.5))
    assert a.venue == "cpu-2core" and a.accelerator is None
    assert v.summary.startswith("Refuted on cpu-2core:")
    assert "no accelerator venue is in this result" in v.summary
    assert "keras.io's Keras 3 benchmark on one A100 found no backend consistently fastest" in v.summary


def test_one_process_per_option_says_what_its_intervals_cover():
    a, v = judge(synthetic_results(rounds=1))
    assert a.rounds is None and "one worker process per run" in v.findings["intervals"]
    a, v = judge(synthetic_results(rounds=2))
    assert a.rounds.rounds == [1, 2] and "intervals" not in v.findings and "rounds" in v.findings


def test_across_venues_says_what_is_missing():
    assert across_venues({"cpu-2core": "partly supported"}).endswith("untested on GPUs and TPUs")
    both = across_venues({"gpu-h200": "supported", "cpu-2core": "refuted"})
    assert both == "refuted on cpu-2core; supported on gpu-h200"


def test_the_gpu_path_without_a_gpu():
    # Workers that saw a GPU: the venue, the roof and the summary follow it.
    a, v = judge(synthetic_results(tf_s=1.0, other_s=0.5, gpu="NVIDIA H200", roof=50_000.0))
    assert a.venue == "gpu-h200" and a.accelerator == "NVIDIA H200"
    assert a.roof.gflops["gpu"] == 50_000.0
    assert v.summary.startswith("Refuted on gpu-h200:") and "measured with a NVIDIA H200 GPU" in v.summary
    assert "NVIDIA H200" in v.findings["caveat"]


def test_the_verdict_is_stable_under_rerun_noise():
    # Three "reruns" whose every timing moves by up to 10 %: the verdict must not move.
    for tf_s, other_s in ((0.5, 1.0), (1.0, 0.5), (1.0, 1.0)):
        verdicts = {judge(synthetic_results(tf_s=tf_s, other_s=other_s, spread=0.10, seed=s))[1].verdict
                    for s in range(3)}
        assert len(verdicts) == 1, verdicts


def test_known_issues_are_cited_only_when_the_run_shows_them():
    a, _ = judge(synthetic_results())
    assert a.known_issues == []
    slow = {("keras-torch", "torch_compile"): 2.0}
    a, v = judge(synthetic_results(slow))
    assert [k.url for k in a.known_issues] == ["https://github.com/keras-team/keras/issues/21851"]
    assert "21851" in v.findings["known_issues"]


# -- rounds: one worker process each, pooled -----------------------------------------------------------------------
def test_rounds_are_pooled_and_kept():
    results = synthetic_results(rounds=2)
    m = results["keras-jax"].measurements
    assert [r["round"] for r in m["rounds"]] == ["round1", "round2"]
    pooled = m["settings"]["default"]["models"]["mlp"]["train"]
    assert pooled["time"]["repeats"] == 10 and len(pooled["round_samples_s"]) == 2
    assert pooled["time"]["samples_s"] == [t for r in pooled["round_samples_s"] for t in r]


def test_measure_pools_the_subjects_rounds_and_rotates_its_settings(tmp_path, monkeypatch):
    orders = []

    def fake_run_round(**kw):
        orders.append([name for name, _, _ in kw["settings"]])
        one = synthetic_results(rounds=1)["keras-tensorflow"].measurements["rounds"][0]
        return {k: v for k, v in one.items() if k not in ("option", "subject", "mode", "round")}

    monkeypatch.setattr("evidence.claims.performance.measure.run_round", fake_run_round)
    monkeypatch.setitem(type(CLAIM).settings, "rounds", CLAIM.settings["rounds"].model_copy(update={"full": 2}))

    def ctx(stage):
        return Context(subject="keras-tensorflow", stage=stage, quick=False, workdir=tmp_path, repeats=5, warmup=1)

    assert CLAIM.measure(ctx("round1")) == {}
    pooled = CLAIM.measure(ctx("round2"))
    assert [r["round"] for r in pooled["rounds"]] == ["round1", "round2"]
    # Every setting runs once per round, and the second round starts one setting later than the first.
    first, second = orders
    assert sorted(first) == ["default", "xla", "xla_spe"] and second == first[1:] + first[:1]
    assert pooled["settings"]["xla"]["models"]["mlp"]["rounds_ok"] == 2


# -- the real run, quick mode --------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run(quick_results):
    from tests.test_claim_contract import check_contract

    res = load_result("performance", Path(quick_results))
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(CLAIM.subjects, "ok"), {
        s: r.reason for s, r in res.subjects.items()}
    check_contract("performance", Path(quick_results))
    a: PerformanceAssessment = res.assessment
    assert a.mode == "quick" and a.venue == res.venue
    assert a.models == {"mlp": "dispatch-bound", "transformer": "compute-bound"}
    # TensorFlow at its default oneDNN policy, read from inside the worker.
    for option in ("keras-tensorflow", "tensorflow-core"):
        run = a.setting(option, "default").run
        assert run.onednn_env is None and run.onednn is not None
    assert "TF_ENABLE_ONEDNN_OPTS" not in res.provenance.environment
    # Keras resolves "auto" to no XLA for TensorFlow without a GPU, to XLA under JAX, to eager under PyTorch.
    if a.accelerator is None:
        assert a.setting("keras-tensorflow", "default").run.resolved_jit_compile is False
    assert a.setting("keras-tensorflow", "xla").run.resolved_jit_compile is True
    assert a.setting("keras-jax", "default").run.resolved_jit_compile is True
    # keras-torch ran both without and with jit_compile=True (torch.compile).
    assert a.setting("keras-torch", "default").run.compiler == "eager"
    compiled = a.setting("keras-torch", "torch_compile")
    assert compiled.status == "works" and compiled.run.compiler == "torch.compile", compiled
    assert compiled.models["mlp"].graph_breaks is not None
    for option, result in a.options.items():
        assert result.status == "works", option
        for name, s in result.settings.items():
            if s.status == "not_applicable":
                continue
            assert s.status == "works", (option, name, s)
            for model, cell in s.models.items():
                assert cell.loss_last_epoch < cell.loss_first_epoch, (option, name, model)  # every option learns
                train = cell.phases["train"]
                assert train.throughput.estimate > 0 and 0 < train.roof_fraction < 1.5
                assert train.repeats == res.provenance.repeats and train.compile_s >= 0
    assert a.roof.gflops["cpu"] > 0 and a.steadiness.numpy_min > 0
    # The same architecture on both implementations: the same number of weights.
    assert (a.setting("keras-tensorflow", "default").models["mlp"].parameters
            == a.setting("tensorflow-core", "default").models["mlp"].parameters)
    assert res.verdict == "inconclusive" and f"on {res.venue}" in res.summary
    assert claim_module.CLAIM is CLAIM
