"""The distributed-scaling claim's judge, first half: each run judged against its single-device program (loss
within the declared tolerance), scaling efficiency, the fault trials' outcomes and the model-parallel routes."""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from typing import TYPE_CHECKING

from evidence.claim import missing_subjects
from evidence.contract import ErrorInfo, Interval, SubjectResult
from evidence.errors import known_issues

from .assessment import (
    FAULT_RANK,
    DistributedAssessment,
    FaultReport,
    FaultTrial,
    LinesAdded,
    ModelParallelRoute,
    PathRun,
    Sharding,
    Source,
)
from .paths import EXIT_HANG_ISSUE, FAULT_NOT_REACHED, FAULTS, KNOWN_ISSUES, PATHS, SCOPE, SINGLE_KERAS, SOURCES

if TYPE_CHECKING:
    from evidence.claim import Claim


def _source(key: str) -> Source:
    url, title = SOURCES[key]
    return Source(url=url, title=title)


def assess(claim: Claim, results: Mapping[str, SubjectResult], quick: bool) -> DistributedAssessment:
    """Each run as a :class:`PathRun` judged against its single-device program, with the fault reports of the
    multi-process runs and the model-parallel routes of every option."""
    tol = float(claim.threshold("loss_rel_tolerance", quick))
    runs: dict[str, PathRun] = {}
    single_losses: dict[str, float | None] = {}
    cpu_count = None
    accelerators, hosts = 0, 1
    for subject in claim.subjects:
        res = results.get(subject)
        if res is None or res.status != "ok" or "runs" not in res.measurements:
            continue
        m = res.measurements
        cpu_count = cpu_count or m.get("cpu_count")
        accelerators = max(accelerators, int(m.get("accelerators") or 0))
        hosts = max(hosts, int(m.get("hosts") or 1))
        single = m["single"]
        single_ok = single.get("status") == "ok" and math.isfinite(single.get("final_loss", math.nan))
        single_losses[subject] = single["final_loss"] if single_ok else None
        entries = {rid: _path_run(rid, raw, single if single_ok else None, m, tol)
                   for rid, raw in m["runs"].items()}
        entries = _with_efficiency(entries)
        for rid, entry in entries.items():
            fault = _fault_report(claim, entry, m, single_losses[subject], tol, quick)
            runs[rid] = entry.model_copy(update={"fault": fault}) if fault else entry
    return DistributedAssessment(
        runs=runs, single=single_losses, model_parallel=_model_parallel_routes(runs),
        loss_tolerance=tol, cpu_count=cpu_count, scope=SCOPE.format(cores=cpu_count or os.cpu_count()),
        hosts=hosts, accelerators=accelerators, venue_needs=claim.venue_scope.needs,
        scale_decided=claim.venue_scope.decides(hosts, accelerators),
        mode="quick" if quick else "full", not_measured=missing_subjects(results, claim.subjects))

def _path_run(rid: str, raw: dict, single: dict | None, m: dict, tol: float) -> PathRun:
    name = raw["path"]
    path = PATHS[name]
    processes = int(raw.get("processes", 1))
    lines = m["lines"].get(name)
    common = dict(
        id=rid, path=name, option=path.option, what=path.what, api=path.api, kind=path.kind,
        program=path.program or f"{SINGLE_KERAS} under keras.distribution (in the worker)",
        devices=int(raw["devices"]), processes=processes,
        simulated_devices=path.runner in ("devices", "logical-devices", "host-devices") and int(raw["devices"]) > 1,
        loss_tolerance=tol, single_final_loss=single["final_loss"] if single else None,
        lines=LinesAdded(**lines, against=path.single) if lines else None,
        sharding=[Sharding(**s, sharded=s["shard_shape"] != s["global_shape"]) for s in raw.get("sharding", [])],
        exit_hang=_exit_hang(raw, path),
    )
    error = ErrorInfo(**raw["error"]) if raw.get("error") else None
    if error is None and raw.get("default_devices_error"):
        # keras.distribution's default (every device the backend lists) raised before the named devices ran.
        error = ErrorInfo(**raw["default_devices_error"])
    issues = known_issues(f"{error.type}: {error.message} {error.root or ''}", KNOWN_ISSUES) if error else []
    if raw.get("status") != "ok" or "final_loss" not in raw:
        reason = None if error else "the run reported no final loss"
        if path.runner == "in-worker" and raw.get("accepted") is False and error:
            reason = "keras.distribution refused the setting"
        return PathRun(**common, status="fails", error=error, known_issues=issues, reason=reason)
    loss = float(raw["final_loss"])
    stats = dict(final_loss=loss, workers_loss_spread=raw.get("workers_loss_spread"),
                 samples_per_s=_throughput(raw, m), startup_overhead_s=(
                     raw["startup_s"] - single["startup_s"] if single and "startup_s" in raw else None),
                 speedup_vs_single=raw["samples_per_s"] / single["samples_per_s"] if single else None,
                 launch_s=raw.get("launch_s") if processes > 1 else None)
    if single is None:
        return PathRun(**common, **stats, status="fails",
                       reason="the single-device run it is compared with failed")
    rel = abs(loss - single["final_loss"]) / abs(single["final_loss"])
    stats["loss_rel_diff"] = rel
    if path.runner == "in-worker":
        default = (f"with its default devices it raised {error.text(120)}; with two named devices "
                   if error else "")
        return PathRun(**common, **stats, status="fails", error=error, known_issues=issues, reason=(
            f"{default}Keras accepted the setting and trained, on one device: the kernel is a "
            f"{raw['kernel']['type'].rsplit('.', 1)[-1]} on {raw['kernel']['device'] or 'one device'} "
            f"(sharding: {raw['kernel']['sharding']}); nothing was distributed, and no warning was given"))
    if not (math.isfinite(loss) and rel <= tol):
        return PathRun(**common, **stats, status="fails",
                       reason=f"final loss {rel:.1e} (relative) away from one device's, beyond {tol:g}")
    if path.kind == "model_parallel" and not any(s.sharded for s in common["sharding"]):
        return PathRun(**common, **stats, status="fails",
                       reason="no variable the layout map names was sharded (a key that does not match the "
                              "variable's path leaves it replicated)")
    return PathRun(**common, **stats, status="works")

def _throughput(raw: dict, m: dict) -> Interval | None:
    timing = raw.get("epoch_time")
    if not timing:
        return None
    samples = m["steps"] * (raw["samples_per_s"] * timing["median_s"] / m["steps"])  # samples per epoch
    per_epoch = sorted(samples / s for s in timing["samples_s"])
    from statistics import quantiles

    low, _, high = quantiles(per_epoch, n=4, method="inclusive") if len(per_epoch) >= 2 else (per_epoch[0],) * 3
    return Interval(estimate=raw["samples_per_s"], low=low, high=high, level=0.5,
                    method=f"median and interquartile range of {len(per_epoch)} timed epochs")

def _exit_hang(raw: dict, path) -> str | None:
    hung = raw.get("exit_hang")
    if not hung:
        return None
    text = "; ".join(f"worker {h['worker']} trained but hung on its way out and was killed ({h['reason']})"
                     for h in hung)
    return text + (f" (possibly {EXIT_HANG_ISSUE[0]}: {EXIT_HANG_ISSUE[1]})" if path.cluster == "torch" else "")

def _with_efficiency(entries: dict[str, PathRun]) -> dict[str, PathRun]:
    """Scaling efficiency: throughput over ``devices`` times a one-device throughput of the same loop (the
    path's own one-device run when there is one, else the single-device program's, unless the path's loop
    is not the single-device program's)."""
    out = {}
    for rid, e in entries.items():
        if e.status != "works" or e.devices == 1 or e.samples_per_s is None:
            out[rid] = e
            continue
        own = next((o for o in entries.values() if o.path == e.path and o.devices == 1 and o.status == "works"
                    and o.samples_per_s is not None), None)
        if own is not None:
            eff, ref = e.samples_per_s.estimate / (e.devices * own.samples_per_s.estimate), \
                "its own 1-device run"
        elif not PATHS[e.path].own_one_device_run and e.speedup_vs_single is not None:
            eff, ref = e.speedup_vs_single / e.devices, "the single-device program"
        else:
            eff, ref = None, "none (its loop differs from the single-device program's)"
        out[rid] = e.model_copy(update={"scaling_efficiency": eff, "efficiency_reference": ref})
    return out

# -- faults -----------------------------------------------------------------------------------------------
def _fault_report(claim: Claim, entry: PathRun, m: dict, single_loss: float | None, tol: float,
                  quick: bool) -> FaultReport | None:
    if not entry.multi_process:
        return None
    if entry.path in FAULT_NOT_REACHED and entry.status == "fails":
        trial = FaultTrial(
            mechanism="none", program=entry.program, outcome="not_reached", killed_worker=1, killed_at_step=None,
            planned_steps=m["steps"] * m["epochs"], seconds_to_outcome=None, error=entry.error,
            hang_timeout_s=float(claim.threshold("hang_after_s", quick)),
            processes_left=m["runs"].get(entry.id, {}).get("processes_left") or 0,
            note=FAULT_NOT_REACHED[entry.path] + " (the path's own run is the record)")
        return FaultReport(outcome="not_reached", seconds_to_outcome=None, steps_lost=None,
                           recovery_mechanism=None, trials=[trial], sources=[_source("tf-fault-tolerance")])
    raw_trials = m.get("faults", {}).get(entry.path)
    if not raw_trials:
        return None
    lines = m.get("recovery_lines", {}).get(entry.path)
    recovery_lines = LinesAdded(**lines, against=PATHS[entry.path].program) if lines else None
    trials: list[FaultTrial] = []
    for raw in raw_trials:
        trials.extend(_trials(raw, single_loss, tol, recovery_lines))
    best = max(trials, key=lambda t: FAULT_RANK[t.outcome])
    return FaultReport(outcome=best.outcome, seconds_to_outcome=best.seconds_to_outcome,
                       steps_lost=best.steps_lost,
                       recovery_mechanism=best.mechanism if best.outcome == "recovers" else None, trials=trials,
                       sources=[_source(k) for k in FAULTS[entry.path].sources])

def _trials(raw: dict, single_loss: float | None, tol: float, lines: LinesAdded | None) -> list[FaultTrial]:
    """The trial(s) of one fault run: what the job did on its own, then (for a run restarted by the launcher
    or by torchrun) whether the restart recovered it.

    Steps lost: without a restart, every step the job had trained; with one, the steps the first run trained
    beyond the checkpoint the restarted run resumed from (they are trained again).
    """
    base = dict(program=raw["program"], killed_worker=1, planned_steps=raw["planned_steps"],
                hang_timeout_s=raw["hang_timeout_s"], processes_left=raw["processes_left"] or 0)
    attempts = raw["attempts"]
    if not attempts:
        error = ErrorInfo(**raw["launcher_error"]) if raw.get("launcher_error") else None
        return [FaultTrial(**base, mechanism=raw["mechanism"], outcome="fails_fast", killed_at_step=None,
                           seconds_to_outcome=None, error=error, note="the launcher itself failed")]
    first = attempts[0]["records"]
    killed_at, killed_step = first[0].get("killed_at"), first[0].get("killed_at_step")
    reports = [r for r in raw["reports"] if r]
    final_pids = {r["pid"] for r in reports}
    # The steps each process reached; a restarted job's processes are new pids.
    progress = {(rank, int(pid)): step for rank, by_pid in raw["progress"].items() for pid, step in by_pid.items()}
    first_reached = max((step for (_, pid), step in progress.items() if pid not in final_pids),
                        default=killed_step or 0)
    if killed_at is None:
        error = next((ErrorInfo(**r["error"]) for r in first if r.get("error")), None)
        return [FaultTrial(**base, mechanism=raw["mechanism"], outcome="fails_fast", killed_at_step=None,
                           seconds_to_outcome=None, error=error, steps_lost=first_reached,
                           note=f"the job ended before worker 1 reached step {raw['at_step']}, so it was "
                                f"never killed")]
    out: list[FaultTrial] = []
    if raw["restart"] != "torchrun":
        survivors = [r for r in first if r["worker"] != 1]
        hung = [r for r in survivors if r["killed_because"] == "hang"]
        error = next((ErrorInfo(**r["error"]) for r in survivors if r.get("error")), None)
        errors_at = [r["error_after_kill_s"] for r in survivors if r.get("error_after_kill_s") is not None]
        error_after = min(errors_at) if errors_at else None
        if hung:
            note = (f"a survivor wrote its error {error_after:.1f} s after the kill but was still running "
                    f"{raw['hang_timeout_s']:g} s after it, and was killed then" if errors_at else
                    f"a survivor was still running {raw['hang_timeout_s']:g} s after the kill, silent, and "
                    f"was killed then")
            out.append(FaultTrial(**base, mechanism="none", outcome="hangs", killed_at_step=killed_step,
                                  seconds_to_outcome=raw["hang_timeout_s"], error=error,
                                  error_after_s=error_after, steps_lost=first_reached, note=note))
        else:
            out.append(FaultTrial(**base, mechanism="none", outcome="fails_fast", killed_at_step=killed_step,
                                  seconds_to_outcome=max(r["exit_after_kill_s"] for r in survivors),
                                  error=error, error_after_s=error_after, steps_lost=first_reached))
        if raw["restart"] == "none":
            return out
    last = attempts[-1]
    ended = last["started_at"] + last["seconds"]
    restarts = (len(attempts) - 1 if raw["restart"] == "launcher"
                else len({pid for (rank, pid) in progress if rank == "1"}) - 1)
    finals = [r for r in reports if r.get("resumed_at_step") is not None]
    if len(finals) == len(raw["reports"]) and all(r["status"] == "ok" for r in last["records"]):
        loss = finals[0]["losses"][-1]
        rel = abs(loss - single_loss) / abs(single_loss) if single_loss else None
        resumed = min(r["resumed_at_step"] for r in finals)
        ok = rel is not None and rel <= tol
        out.append(FaultTrial(**base, mechanism=raw["mechanism"], outcome="recovers" if ok else "fails_fast",
                              killed_at_step=killed_step, seconds_to_outcome=ended - killed_at,
                              steps_lost=max(0, first_reached - resumed), restarts=restarts,
                              final_loss_rel_diff=rel, recovery_lines=lines,
                              note=f"resumed from step {resumed}" + (
                                  "" if ok else "; the restarted job finished with a loss beyond the tolerance")))
    else:
        rec = next((r for r in last["records"] if r.get("error")), None)
        out.append(FaultTrial(**base, mechanism=raw["mechanism"], outcome="fails_fast",
                              killed_at_step=killed_step, seconds_to_outcome=ended - killed_at,
                              error=ErrorInfo(**rec["error"]) if rec else None, recovery_lines=lines,
                              steps_lost=first_reached, restarts=restarts,
                              note="the restarted job did not finish"))
    return out

# -- model parallelism ------------------------------------------------------------------------------------
def _model_parallel_routes(runs: dict[str, PathRun]) -> list[ModelParallelRoute]:
    """Per option: the model-parallel routes run here (their entries) and those recorded from the public
    record only."""
    def ran(path: str) -> tuple[str | None, str | None]:
        entry = next((r for r in runs.values() if r.path == path), None)
        return (entry.status, entry.id) if entry else (None, None)

    status, rid = ran("jax-modelparallel")
    tf_status, tf_id = ran("tf-keras-modelparallel")
    dt_status, dt_id = ran("tfcore-dtensor")
    torch_status, torch_id = ran("torch-keras-modelparallel")
    return [
        ModelParallelRoute(option="keras-jax", route="keras.distribution.ModelParallel", status=status, run=rid,
                           statement="Keras's ModelParallel shards the variables a LayoutMap names over a "
                                     "DeviceMesh (XLA's SPMD partitioner inserts the collectives)",
                           sources=[_source("keras-distribution-guide")]),
        ModelParallelRoute(option="keras-tensorflow", route="keras.distribution.ModelParallel",
                           status=tf_status, run=tf_id,
                           statement="Keras 3.15 accepts ModelParallel under TensorFlow but creates ordinary "
                                     "TensorFlow variables: nothing is sharded; its TensorFlow distribution "
                                     "module is a prototype marked 'DO NOT USE'",
                           sources=[_source("keras-tf-distribution-lib"), _source("keras-distribution-guide")]),
        ModelParallelRoute(option="keras-tensorflow", route="tf.distribute (MirroredStrategy, "
                           "MultiWorkerMirroredStrategy)", status="not_applicable",
                           statement="tf.distribute's strategies for Keras's fit replicate the weights (data "
                                     "parallelism); they do not shard a layer's weights"),
        ModelParallelRoute(option="tensorflow-core", route="tf.experimental.dtensor", status=dt_status,
                           run=dt_id, statement="TensorFlow's DTensor shards variables over a mesh with layouts "
                                                "(under tf.experimental); a custom loop trains with them",
                           sources=[_source("tf-dtensor")]),
        ModelParallelRoute(option="keras-torch", route="keras.distribution.ModelParallel",
                           status=torch_status, run=torch_id,
                           statement="Keras 3.15 has no torch implementation of keras.distribution "
                                     "(distribution_lib is None) yet accepts ModelParallel and trains on one "
                                     "device; Keras's master branch adds one over torch's DTensor, unreleased",
                           sources=[_source("keras-torch-distribution-pr"), _source("keras-torch-dtensor-pr"),
                                    _source("keras-distribution-guide")]),
        ModelParallelRoute(option="keras-torch", route="torch.distributed.tensor.parallel / FSDP2",
                           status=None,
                           statement="torch's own tensor parallelism applies to nn.Linear and nn.Embedding "
                                     "modules, which Keras layers are not; FSDP2 shards parameters over "
                                     "data-parallel ranks. Neither is wired into Keras 3.15 (not run here)",
                           sources=[_source("torch-tensor-parallel"), _source("torch-fsdp")]),
    ]

