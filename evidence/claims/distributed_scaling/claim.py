"""The distributed_scaling claim: declarations, the measurement plan, the assessment and the verdict."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from collections.abc import Mapping
from typing import Any

from evidence.claim import PROGRAMS_DIR, Claim, Context, VenueScope, Verdict, missing_subjects
from evidence.contract import DecisionChange, ErrorInfo, Interval, Setting, Threshold
from evidence.errors import known_issues
from evidence.options import KERAS_BACKEND

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
from .lines import logical_lines, program_lines_added
from .measure import Runner
from .paths import (
    EXIT_HANG_ISSUE,
    FAULT_NOT_REACHED,
    FAULTS,
    KNOWN_ISSUES,
    OTHER_PATHS,
    PATHS,
    SINGLE,
    SINGLE_KERAS,
    SINGLE_TFCORE,
    SOURCES,
    TENSORFLOW_PATHS,
)

SCOPE = ("On a machine with {cores} CPU cores the replicas share the cores one device already uses: these runs "
         "prove that each path trains correctly, and measure its overhead and what a killed worker does to it; "
         "they do not show a speed-up. The workers run on one machine, where a killed process's sockets are "
         "closed at once, so its peers learn of its death immediately; a machine that loses power or network "
         "closes nothing, and its peers wait for their framework's own timeouts (not measured here). Multi-GPU "
         "and multi-machine scaling needs a run on such hardware.")


#: JAX's documented heartbeat timeout: ``jax.distributed.initialize(heartbeat_timeout_seconds=100)``, "the time
#: (in seconds) after which a process is considered dead if it hasn't successfully sent any heartbeats"; Keras's
#: ``keras.distribution.initialize`` calls it with the default.
JAX_HEARTBEAT_TIMEOUT_S = 100


def accelerator_count() -> int:
    """GPUs on this machine, as ``nvidia-smi -L`` lists them (0 when there is none, or no nvidia-smi)."""
    if shutil.which("nvidia-smi") is None:
        return 0
    try:
        out = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=20).stdout
    except (OSError, subprocess.SubprocessError):
        return 0
    return sum(1 for line in out.splitlines() if line.startswith("GPU "))


def _lines(count: int) -> str:
    return f"{count} logical line{'' if count == 1 else 's'}"


def _source(key: str) -> Source:
    url, title = SOURCES[key]
    return Source(url=url, title=title)


class DistributedScalingClaim(Claim):
    """Every option's distributed paths against its single-device program: correctness, overhead, lines, faults."""

    id = "distributed_scaling"
    dimension = "Backend support"
    title = "TensorFlow distributes training robustly, the better fit for large scale"
    statement = ("TensorFlow's support for training across many devices and machines is robust, which makes it "
                 "the better choice than Keras for large-scale work.")
    sub_claims = {
        "a": "tf.distribute MirroredStrategy across several devices of one machine, with model.fit and with a "
             "custom training loop.",
        "b": "MultiWorkerMirroredStrategy across real worker processes, with a custom loop and with model.fit.",
        "c": "Keras 3's own distribution API on JAX, across devices and across processes, data- and "
             "model-parallel (ModelParallel with a LayoutMap), and what the other backends offer for sharding "
             "weights.",
        "d": "PyTorch's DistributedDataParallel across processes, the route Keras's guide gives for torch.",
        "e": "Distributed losses equal single-device losses; throughput, scaling efficiency, start-up overhead and "
             "the lines of code each option adds to go distributed.",
        "f": "Robustly: what each multi-process job does when one worker is killed part-way through training "
             "(fails fast, hangs, or recovers with its framework's recovery mechanism), and how many steps it "
             "loses.",
    }
    subjects = ("keras-tensorflow", "tensorflow-core", "keras-jax", "keras-torch")
    programs = ("dist_task.py", "dist_launch.py", SINGLE_KERAS, SINGLE_TFCORE,
                *sorted({p.program for p in PATHS.values() if p.program}), *sorted(f.program for f in FAULTS.values()))
    assessment_type = DistributedAssessment
    thresholds = {
        "loss_rel_tolerance": Threshold(
            value=1e-4, reason="both runs see the same global batches from the same initial weights, so only the "
                               "order of floating-point additions differs (measured: about 1e-7)"),
        "hang_after_s": Threshold(
            value=JAX_HEARTBEAT_TIMEOUT_S + 15,
            reason="a job hangs only when a survivor outlives its framework's own documented timeout: JAX's "
                   "heartbeat_timeout_seconds (jax.distributed.initialize, default 100 s; Keras's "
                   "keras.distribution.initialize keeps the default) plus 15 s of margin. TensorFlow's collective "
                   "timeout (tf.distribute.experimental.CommunicationOptions.timeout_seconds) is unset by default "
                   "and torch's gloo process-group timeout defaults to 30 minutes; their survivors exited within "
                   "1.3 s in every run, so the same 115 s applies to them"),
    }
    settings = {
        "steps": Setting(full=16, quick=8, reason="global batches of dist_task.GLOBAL_BATCH per epoch"),
        "mirrored_devices": Setting(full=[1, 2], quick=[2],
                                    reason="logical CPU devices of the MirroredStrategy runs (1: in the worker, the "
                                           "strategy's own overhead; 2: a fresh process, the CPU split in two)"),
        "workers": Setting(full=2, reason="processes of every multi-process run"),
        "workers_timeout_s": Setting(full=150, quick=90,
                                     reason="seconds a run's processes may take (start, import, train)"),
        "workers_grace_s": Setting(full=5, reason="seconds a worker may outlive a failed peer (it would block in "
                                                  "its next collective)"),
        "workers_finish_grace_s": Setting(full=30, reason="seconds a worker may outlive a peer that finished "
                                                          "(data-parallel workers finish together)"),
        "paths_skipped": Setting(full=[], quick=["jax-dataparallel"],
                                 reason="quick mode leaves out the in-process JAX DataParallel run: the "
                                        "ModelParallel run exercises the same host-device code and the "
                                        "multi-process run the same API"),
        "fault_timeout_s": Setting(full=200, reason="seconds each attempt of a fault trial may take: a JAX process "
                                                    "whose peer died waits for its heartbeat timeout (100 s by "
                                                    "default) before it exits, and the hang threshold is 115 s"),
        "fault_paths": Setting(full=sorted(FAULTS), quick=["torch-ddp"],
                               reason="multi-process paths given a killed-worker trial (quick mode: the cheapest)"),
        "fault_recovery": Setting(full=True, quick=False,
                                  reason="whether the fault trials include the recovery mechanism's restart"),
    }
    decision_rule_fixed = "2026-12-01"
    decision_log = (
        DecisionChange(
            date="2026-12-01",
            change="The verdict now also weighs model parallelism and fault behaviour: 'supported' needs every "
                   "TensorFlow path to work, TensorFlow's best fault outcome to beat every other option's, and no "
                   "other option to train across processes; before, only whether each path trained correctly "
                   "counted.",
            reason="Issue 12: 'robustly' was never tested under a fault, and JAX multi-process and model "
                   "parallelism were never tried.",
            affects="The result of 2026-11-26 (schema 1, 'partly supported' in three runs) was judged under the "
                    "old rule; it is replaced by this claim's first result on the new contract."),
        DecisionChange(
            date="2026-12-07",
            change="Scope by venue: the claim is about large-scale work, so its venue scope needs more than one "
                   "machine or at least two accelerators; on a venue without them (cpu-2core: one machine, 2 CPU "
                   "cores) the verdict is inconclusive for the claim as stated, and what the venue decides "
                   "(correctness, overhead, fault behaviour) are findings, the former verdict's reading among "
                   "them. A survivor of a killed worker counts as hung only after its framework's documented "
                   "timeout: hang_after_s 5 -> 115 s (JAX's heartbeat_timeout_seconds, 100 s, plus 15 s); the "
                   "fault trials' per-attempt limit 45 -> 200 s. DTensor is labelled experimental "
                   "(tf.experimental.dtensor).",
            reason="A review as a maintainer: 'partly supported' from 2 local CPU processes claimed more than they "
                   "can show (the claim's own scope finding said nothing about scale was shown), and JAX was "
                   "recorded as hanging 5 s after the kill while its documented heartbeat timeout is 100 s.",
            affects="The result of 2026-12-06 on cpu-2core (partly supported in three runs; JAX's job without "
                    "recovery recorded 'hangs' at 5 s)."),
    )
    venue_scope = VenueScope(
        machine_dependent=True, min_hosts=2, min_accelerators=2,
        needs="large-scale training: more than one machine, or at least two accelerators on one; a CPU machine "
              "decides correctness, overhead and fault behaviour only")
    repeats = (2, 5)
    warmup = 1  # the first epoch traces and compiles the step
    timeout_s = (240, 600)
    # Real worker processes on loopback ports can fail for reasons of the moment (a port, a slow start): in
    # full mode the claim runs three times back to back, and its verdict stands only if all three agree.
    reruns = (1, 3)

    # -- runner hooks -------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """The Keras subjects run under their backend; TensorFlow core leaves ``KERAS_BACKEND`` unset."""
        return KERAS_BACKEND[subject]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras and the backend's framework, or TensorFlow alone for TensorFlow core."""
        backend = KERAS_BACKEND[subject]
        return ("keras", backend) if backend else ("tensorflow",)

    # -- measurement --------------------------------------------------------------------------------------------
    def fault_step(self, quick: bool, epochs: int) -> int:
        """The training step after which worker 1 is killed: the middle of the middle epoch."""
        steps = self.setting("steps", quick)
        return (epochs // 2) * steps + steps // 2

    def measure(self, ctx: Context) -> dict[str, Any]:
        """The subject's single-device run, each of its distributed paths, then its fault trials."""
        q = ctx.quick
        steps, epochs = self.setting("steps", q), ctx.warmup + ctx.repeats
        runner = Runner(ctx, steps=steps, epochs=epochs, timeout_s=self.setting("workers_timeout_s", q),
                        grace_s=self.setting("workers_grace_s", q),
                        finish_grace_s=self.setting("workers_finish_grace_s", q))
        workers = self.setting("workers", q)
        skipped = self.setting("paths_skipped", q)
        names = [n for n, p in PATHS.items() if p.option == ctx.subject and n not in skipped]
        runs: dict[str, Any] = {}
        single = runner.single()
        for name in names:
            path = PATHS[name]
            if path.runner == "devices":
                # A fresh process per device count: the logical devices must be set before TensorFlow starts,
                # and Keras's collectives keep group keys for the life of the process (a second strategy with
                # another device count fails: "joining a group with size 2, but that group has size 4").
                for n in self.setting("mirrored_devices", q):
                    runs[f"{name}-{n}"] = {"path": name, "devices": n, **(
                        runner.one_device_in_process(name) if n == 1 else
                        runner.run(name, extra_args=["--devices", str(n)]))}
            elif path.runner == "logical-devices":
                runs[f"{name}-2"] = {"path": name, "devices": 2, **runner.run(name, extra_args=["--devices", "2"])}
            elif path.runner == "host-devices":
                flags = " ".join(filter(None, [os.environ.get("XLA_FLAGS"),
                                               "--xla_force_host_platform_device_count=2"]))
                runs[f"{name}-2"] = {"path": name, "devices": 2, **runner.run(
                    name, env={"XLA_FLAGS": flags, "JAX_PLATFORMS": "cpu"})}
            elif path.runner == "workers":
                if path.own_one_device_run and not q:
                    runs[f"{name}-1"] = {"path": name, "devices": 1, **runner.one_device_in_process(name)}
                env = {"JAX_PLATFORMS": "cpu"} if path.cluster == "jax" else {}
                runs[f"{name}-{workers}"] = {"path": name, "devices": workers, **runner.run(
                    name, workers=workers, cluster=path.cluster, env=env)}
            elif path.runner == "in-worker":
                runs[name] = {"path": name, "devices": 2, **runner.keras_distribution_attempt(path.kind)}
        faults: dict[str, Any] = {}
        hang = float(self.threshold("hang_after_s", q))
        at_step = self.fault_step(q, epochs)
        trial = {"at_step": at_step, "hang_timeout_s": hang, "timeout_s": self.setting("fault_timeout_s", q)}
        for name in self.setting("fault_paths", q):
            if name not in names:
                continue
            plan = FAULTS[name]
            trials = []
            if plan.combined and self.setting("fault_recovery", q):
                trials.append(runner.fault_trial(name, plan.program, mechanism=plan.mechanism, restart="launcher",
                                                 **trial))
            else:
                trials.append(runner.fault_trial(name, plan.program, mechanism="none", restart="none", **trial))
                if self.setting("fault_recovery", q) and not plan.combined:
                    trials.append(runner.fault_trial(name, plan.program, mechanism=plan.mechanism,
                                                     restart=plan.restart, **trial))
            faults[name] = trials
        lines = {name: program_lines_added(PATHS[name].single, PATHS[name].program)
                 for name in names if PATHS[name].program}
        recovery_lines = {name: program_lines_added(PATHS[name].program, FAULTS[name].program)
                          for name in names if name in FAULTS}
        launcher_lines = len(logical_lines((PROGRAMS_DIR / "dist_launch.py").read_text(encoding="utf-8")))
        return {"mode": "quick" if q else "full", "steps": steps, "epochs": epochs, "cpu_count": os.cpu_count(),
                "accelerators": accelerator_count(), "hosts": 1,
                "single": {"program": SINGLE[ctx.subject], **single}, "runs": runs, "faults": faults,
                "lines": lines, "recovery_lines": recovery_lines, "launcher_lines": launcher_lines}

    # -- assessment ---------------------------------------------------------------------------------------------
    def assess(self, results: Mapping[str, Any], quick: bool) -> DistributedAssessment:
        """Each run as a :class:`PathRun` judged against its single-device program, with the fault reports of the
        multi-process runs and the model-parallel routes of every option."""
        tol = float(self.threshold("loss_rel_tolerance", quick))
        runs: dict[str, PathRun] = {}
        single_losses: dict[str, float | None] = {}
        cpu_count = None
        accelerators, hosts = 0, 1
        for subject in self.subjects:
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
            entries = {rid: self._path_run(rid, raw, single if single_ok else None, m, tol)
                       for rid, raw in m["runs"].items()}
            entries = self._with_efficiency(entries)
            for rid, entry in entries.items():
                fault = self._fault_report(entry, m, single_losses[subject], tol, quick)
                runs[rid] = entry.model_copy(update={"fault": fault}) if fault else entry
        return DistributedAssessment(
            runs=runs, single=single_losses, model_parallel=self._model_parallel_routes(runs),
            loss_tolerance=tol, cpu_count=cpu_count, scope=SCOPE.format(cores=cpu_count or os.cpu_count()),
            hosts=hosts, accelerators=accelerators, venue_needs=self.venue_scope.needs,
            scale_decided=self.venue_scope.decides(hosts, accelerators),
            mode="quick" if quick else "full", not_measured=missing_subjects(results, self.subjects))

    def _path_run(self, rid: str, raw: dict, single: dict | None, m: dict, tol: float) -> PathRun:
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
            exit_hang=self._exit_hang(raw, path),
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
                     samples_per_s=self._throughput(raw, m), startup_overhead_s=(
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

    @staticmethod
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

    @staticmethod
    def _exit_hang(raw: dict, path) -> str | None:
        hung = raw.get("exit_hang")
        if not hung:
            return None
        text = "; ".join(f"worker {h['worker']} trained but hung on its way out and was killed ({h['reason']})"
                         for h in hung)
        return text + (f" (possibly {EXIT_HANG_ISSUE[0]}: {EXIT_HANG_ISSUE[1]})" if path.cluster == "torch" else "")

    @staticmethod
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
    def _fault_report(self, entry: PathRun, m: dict, single_loss: float | None, tol: float,
                      quick: bool) -> FaultReport | None:
        if not entry.multi_process:
            return None
        if entry.path in FAULT_NOT_REACHED and entry.status == "fails":
            trial = FaultTrial(
                mechanism="none", program=entry.program, outcome="not_reached", killed_worker=1, killed_at_step=None,
                planned_steps=m["steps"] * m["epochs"], seconds_to_outcome=None, error=entry.error,
                hang_timeout_s=float(self.threshold("hang_after_s", quick)),
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
            trials.extend(self._trials(raw, single_loss, tol, recovery_lines))
        best = max(trials, key=lambda t: FAULT_RANK[t.outcome])
        return FaultReport(outcome=best.outcome, seconds_to_outcome=best.seconds_to_outcome,
                           steps_lost=best.steps_lost,
                           recovery_mechanism=best.mechanism if best.outcome == "recovers" else None, trials=trials,
                           sources=[_source(k) for k in FAULTS[entry.path].sources])

    @staticmethod
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
    @staticmethod
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

    # -- verdict ------------------------------------------------------------------------------------------------
    def verdict(self, a: DistributedAssessment) -> Verdict:
        """From which paths train correctly and what a killed worker does, not from speed.

        supported: every TensorFlow path works, TensorFlow's best fault outcome beats every other option's, and
        no other option trains across processes; partly supported: some TensorFlow path works, but not all, or
        another option also trains across processes or copes with a fault as well; refuted: no TensorFlow path
        works while another option's does; inconclusive: no TensorFlow path was measured.
        """
        findings: dict[str, str] = {
            "a": self._paths_text(a, ("mirrored-fit", "mirrored-custom")),
            "b": self._paths_text(a, ("multiworker-custom", "multiworker-fit")),
            "model_parallel_tensorflow": self._paths_text(a, ("tfcore-dtensor", "tf-keras-modelparallel")),
            "c": self._paths_text(a, ("jax-dataparallel", "jax-multiprocess", "jax-modelparallel",
                                      "torch-keras-distribution", "torch-keras-modelparallel"))
                 + " " + self._routes_text(a),
            "d": self._paths_text(a, ("torch-ddp",)),
            "e": self._numbers_text(a),
            "f": self._faults_text(a),
            "scope": a.scope,
        }
        if a.not_measured:
            findings["missing"] = "Subjects without a result: " + "; ".join(a.not_measured) + "."
        tail = f" (not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)})" if a.not_measured else ""
        tf_runs = [r for r in a.runs.values() if r.path in TENSORFLOW_PATHS]
        if not tf_runs:
            return Verdict("inconclusive", "No TensorFlow distributed path was measured" + tail + ".", findings)
        tf_paths = sorted({r.path for r in tf_runs}, key=TENSORFLOW_PATHS.index)
        works = {p for p in tf_paths if all(r.status == "works" for r in tf_runs if r.path == p)}
        fails = [p for p in tf_paths if p not in works]
        others = [o for o in ("keras-jax", "keras-torch") if a.multi_process_ok(o)]
        other_works = [p for p in OTHER_PATHS if any(r.status == "works" and (r.multi_device or r.multi_process)
                                                     for r in a.runs.values() if r.path == p)]
        tf_fault = max((FAULT_RANK[f.outcome] for o in ("keras-tensorflow", "tensorflow-core")
                        if (f := a.fault_outcome(o))), default=None)
        other_fault = max((FAULT_RANK[f.outcome] for o in ("keras-jax", "keras-torch") if (f := a.fault_outcome(o))),
                          default=None)
        parts = [f"TensorFlow trained correctly on {len(works)} of its {len(tf_paths)} distributed paths"
                 + (f" ({', '.join(PATHS[p].what for p in tf_paths if p in works)})" if works else "")
                 + f", final losses within {a.loss_tolerance:g} of one device"]
        for p in fails:
            bad = next(r for r in tf_runs if r.path == p and r.status != "works")
            parts.append(f"{PATHS[p].what} failed: {self._failure_words(bad)}")
        for option in ("keras-jax", "keras-torch"):
            ok = [r for r in a.paths_for(option) if r.status == "works" and r.path in OTHER_PATHS
                  and (r.multi_device or r.multi_process)]
            if ok:
                parts.append(f"{option} trained correctly on " + ", ".join(
                    f"{r.what} ({r.processes} processes)" if r.multi_process else r.what for r in ok))
        fault_words = self._fault_summary(a)
        if fault_words:
            parts.append(fault_words)
        caveat = (f"on {a.cpu_count} CPU cores these runs prove correctness and measure overhead and fault "
                  f"behaviour, not speed-up")
        tf_more_robust = tf_fault is not None and (other_fault is None or tf_fault > other_fault)
        if works and not fails and not others and not other_works and tf_more_robust:
            reading = "supported"
        elif works:
            reading = "partly supported"
        elif other_works:
            reading = "refuted"
        else:
            reading = "inconclusive"
        if a.scale_decided:
            return Verdict(reading, "; ".join(parts) + "; " + caveat + tail + ".", findings)
        # The venue cannot decide the claim as stated (large scale): say what it does decide, as findings.
        venue = (f"{a.hosts} machine{'s' if a.hosts > 1 else ''}, {a.cpu_count} CPU cores, "
                 f"{a.accelerators or 'no'} accelerator{'s' if a.accelerators != 1 else ''}")
        findings["venue"] = (f"This venue ({venue}) cannot decide the claim as the article states it: it needs "
                             f"{a.venue_needs}.")
        findings["correctness"] = parts[0] + "".join(f"; {p}" for p in parts[1:] if "trained correctly" in p
                                                     or " failed: " in p) + "."
        findings["overhead"] = ("On one machine the replicas share the cores one device already uses, so every "
                                "throughput here measures the cost of going distributed, not a speed-up: "
                                + self._overhead_text(a))
        findings["fault_behaviour"] = (fault_words or "No fault trial ran") + (
            f". A survivor counts as hung only after its framework's documented timeout "
            f"({self.threshold('hang_after_s'):g} s: JAX's {JAX_HEARTBEAT_TIMEOUT_S} s heartbeat timeout plus a "
            f"margin); on one machine a killed worker's sockets close at once, so a lost machine was not tested.")
        findings["reading_on_this_venue"] = (
            f"Judged on what this venue decides (correctness and fault behaviour), the former rule reads "
            f"'{reading}'; it is a finding, not the verdict.")
        summary = (f"Inconclusive for large-scale work: this venue ({venue}) cannot show scaling, which needs "
                   f"{a.venue_needs.split(':')[0]}. What {a.cpu_count} CPU cores do show: "
                   + "; ".join(parts) + tail + ".")
        return Verdict("inconclusive", summary, findings)

    @staticmethod
    def _overhead_text(a: DistributedAssessment) -> str:
        rows = [f"{r.what} {r.speedup_vs_single:.2f}x the single-device throughput"
                + (f" ({r.processes} processes)" if r.multi_process else f" ({r.devices} devices)")
                for r in a.runs.values() if r.status == "works" and r.speedup_vs_single is not None
                and (r.multi_device or r.multi_process)]
        return ("; ".join(rows) + ".") if rows else "no distributed run worked."

    # -- prose of the verdict ---------------------------------------------------------------------------------
    @staticmethod
    def _failure_words(run: PathRun) -> str:
        if run.error is None:
            return run.reason or "no result"
        issues = ", ".join("{3}/{4}#{6}".format(*i.url.split("/")) for i in run.known_issues if "/issues/" in i.url)
        return (run.reason or run.error.text(160)) + (f" (public report: {issues})" if issues else "")

    @staticmethod
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

    def _paths_text(self, a: DistributedAssessment, names: tuple[str, ...]) -> str:
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
                    texts.append(f"{label}: FAILED, {self._failure_words(r)}")
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

    @staticmethod
    def _routes_text(a: DistributedAssessment) -> str:
        words = {"works": "works here", "fails": "tried here and does not shard", None: "not run here",
                 "not_applicable": "does not apply", "unavailable": "could not be tried"}
        return "Model parallelism, per option: " + "; ".join(
            f"{m.option}, {m.route}: {words[m.status]} ({m.statement})" for m in a.model_parallel) + "."

    @staticmethod
    def _numbers_text(a: DistributedAssessment) -> str:
        rows = []
        for r in a.runs.values():
            rows.append(f"{r.id}: {r.status}"
                        + (f", loss difference {r.loss_rel_diff:.1e}" if r.loss_rel_diff is not None else "")
                        + (f", efficiency {r.scaling_efficiency:.0%}" if r.scaling_efficiency is not None else "")
                        + (f", {_lines(r.lines.added)} new or rewritten" if r.lines else ""))
        return (f"Loss tolerance {a.loss_tolerance:g} (relative to the single-device final loss). "
                + "; ".join(rows) + ".")

    @staticmethod
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


CLAIM = DistributedScalingClaim()
