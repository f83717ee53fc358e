"""Reading the ``distributed_scaling`` result: which distributed paths train correctly for each option.

The claim (``evidence/claims/distributed_scaling.py``) records, per option, its single-device run (``single``
with ``status`` and ``final_loss``) and every run of its distributed paths (``runs[<run id>]`` with ``path``,
``devices``, ``processes``, ``status``, ``final_loss``, ``samples_per_s``). As the claim's own judge does, a
path *works* when every one of its runs finished and each final loss lies within ``loss_rel_tolerance``
(relative, from the result's thresholds) of the single-device loss. A path whose runs use two or more processes
is a multi-process path: on one machine here, but the same code a multi-machine job runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from advisor.result_files import ClaimResult


@dataclass(frozen=True)
class DistributedPath:
    """One distributed path of an option, as measured."""

    name: str
    works: bool
    devices: int
    processes: int
    detail: str


def paths(result: ClaimResult, option: str) -> dict[str, DistributedPath]:
    """The option's distributed paths (empty when the option has no result)."""
    m = result.measurements(option)
    if not m:
        return {}
    tol = float(result.data["claim"]["thresholds"]["loss_rel_tolerance"])
    single = m["single"]
    grouped: dict[str, list[dict]] = {}
    for run in m["runs"].values():
        grouped.setdefault(run["path"], []).append(run)
    out = {}
    for name, runs in grouped.items():
        problems = []
        for run in runs:
            if run["status"] != "ok" or "final_loss" not in run:
                err = run.get("error") or {}
                words = ": ".join(str(w) for w in (err.get("type"), str(err.get("message") or "")[:120]) if w)
                problems.append(f"{run['devices']}-device run {run['status']} ({words or 'no error recorded'})")
            elif single.get("status") != "ok" or "final_loss" not in single:
                problems.append("no single-device loss to compare with")
            else:
                rel = abs(run["final_loss"] - single["final_loss"]) / abs(single["final_loss"])
                if not (math.isfinite(run["final_loss"]) and rel <= tol):
                    problems.append(f"{run['devices']}-device loss {rel:.1e} (relative) away from one device's "
                                    f"(tolerance {tol:g})")
        devices = max(int(r["devices"]) for r in runs)
        processes = min(int(r.get("processes", 1)) for r in runs)
        detail = "; ".join(problems) if problems else (
            f"trains on up to {devices} devices in {processes} process(es), losses within {tol:g} of one device's")
        out[name] = DistributedPath(name, not problems, devices, processes, detail)
    return out
