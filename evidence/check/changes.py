"""Each failing backend's first change (:class:`evidence.check.advice.Change`), from what its trials recorded.

Run by :mod:`evidence.check.run` after the judge: the frames of the user's file come from the trial records
(a module: every frame of its file in the failing step's traceback) or the script's stderr; an export blocked by
an op is an ``export_blocked`` change naming the op and the layer; a script (or module) that fails under every
backend tried, its own included, with no Keras 2 API to explain it, is ``broken``: a program broken where it
was written is not a porting problem. A script's *own* backend is the framework of the backend-specific calls in
its model (the most of them), else TensorFlow when it imports TensorFlow, else the first backend tried.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from evidence.check.advice import Change, choose, frames_of
from evidence.check.export_diagnosis import describe
from evidence.check.report import TIMED_OUT, BackendResult, first_error
from evidence.check.scan import Finding


def record_frames(record: dict[str, Any]) -> list[tuple[int, str]]:
    """The frames of the user's file recorded by the first failed step of a trial record, innermost first."""
    stack = [record.get("steps") or {}]
    while stack:
        steps = stack.pop(0)
        for value in steps.values():
            if isinstance(value, dict) and value.get("status") == "fails" and value.get("frames"):
                return [(int(line), str(fn)) for line, fn in value["frames"]]
            if isinstance(value, dict) and "status" not in value:
                stack.append(value)
    return []


def own_backend(findings: list[Finding], backends: list[str], source: str) -> str:
    """The backend a script or module was written for (see the module's doc)."""
    counts = Counter(f.framework for f in findings if f.in_model and f.framework in backends)
    if counts:
        return counts.most_common(1)[0][0]
    if "import tensorflow" in source or "from tensorflow" in source:
        return "tensorflow" if "tensorflow" in backends else backends[0]
    return backends[0]


def with_changes(results: dict[str, BackendResult], findings: list[Finding], kind: str, file: str | None,
                 frames: dict[str, list[tuple[int, str]]], stderr: dict[str, str],
                 source: str) -> dict[str, BackendResult]:
    """``results`` with ``change`` set on every backend that does not port."""
    out = {}
    for backend, result in results.items():
        if result.ports is not False:
            out[backend] = result
            continue
        what, error, reason = first_error(result)
        change = None
        blocked = next((e for e in result.exports.values() if e.status == "fails" and e.blocker is not None), None)
        if what.startswith("exporting") and blocked is not None:
            change = Change(failure_class="export_blocked", call=describe(blocked.blocker),
                            location=blocked.blocker.node, fix=blocked.blocker.fix)
        elif reason and TIMED_OUT in reason:
            change = Change(failure_class="timeout", fix="rerun with a larger --timeout")
        elif kind in ("module", "script"):
            backend_frames = list(frames.get(backend) or [])
            if kind == "script":
                backend_frames = frames_of(stderr.get(backend, ""), file or "") or backend_frames
            change = choose(error, backend_frames, findings, backend)
        out[backend] = result.model_copy(update={"change": change}) if change else result
    if kind in ("module", "script") and len(out) > 1 and all(r.ports is False for r in out.values()):
        own = own_backend(findings, list(out), source)
        mine = out[own]
        keras2 = any(f.category == "keras2" for f in findings)  # written for Keras 2: a porting problem
        if not keras2 and mine.change is not None and mine.change.failure_class not in ("other", "timeout"):
            out = {b: r.model_copy(update={"change": r.change.model_copy(update={"everywhere": True})})
                   if r.change is not None else r for b, r in out.items()}
        elif not keras2 and not mine.timed_out:
            what, error, reason = first_error(mine)
            at = error.at.split(" in ")[0] if error is not None and error.at else None
            broken = Change(failure_class="broken", call=own, location=at,
                            fix=f"it fails under {own}, the backend it was written for, too: fix it there first")
            out = {b: r.model_copy(update={"change": broken}) for b, r in out.items()}
    return out
