"""The parent side of ``kvt check``: every trial in its own worker process, then the report.

Each trial runs under one backend (``KERAS_BACKEND`` set, the runner's fixed worker settings) through
:func:`evidence.processes.run_process`: its own session, killed with its whole process group at ``--timeout``.
Everything happens in a temporary folder holding a copy of PATH's folder (or of PATH alone, when that folder is
large), so nothing is written beside the user's files; ``--out DIR`` keeps the report and the saved models.

A module runs one ``module`` trial per backend, in order: the first that builds the model saves its initial
weights and data, and every later one starts from them (so their losses compare); each reloads its own file and
loads the ``.keras`` files saved before it; then a ``load`` trial per backend for the files saved after it. A
``.keras`` file runs one trial per backend, the first one's inputs shared by the others. Then, with export
targets, one ``export`` trial per backend that has a model (:func:`evidence.check.trial_export.run_export`, the
deployment claim's routes). A script runs as ``python SCRIPT`` per backend.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from evidence import provenance
from evidence.check import legacy_run, trial_common
from evidence.check.changes import record_frames, with_changes
from evidence.check.export_diagnosis import diagnose, model_layers
from evidence.check.report import (
    TOLERANCES,
    BackendResult,
    CheckReport,
    Comparison,
    Export,
    Load,
    ScriptRun,
    Step,
    Training,
    first_change,
    judged,
)
from evidence.check.trial_runs import (
    SCRIPT_FRAME,
    TIMEOUT_SCALE,
    CheckOptions,
    Run,
    compare_predictions,
    copy_source,
    run_trial,
    trial_env,
)
from evidence.contract import ErrorInfo, KnownIssue
from evidence.errors import BadInputError, error_from_text
from evidence.processes import run_process
from evidence.venue import current_venue


# -- modules -------------------------------------------------------------------------------------------------
def _saved(record: dict[str, Any]) -> bool:
    return record.get("steps", {}).get("saves", {}).get("status") == "works"


def _run_module(run: Run) -> None:
    reference: str | None = None
    saved: list[str] = []
    for backend in run.options.backends:
        job = {"mode": "module", "path": str(run.source),
               "load_from": {b: str(run.folder(b)) for b in saved}}
        if reference is not None:
            job.update(reference=str(run.folder(reference)), reference_backend=reference)
        record, proc = run_trial(run, backend, job, "module")
        run.records[backend], run.outcomes[backend] = record, proc
        if record.get("bad_input"):
            return
        if reference is None and (run.folder(backend) / trial_common.INIT_WEIGHTS).exists():
            reference = backend
        if _saved(record):
            saved.append(backend)
    for backend in run.options.backends:
        later = [b for b in saved if b != backend and b not in run.records[backend].get("steps", {}).get("loads", {})]
        if later and run.records[backend].get("steps", {}).get("module", {}).get("status") == "works":
            record, proc = run_trial(run, backend, {"mode": "load", "path": str(run.source),
                                                     "load_from": {b: str(run.folder(b)) for b in later}}, "load")
            run.records[backend].setdefault("steps", {}).setdefault("loads", {}).update(
                record.get("steps", {}).get("loads", {}))
            run.extra.setdefault(backend, []).append((record, proc))
    _run_exports(run, {b: run.folder(b) / trial_common.MODEL for b in saved}, run.source)


def _run_exports(run: Run, model_files: dict[str, Path], module: Path | None) -> None:
    """One ``export`` trial per backend that has a model to export, with the run's targets; its timeout is
    ``--timeout`` per target, since each target converts and serves the model anew."""
    if not run.options.targets:
        return
    for backend, model_file in model_files.items():
        job = {"mode": "export", "path": str(module or model_file), "model_file": str(model_file),
               "module": str(module) if module else None, "targets": list(run.options.targets),
               "inputs": str(run.folder(backend) / trial_common.PRED_INPUTS)}
        record, _ = run_trial(run, backend, job, "export",
                               timeout_s=run.options.timeout_s * max(1, len(run.options.targets)))
        run.exports[backend] = record


def _exports(run: Run, backend: str) -> dict[str, Export]:
    """The export cells of ``backend`` from its export trial (every target ``not_applicable`` with why, when the
    trial stopped before its targets)."""
    record = run.exports.get(backend)
    if record is None:
        return {}
    steps = record.get("steps", {})
    before = next((s for name in ("import", "module", "model") if (s := steps.get(name))
                   and s.get("status") != "works"), None)
    out = {}
    for target in run.options.targets:
        entry = (steps.get("exports") or {}).get(target)
        if entry is None:
            why = "the export trial stopped before it" if before is None else "the model did not load for export"
            step = _step(before, Step) if before is not None else None
            out[target] = Export(target=target, status="fails" if before is not None else "not_applicable",
                                 reason=why, error=step.error if step else None)
            continue
        issue = entry.get("known_issue")
        blocker = None
        if entry.get("status") == "fails":
            model_file = run.folder(backend) / trial_common.MODEL
            layers = model_layers(model_file if model_file.is_file() else run.source)
            blocker = diagnose(target, f"{(entry.get('error') or {}).get('message', '')}\n{entry.get('reason')}",
                               layers)
        out[target] = _step(entry, Export, target=target, parity=entry.get("parity"),
                            artifact_bytes=entry.get("artifact_bytes"),
                            known_issue=KnownIssue(**issue) if issue else None, blocker=blocker,
                            static_shape=entry.get("static_shape"))
    return out


def _step(entry: dict[str, Any] | None, cls: type[Step] = Step, **extra: Any) -> Any:
    if entry is None:
        return None
    fields = {k: entry[k] for k in ("status", "seconds", "reason") if entry.get(k) is not None}
    if entry.get("error"):
        fields["error"] = ErrorInfo(**entry["error"])
    return cls(**fields, **extra)


def _imports(steps: dict[str, Any]) -> Step | None:
    """The import of Keras and of the user's module, as one step (the first that did not work decides)."""
    first = steps.get("import")
    second = steps.get("module")
    if first is None:
        return None
    if first.get("status") != "works" or second is None:
        return _step(first)
    step = _step(second)
    return step.model_copy(update={"seconds": round((first.get("seconds") or 0) + (second.get("seconds") or 0), 3)})


def _module_results(run: Run) -> dict[str, BackendResult]:
    tol_pred, tol_loss = TOLERANCES["prediction"].value, TOLERANCES["loss"].value
    out: dict[str, BackendResult] = {}
    reference = next((b for b in run.options.backends
                      if (run.folder(b) / trial_common.INIT_WEIGHTS).exists()), None)
    ref_losses = (run.records.get(reference, {}).get("steps", {}).get("trains", {}) or {}).get("losses") \
        if reference else None
    ref_digest = (run.records.get(reference, {}).get("steps", {}).get("data", {}) or {}).get("digest") \
        if reference else None
    for backend in run.options.backends:
        record = run.records.get(backend)
        if record is None:
            continue
        steps = record.get("steps", {})
        data = steps.get("data") or {}
        trains_entry = steps.get("trains")
        if trains_entry is None and data.get("status") not in (None, "works"):
            trains_entry = {**data, "reason": data.get("reason")}  # the data step broke: training never started
        trains = None
        if trains_entry is not None:
            trains = _step(trains_entry, Training, losses=trains_entry.get("losses") or [],
                           start_from=trains_entry.get("start_from"), data=data.get("source"),
                           data_digest=data.get("digest"),
                           init_error=ErrorInfo(**trains_entry["init_error"]) if trains_entry.get("init_error")
                           else None)
        same_loss = None
        if trains is not None and trains.status == "works" and reference is not None:
            if trains_entry.get("no_loss") or not ref_losses:
                same_loss = Comparison(status="not_applicable", reference=reference, tolerance=tol_loss,
                                       reason=trains_entry.get("no_loss") or f"{reference} logged no loss")
            elif backend == reference:
                same_loss = Comparison(status="not_applicable", tolerance=tol_loss, reason="the reference")
            elif trains.start_from != reference:
                same_loss = Comparison(status="not_applicable", reference=reference, tolerance=tol_loss,
                                       reason="did not start from the reference's weights")
            elif ref_digest and trains.data_digest != ref_digest:
                same_loss = Comparison(status="not_applicable", reference=reference, tolerance=tol_loss,
                                       reason="make_data() gave other data under this backend")
            elif ref_losses:
                diff = abs(trains.losses[-1] - ref_losses[-1]) / max(abs(ref_losses[-1]), 1e-12)
                same_loss = Comparison(status="works" if diff <= tol_loss else "fails", reference=reference,
                                       difference=diff, tolerance=tol_loss)
        loads = {}
        for other, entry in (steps.get("loads") or {}).items():
            diff = None
            if entry.get("status") == "works":
                diff, why = compare_predictions(run.folder(backend) / f"loaded_{other}.npz",
                                     run.folder(other) / trial_common.PREDICTIONS)
                if diff is None:
                    entry = {**entry, "status": "fails", "reason": f"predictions not comparable: {why}"}
            loads[other] = _step(entry, Load, saved_under=other, difference=diff)
        diffs = [(v.difference, k) for k, v in loads.items() if v.difference is not None]
        predicts_same = None
        if diffs:
            worst, against = max(diffs)
            predicts_same = Comparison(status="works" if worst <= tol_pred else "fails", reference=against,
                                       difference=worst, tolerance=tol_pred)
        out[backend] = BackendResult(
            backend=backend, keras_version=(steps.get("import") or {}).get("keras_version"),
            imports=_imports(steps), build=_step(steps.get("build")), trains=trains, same_loss=same_loss,
            saves=_step(steps.get("saves")), loads=loads, predicts=_step(steps.get("predicts")),
            predicts_same=predicts_same, exports=_exports(run, backend))
    return out


# -- .keras files ------------------------------------------------------------------------------------------------
def _run_keras_file(run: Run) -> dict[str, BackendResult]:
    """A ``.keras`` or legacy ``.h5`` file (one loader, ``keras.saving.load_model``), or a SavedModel folder (a
    ``TFSMLayer``): one trial per backend, the first one's inputs shared by the others."""
    tol = TOLERANCES["prediction"].value
    reference: str | None = None
    out: dict[str, BackendResult] = {}
    mode = "saved_model" if run.options.kind == "saved_model" else "keras_file"
    for backend in run.options.backends:
        job: dict[str, Any] = {"mode": mode, "path": str(run.source),
                               "custom_objects": str(run.options.custom_objects) if run.options.custom_objects
                               else None}
        if reference is not None:
            job.update(reference=str(run.folder(reference)), reference_backend=reference)
        record, proc = run_trial(run, backend, job, "keras_file")
        run.records[backend], run.outcomes[backend] = record, proc
        steps = record.get("steps", {})
        predicted = (steps.get("predicts") or {}).get("status") == "works"
        same = None
        if predicted and reference is None:
            reference = backend
            same = Comparison(status="not_applicable", tolerance=tol, reason="the reference")
        elif predicted:
            diff, why = compare_predictions(run.folder(backend) / trial_common.PREDICTIONS,
                                            run.folder(reference) / trial_common.PREDICTIONS)
            same = (Comparison(status="fails", reference=reference, tolerance=tol, reason=why) if diff is None else
                    Comparison(status="works" if diff <= tol else "fails", reference=reference, difference=diff,
                               tolerance=tol))
        imports = _step(steps.get("import"))
        if steps.get("module") and imports is not None and imports.status == "works":
            imports = _step(steps["module"])
        loads = {"file": _step(steps["loads"], Load, saved_under="file")} if steps.get("loads") else {}
        out[backend] = BackendResult(backend=backend, keras_version=(steps.get("import") or {}).get("keras_version"),
                                     imports=imports, loads=loads, predicts=_step(steps.get("predicts")),
                                     predicts_same=same)
        if record.get("bad_input"):
            break
    if run.options.kind in ("h5_file", "saved_model") and reference is not None:
        out = legacy_run.compare_with_keras2(run, out, reference)
    if run.options.kind == "saved_model":
        if run.options.targets:
            run.notes.append("export targets not tried: a SavedModel loads as an inference-only TFSMLayer, not "
                             "as a Keras model that model.export() takes")
        return out
    loaded = [b for b, r in out.items() if r.predicts is not None and r.predicts.status == "works"]
    _run_exports(run, dict.fromkeys(loaded, run.source), run.options.custom_objects)
    return {b: r.model_copy(update={"exports": _exports(run, b)}) for b, r in out.items()}


# -- scripts -----------------------------------------------------------------------------------------------------
def _run_script(run: Run) -> dict[str, BackendResult]:
    out = {}
    for backend in run.options.backends:
        here = run.folder(backend)
        # The script's own folder (its copy) is its working folder, as when its user runs it from there.
        proc = run_process([sys.executable, str(run.source)], timeout_s=run.timeout(),
                           cwd=run.source.parent, env=trial_env(backend, project_path=False),
                           stdout=here / "script.stdout.txt", stderr=here / "script.stderr.txt")
        run.measured(proc)
        error = None
        if not proc.ok and proc.stderr_tail:
            error = error_from_text(proc.stderr_tail)
            frames = SCRIPT_FRAME.findall(proc.stderr_tail)
            mine = [(line, fn) for file, line, fn in frames if Path(file).name == run.source.name]
            if mine:
                line, fn = mine[-1]
                error = error.model_copy(update={"at": f"{run.source.name}:{line} in {fn}"})
        missing = _missing_framework(proc.stderr_tail) if not proc.ok else None
        status = "works" if proc.ok else ("unavailable" if missing else "fails")
        out[backend] = BackendResult(backend=backend, script=ScriptRun(
            status=status, seconds=round(proc.duration_s, 3), wall_s=round(proc.duration_s, 3),
            exit_status=proc.returncode, first_error=error.text(300) if error is not None else None, error=error,
            reason=None if proc.ok else (f"{missing} is not installed" if missing else proc.how())))
    return out


def _missing_framework(text: str) -> str | None:
    """The framework a script could not import, from its stderr (``No module named 'jax'``)."""
    for name in trial_common.FRAMEWORK_MODULES:
        if f"No module named '{name}'" in text:
            return name
    return None


# -- the check ---------------------------------------------------------------------------------------------------
def run_check(options: CheckOptions, out_dir: Path | None = None) -> CheckReport:
    """Run every trial of ``options`` and return the report; with ``out_dir``, keep the trials' files there.

    Raises:
        BadInputError: a trial found the input unusable (``build_model()`` returned no Keras model, data that
            cannot be derived); nothing else of the run is reported.
    """
    start = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="kvt-check-") as tmp:
        work = Path(tmp)
        # A .keras file is self-contained: only it is copied; a Python source may import files beside it.
        if options.kind == "saved_model":  # a folder: copied whole, as the model it is
            source, note = work / "source" / options.path.name, None
            shutil.copytree(options.path, source, symlinks=False)
        else:
            source, note = copy_source(options.path, work / "source", alone=options.kind in ("keras_file", "h5_file"))
        run = Run(options, work, source, notes=[note] if note else [])
        if options.custom_objects is not None:
            copied = work / "custom_objects" / options.custom_objects.name
            copied.parent.mkdir()
            shutil.copy2(options.custom_objects, copied)
            run = Run(CheckOptions(**{**options.__dict__, "custom_objects": copied}), work, source, run.notes)
        if options.kind == "module":
            _run_module(run)
            results = _module_results(run)
        elif options.kind in ("keras_file", "h5_file", "saved_model"):
            results = _run_keras_file(run)
        else:
            results = _run_script(run)
        bad = next((r.get("bad_input") for r in run.records.values() if r.get("bad_input")), None)
        if bad:
            raise BadInputError(bad)
        report = _report(run, results, time.perf_counter() - start)
        if out_dir is not None:
            shutil.copytree(work / "trials", out_dir / "trials")
            (out_dir / "report.json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    return report


def _tail_text(path: Path, limit: int = 200_000) -> str:
    """The last ``limit`` characters of a text file ('' when it cannot be read)."""
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-limit:]
    except OSError:
        return ""


def _report(run: Run, results: dict[str, BackendResult], wall_s: float) -> CheckReport:
    o = run.options
    results = {b: judged(r, o.kind, o.targets_asked) for b, r in results.items()}
    findings = list(o.findings)
    if o.kind in ("module", "script"):
        stderr = {b: _tail_text(run.folder(b) / "script.stderr.txt") for b in results} if o.kind == "script" else {}
        results = with_changes(results, findings, o.kind, run.source.name,
                               {b: record_frames(r) for b, r in run.records.items()}, stderr,
                               run.source.read_text(encoding="utf-8", errors="replace"))
    else:
        results = with_changes(results, findings, o.kind, None, {}, {}, "")
    if run.reference_s is not None and run.timeout() > o.timeout_s:
        run.notes.append(f"timeout: --timeout {o.timeout_s:.0f} s for the first trial, then {run.timeout():.0f} s "
                         f"({TIMEOUT_SCALE:g} x the first completed trial's {run.reference_s:.0f} s)")
    first_record = next(iter(run.records.values()), {})
    notes = list(run.notes)
    if o.kind == "module":
        data = next(((r.get("steps", {}).get("data") or {}).get("source") for r in run.records.values()
                     if (r.get("steps", {}).get("data") or {}).get("source")), None)
        if data:
            notes.append(f"data: {data}")
    return CheckReport(
        path=o.shown_path or str(o.path), kind=o.kind, backends=list(o.backends), targets=list(o.targets),
        targets_asked=o.targets_asked, steps=o.steps, batch_size=o.batch_size, timeout_s=o.timeout_s,
        venue=current_venue(provenance.gpu_name(), os.cpu_count() or 1),
        keras_version=next((r.keras_version for r in results.values() if r.keras_version), None),
        model=first_record.get("model"), results=results, findings=findings, tolerances=dict(TOLERANCES),
        legacy=legacy_run.legacy_info(o.kind, o.path, run.records),
        ports=bool(results) and all(r.ports for r in results.values()),
        first_change=first_change(results, findings, o.kind), notes=notes, wall_s=round(wall_s, 2))
