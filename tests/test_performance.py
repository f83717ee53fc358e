"""The performance claim: FLOP counts, timing statistics and the verdict on synthetic results (no framework),
then the real quick-mode run (one shared run per test session)."""

from __future__ import annotations

import random
import time

import pytest

from evidence.claim import Context
from evidence.claims.performance import (
    CLAIM,
    MODELS_FULL,
    OTHER_ENGINES,
    TENSORFLOW_ENGINE,
    bootstrap_interval,
    compare,
    faster,
    geometric_mean,
    load_program,
    matmul_gflops,
    phase_stats,
    pool_rounds,
    round_samples,
    workers,
)
from evidence.results import SubjectResult, load_result
from tests.conftest import needs_frameworks

spec = load_program("perf_spec.py")
BATCH, STEPS = 64, 16


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


def test_attention_flops():
    length, dim, ffn = 32, 64, 128
    qkv = 3 * 2 * length * dim * dim
    mix = 2 * (2 * length * length * dim)  # scores and the weighted sum, over all heads
    rest = 2 * length * dim * dim + 2 * 2 * length * dim * ffn + 2 * dim * 10
    assert spec.flops_per_sample("attention") == {"forward": qkv + mix + rest, "train": 2 * qkv + 3 * (mix + rest)}


def test_flops_reject_an_unknown_model():
    with pytest.raises(ValueError, match="Expected a model in"):
        spec.flops_per_sample("rnn")


def test_data_is_the_same_in_every_process_and_learnable():
    x1, y1 = spec.make_data("cnn", 32)
    x2, y2 = spec.make_data("cnn", 32)
    assert x1.shape == (32, 32, 32, 3) and x1.dtype == "float32" and y1.dtype == "int32"
    assert (x1 == x2).all() and (y1 == y2).all()
    assert len(set(spec.make_data("mlp", 512)[1])) == 10


# -- timing statistics -----------------------------------------------------------------------------------------------
def test_phase_stats_leaves_out_the_warm_up_and_reports_compile_apart():
    stats = phase_stats([3.0, 1.0, 1.2, 0.8, 1.1, 0.9], warmup=1, samples=1000, batches=10, flops_per_sample=2e6)
    assert stats["time"]["median_s"] == 1.0 and stats["time"]["repeats"] == 5
    assert stats["compile_s"] == 2.0
    assert stats["samples_per_s"] == 1000.0
    assert stats["batch_latency_s"] == 0.1
    assert stats["achieved_gflops"] == pytest.approx(2.0)


def _phase(median: float, spread: float = 0.02, repeats: int = 5) -> dict:
    samples = [median * (1 + spread * k) for k in (-2, -1, 0, 1, 2)][:repeats]
    return phase_stats([median * 3, *samples], warmup=1, samples=BATCH * STEPS, batches=STEPS,
                       flops_per_sample=1_000_000)


def test_faster_needs_the_margin_and_separate_spreads():
    assert faster(_phase(1.0), _phase(2.0), 0.25)
    assert not faster(_phase(1.0), _phase(1.2), 0.25)                        # inside the margin
    assert not faster(_phase(1.0, spread=0.3), _phase(1.4, spread=0.3), 0.25)  # beyond it, but the spreads overlap
    assert compare(_phase(2.0), _phase(1.0), 0.25) == "slower"
    assert compare(_phase(1.0), _phase(1.1), 0.25) == "within noise"


def test_geometric_mean_treats_a_ratio_and_its_inverse_alike():
    assert geometric_mean([2.0, 0.5]) == pytest.approx(1.0)


# -- the verdict on synthetic results ----------------------------------------------------------------------------
def _measurements(epoch_s: dict[str, float], *, jitter: float = 0.0, rng: random.Random | None = None,
                  models=MODELS_FULL, roof: float = 100.0) -> dict:
    """What `measure` returns for one subject whose training epoch (and inference pass, at a third of it) takes
    ``epoch_s[model]`` seconds, each timing scaled by a random factor within ``jitter``."""
    rng = rng or random.Random(0)
    out = {}
    for model in models:
        scale = 1 + rng.uniform(-jitter, jitter)
        flops = spec.flops_per_sample(model)
        out[model] = {"flops_per_sample": flops, "parameters": 1, "jit_compile": False, "build_s": 0.1,
                      "loss_first_epoch": 2.3, "loss_last_epoch": 2.0,
                      "train": _phase(epoch_s[model] * scale),
                      "inference": _phase(epoch_s[model] * scale / 3)}
    return {"framework": "tensorflow", "device": {"kind": "cpu", "name": "cpu", "count": 1},
            "roof": {"matmul_n": 1024, "framework_gflops_before": roof, "framework_gflops_after": roof * 0.95,
                     "numpy_gflops": roof * 1.1},
            "models": out}


def _results(tf_s: float, other_s: float, **kw) -> dict[str, SubjectResult]:
    """Every TensorFlow-engine option at ``tf_s`` seconds per epoch on every model, the others at ``other_s``."""
    results = {}
    for i, subject in enumerate(CLAIM.subjects):
        base = tf_s if subject in TENSORFLOW_ENGINE else other_s
        # The TensorFlow options differ a little among themselves, as they do for real.
        seconds = {m: base * (1 + 0.05 * (i % 3)) for m in MODELS_FULL}
        results[subject] = SubjectResult(status="ok", measurements=_measurements(seconds, **kw))
    return results


@pytest.mark.parametrize(("tf_s", "other_s", "verdict"), [
    (1.0, 2.0, "supported"),
    (2.0, 1.0, "refuted"),
    (1.0, 1.05, "partly supported"),
    # 5 % slower with tight repeats: the claimed advantage is not there.
    (1.05, 1.0, "refuted"),
])
def test_verdict_follows_the_ratios(tf_s, other_s, verdict):
    result = CLAIM.judge(_results(tf_s, other_s))
    assert result.verdict == verdict, result.summary
    assert "geometric mean" in result.summary
    assert set(result.findings) >= {"train", "inference", "compile", "roof", "engines", "caveat"}


def test_mixed_results_are_partly_supported_and_name_where_each_engine_wins():
    results = _results(1.0, 1.0)
    jax = results["keras-jax"].measurements["models"]
    jax["mlp"]["train"] = _phase(0.3)       # JAX much faster on the MLP
    jax["mlp"]["inference"] = _phase(0.1)
    for subject in TENSORFLOW_ENGINE:      # TensorFlow much faster on the CNN
        models = results[subject].measurements["models"]
        models["cnn"]["train"], models["cnn"]["inference"] = _phase(0.3), _phase(0.1)
    verdict = CLAIM.judge(results)
    assert verdict.verdict == "partly supported"
    assert "faster beyond the 25% margin in 2 of 6" in verdict.summary
    assert "cnn train, cnn inference" in verdict.summary and "mlp train, mlp inference" in verdict.summary


@pytest.mark.parametrize(("tf_s", "other_s"), [(1.0, 2.0), (2.0, 1.0), (1.0, 1.0)])
def test_verdict_is_stable_under_rerun_noise(tf_s, other_s):
    # Three "reruns" whose every timing moves by up to 10 %: the verdict must not move.
    verdicts = {CLAIM.judge(_results(tf_s, other_s, jitter=0.10, rng=random.Random(seed))).verdict
                for seed in range(3)}
    assert len(verdicts) == 1, verdicts


def _spread_results(ratio: float, spread: float) -> dict[str, SubjectResult]:
    """TensorFlow options ``ratio`` times as fast as the others, every option's repeats spread by ``spread``."""
    results = {}
    for subject in CLAIM.subjects:
        seconds = 1.0 / ratio if subject in TENSORFLOW_ENGINE else 1.0
        m = _measurements(dict.fromkeys(MODELS_FULL, seconds))
        for model in MODELS_FULL:
            m["models"][model]["train"] = _phase(seconds, spread=spread)
            m["models"][model]["inference"] = _phase(seconds / 3, spread=spread)
        results[subject] = SubjectResult(status="ok", measurements=m)
    return results


def test_a_borderline_lead_needs_its_whole_interval_beyond_the_margin():
    # A 1.2x lead (or lag) with tight repeats is clear; with repeats spread by +-60 % it is not.
    assert CLAIM.judge(_spread_results(1.2, 0.02)).verdict == "supported"
    assert CLAIM.judge(_spread_results(1 / 1.2, 0.02)).verdict == "refuted"
    for ratio in (1.2, 1 / 1.2):
        noisy = CLAIM.judge(_spread_results(ratio, 0.3))
        assert noisy.verdict == "partly supported", noisy.summary
        assert "90% bootstrap interval" in noisy.summary


def test_an_unsteady_machine_gives_no_verdict():
    # One worker found the CPU busy: its NumPy matmul ran at a third of the others' speed.
    results = _results(1.0, 2.0)
    results["keras-jax"].measurements["roof"]["numpy_gflops"] = 40.0
    verdict = CLAIM.judge(results)
    assert verdict.verdict == "inconclusive"
    assert "not steady" in verdict.summary and "rerun on a quiet machine" in verdict.summary
    assert "40 to 110 GFLOP/s" in verdict.findings["steadiness"]
    # A worker whose own matmul slowed down between the start and the end of its models: the same.
    results = _results(1.0, 2.0)
    results["keras-torch"].measurements["roof"]["framework_gflops_after"] = 50.0
    assert CLAIM.judge(results).verdict == "inconclusive"


def test_quick_mode_with_one_model_is_inconclusive_but_reports_the_numbers():
    results = {s: SubjectResult(status="ok", measurements=_measurements({"mlp": 1.0}, models=("mlp",)))
               for s in CLAIM.subjects}
    verdict = CLAIM.judge(results)
    assert verdict.verdict == "inconclusive"
    assert "Only mlp timed" in verdict.summary
    assert "mlp" in verdict.findings["train"]


def test_missing_subjects_are_named():
    results = _results(1.0, 2.0)
    results["keras-torch"] = SubjectResult(status="failed", reason="worker timed out after 600 s and was killed")
    del results["tensorflow-core-xla"]
    verdict = CLAIM.judge(results)
    assert "keras-torch" in verdict.summary and "tensorflow-core-xla" in verdict.summary
    assert "keras-torch (failed: worker timed out" in verdict.findings["missing"]
    assert verdict.verdict == "supported"  # judged on what ran


def test_one_side_missing_is_inconclusive():
    results = _results(1.0, 2.0)
    for subject in OTHER_ENGINES:
        results[subject] = SubjectResult(status="unavailable", reason="jax cannot be imported")
    assert CLAIM.judge(results).verdict == "inconclusive"


def test_roof_fraction_uses_the_best_matmul_of_the_run():
    results = _results(1.0, 1.0)
    results["keras-jax"].measurements["roof"]["numpy_gflops"] = 400.0
    assert CLAIM.roofs({s: r.measurements for s, r in results.items()}) == {"cpu": 400.0}
    assert "cpu 400 GFLOP/s" in CLAIM.judge(results).findings["roof"]


def test_a_gpu_subject_is_judged_against_the_gpu_roof():
    results = _results(1.0, 1.0)
    m = results["keras-jax"].measurements
    m["device"] = {"kind": "gpu", "name": "NVIDIA H100", "count": 1}
    m["roof"]["framework_gflops_before"] = 50_000.0
    roofs = CLAIM.roofs({s: r.measurements for s, r in results.items()})
    assert roofs["gpu"] == 50_000.0 and roofs["cpu"] == pytest.approx(110.0)
    assert "NVIDIA H100" in CLAIM.judge(results).findings["caveat"]


def test_matmul_roof_warms_up_for_the_time_asked():
    start = time.perf_counter()
    gflops = matmul_gflops("numpy", 64, repeats=2, warmup_s=0.3)
    assert time.perf_counter() - start >= 0.3
    assert gflops > 0
    with pytest.raises(ValueError, match="Expected numpy or a framework"):
        matmul_gflops("theano", 64, repeats=1)


# -- rounds: one worker process each, pooled ---------------------------------------------------------------------
def _round(seconds: float, *, numpy_gflops: float = 100.0, stage: str = "round1") -> dict:
    """The measurements of one round (one worker), every model at ``seconds`` per epoch."""
    m = _measurements(dict.fromkeys(MODELS_FULL, seconds))
    m.update(round=stage, batch_size=BATCH, steps_per_epoch=STEPS, mode="full")
    m["roof"]["numpy_gflops"] = numpy_gflops
    return m


def test_pool_rounds_pools_the_timed_repeats_and_keeps_every_round():
    rounds = [_round(1.0), _round(2.0, stage="round2"), _round(1.5, stage="round3")]
    pooled = pool_rounds(rounds)
    train = pooled["models"]["mlp"]["train"]
    assert train["time"]["repeats"] == 15
    assert train["time"]["samples_s"] == [t for r in rounds for t in r["models"]["mlp"]["train"]["time"]["samples_s"]]
    assert train["time"]["median_s"] == pytest.approx(1.5)
    assert train["samples_per_s"] == pytest.approx(BATCH * STEPS / 1.5)
    assert train["round_medians_s"] == pytest.approx([1.0, 2.0, 1.5])
    assert train["compile_s"] == pytest.approx(2 * 1.5)  # each round's first epoch is 3x its median
    assert pooled["rounds"] == rounds and "roof" not in pooled
    assert [w["round"] for w in workers(pooled)] == ["round1", "round2", "round3"]
    assert round_samples(pooled, "cnn", "inference") == [r["models"]["cnn"]["inference"]["time"]["samples_s"]
                                                          for r in rounds]
    # Measurements without rounds (one worker) are their own only worker.
    assert workers(rounds[0]) == [rounds[0]]


def test_stages_are_rounds_and_the_last_round_returns_them_pooled(tmp_path, monkeypatch):
    assert CLAIM.stages_for(quick=True) == ("round1",)
    assert CLAIM.stages_for(quick=False) == ("round1", "round2", "round3")
    seconds = iter([1.0, 2.0, 1.5])
    monkeypatch.setattr(type(CLAIM), "measure_round", lambda self, ctx: _round(next(seconds)))

    def ctx(stage):
        return Context(subject="keras-jax", stage=stage, quick=False, workdir=tmp_path, repeats=5, warmup=1)

    assert CLAIM.measure(ctx("round1")) == {}
    assert CLAIM.measure(ctx("round2")) == {}
    pooled = CLAIM.measure(ctx("round3"))
    assert [w["round"] for w in pooled["rounds"]] == ["round1", "round2", "round3"]
    assert pooled["models"]["attention"]["train"]["round_medians_s"] == pytest.approx([1.0, 2.0, 1.5])


def test_a_starved_round_makes_the_run_unsteady():
    results = _results(1.0, 2.0)
    for subject, r in results.items():
        r.measurements = pool_rounds([_round(1.0 if subject in TENSORFLOW_ENGINE else 2.0, stage=f"round{i}")
                                      for i in (1, 2, 3)])
    assert CLAIM.judge(results).verdict == "supported"
    assert "3 worker processes (rounds)" in CLAIM.judge(results).findings["rounds"]
    results["keras-torch"].measurements["rounds"][1]["roof"]["numpy_gflops"] = 30.0
    verdict = CLAIM.judge(results)
    assert verdict.verdict == "inconclusive" and "not steady" in verdict.summary


def test_the_interval_spans_the_differences_between_rounds():
    # Option A's two processes ran at 1.0 s and 1.4 s per repeat, B's both at 1.2 s: a draw may pick either of
    # A's rounds twice, so the interval reaches from 1.2/1.4 to 1.2/1.0.
    a = [[1.0, 1.0, 1.0], [1.4, 1.4, 1.4]]
    b = [[1.2, 1.2, 1.2], [1.2, 1.2, 1.2]]
    low, high = bootstrap_interval([([a], [b])], iterations=400, level=0.9)
    assert low == pytest.approx(1.2 / 1.4) and high == pytest.approx(1.2 / 1.0)
    # Either round alone would have claimed a tight interval around its own ratio.
    assert bootstrap_interval([([a[:1]], [b[:1]])], iterations=400, level=0.9) == pytest.approx((1.2, 1.2))


# -- the real run, quick mode ----------------------------------------------------------------------------------------
@pytest.mark.slow
@pytest.mark.frameworks
@needs_frameworks
def test_quick_run(quick_results):
    res = load_result("performance", quick_results)
    assert {s: r.status for s, r in res.subjects.items()} == dict.fromkeys(CLAIM.subjects, "ok"), {
        s: r.reason for s, r in res.subjects.items()}
    for subject, r in res.subjects.items():
        m = r.measurements
        assert m["device"]["kind"] in ("cpu", "gpu")
        # Quick mode makes one round: one worker process per subject, its numbers kept under `rounds`.
        assert [w["round"] for w in m["rounds"]] == ["round1"] and r.stages == {"round1": "ok"}
        roof = m["rounds"][0]["roof"]
        assert roof["framework_gflops_before"] > 0 and roof["framework_gflops_after"] > 0
        # NumPy's yardstick is taken first and last in every worker; the worker's CPU speed is the better one.
        assert roof["numpy_gflops"] == max(roof["numpy_gflops_before"], roof["numpy_gflops_after"]) > 0
        assert roof["warmup_s"] == CLAIM.thresholds["matmul_warmup_s"]
        mlp = m["models"]["mlp"]
        assert mlp["flops_per_sample"] == spec.flops_per_sample("mlp")
        assert mlp["train"]["time"]["repeats"] == res.provenance.repeats
        assert mlp["train"]["samples_per_s"] > 0 and mlp["inference"]["batch_latency_s"] > 0
        assert mlp["train"]["compile_s"] >= 0
        assert mlp["loss_last_epoch"] < mlp["loss_first_epoch"], subject  # every option learns
    m = {s: r.measurements for s, r in res.subjects.items()}
    # Keras resolves "auto" to no XLA on a TensorFlow machine without a GPU, and to XLA under JAX.
    if m["keras-tensorflow"]["device"]["kind"] == "cpu":
        assert m["keras-tensorflow"]["models"]["mlp"]["jit_compile"] is False
    assert m["keras-tensorflow-xla"]["models"]["mlp"]["jit_compile"] is True
    assert m["keras-jax"]["models"]["mlp"]["jit_compile"] is True
    assert m["tensorflow-core-xla"]["models"]["mlp"]["jit_compile"] is True
    # Same architecture on both implementations: the same number of weights.
    assert m["keras-tensorflow"]["models"]["mlp"]["parameters"] == m["tensorflow-core"]["models"]["mlp"]["parameters"]
    assert res.verdict == "inconclusive" and "Only mlp timed" in res.summary
