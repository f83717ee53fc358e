"""The parent side of ``kvt check --time``: one timing worker per backend and setting, then the report.

The settings are the performance claim's (:data:`evidence.claim_parts.OPTION_SETTINGS`, read, not
copied): each backend at its default and at every setting its documentation recommends for speed, with the
claim's ``steps_per_execution``. A setting the backend does not offer is reported ``not_applicable`` with the
claim's reason. Workers run one after the other (timings never overlap), each killed with its process group at
``--timeout``; one that runs out of time or memory is recorded with why and the others still run. A compiled
call that runs past ``--compile-budget`` stops its setting, which is then ``over_budget`` with how long its
compile took at least (:func:`evidence.check.timing.watch_budget`): an outcome of its own, not a failure. Everything
happens in a temporary folder; ``--out DIR`` keeps the report, the workers' records and a result file of the
evidence format (:mod:`evidence.check.timing_venue`).
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.check import machine as machine_mod
from evidence.check.defaults import DEFAULT_COMPILE_BUDGET_S, DEFAULT_TIMEOUT_S, DEFAULT_WINDOW_STEPS, DEFAULT_WINDOWS
from evidence.check.timing_report import (
    FASTER_MARGIN,
    PHASES,
    OverBudget,
    SettingTiming,
    TimingReport,
    phase_timing,
    rank_phase,
)
from evidence.contract import ErrorInfo
from evidence.errors import error_from_text
from evidence.processes import ProcessOutcome, run_process

#: Words of a worker's stderr that mean it ran out of memory.
OOM_WORDS = ("out of memory", "OOM", "MemoryError", "RESOURCE_EXHAUSTED", "Cannot allocate memory")


@dataclass(frozen=True)
class TimingOptions:
    """What ``kvt check --time`` was asked to do."""

    path: Path
    kind: str
    backends: tuple[str, ...]
    settings: tuple[str, ...] | None = None  # None: every setting the claim declares
    batch_size: int | None = None
    windows: int = DEFAULT_WINDOWS
    window_steps: int = DEFAULT_WINDOW_STEPS
    timeout_s: float = DEFAULT_TIMEOUT_S
    compile_budget_s: float = DEFAULT_COMPILE_BUDGET_S
    custom_objects: Path | None = None
    shown_path: str = ""


def declared_settings(backend: str) -> dict[str, dict[str, Any]]:
    """The performance claim's settings of ``backend``'s option, each with ``jit_compile``,
    ``steps_per_execution`` (the claim's value when the setting asks for several), ``documented`` and, for a
    setting the backend does not offer, ``reason``."""
    from evidence.claim_parts import OPTION_SETTINGS, PERFORMANCE
    from evidence.options import BACKEND_OPTION

    spe = int(PERFORMANCE.settings["steps_per_execution"].full)
    out = {}
    for name, s in OPTION_SETTINGS[BACKEND_OPTION[backend]].items():
        out[name] = {"jit_compile": s["jit_compile"], "steps_per_execution": spe if s["spe"] else 1,
                     "documented": s["documented"], "reason": s.get("reason")}
    return out


def known_setting_names(backends: tuple[str, ...]) -> list[str]:
    """Every setting name the claim declares for any of ``backends``."""
    names: list[str] = []
    for b in backends:
        names += [n for n in declared_settings(b) if n not in names]
    return names


def _why(record: dict[str, Any], proc: ProcessOutcome) -> tuple[str, str | None, ErrorInfo | None]:
    """(status, reason, error) of a worker from its record and how its process ended."""
    steps = record.get("steps", {})
    over = record.get("over_budget")
    if over:  # the worker stopped itself at the compile budget: how long the call took at least, not a failure
        return "over_budget", over_budget_reason(over), None
    for name in ("import", "model", "data", "compile", "train", "predict", "memory"):
        entry = steps.get(name)
        if entry is None:
            break
        status = entry.get("status")
        if status == "running":  # cut off inside this step
            how = proc.how()
            if not proc.timed_out and any(w in proc.stderr_tail for w in OOM_WORDS):
                how += " (out of memory)"
            elif not proc.timed_out and proc.returncode == -9:
                how += " (the system's out-of-memory killer, most likely)"
            return "fails", f"{name}: {how}", None
        if status != "works":
            error = ErrorInfo(**entry["error"]) if entry.get("error") else None
            text = error.text(200) if error else entry.get("reason") or status
            return ("unavailable" if status == "unavailable" else "fails"), f"{name}: {text}", error
    if not proc.ok or "memory" not in steps:
        return "fails", f"worker {proc.how()}: {proc.last_line()}", error_from_text(proc.stderr_tail) \
            if proc.stderr_tail else None
    return "works", None, None


def over_budget_reason(over: dict[str, Any]) -> str:
    """The reason of a setting stopped at the compile budget, from the worker's ``over_budget`` entry.

    Examples:
        >>> over_budget_reason({"phase": "train", "call": 1, "budget_s": 60.0, "lower_bound_s": 60.4})
        'compile took over 60 s: training call 1 ran at least 60.4 s before it was stopped (--compile-budget 60)'
    """
    what = "training" if over["phase"] == "train" else "inference"
    return (f"compile took over {over['budget_s']:g} s: {what} call {over['call']} ran at least "
            f"{over['lower_bound_s']:.1f} s before it was stopped (--compile-budget {over['budget_s']:g})")


def _timing(backend: str, name: str, declared: dict[str, Any], record: dict[str, Any],
            proc: ProcessOutcome) -> SettingTiming:
    steps = record.get("steps", {})
    status, reason, error = _why(record, proc)
    batch = (steps.get("data") or {}).get("batch_size") or 1
    compiled = steps.get("compile") or {}
    train, predict = (phase_timing(steps.get(p) or {}, batch) for p in PHASES)
    memory = steps.get("memory") or {}
    over = record.get("over_budget") or None
    return SettingTiming(
        backend=backend, setting=name, status=status, reason=reason, error=error, documented=declared["documented"],
        jit_compile=declared["jit_compile"], resolved_jit_compile=compiled.get("resolved_jit_compile"),
        steps_per_execution=compiled.get("steps_per_execution") or declared["steps_per_execution"],
        compiled_with=compiled.get("compiled_with"), train=train, predict=predict,
        loss_first=(steps.get("train") or {}).get("loss_first"), loss_last=(steps.get("train") or {}).get("loss_last"),
        host_peak_bytes=memory.get("host_peak_bytes"),  # None when the worker was stopped before reading it
        device_peak_bytes=memory.get("device_peak_bytes"), device_api=memory.get("device_api"),
        worker_s=round(proc.duration_s, 2),
        over_budget=OverBudget(**{k: over[k] for k in ("phase", "call", "budget_s", "lower_bound_s")}) if over
        else None)


def run_timing(options: TimingOptions, out_dir: Path | None = None) -> tuple[TimingReport, list[dict[str, Any]]]:
    """Time every backend at every setting; the report and the workers' records (kept for the result file).

    Raises:
        BadInputError: a worker found the input unusable (one line to print).
    """
    from evidence.check.trial_runs import copy_source, trial_env
    from evidence.errors import BadInputError

    start = time.perf_counter()
    machine = machine_mod.probe()
    accelerator = machine_mod.accelerator(machine)
    settings: dict[str, dict[str, SettingTiming]] = {}
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="kvt-time-") as tmp:
        work = Path(tmp)
        source, note = copy_source(options.path, work / "source", alone=options.kind == "keras_file")
        custom = None
        if options.custom_objects is not None:
            custom = work / "custom_objects" / options.custom_objects.name
            custom.parent.mkdir()
            shutil.copy2(options.custom_objects, custom)
        for backend in options.backends:
            settings[backend] = {}
            for name, declared in declared_settings(backend).items():
                if options.settings is not None and name not in options.settings:
                    continue
                if declared["jit_compile"] is None:
                    settings[backend][name] = SettingTiming(
                        backend=backend, setting=name, status="not_applicable", reason=declared["reason"],
                        documented=declared["documented"], steps_per_execution=declared["steps_per_execution"])
                    continue
                here = work / "trials" / f"{backend}-{name}"
                here.mkdir(parents=True)
                job = {"mode": options.kind, "path": str(source), "custom_objects": str(custom) if custom else None,
                       "backend": backend, "setting": name, "jit_compile": declared["jit_compile"],
                       "steps_per_execution": declared["steps_per_execution"], "batch_size": options.batch_size,
                       "windows": options.windows, "window_steps": options.window_steps,
                       "compile_budget_s": options.compile_budget_s, "accelerator": accelerator,
                       "out": str(here / "record.json"), "seed": 0}
                (here / "job.json").write_text(json.dumps(job), encoding="utf-8")
                proc = run_process([sys.executable, "-m", "evidence.check.timing", str(here / "job.json")],
                                   timeout_s=options.timeout_s, cwd=source.parent, env=trial_env(backend),
                                   stdout=here / "stdout.txt", stderr=here / "stderr.txt")
                try:
                    record = json.loads((here / "record.json").read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    record = {"steps": {}}
                if record.get("bad_input"):
                    raise BadInputError(record["bad_input"])
                records.append(record)
                settings[backend][name] = _timing(backend, name, declared, record, proc)
                if settings[backend][name].status == "unavailable":
                    break  # the framework is missing: its other settings cannot run either
        report = build_report(options, machine, settings, records, time.perf_counter() - start,
                              notes=[note] if note else [])
        if out_dir is not None:
            from evidence.check.timing_venue import write_venue_result

            shutil.copytree(work / "trials", out_dir / "trials")
            (out_dir / "timing.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
            write_venue_result(report, out_dir)
    return report, records


def not_covered(report_batch: int | None, accelerator: str, windows: int) -> list[str]:
    """What the numbers do not say, for a report at ``report_batch`` on a machine computing on ``accelerator``."""
    where = {"cpu": "this CPU (no GPU was used)", "gpu": "this GPU", "mps": "Apple MPS"}[accelerator]
    return [
        f"other batch sizes: only {report_batch} was timed; a larger batch usually favours the compiled settings",
        f"other hardware: the ranking holds for {where}; a GPU or TPU ranks backends differently "
        "(XLA fusion, kernel libraries, input pipelines weigh otherwise)",
        "other data pipelines: the same in-memory batch was fed every step (no tf.data, no augmentation, no disk)",
        f"variation between processes: each setting ran in one worker process ({windows} windows); a second process "
        "can differ by about a fifth on a busy small machine, which the margin for 'faster' allows for",
        "long runs: minutes, not hours (no thermal throttling, no memory growth over epochs)",
    ]


def build_report(options: TimingOptions, machine: dict[str, Any], settings: dict[str, dict[str, SettingTiming]],
                 records: list[dict[str, Any]], wall_s: float, notes: list[str] | None = None) -> TimingReport:
    """The report from the workers' settings (everything judged here, from the numbers)."""
    accelerator = machine_mod.accelerator(machine)
    data = next((r["steps"]["data"] for r in records if (r.get("steps", {}).get("data") or {}).get("status")
                 == "works"), {})
    keras_version = next(((r["steps"].get("import") or {}).get("keras_version") for r in records
                          if (r.get("steps", {}).get("import") or {}).get("keras_version")), None)
    batch = data.get("batch_size") or options.batch_size
    ranking = {p: rank_phase(settings, p, float(FASTER_MARGIN.value)) for p in PHASES}
    tried = [s for by in settings.values() for s in by.values() if s.status not in ("not_applicable",)]
    notes = list(notes or [])
    if accelerator == "cpu":
        notes.append("no GPU was found (nvidia-smi, rocm-smi): every backend computed on the CPU")
    notes += [f"{s.backend} {s.setting}: {s.status}: {s.reason}" for s in tried if s.status != "works"]
    over = [f"{s.backend} {s.setting}" for s in tried if s.status == "over_budget"]
    if over:
        longest = max(s.over_budget.lower_bound_s for s in tried if s.over_budget)
        notes.append(f"{', '.join(over)} stopped at the compile budget of {options.compile_budget_s:g} s and "
                     "ranked without: to time them, give them more with --compile-budget S (for example "
                     f"{max(2 * longest, options.compile_budget_s * 4):.0f}) and --timeout above S plus the steps")
    return TimingReport(
        path=options.shown_path or str(options.path), kind=options.kind,
        model=next((r.get("model") for r in records if r.get("model")), None), keras_version=keras_version,
        batch_size=batch, batch_from=data.get("batch_from"), data=data.get("source"), machine=machine,
        machine_line=machine_mod.describe(machine), venue=machine_mod.venue(machine), accelerator=accelerator,
        method={"warmup_calls": 2, "windows": options.windows, "window_steps": options.window_steps,
                "timeout_s": options.timeout_s, "compile_budget_s": options.compile_budget_s,
                "settings": list(options.settings) if options.settings else None,
                "how": ("one worker process per backend and setting; training is one model.fit epoch of "
                        "2 warm-up compiled calls + windows x steps per window batches (no epoch boundary inside "
                        "a window), inference one model.predict over as many; the time is stamped at the end of "
                        "every compiled call, after Keras reads the call's logs (a sync, as fit's default "
                        "progress bar does) or predict's outputs back; a call running past the compile budget "
                        "stops its setting, recorded as over_budget with the seconds it ran at least")},
        backends=list(options.backends), settings=settings, ranking=ranking, faster_margin=FASTER_MARGIN,
        not_covered=not_covered(batch, accelerator, options.windows), notes=notes,
        all_timed=bool(tried) and all(s.status in ("works", "over_budget") for s in tried), wall_s=round(wall_s, 2))
