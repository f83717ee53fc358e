"""The distributed-scaling claim's declarations; its parts are wired in from their modules (measure, assess,
verdict, report, synthetic)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidence.claim import Claim, Context, Side, VenueScope
from evidence.contract import Decision, DecisionChange, Report, Setting, SubjectResult, Threshold, Thresholds
from evidence.options import KERAS_BACKEND

from .assessment import DistributedAssessment
from .paths import FAULTS, JAX_HEARTBEAT_TIMEOUT_S, PATHS, SCOPE, SINGLE_KERAS, SINGLE_TFCORE, fault_step

__all__ = ["JAX_HEARTBEAT_TIMEOUT_S", "SCOPE", "DistributedScalingClaim"]


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
    unguarded_thresholds = {
        "hang_after_s": "applied by the worker while it watches a killed worker's survivors (one still running "
                        "after it is recorded hung); the judge reads the recorded outcome, not this number",
    }
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
        return fault_step(self.setting("steps", quick), epochs)

    # -- the parts ----------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """The subject's single-device run, each of its distributed paths, then its fault trials
        (:func:`.measure.measure`)."""
        from .measure import measure

        return measure(self, ctx)

    def assess(self, results: Mapping[str, SubjectResult], quick: bool) -> DistributedAssessment:
        """Each run judged against its single-device program, with fault reports and model-parallel routes
        (:func:`.assess.assess`)."""
        from .assess import assess

        return assess(self, results, quick)

    def decide(self, assessment: DistributedAssessment, thresholds: Thresholds) -> Decision:  # type: ignore[override]
        """The decision (:func:`.verdict.decide`)."""
        from .verdict import decide

        return decide(assessment, thresholds)

    def report(self, assessment: DistributedAssessment, decision: Decision) -> Report:  # type: ignore[override]
        """The prose (:func:`.report.report`)."""
        from .report import report

        return report(assessment, decision)

    def synthetic_results(self, quick: bool, around: tuple[str, Side] | None = None
                          ) -> dict[str, SubjectResult] | None:
        """Made-up runs of every path (:func:`.synthetic.synthetic_results`)."""
        from .synthetic import synthetic_results

        return synthetic_results(self, quick, around)
