"""The ease-of-use claim's judge, first half: runs and program records -> :class:`EaseOfUseAssessment` (accuracy
first: a task compares only programs that do the same job)."""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, missing_subjects
from evidence.contract import ErrorInfo, SubjectResult
from evidence.options import KERAS_BACKEND

from .assessment import (
    COST_METRICS,
    EPOCHS_CONSTANT,
    REFERENCE_OPTION,
    STYLE_OPTIONS,
    STYLES,
    TASKS,
    EaseOfUseAssessment,
    Metrics,
    OptionCost,
    Program,
    Run,
    TaskCost,
    TaskResult,
    program_name,
    ratio,
)
from .measure import measure_program

if TYPE_CHECKING:
    from evidence.claim import Claim


def assess(claim: Claim, results: Mapping[str, SubjectResult], quick: bool) -> EaseOfUseAssessment:
    """Each program's metrics (static, from the file) and runs; per task whether the styles compare and their
    ratios to Keras fit; per option its effort."""
    floor, tol = claim.threshold("min_accuracy", quick), claim.threshold("accuracy_tolerance", quick)
    ok = {s: r for s, r in results.items() if r.status == "ok"}
    tasks: dict[str, TaskResult] = {}
    for task in TASKS:
        programs = {style: _program(task, style, ok, floor) for style in STYLES}
        reference = programs["keras_fit"]
        accs = [p.accuracy for p in programs.values()]
        spread = (max(abs(a - reference.accuracy) for a in accs)
                  if all(a is not None for a in accs) else None)
        comparable = (all(p.status == "works" for p in programs.values()) and spread is not None
                      and spread <= tol and all(p.same_hyperparameters for p in programs.values()))
        keys = ("logical_lines", "api_name_count", "concept_count", "cyclomatic_total", "tokens", "branches")
        ratios = {style: {k: ratio(getattr(p.metrics, k), getattr(reference.metrics, k)) for k in keys}
                  for style, p in programs.items() if style != "keras_fit"}
        tasks[task] = TaskResult(task=task, programs=programs, comparable=comparable, accuracy_spread=spread,
                                 ratios=ratios)
    costs = {o: option_cost(o, tasks) for o in claim.subjects if o in ok}
    return EaseOfUseAssessment(
        mode="quick" if quick else "full", accuracy_floor=floor, accuracy_tolerance=tol, tasks=tasks, costs=costs,
        style_options={s: list(o) for s, o in STYLE_OPTIONS.items()},
        not_measured=missing_subjects(results, claim.subjects))

def _program(task: str, style: str, ok: Mapping[str, Any], floor: float) -> Program:
    """One :class:`Program`: its file's metrics and hyper-parameters, and its runs on the options it serves."""
    entries = {o: ok[o].measurements.get("runs", {}).get(style, {}).get(task) if o in ok else None
               for o in STYLE_OPTIONS[style]}
    # The static record a worker made of the file it ran; a file no worker ran is measured here (the metrics
    # need no framework, and the file is the one the code hash names).
    record = next((e["record"] for e in entries.values() if e and "record" in e), None) \
        or measure_program(PROGRAMS_DIR / program_name(task, style))
    fit_constants = code_metrics.module_constants(PROGRAMS_DIR / program_name(task, "keras_fit"))
    same = ({k: v for k, v in record["hyperparameters"].items() if k != EPOCHS_CONSTANT}
            == {k: v for k, v in fit_constants.items() if k != EPOCHS_CONSTANT})
    runs = {o: _run_of(o, entry, floor, o not in ok) for o, entry in entries.items()}
    reference = runs.get(REFERENCE_OPTION) or next(iter(runs.values()))
    backends = [KERAS_BACKEND[o] for o, r in runs.items() if r.status == "works" and KERAS_BACKEND[o]]
    m = record["metrics"]
    surfaces = m.get("surfaces") or code_metrics.surfaces_for(m["api_names"])
    metrics = Metrics(**{k: m[k] for k in Metrics.model_fields if k in m
                         and k not in ("concepts", "concept_count", "concept_groups")},
                      concepts=list(surfaces), concept_count=len(surfaces), concept_groups=list(m["concepts"]),
                      handwritten_lines=record.get("handwritten_lines", 0))
    cost = statistics.geometric_mean([max(float(getattr(metrics, k)), 1.0) for k in COST_METRICS])
    return Program(task=task, style=style, program=m["file"], sha256=m["sha256"], metrics=metrics, cost=cost,
                   runs=runs, status=reference.status, accuracy=reference.accuracy,
                   backends=backends if style != "tf_core" else [], same_hyperparameters=same)

def _run_of(option: str, entry: dict[str, Any] | None, floor: float, missing: bool) -> Run:
    if entry is None:
        why = "the option has no result in this run" if missing else "the program was not run"
        return Run(option=option, status="unavailable" if missing else "fails", reason=why)
    common = {"option": option, "epochs": entry.get("epochs"), "seconds": entry.get("seconds")}
    if entry["status"] != "ran":
        error = ErrorInfo(**entry["error"])
        return Run(**common, status="fails", error=error, reason=error.text())
    accuracy = float(entry["accuracy"])
    learned = accuracy >= floor
    return Run(**common, status="works" if learned else "fails", accuracy=accuracy,
               epochs_run=entry.get("epochs_run"), best_epoch=entry.get("best_epoch"),
               reason=None if learned else f"test accuracy {accuracy:.3f} is below the floor {floor}")

def option_cost(option: str, tasks: dict[str, TaskResult]) -> OptionCost:
    styles = [s for s in STYLES if option in STYLE_OPTIONS[s]]
    per: dict[str, TaskCost | None] = {}
    for task, result in tasks.items():
        working = [result.programs[s] for s in styles if result.programs[s].runs[option].status == "works"]
        best = min(working, key=lambda p: p.cost, default=None)
        per[task] = None if best is None else TaskCost(
            style=best.style, cost=best.cost, logical_lines=best.metrics.logical_lines,
            api_name_count=best.metrics.api_name_count, concept_count=best.metrics.concept_count)
    done = [c.cost for c in per.values() if c is not None]
    return OptionCost(option=option, styles=styles, tasks=per,
                      cost=statistics.geometric_mean(done) if done else None, tasks_done=len(done))

