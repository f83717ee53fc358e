"""The platform evidence and what the advisor does with it: the accelerator and OS as a hard requirement,
contradictions, cited speed, and the community proxy said aloud. Framework-free and fast."""

from __future__ import annotations

from pathlib import Path

import pytest

from advisor.ranking import Ranker
from evidence.claim import Context
from evidence.registry import get_claim
from evidence.results import SubjectResult


@pytest.fixture(scope="module")
def ranker():
    return Ranker(n_draws=200).fit(None)


def _assess(**drop):
    claim = get_claim("platform")
    results = {}
    for subject in claim.subjects:
        if subject in drop:
            results[subject] = SubjectResult(status="unavailable", reason="not installed")
            continue
        ctx = Context(subject=subject, stage="measure", quick=True, workdir=Path("."), repeats=1, warmup=0)
        results[subject] = SubjectResult(status="ok", measurements=claim.measure(ctx))
    return claim, claim.assess(results, True)


def test_platform_claim_reads_installed_code():
    claim, a = _assess()
    tpu = a.cell("keras-torch", "tpu", "linux")
    assert tpu.status == "unsupported" and tpu.basis == "code" and "xla" in tpu.how
    assert a.cell("keras-jax", "tpu", "linux").status == "supported"
    assert a.cell("keras-tensorflow", "nvidia_gpu", "windows").status == "unsupported"
    assert a.cell("keras-torch", "apple_silicon", "macos").basis == "code_and_cited"
    assert a.cell("tensorflow-core", "tpu", "windows").status == "not_applicable"
    assert claim.verdict(a).verdict == "partly supported" and len(a.keras_gaps) == 1


def test_without_the_code_reading_keras_torch_is_unknown_not_unsupported():
    claim, a = _assess(**{"keras-torch-devices": True})
    assert a.cell("keras-torch", "tpu", "linux").status == "unknown"
    assert claim.verdict(a).verdict == "inconclusive"


def test_changing_only_the_accelerator_changes_the_pick(ranker):
    gpu = ranker.rank({"ecosystem": "pytorch", "accelerator": "nvidia_gpu"})
    tpu = ranker.rank({"ecosystem": "pytorch", "accelerator": "tpu"})
    assert gpu.top_pick == "keras-torch"
    assert tpu.top_pick != "keras-torch"
    torch_row = next(r for r in tpu.ranking if r.option == "keras-torch")
    assert torch_row.failed == ["platform=tpu/linux"] and torch_row.rank == 4 and torch_row.note
    assert [c["kind"] for c in tpu.contradictions] == ["preference"]


def test_native_windows_gpu_leaves_torch_alone(ranker):
    rec = ranker.rank({"accelerator": "nvidia_gpu", "os": "windows", "ecosystem": "tensorflow"})
    assert rec.top_pick == "keras-torch" and rec.confidence is None
    assert all(r.failed == ["platform=nvidia_gpu/windows"] for r in rec.ranking[1:])


def test_unknown_or_experimental_support_is_not_verified(ranker):
    rec = ranker.rank({"accelerator": "amd_gpu", "os": "windows"})
    assert next(r for r in rec.ranking if r.option == "keras-torch").not_verified == ["platform=amd_gpu/windows"]
    mac = ranker.rank({"accelerator": "apple_silicon", "os": "macos"})
    assert next(r for r in mac.ranking if r.option == "keras-jax").not_verified == ["platform=apple_silicon/macos"]


def test_contradictions_are_named(ranker):
    kinds = [c["kind"] for c in ranker.rank({"model_size": "needs_sharding", "deploy_target": "browser"})
             .contradictions]
    assert "nature" in kinds
    assert [c["kind"] for c in ranker.rank({"accelerator": "tpu", "os": "windows"}).contradictions] == ["nature"]
    assert ranker.rank({}).contradictions == []


def test_speed_is_cited_on_nvidia_and_refused_where_there_is_none(ranker):
    table = ranker.tables_["performance"]["nvidia_gpu"]
    assert table.missing is None and table.cells["tensorflow-core"].basis == "missing"
    assert {c.basis for o, c in table.cells.items() if o != "tensorflow-core"} == {"cited"}
    assert all(c.low == 0.0 and c.high >= 1.0 for o, c in table.cells.items() if o != "tensorflow-core")
    assert ranker.rank({"priority": "speed", "accelerator": "amd_gpu"}).warnings[0].startswith("--priority speed")


def test_a_proxy_deciding_is_said_and_widens_the_draws(ranker):
    answers = {"accelerator": "amd_gpu", "priority": "speed"}
    rec = ranker.rank(answers)
    assert rec.proxy_decides is not None and rec.proxy_decides["criterion"] == "community"
    p = ranker.profile(answers)
    order = [ranker.options_.index(r.option) for r in rec.ranking]
    narrow, _ = ranker._confidence(p, order[0], order, meets=True, widen_proxies=False)
    assert rec.confidence < narrow


def test_multi_device_scores_only_the_multi_device_path(ranker):
    cells = ranker.tables_["distributed_scale"]["multi_device"].cells
    assert {round(c.score, 6) for c in cells.values() if c.basis != "missing"} <= {0.0, 1.0}
