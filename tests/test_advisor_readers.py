"""Each criterion's reader and each hard requirement's check, against synthetic assessments built from the claims'
own classes: what the advisor concludes follows the assessment's fields and queries, and nothing else."""

from __future__ import annotations

import pytest

from advisor.assessments import ClaimReading, from_mapping
from advisor.constraints import BY_ID as REQUIREMENTS
from advisor.constraints import check
from advisor.criteria import BY_ID as CRITERIA
from advisor.criteria import read
from advisor.model import CLAIMS_READ
from advisor.render import venue_line
from tests.test_advisor_support import (
    architecture,
    community,
    deployment,
    distributed,
    ease_of_use,
    evidence,
    extensibility,
    performance,
    portability,
)


def readings(**assessments):
    return from_mapping(CLAIMS_READ, assessments)


# -- community --------------------------------------------------------------------------------------------------
def test_community_counts_active_packages_once_with_the_noise_band():
    r = read(CRITERIA["community"], readings(community=community()), "all")
    assert r.claim == "community" and r.missing is None
    torch = r.values["keras-torch"]
    assert torch.low == pytest.approx(torch.value / 1.5) and torch.high == pytest.approx(torch.value * 1.5)
    assert "packages of keras and torch" in torch.note and "rank" not in torch.note
    assert torch.value == community().option("keras-torch").active
    worse = read(CRITERIA["community"], readings(community=community(keras_torch=9)), "all")
    assert worse.values["keras-torch"].value < torch.value


def test_a_claim_that_needs_a_rerun_is_missing_with_its_message():
    r = read(CRITERIA["community"], {"community": ClaimReading("community", error="x.json: schema_version 1, "
                                                                                 "expected 2: needs a rerun")}, "all")
    assert r.missing == "x.json: schema_version 1, expected 2: needs a rerun"
    assert all(v.value is None for v in r.values.values())


# -- backend flexibility and switch_backends=yes ----------------------------------------------------------------
def test_flexibility_counts_switches_weighted_by_the_corpus():
    r = read(CRITERIA["backend_flexibility"], readings(backend_portability=portability()), "all")
    assert r.claim == "backend_portability"
    assert r.values["keras-jax"].value == pytest.approx(1 + 2 * 2 / 3)
    assert r.values["tensorflow-core"].value == 1.0 and r.values["tensorflow-core"].basis == "definition"
    blocked = portability(no_switch=(("keras-jax", "keras-torch"),))
    r = read(CRITERIA["backend_flexibility"], readings(backend_portability=blocked), "all")
    assert r.values["keras-jax"].value == pytest.approx(1 + 2 / 3)
    assert "not with keras-torch" in r.values["keras-jax"].note


def test_flexibility_falls_back_to_architecture():
    r = read(CRITERIA["backend_flexibility"], readings(architecture=architecture(trains=("tensorflow", "jax"))),
             "all")
    assert r.claim == "architecture"
    assert r.values["keras-jax"].value == 2.0 and r.values["keras-torch"].value is None
    assert "inference_only" in r.values["keras-torch"].note


def test_switch_backends_requires_a_verified_switch():
    req = REQUIREMENTS["switch_backends=yes"]
    ok = readings(backend_portability=portability())
    assert check(req, ok, "keras-jax")[0].state == "met"
    assert check(req, ok, "tensorflow-core")[0].state == "failed"
    alone = portability(no_switch=(("keras-torch", "keras-jax"), ("keras-torch", "keras-tensorflow")))
    result = check(req, readings(backend_portability=alone), "keras-torch")[0]
    assert result.state == "failed" and "switches with no other backend" in result.reason
    missing = check(req, readings(), "keras-jax")[0]
    assert missing.state == "not_verified" and "no result yet" in missing.reason


# -- deployment and deploy_target=... -------------------------------------------------------------------------------
def test_deployment_scores_the_chosen_target_not_the_average():
    d = readings(deployment=deployment())
    onnx = read(CRITERIA["deployment"], d, "onnx").values
    assert onnx["keras-torch"].value == pytest.approx(1 / (7 + 3))  # the cheapest working route: lines + steps
    assert onnx["keras-jax"].value is None and "not verified" in onnx["keras-jax"].note  # jax2onnx unavailable
    serving = read(CRITERIA["deployment"], d, "tf_serving").values
    assert serving["keras-torch"].value == 0.0 and "savedmodel fails at export" in serving["keras-torch"].note
    assert serving["keras-tensorflow"].value > serving["tensorflow-core"].value  # 6+3 against 9+4
    web = read(CRITERIA["deployment"], d, "web_service").values
    assert "keras works" in web["keras-torch"].note and "savedmodel works" in web["tensorflow-core"].note
    breadth = read(CRITERIA["deployment"], d, "none").values
    assert breadth["keras-tensorflow"].value == 1.0 and breadth["keras-jax"].value == pytest.approx(4 / 7)


@pytest.mark.parametrize("answer, option, state, words", [
    ("tf_serving", "keras-tensorflow", "met", "savedmodel works: 6 lines, 3 steps"),
    ("tf_serving", "keras-torch", "failed", "savedmodel fails at export: Unsupported: export failed"),
    ("onnx", "keras-jax", "not_verified", "onnx not verified (needs a package"),
    ("onnx", "keras-torch", "met", "onnx works"),
    ("openvino", "keras-jax", "failed", "openvino fails"),
    ("android", "keras-torch", "met", "executorch works"),  # LiteRT unavailable, ExecuTorch verified
    ("browser", "keras-jax", "met", "browser_litert works"),
    ("web_service", "tensorflow-core", "met", "savedmodel works"),
])
def test_deploy_targets_are_met_only_by_a_working_cell(answer, option, state, words):
    result, venue = check(REQUIREMENTS[f"deploy_target={answer}"], readings(deployment=deployment()), option)
    assert result.state == state and words in result.reason, result
    assert venue == "cpu-2core"


def test_an_untried_route_is_not_verified_and_all_failed_routes_fail():
    req = REQUIREMENTS["deploy_target=android"]
    half = deployment({("keras-torch", "executorch"): ("fails",)})  # LiteRT unavailable, ExecuTorch broke
    result = check(req, readings(deployment=half), "keras-torch")[0]
    assert result.state == "not_verified" and "litert not verified" in result.reason
    both = deployment({("keras-torch", "executorch"): ("fails",), ("keras-torch", "litert"): ("fails",)})
    assert check(req, readings(deployment=both), "keras-torch")[0].state == "failed"


def test_a_requirement_met_on_any_venue_is_met():
    broken = deployment({("keras-torch", "onnx"): ("fails",)})
    both = readings(deployment={"cpu-2core": broken, "gpu-h200": deployment()})
    result, venue = check(REQUIREMENTS["deploy_target=onnx"], both, "keras-torch")
    assert result.state == "met" and venue == "gpu-h200"
    result, venue = check(REQUIREMENTS["deploy_target=onnx"], readings(deployment={"cpu-2core": broken}),
                          "keras-torch")
    assert result.state == "failed" and venue == "cpu-2core"


# -- ease of use -------------------------------------------------------------------------------------------------------
def test_ease_of_use_scores_each_tasks_cheapest_working_style():
    values = read(CRITERIA["ease_of_use"], readings(ease_of_use=ease_of_use()), "all").values
    assert values["keras-jax"].value == 1.0 and "keras_fit" in values["keras-jax"].note
    assert 0 < values["tensorflow-core"].value < 0.6 and "tf_core" in values["tensorflow-core"].note
    # keras-jax's fit program fails the cnn task: that task scores 0 for it.
    worse = read(CRITERIA["ease_of_use"], readings(ease_of_use=ease_of_use(failing=(("cnn", "keras_fit",
                                                                                     "keras-jax"),))), "all")
    assert worse.values["keras-jax"].value == pytest.approx(2 / 3) and "cnn not done" in worse.values["keras-jax"].note
    # keras-tensorflow falls back on its GradientTape program: done, but dearer.
    tape = read(CRITERIA["ease_of_use"], readings(ease_of_use=ease_of_use(failing=(("cnn", "keras_fit",
                                                                                    "keras-tensorflow"),))), "all")
    assert 2 / 3 < tape.values["keras-tensorflow"].value < 1 and "keras_gradienttape" in tape.values[
        "keras-tensorflow"].note


# -- extensibility and custom_ops=compiled_kernels ---------------------------------------------------------------------
def test_extensibility_scores_the_needs_the_answer_names():
    broken = extensibility(broken=(("keras-jax", "compiled_op"),))
    r = readings(extensibility=broken)
    assert read(CRITERIA["extensibility"], r, "layers").values["keras-jax"].value == 1.0
    assert read(CRITERIA["extensibility"], r, "compiled_kernels").values["keras-jax"].value == 0.5
    assert read(CRITERIA["extensibility"], r, "none").values["keras-jax"].value == pytest.approx(5 / 6)
    assert "not compiled op" in read(CRITERIA["extensibility"], r, "none").values["keras-jax"].note


def test_compiled_kernels_need_the_options_own_compiled_op():
    req = REQUIREMENTS["custom_ops=compiled_kernels"]
    r = readings(extensibility=extensibility(broken=(("keras-jax", "compiled_op"),)))
    met = check(req, r, "keras-torch")[0]
    assert met.state == "met" and "torch.utils.cpp_extension" in met.reason
    failed = check(req, r, "keras-jax")[0]
    assert failed.state == "failed" and "jax.ffi fails: RuntimeError: the build broke" in failed.reason


# -- performance: the accelerator chooses the venue ----------------------------------------------------------------
def test_performance_counts_the_venue_of_your_accelerator_only():
    gpu = performance({"keras-tensorflow": (0.6, 0.5, 0.7), "keras-jax": (1.0, 0.9, 1.0),
                       "keras-torch": (0.9, 0.8, 1.0), "tensorflow-core": (0.6, 0.5, 0.7)}, venue="gpu-h200")
    r = readings(performance={"cpu-2core": performance(), "gpu-h200": gpu})
    cpu = read(CRITERIA["performance"], r, "cpu")
    assert cpu.venue == "cpu-2core" and cpu.values["keras-torch"].value == 0.5
    assert (cpu.values["keras-torch"].low, cpu.values["keras-torch"].high) == (0.4, 0.6)  # the claim's interval
    nvidia = read(CRITERIA["performance"], r, "nvidia_gpu")
    assert nvidia.venue == "gpu-h200" and nvidia.values["keras-torch"].value == 0.9
    for accelerator in ("amd_gpu", "tpu", "apple_silicon"):
        other = read(CRITERIA["performance"], r, accelerator)
        assert other.missing.startswith("not measured on your hardware") and "not borrowed" in other.missing
    only_cpu = read(CRITERIA["performance"], readings(performance=performance()), "nvidia_gpu")
    assert only_cpu.missing and "cpu-2core only" in only_cpu.missing


def test_not_measured_on_your_hardware_carries_the_widest_uncertainty():
    from advisor.model import Advisor

    advisor = Advisor(n_draws=50).fit(evidence())
    for option, cell in advisor.tables_["performance"]["nvidia_gpu"].cells.items():
        assert (cell.score, cell.low, cell.high, cell.basis) == (0.0, 0.0, 1.0, "missing"), option
    cells = advisor.tables_["performance"]["cpu"].cells
    assert cells["keras-jax"].score == 1.0 and cells["keras-jax"].uncertainty == "interval"
    rec = advisor.rank({"accelerator": "cpu", "priority": "speed"})
    assert rec.venues["performance"] == "cpu-2core" and "Performance on cpu-2core" in venue_line(rec)


# -- distributed scale, scale=multi_node and model_size=needs_sharding -------------------------------------------------
def test_distributed_scale_counts_kinds_of_correct_runs_and_robustness():
    values = read(CRITERIA["distributed_scale"], readings(distributed_scaling=distributed()), "all").values
    assert values["keras-jax"].value == 3.25      # devices, processes, model-parallel; a killed worker fails fast
    assert values["keras-torch"].value == 2.5     # devices and processes (DDP-2); torchrun recovers
    assert values["keras-tensorflow"].value == 1.0  # MirroredStrategy only: MultiWorker fit fails
    assert "a killed worker: recovers" in values["keras-torch"].note


def test_multi_node_reads_each_run_configuration_on_its_own():
    req = REQUIREMENTS["scale=multi_node"]
    r = readings(distributed_scaling=distributed())
    torch = check(req, r, "keras-torch")[0]
    # The 2-process DDP run is its own entry: its 1-process reference run does not hide it (issue 11's bug).
    assert torch.state == "met" and "DistributedDataParallel" in torch.reason and "2 processes" in torch.reason
    assert "torch-ddp-2" not in torch.reason  # ids are for data, not for people
    tf = check(req, r, "keras-tensorflow")[0]
    assert tf.state == "failed" and "MultiWorkerMirroredStrategy fails" in tf.reason
    assert "https://github.com/keras-team/keras/issues/20585" in tf.reason
    untried = distributed({"torch-ddp-2": {"status": "unavailable", "reason": "gloo is missing", "fault": None}})
    assert check(req, readings(distributed_scaling=untried), "keras-torch")[0].state == "not_verified"


def test_sharding_needs_a_measured_model_parallel_run():
    req = REQUIREMENTS["model_size=needs_sharding"]
    r = readings(distributed_scaling=distributed())
    jax = check(req, r, "keras-jax")[0]
    assert jax.state == "met" and "64×64, in 64×32 pieces" in jax.reason and "PartitionSpec" not in jax.reason
    assert check(req, r, "keras-torch")[0].state == "failed"           # no such route: not applicable
    assert check(req, r, "tensorflow-core")[0].state == "not_verified"  # DTensor: public record only, not run
