"""The third-party architectures' part of ``backend_portability``'s judge: the workers' ``arch_train`` and
``arch_load`` measurements (:mod:`.measurement`) -> :class:`~.assessment.Architecture` per program.

A run works when every step ran with a finite loss, the steps changed the weights, and the file was saved; a load
is equal when its predictions lie within ``tolerance`` of the saving backend's, relative to their scale. Pure
Python: no framework.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping
from typing import Any

from evidence.claims.backend_portability.assessment import Architecture, ArchitectureCrossLoad, ArchitectureRun
from evidence.claims.backend_portability.measurement import (
    ArchitectureInfo,
    ArchitectureLoad,
    ArchitectureLoads,
    ArchitectureTraining,
    ArchitectureTrainings,
)
from evidence.contract import ErrorInfo
from evidence.options import BACKEND_OPTION, TRAINING_BACKENDS


def _stage(results: Mapping[str, Any], backend: str, key: str, model: type) -> Any:
    """The typed measurement ``key`` of ``backend``'s subject, None when it has none."""
    res = results.get(BACKEND_OPTION[backend])
    raw = res.measurements.get(key) if res is not None else None
    return model.model_validate(raw) if raw is not None else None


def _not_run(results: Mapping[str, Any], backend: str, stage: str) -> str:
    res = results.get(BACKEND_OPTION[backend])
    if res is None:
        return f"the {backend} {stage} stage did not run"
    return f"the {backend} {stage} stage did not run ({res.short_reason()})"


def _run(backend: str, entry: ArchitectureTraining | None, why_missing: str) -> ArchitectureRun:
    if entry is None:
        return ArchitectureRun(backend=backend, status="unavailable", reason=why_missing)
    if entry.status == "unavailable":
        return ArchitectureRun(backend=backend, status="unavailable", reason=entry.reason)
    if entry.status == "error":
        return ArchitectureRun(backend=backend, status="fails", error=entry.error)
    error = None
    if not entry.losses_finite:
        error = ErrorInfo(type="CheckFailed", message=f"a training loss is not finite ({entry.losses})")
    elif not entry.variables_changed:
        error = ErrorInfo(type="CheckFailed", message=f"the {len(entry.losses)} steps changed none of the "
                                                      f"{entry.variables} trainable variables")
    later = entry.step_s[1:]
    return ArchitectureRun(
        backend=backend, status="fails" if error else "works", params=entry.params, losses=entry.losses,
        variables_changed=entry.variables_changed, variables=entry.variables,
        first_step_s=entry.step_s[0] if entry.step_s else None,
        step_s=statistics.median(later) if later else None, saved_bytes=entry.saved_bytes, error=error)


def _load(saved_under: str, loaded_by: str, entry: ArchitectureLoad | None, why_missing: str,
          tolerance: float) -> ArchitectureCrossLoad:
    pair = {"saved_under": saved_under, "loaded_by": loaded_by}
    if entry is None:
        return ArchitectureCrossLoad(**pair, status="unavailable", equal=False, reason=why_missing)
    if entry.status in ("missing", "unavailable"):
        return ArchitectureCrossLoad(**pair, status="unavailable", equal=False, reason=entry.reason)
    if entry.status == "error" or entry.comparison is None:
        return ArchitectureCrossLoad(**pair, status="fails", equal=False, error=entry.error)
    c = entry.comparison
    return ArchitectureCrossLoad(
        **pair, status="works", equal=c.relative_diff <= tolerance, max_abs_diff=c.max_abs_diff,
        relative_diff=c.relative_diff, top1_agreement=c.top1_agreement, load_s=entry.load_s)


def assess_architectures(results: Mapping[str, Any], declared: list[str], tolerance: float) -> list[Architecture]:
    """Every architecture program of ``declared`` (and any other a worker measured), with its run and its loads
    under each training backend; a program no worker reached is left out (nothing is known of it)."""
    trainings: dict[str, ArchitectureTrainings | None] = {
        b: _stage(results, b, "arch_train", ArchitectureTrainings) for b in TRAINING_BACKENDS}
    loadings: dict[str, ArchitectureLoads | None] = {
        b: _stage(results, b, "arch_load", ArchitectureLoads) for b in TRAINING_BACKENDS}
    names = list(dict.fromkeys([*declared, *(n for t in trainings.values() if t for n in t.programs)]))
    out = []
    for name in names:
        entries = {b: t.programs.get(name) for b, t in trainings.items() if t is not None}
        info: ArchitectureInfo | None = next((e.info for e in entries.values() if e is not None), None)
        if info is None:
            continue
        runs = {b: _run(b, entries.get(b), _not_run(results, b, "arch_train")) for b in TRAINING_BACKENDS}
        loads = []
        for saver in TRAINING_BACKENDS:
            for loader in (b for b in TRAINING_BACKENDS if b != saver):
                loaded = loadings[loader]
                entry = loaded.programs.get(name, {}).get(saver) if loaded is not None else None
                why = _not_run(results, loader, "arch_load") if loaded is None else "not measured"
                if runs[saver].status != "works" and (entry is None or entry.status == "missing"):
                    why = f"{saver} made no file to load ({runs[saver].status})"
                loads.append(_load(saver, loader, entry, why, tolerance))
        params = next((r.params for r in runs.values() if r.params is not None), None)
        out.append(Architecture(
            program=name, title=info.title, library=info.library, source=info.source, reference=info.reference,
            config=info.config, preset=info.preset, inputs=info.inputs, params=params, runs=runs, loads=loads))
    return out


def unavailable_why(architecture: Architecture) -> str:
    """Why an architecture was tried on fewer than two backends: the first reason recorded."""
    reasons = [r.reason for r in architecture.runs.values() if r.status == "unavailable" and r.reason]
    return reasons[0] if reasons else "tried on fewer than two backends"
