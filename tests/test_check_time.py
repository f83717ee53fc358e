"""``kvt check --time``: the statistics, the ranking, the machine query (the GPU path with :func:`probe` replaced),
the result file of a user venue, bad input, and one end-to-end run on a tiny model (slow)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence.check import machine, timing_run
from evidence.check.timing import device_peak, windows_of
from evidence.check.timing_report import (
    FASTER_MARGIN,
    SettingTiming,
    TimingReport,
    is_faster,
    median_interval,
    phase_timing,
    rank_phase,
    ratio_interval,
    render_markdown,
    tables,
)
from evidence.check.timing_run import TimingOptions, build_report, declared_settings
from evidence.check.timing_venue import contributed, load_venue_result, result_of, verdict_of, write_venue_result
from evidence.claims.performance.claim import CLAIM, OPTION_SETTINGS
from evidence.processes import ProcessOutcome

ROOT = Path(__file__).resolve().parent.parent
H100 = {"cpu_model": "AMD EPYC 7R13", "cpu_count": 16, "platform": "Linux-6.8-x86_64",
        "gpus": [{"vendor": "nvidia", "api": "cuda", "name": "NVIDIA H100 80GB HBM3", "memory_mib": 81559,
                  "driver": "550.54.15"}], "mps": False}
CPU2 = {"cpu_model": "Intel Xeon", "cpu_count": 2, "platform": "Linux", "gpus": [], "mps": False}


def kvt(*args: str, cwd: Path = ROOT, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "kvt", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, check=False)


def timing(backend: str, setting: str, train: list[float], predict: list[float] | None = None,
           batch: int = 16, **extra) -> SettingTiming:
    def phase(w):
        return phase_timing({"status": "works", "step_s": w, "first_s": 3.0}, batch) if w else None

    return SettingTiming(backend=backend, setting=setting, status="works", documented="d", train=phase(train),
                         predict=phase(predict or train), **extra)


# -- statistics ----------------------------------------------------------------------------------------------------
def test_windows_are_cut_at_call_ends_after_warm_up():
    # spe=4, window of 8 steps = 2 calls; two warm-up calls; stamps every call.
    ends = [10.0, 10.4, 10.8, 11.2, 11.6, 12.0, 12.6, 13.2]
    out = windows_of(0.0, ends, spe=4, warmup_calls=2, window_steps=8)
    assert out["first_s"] == 10.0
    assert out["step_s"] == pytest.approx([0.1, 0.1, 0.15])  # windows end at 11.2, 12.0, 13.2; 8 steps each
    assert out["calls"] == 8


def test_median_interval_covers_the_median_and_orders():
    iv = median_interval([1.0, 1.1, 0.9, 1.05, 0.95])
    assert iv.estimate == pytest.approx(1.0)
    assert iv.low <= 1.0 <= iv.high and iv.low >= 0.9 and iv.high <= 1.1
    assert iv.level == 0.9


def test_ratio_interval_of_clearly_different_sets_excludes_one():
    iv = ratio_interval([2.0, 2.1, 1.9, 2.05, 1.95], [1.0, 1.02, 0.98, 1.01, 0.99])
    assert iv.estimate == pytest.approx(2.0)
    assert 1.8 < iv.low <= iv.estimate <= iv.high < 2.2


def test_faster_needs_the_claims_margin_and_an_interval_above_one():
    assert FASTER_MARGIN.value == CLAIM.thresholds["faster_margin"].value  # read from the claim, not copied
    slow, fast = [2.0, 2.1, 1.9, 2.05, 1.95], [1.0, 1.02, 0.98, 1.01, 0.99]
    assert is_faster(ratio_interval(slow, fast), FASTER_MARGIN.value)
    near = [1.1, 1.12, 1.08, 1.11, 1.09]  # 10% slower: inside the margin
    assert not is_faster(ratio_interval(near, fast), FASTER_MARGIN.value)
    noisy = [0.8, 2.5, 1.0, 2.6, 1.4]  # median 1.4 but the windows spread across 1
    assert not is_faster(ratio_interval(noisy, fast), FASTER_MARGIN.value)


def test_ranking_names_the_winner_ratios_and_ties():
    settings = {
        "tensorflow": {"default": timing("tensorflow", "default", [0.30, 0.31, 0.29, 0.30]),
                       "xla": timing("tensorflow", "xla", [0.20, 0.21, 0.19, 0.20])},
        "jax": {"default": timing("jax", "default", [0.10, 0.101, 0.099, 0.1])},
        "torch": {"default": timing("torch", "default", [0.105, 0.11, 0.1, 0.104])},
    }
    ranking = rank_phase(settings, "train", FASTER_MARGIN.value)
    assert [(r.backend, r.setting) for r in ranking.ranks] == [("jax", "default"), ("torch", "default"),
                                                               ("tensorflow", "xla")]
    assert ranking.winner is None  # torch is within 5%: a tie
    assert [r.tie for r in ranking.ranks] == [False, True, False]
    assert ranking.ranks[2].ratio_to_fastest.estimate == pytest.approx(2.0)
    assert ranking.ranks[2].vs_default.estimate == pytest.approx(1.5)  # xla's gain over tensorflow's default
    del settings["torch"]
    assert rank_phase(settings, "train", FASTER_MARGIN.value).winner == "jax"


def test_settings_are_the_performance_claims():
    tf = declared_settings("tensorflow")
    assert list(tf) == list(OPTION_SETTINGS["keras-tensorflow"])
    assert tf["xla_spe"]["steps_per_execution"] == CLAIM.settings["steps_per_execution"].full
    assert tf["default"]["jit_compile"] == "auto" and tf["default"]["steps_per_execution"] == 1
    torch = declared_settings("torch")
    assert torch["spe"]["jit_compile"] is None and "not supported" in torch["spe"]["reason"]
    assert torch["torch_compile"]["jit_compile"] is True


# -- the machine, and the GPU path with the device query replaced --------------------------------------------------
def test_machine_line_and_venue_of_a_cpu():
    assert machine.accelerator(CPU2) == "cpu"
    assert machine.venue(CPU2) == "cpu-2core"
    assert machine.describe(CPU2) == "Intel Xeon, 2 logical cores; no GPU"


def test_the_real_probe_returns_the_fields_the_rest_reads():
    found = machine.probe()
    assert set(found) == {"cpu_model", "cpu_count", "platform", "gpus", "mps"}
    assert found["cpu_count"] >= 1 and isinstance(found["gpus"], list)


def _fake_worker(cmd, *, timeout_s, cwd, env, stdout, stderr):
    """What a timing worker writes, without a framework: device memory only when the parent asked for it."""
    job = json.loads(Path(cmd[-1]).read_text())
    ok = {"status": "works"}
    scale = {"tensorflow": 1.0, "jax": 0.5, "torch": 0.8}[job["backend"]] * (0.5 if job["setting"] != "default" else 1)
    memory = {**ok, "host_peak_bytes": 2**30}
    if job["accelerator"] == "gpu":
        memory.update(device_peak_bytes=3 * 2**30, device_api=f"{job['backend']} api")
    record = {"steps": {"import": {**ok, "keras_version": "3.x"}, "model": ok,
                        "data": {**ok, "batch_size": job["batch_size"], "batch_from": "--batch-size",
                                 "source": "synthetic"},
                        "compile": {**ok, "resolved_jit_compile": job["jit_compile"],
                                    "steps_per_execution": job["steps_per_execution"], "compiled_with": "own"},
                        "train": {**ok, "first_s": 5.0, "step_s": [scale * f for f in (1.0, 1.02, 0.98, 1.01)]},
                        "predict": {**ok, "first_s": 1.0, "step_s": [scale * f for f in (0.3, 0.31, 0.29, 0.3)]},
                        "memory": memory}}
    Path(job["out"]).write_text(json.dumps(record))
    return ProcessOutcome(returncode=0, timed_out=False, duration_s=7.0, stderr_tail="")


def test_gpu_path_with_the_device_query_replaced(monkeypatch, tmp_path):
    """A machine with an H100 (``probe`` replaced): the workers are asked for device memory, the report names
    the GPU with its memory and driver, shows the device peak, and the venue and caveats are the GPU's."""
    monkeypatch.setattr(machine, "probe", lambda: H100)
    monkeypatch.setattr(timing_run, "run_process", _fake_worker)
    model = tmp_path / "m.keras"
    model.write_bytes(b"not read: the worker is replaced")
    options = TimingOptions(path=model, kind="keras_file", backends=("tensorflow", "jax", "torch"), batch_size=64)
    report, records = timing_run.run_timing(options, tmp_path / "out")
    assert report.accelerator == "gpu" and report.venue == "gpu-h100-80gb-hbm3"
    assert report.machine_line == ("AMD EPYC 7R13, 16 logical cores; NVIDIA H100 80GB HBM3 (80 GiB, CUDA driver "
                                   "550.54.15)")
    jobs = [json.loads(p.read_text()) for p in sorted((tmp_path / "out" / "trials").glob("*/job.json"))]
    assert jobs and all(j["accelerator"] == "gpu" for j in jobs)
    timed = [s for by in report.settings.values() for s in by.values() if s.status == "works"]
    # tensorflow: default, xla, xla_spe; jax: default, spe; torch: default, torch_compile
    assert len(timed) == len(records) == 7
    assert all(s.device_peak_bytes == 3 * 2**30 for s in timed)
    headers = tables(report)[0][1]
    assert headers[-1] == "peak device MiB" and tables(report)[0][2][0][-1] == "3,072"
    assert report.ranking["train"].ranks[0].backend == "jax"
    assert any("this GPU" in line for line in report.not_covered)
    # the result file of this venue is named for the GPU and says who contributed it
    result = load_venue_result(tmp_path / "out" / "check_timing.gpu-h100-80gb-hbm3.json")
    assert result.venue == "gpu-h100-80gb-hbm3" and result.assessment.contributed_by == "user"
    assert result.assessment.report.settings["torch"]["spe"].status == "not_applicable"


def test_cpu_machine_asks_for_no_device_memory(monkeypatch, tmp_path):
    monkeypatch.setattr(machine, "probe", lambda: CPU2)
    monkeypatch.setattr(timing_run, "run_process", _fake_worker)
    model = tmp_path / "m.keras"
    model.write_bytes(b"x")
    report, _ = timing_run.run_timing(TimingOptions(path=model, kind="keras_file", backends=("jax",),
                                                    batch_size=8, settings=("default",)))
    assert report.venue == "cpu-2core" and "peak device MiB" not in tables(report)[0][1]
    assert all(s.device_peak_bytes is None for s in report.settings["jax"].values())
    assert list(report.settings["jax"]) == ["default"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.keras"]  # nothing written without --out


def test_device_peak_reads_each_backends_allocator(monkeypatch):
    """The worker's device-memory query, with each framework replaced by a stand-in of its API."""
    import types

    tf = types.ModuleType("tensorflow")
    tf.config = types.SimpleNamespace(experimental=types.SimpleNamespace(
        get_memory_info=lambda dev: {"current": 1, "peak": 111 if dev == "GPU:0" else -1}))
    jax = types.ModuleType("jax")
    jax.local_devices = lambda: [types.SimpleNamespace(memory_stats=lambda: {"peak_bytes_in_use": 222})]
    torch = types.ModuleType("torch")
    torch.cuda = types.SimpleNamespace(is_available=lambda: True, max_memory_allocated=lambda: 333)
    monkeypatch.setitem(sys.modules, "tensorflow", tf)
    monkeypatch.setitem(sys.modules, "jax", jax)
    monkeypatch.setitem(sys.modules, "torch", torch)
    assert [device_peak(b)[0] for b in ("tensorflow", "jax", "torch")] == [111, 222, 333]
    torch.cuda.is_available = lambda: False
    assert device_peak("torch")[0] is None


# -- the report and the user venue -------------------------------------------------------------------------------
def _report(machine_data=CPU2) -> TimingReport:
    settings = {"tensorflow": {"default": timing("tensorflow", "default", [0.30, 0.31, 0.29, 0.30],
                                                 host_peak_bytes=2**31)},
                "jax": {"default": timing("jax", "default", [0.10, 0.101, 0.099, 0.1], host_peak_bytes=2**30)}}
    options = TimingOptions(path=Path("m.keras"), kind="keras_file", backends=("tensorflow", "jax"), batch_size=16,
                            shown_path="m.keras")
    return build_report(options, machine_data, settings, [], 12.0)


def test_report_json_markdown_and_result_file(tmp_path):
    report = _report()
    again = TimingReport.model_validate_json(report.model_dump_json())
    assert again == report  # --format json carries every number
    assert report.ranking["train"].winner == "jax" and verdict_of(report) == "supported"
    md = render_markdown(report)
    assert "| 1 | jax | default | 100.0 [" in md and "3.00 [" in md  # tf is 3 times jax's step time
    assert any(line.startswith("other batch sizes") for line in report.not_covered)
    path = write_venue_result(report, tmp_path)
    assert path.name == "check_timing.cpu-2core.json"
    result = load_venue_result(path)
    assert result.verdict == "supported" and result.subjects["jax-default"].status == "ok"
    assert result.provenance.cpu_count >= 1 and result.claim.thresholds["faster_margin"] == FASTER_MARGIN
    assert contributed(tmp_path)[0].venue == "cpu-2core"


def test_a_user_venue_diffs_like_any_result(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    write_venue_result(_report(), old)
    faster_tf = _report()
    tf = faster_tf.settings["tensorflow"]["default"]
    moved = timing("tensorflow", "default", [0.05, 0.051, 0.049, 0.05])
    faster_tf.settings["tensorflow"]["default"] = tf.model_copy(update={"train": moved.train})
    (new / "check_timing.cpu-2core.json").write_text(json.dumps(result_of(faster_tf).model_dump(mode="json")))
    same = kvt("evidence", "diff", str(old), str(old))
    assert same.returncode == 0, same.stderr
    proc = kvt("evidence", "diff", str(old), str(new))
    assert proc.returncode == 1, proc.stderr
    assert "check_timing" in proc.stdout and "moved" in proc.stdout


def test_committed_user_venue_is_valid_and_labelled():
    found = contributed()
    assert found, "evidence/results/contributed/ holds no timing result"
    for result in found:
        assert result.assessment.contributed_by == "user"
        assert result.summary.startswith("User-contributed")
        assert result.verdict == verdict_of(result.assessment.report)


# -- bad input -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, words", [
    (["--time", "--script"], "--time needs a .keras file or a module defining build_model()"),
    (["--time", "--batch-size", "0"], "expected a whole number of at least 1"),
    (["--time", "--backends", "tensorflow,mxnet"], "Expected backends among"),
    (["--time", "--settings", "turbo"], "Expected settings among"),
    (["--time", "--windows", "1"], "expected a whole number of at least 2"),
    (["--time", "--window-steps", "6"], "is not a multiple of steps_per_execution"),
    (["--time", "--compile-budget", "0"], "--compile-budget"),
], ids=["script", "batch 0", "unknown backend", "unknown setting", "one window", "window vs spe", "budget 0"])
def test_bad_timing_input_exits_2_with_one_line(tmp_path, args, words):
    module = tmp_path / "net.py"
    module.write_text("def build_model():\n    return None\n")
    proc = kvt("check", str(module), *args)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["net.py"]


# -- end to end (slow) ---------------------------------------------------------------------------------------------
TINY = """import keras


def build_model():
    inputs = keras.Input((6,))
    x = keras.layers.Dense(16, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(3)(x))
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    return model
"""


@pytest.mark.slow
def test_time_a_tiny_module_end_to_end(tmp_path):
    pytest.importorskip("jax")
    pytest.importorskip("torch")
    (tmp_path / "tiny.py").write_text(TINY)
    out = tmp_path / "out"
    proc = kvt("check", str(tmp_path / "tiny.py"), "--time", "--backends", "jax,torch", "--settings", "default",
               "--windows", "3", "--window-steps", "4", "--batch-size", "8", "--format", "json", "--out", str(out),
               timeout=600)
    assert proc.returncode == 0, proc.stderr[-2000:]
    report = TimingReport.model_validate_json(proc.stdout)
    assert report.batch_size == 8 and report.batch_from == "--batch-size"
    for backend in ("jax", "torch"):
        s = report.settings[backend]["default"]
        assert s.status == "works" and len(s.train.windows) == 3 and len(s.predict.windows) == 3
        assert s.train.step_s.estimate > 0 and s.train.first_s > 0 and s.host_peak_bytes > 2**20
        assert s.train.samples_per_s.estimate == pytest.approx(8 / s.train.step_s.estimate)
    assert {r.backend for r in report.ranking["train"].ranks} == {"jax", "torch"}
    assert (out / "timing.json").exists() and load_venue_result(out / f"check_timing.{report.venue}.json")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "tiny.py"]


def test_readme_and_site_show_the_committed_example():
    from kvt_docs.check_page import render_check_page
    from kvt_docs.check_timing_page import README, example, readme_block, report_markdown

    report = example()
    assert report is not None, "run: flock /tmp/kvt-cpu.lock python tests/bench_check_time.py --save-example"
    assert report.path == "resnet50.keras" and len(report.backends) == 3
    assert readme_block(report) in README.read_text(encoding="utf-8"), "rerun bench_check_time.py --save-example"
    page = render_check_page()
    assert report_markdown(report) in page and "**user-contributed**" in page


def test_a_setting_out_of_time_or_memory_is_recorded_and_the_others_run(monkeypatch, tmp_path):
    """torch_compile cut off while compiling (timeout), jax's spe killed by the OOM killer mid-training: both
    recorded with why; every other setting is timed and ranked; exit status would be 1 (not all timed)."""
    monkeypatch.setattr(machine, "probe", lambda: CPU2)

    def worker(cmd, **kw):
        job = json.loads(Path(cmd[-1]).read_text())
        if job["setting"] in ("torch_compile", "spe"):
            Path(job["out"]).write_text(json.dumps({"steps": {"import": {"status": "works"},
                                                              "model": {"status": "works"},
                                                              "data": {"status": "works", "batch_size": 8},
                                                              "compile": {"status": "works"},
                                                              "train": {"status": "running"}}}))
            if job["setting"] == "spe":
                return ProcessOutcome(returncode=-9, timed_out=False, duration_s=3.0, stderr_tail="")
            return ProcessOutcome(returncode=None, timed_out=True, duration_s=75.0, stderr_tail="")
        return _fake_worker(cmd, **kw)

    monkeypatch.setattr(timing_run, "run_process", worker)
    model = tmp_path / "m.keras"
    model.write_bytes(b"x")
    report, _ = timing_run.run_timing(TimingOptions(path=model, kind="keras_file", backends=("jax", "torch"),
                                                    batch_size=8, timeout_s=75))
    compiled, spe = report.settings["torch"]["torch_compile"], report.settings["jax"]["spe"]
    assert (compiled.status, compiled.reason) == ("fails", "train: timed out after 75 s and was killed")
    assert spe.status == "fails" and spe.reason.startswith("train: killed by signal 9")
    assert "out-of-memory" in spe.reason
    assert report.settings["torch"]["default"].status == report.settings["jax"]["default"].status == "works"
    assert [r.backend for r in report.ranking["train"].ranks] == ["jax", "torch"]
    assert not report.all_timed


# -- the compile budget ----------------------------------------------------------------------------------------------
def test_defaults_fit_the_statistics_and_the_claims_steps_per_execution():
    from evidence.check.defaults import DEFAULT_COMPILE_BUDGET_S, DEFAULT_WINDOW_STEPS, DEFAULT_WINDOWS

    spe = int(CLAIM.settings["steps_per_execution"].full)
    assert DEFAULT_WINDOW_STEPS % spe == 0 and DEFAULT_WINDOWS >= 5 and DEFAULT_COMPILE_BUDGET_S > 0
    assert TimingOptions(path=Path("m"), kind="module", backends=("jax",)).compile_budget_s == DEFAULT_COMPILE_BUDGET_S


def test_a_setting_over_the_compile_budget_is_its_own_outcome(monkeypatch, tmp_path):
    """torch_compile stopped in its first training call, tensorflow's xla in its first inference call (after
    training was timed): both ``over_budget`` with the call and the lower bound, neither failed; training of xla
    still ranks; exit status 0; the hint names --compile-budget; the result file leaves them out of its subjects
    (its statuses are ok, failed, unavailable) and says it in the findings."""
    monkeypatch.setattr(machine, "probe", lambda: CPU2)
    jobs = []

    def worker(cmd, **kw):
        job = json.loads(Path(cmd[-1]).read_text())
        jobs.append(job)
        if job["setting"] == "torch_compile":
            over = {"phase": "train", "call": 1, "budget_s": job["compile_budget_s"], "lower_bound_s": 45.3}
            Path(job["out"]).write_text(json.dumps({"over_budget": over, "steps": {
                "import": {"status": "works"}, "model": {"status": "works"},
                "data": {"status": "works", "batch_size": 8}, "compile": {"status": "works"},
                "train": {"status": "over_budget"}}}))
            return ProcessOutcome(returncode=0, timed_out=False, duration_s=52.0, stderr_tail="")
        outcome = _fake_worker(cmd, **kw)
        if job["setting"] == "xla":
            record = json.loads(Path(job["out"]).read_text())
            record["steps"]["predict"] = {"status": "over_budget"}
            del record["steps"]["memory"]
            record["over_budget"] = {"phase": "predict", "call": 1, "budget_s": job["compile_budget_s"],
                                     "lower_bound_s": 45.1}
            Path(job["out"]).write_text(json.dumps(record))
        return outcome

    monkeypatch.setattr(timing_run, "run_process", worker)
    model = tmp_path / "m.keras"
    model.write_bytes(b"x")
    report, _ = timing_run.run_timing(TimingOptions(path=model, kind="keras_file", backends=("tensorflow", "torch"),
                                                    batch_size=8, compile_budget_s=45.0), tmp_path / "out")
    assert {j["compile_budget_s"] for j in jobs} == {45.0}
    assert report.method["compile_budget_s"] == 45.0
    compiled, xla = report.settings["torch"]["torch_compile"], report.settings["tensorflow"]["xla"]
    assert compiled.status == xla.status == "over_budget"
    assert (compiled.over_budget.phase, compiled.over_budget.call, compiled.over_budget.lower_bound_s) == \
        ("train", 1, 45.3)
    assert compiled.train is None and compiled.reason.startswith("compile took over 45 s")
    assert xla.train is not None and xla.predict is None and xla.over_budget.phase == "predict"
    assert report.all_timed  # nothing failed: exit status 0
    train = {(r.backend, r.setting) for r in report.ranking["train"].ranks}
    predict = {(r.backend, r.setting) for r in report.ranking["predict"].ranks}
    assert ("torch", "torch_compile") not in train and ("torch", "default") in train
    assert ("tensorflow", "xla") in train and ("tensorflow", "xla") not in predict
    hint = [n for n in report.notes if "--compile-budget" in n and "stopped at the compile budget of 45 s" in n]
    assert len(hint) == 1 and "tensorflow xla" in hint[0] and "torch torch_compile" in hint[0]
    rows = {(r[0], r[1]): r for r in tables(report)[0][2]}
    assert rows[("torch", "torch_compile")][2:5] == ["over budget", "—", "> 45 (stopped at --compile-budget 45)"]
    assert rows[("tensorflow", "xla")][5:8] == ["over budget", "—", "> 45 (stopped at --compile-budget 45)"]
    result = load_venue_result(tmp_path / "out" / "check_timing.cpu-2core.json")
    assert "torch-torch_compile" not in result.subjects and "tensorflow-xla" not in result.subjects
    assert "torch torch_compile: train call 1 over the compile budget (45.3 s" in result.findings["compile"]
    assert result.assessment.report.settings["torch"]["torch_compile"].status == "over_budget"


def test_the_parent_does_not_call_a_timeout_over_budget(monkeypatch, tmp_path):
    """A worker killed at --timeout stays 'fails' even when a budget was set: only the worker's own stop, which
    it records, is over_budget."""
    monkeypatch.setattr(machine, "probe", lambda: CPU2)

    def worker(cmd, **kw):
        job = json.loads(Path(cmd[-1]).read_text())
        Path(job["out"]).write_text(json.dumps({"steps": {"import": {"status": "works"},
                                                          "train": {"status": "running"}}}))
        return ProcessOutcome(returncode=None, timed_out=True, duration_s=30.0, stderr_tail="")

    monkeypatch.setattr(timing_run, "run_process", worker)
    model = tmp_path / "m.keras"
    model.write_bytes(b"x")
    report, _ = timing_run.run_timing(TimingOptions(path=model, kind="keras_file", backends=("jax",), batch_size=8,
                                                    settings=("default",), timeout_s=30, compile_budget_s=60))
    assert report.settings["jax"]["default"].status == "fails" and not report.all_timed


WATCHED = """
import sys, time
from pathlib import Path
from evidence.check.timing import Watch, watch_budget
from evidence.check.trial_common import Record

rec = Record(Path(sys.argv[1]), None)
watch = Watch()
watch_budget(rec, watch, float(sys.argv[2]), poll_s=0.02)
with rec.step("train") as entry:
    watch.arm("train", 1)
    time.sleep(0.05)                   # a fast first call: under the budget
    watch.arm("train", 2)
    time.sleep(float(sys.argv[3]))     # the slow call
    watch.disarm()
rec.data["finished"] = True
rec.write()
"""


@pytest.mark.parametrize("budget, slow, stopped", [(0.3, 30.0, True), (5.0, 0.1, False)],
                         ids=["stopped", "within"])
def test_the_worker_stops_itself_at_the_budget(tmp_path, budget, slow, stopped):
    """The watchdog in a real process (no framework): a call past the budget ends the process at once, exit 0,
    the record saying which call and how long at least; a run within the budget finishes untouched."""
    out = tmp_path / "record.json"
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", WATCHED, str(out), str(budget), str(slow)], cwd=ROOT,
                          capture_output=True, text=True, timeout=60, check=False)
    took = time.perf_counter() - started
    assert proc.returncode == 0, proc.stderr
    record = json.loads(out.read_text())
    if stopped:
        assert took < slow / 2  # it did not wait for the slow call
        assert record["over_budget"]["phase"] == "train" and record["over_budget"]["call"] == 2
        assert budget <= record["over_budget"]["lower_bound_s"] < budget + 2
        assert record["steps"]["train"]["status"] == "over_budget" and "finished" not in record
    else:
        assert "over_budget" not in record and record["finished"] and record["steps"]["train"]["status"] == "works"


@pytest.mark.slow
def test_a_real_worker_stops_at_a_tiny_compile_budget(tmp_path):
    """jax's default setting with a budget far below its first (jit-compiling) call: over_budget in training, call
    1, the lower bound at least the budget, exit status 0, and the report's table and notes say so."""
    pytest.importorskip("jax")
    (tmp_path / "tiny.py").write_text(TINY)
    proc = kvt("check", str(tmp_path / "tiny.py"), "--time", "--backends", "jax", "--settings", "default",
               "--batch-size", "8", "--compile-budget", "0.01", "--format", "json", timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    s = TimingReport.model_validate_json(proc.stdout).settings["jax"]["default"]
    assert s.status == "over_budget" and s.train is None and s.predict is None
    assert (s.over_budget.phase, s.over_budget.call, s.over_budget.budget_s) == ("train", 1, 0.01)
    assert s.over_budget.lower_bound_s >= 0.01 and s.worker_s < 120
