"""The distributed-scaling claim's prose for people, from its assessment and decision (not in the code hash)."""

from __future__ import annotations

from evidence.contract import Decision, Report

from .assessment import DistributedAssessment, PathRun
from .paths import JAX_HEARTBEAT_TIMEOUT_S, OTHER_PATHS, PATHS, TENSORFLOW_PATHS


def report(a: DistributedAssessment, decision: Decision) -> Report:
    """The findings per sub-claim and a summary that follows the decision (its reading, on a venue that cannot
    decide the claim as stated, is a finding)."""
    findings: dict[str, str] = {
        "a": _paths_text(a, ("mirrored-fit", "mirrored-custom")),
        "b": _paths_text(a, ("multiworker-custom", "multiworker-fit")),
        "model_parallel_tensorflow": _paths_text(a, ("tfcore-dtensor", "tf-keras-modelparallel")),
        "c": _paths_text(a, ("jax-dataparallel", "jax-multiprocess", "jax-modelparallel",
                                  "torch-keras-distribution", "torch-keras-modelparallel"))
             + " " + _routes_text(a),
        "d": _paths_text(a, ("torch-ddp",)),
        "e": _numbers_text(a),
        "f": _faults_text(a),
        "scope": a.scope,
    }
    if a.not_measured:
        findings["missing"] = "Subjects without a result: " + "; ".join(a.not_measured) + "."
    tail = f" (not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)})" if a.not_measured else ""
    tf_runs = [r for r in a.runs.values() if r.path in TENSORFLOW_PATHS]
    if not tf_runs:
        return Report("No TensorFlow distributed path was measured" + tail + ".", findings)
    tf_paths = sorted({r.path for r in tf_runs}, key=TENSORFLOW_PATHS.index)
    works = {p for p in tf_paths if all(r.status == "works" for r in tf_runs if r.path == p)}
    fails = [p for p in tf_paths if p not in works]
    parts = [f"TensorFlow trained correctly on {len(works)} of its {len(tf_paths)} distributed paths"
             + (f" ({', '.join(PATHS[p].what for p in tf_paths if p in works)})" if works else "")
             + f", final losses within {a.loss_tolerance:g} of one device"]
    for p in fails:
        bad = next(r for r in tf_runs if r.path == p and r.status != "works")
        parts.append(f"{PATHS[p].what} failed: {_failure_words(bad)}")
    for option in ("keras-jax", "keras-torch"):
        ok = [r for r in a.paths_for(option) if r.status == "works" and r.path in OTHER_PATHS
              and (r.multi_device or r.multi_process)]
        if ok:
            parts.append(f"{option} trained correctly on " + ", ".join(
                f"{r.what} ({r.processes} processes)" if r.multi_process else r.what for r in ok))
    fault_words = _fault_summary(a)
    if fault_words:
        parts.append(fault_words)
    caveat = (f"on {a.cpu_count} CPU cores these runs prove correctness and measure overhead and fault "
              f"behaviour, not speed-up")
    reading = str(decision.numbers["reading"])
    if decision.code != "venue_cannot_decide_scale":
        return Report("; ".join(parts) + "; " + caveat + tail + ".", findings)
    # The venue cannot decide the claim as stated (large scale): say what it does decide, as findings.
    venue = (f"{a.hosts} machine{'s' if a.hosts > 1 else ''}, {a.cpu_count} CPU cores, "
             f"{a.accelerators or 'no'} accelerator{'s' if a.accelerators != 1 else ''}")
    findings["venue"] = (f"This venue ({venue}) cannot decide the claim as the article states it: it needs "
                         f"{a.venue_needs}.")
    findings["correctness"] = parts[0] + "".join(f"; {p}" for p in parts[1:] if "trained correctly" in p
                                                 or " failed: " in p) + "."
    findings["overhead"] = ("On one machine the replicas share the cores one device already uses, so every "
                            "throughput here measures the cost of going distributed, not a speed-up: "
                            + _overhead_text(a))
    findings["fault_behaviour"] = (fault_words or "No fault trial ran") + (
        f". A survivor counts as hung only after its framework's documented timeout "
        f"({decision.numbers['hang_after_s']:g} s: JAX's {JAX_HEARTBEAT_TIMEOUT_S} s heartbeat timeout plus a "
        f"margin); on one machine a killed worker's sockets close at once, so a lost machine was not tested.")
    findings["reading_on_this_venue"] = (
        f"Judged on what this venue decides (correctness and fault behaviour), the former rule reads "
        f"'{reading}'; it is a finding, not the verdict.")
    summary = (f"Inconclusive for large-scale work: this venue ({venue}) cannot show scaling, which needs "
               f"{a.venue_needs.split(':')[0]}. What {a.cpu_count} CPU cores do show: "
               + "; ".join(parts) + tail + ".")
    return Report(summary, findings)



def _lines(count: int) -> str:
    return f"{count} logical line{'' if count == 1 else 's'}"


def _overhead_text(a: DistributedAssessment) -> str:
    rows = [f"{r.what} {r.speedup_vs_single:.2f}x the single-device throughput"
            + (f" ({r.processes} processes)" if r.multi_process else f" ({r.devices} devices)")
            for r in a.runs.values() if r.status == "works" and r.speedup_vs_single is not None
            and (r.multi_device or r.multi_process)]
    return ("; ".join(rows) + ".") if rows else "no distributed run worked."

# -- prose of the verdict ---------------------------------------------------------------------------------
def _failure_words(run: PathRun) -> str:
    if run.error is None:
        return run.reason or "no result"
    issues = ", ".join("{3}/{4}#{6}".format(*i.url.split("/")) for i in run.known_issues if "/issues/" in i.url)
    return (run.reason or run.error.text(160)) + (f" (public report: {issues})" if issues else "")

def _fault_summary(a: DistributedAssessment) -> str:
    parts = []
    for option in ("tensorflow-core", "keras-tensorflow", "keras-jax", "keras-torch"):
        report = a.fault_outcome(option)
        if report is None:
            continue
        words = report.outcome.replace("_", " ")
        if report.outcome == "not_reached":
            words = "never reached training (model.fit fails at its first step under MultiWorkerMirroredStrategy)"
        elif report.outcome == "recovers":
            words += (f" with {report.recovery_mechanism} in {report.seconds_to_outcome:.0f} s, losing "
                      f"{report.steps_lost} steps")
        elif report.seconds_to_outcome is not None:
            words += f" ({report.seconds_to_outcome:.1f} s after the kill)"
        parts.append(f"{option} {words}")
    return ("with one worker killed part-way through training: " + "; ".join(parts)) if parts else ""

def _paths_text(a: DistributedAssessment, names: tuple[str, ...]) -> str:
    parts = []
    for name in names:
        runs = [r for r in a.runs.values() if r.path == name]
        if not runs:
            parts.append(f"{PATHS[name].what}: not measured.")
            continue
        texts = []
        for r in runs:
            label = (f"{r.processes} processes" if PATHS[name].runner == "workers"
                     else f"{r.devices} device{'s' if r.devices > 1 else ''}")
            if r.status != "works":
                texts.append(f"{label}: FAILED, {_failure_words(r)}")
                continue
            loss = ("loss identical to one device's" if r.loss_rel_diff == 0.0
                    else f"loss within {r.loss_rel_diff:.1e} (relative) of one device's")
            eff = (f", {r.scaling_efficiency:.0%} efficiency against {r.efficiency_reference}"
                   if r.scaling_efficiency is not None else "")
            shard = ("; " + ", ".join(f"{s.variable} {s.spec} ({s.shard_shape} of {s.global_shape} per device)"
                                      for s in r.sharding if s.sharded)) if r.sharding else ""
            texts.append(f"{label}: {loss}, {r.samples_per_s.estimate:.0f} samples/s "
                         f"({r.speedup_vs_single:.2f}x the single-device program{eff})"
                         + (f", start-up {r.startup_overhead_s:+.2f} s" if r.startup_overhead_s is not None
                            else "")
                         + (f" plus {r.launch_s:.1f} s to launch each process" if r.launch_s else "")
                         + shard + (f"; {r.exit_hang}" if r.exit_hang else ""))
        status = "works" if all(r.status == "works" for r in runs) else "fails"
        lines = runs[0].lines
        lines_text = (f"; {_lines(lines.added)} new or rewritten against the {lines.single_lines}-line "
                      f"single-device program" + (f", plus {lines.simulation_lines} that only split the CPU "
                                                  f"into devices" if lines.simulation_lines else "")
                      if lines else "")
        parts.append(f"{PATHS[name].what} ({status}): " + "; ".join(texts) + lines_text + ".")
    return " ".join(parts)

def _routes_text(a: DistributedAssessment) -> str:
    words = {"works": "works here", "fails": "tried here and does not shard", None: "not run here",
             "not_applicable": "does not apply", "unavailable": "could not be tried"}
    return "Model parallelism, per option: " + "; ".join(
        f"{m.option}, {m.route}: {words[m.status]} ({m.statement})" for m in a.model_parallel) + "."

def _numbers_text(a: DistributedAssessment) -> str:
    rows = []
    for r in a.runs.values():
        rows.append(f"{r.id}: {r.status}"
                    + (f", loss difference {r.loss_rel_diff:.1e}" if r.loss_rel_diff is not None else "")
                    + (f", efficiency {r.scaling_efficiency:.0%}" if r.scaling_efficiency is not None else "")
                    + (f", {_lines(r.lines.added)} new or rewritten" if r.lines else ""))
    return (f"Loss tolerance {a.loss_tolerance:g} (relative to the single-device final loss). "
            + "; ".join(rows) + ".")

def _faults_text(a: DistributedAssessment) -> str:
    parts = []
    for r in a.runs.values():
        if r.fault is None:
            continue
        trials = []
        for t in r.fault.trials:
            words = f"{t.mechanism}: {t.outcome.replace('_', ' ')}"
            if t.killed_at_step is not None:
                words += f" (worker 1 killed after step {t.killed_at_step} of {t.planned_steps}"
                if t.seconds_to_outcome is not None:
                    words += f"; {t.seconds_to_outcome:.1f} s to the outcome"
                if t.steps_lost is not None:
                    words += f"; {t.steps_lost} steps lost"
                words += ")"
            if t.error:
                words += f", error: {t.error.text(140)}"
            if t.recovery_lines:
                words += f", the recovery adds {_lines(t.recovery_lines.added)}"
            if t.note:
                words += f" [{t.note}]"
            if t.processes_left:
                words += f"; {t.processes_left} processes were left and killed"
            trials.append(words)
        parts.append(f"{r.what} ({r.id}): " + "; ".join(trials) + ".")
    if not parts:
        return "No fault trial ran."
    return " ".join(parts)


