"""Claim ``performance``: TensorFlow's own engine is tuned for speed.

The article sets Keras's many engines against TensorFlow's single one, "tuned for performance". This claim times
real architectures (the zoo: ResNet-50, a BERT-base encoder, GPT-2 small, from configurations with random
weights, ``evidence/programs/zoo.py``) on every engine twice: through Keras 3 (``keras-tensorflow``,
``keras-jax``, ``keras-torch``) and natively with the engine's own documented practice (``tensorflow-core``:
``tf.function`` with XLA; ``jax-native``: ``jax.jit`` with optax; ``torch-native``: torchvision and transformers,
eager and ``torch.compile``), each at its defaults and its documented best settings (``data/zoo_settings.json``).
It answers two questions apart, per model and phase (training step, inference, generation), each a ratio with
its bootstrap interval, beside compile time and peak memory:

1. *engine against engine*: TensorFlow's native best against JAX's and PyTorch's native best; the verdict
   answers the article's sentence from these ratios alone, on the venue it ran on;
2. *what Keras costs or gains* on each backend: Keras-on-X at its best against X's native best.

The small hand-made models of the first design (an MLP, a CNN and a transformer block; the *dispatch-bound*
class, ``perf_spec.py``) stay as the small-model finding: there Python and framework overhead decide, and Keras's
``steps_per_execution`` is the documented remedy (``data/option_settings.json``; ``kvt check --time`` reads it).

Method (``measure_zoo.py``): each cell's first call is timed on its own (tracing and compiling), then warm-up
calls, then timed windows of several steps with no epoch boundary inside; per-step seconds are the windows'
times over their steps. Each option runs in its own worker process. The roof is a dense float32 matrix product
measured in every worker with its own framework and NumPy, before and after its models. The decision rule is
:func:`~evidence.claims.performance.verdict.decide`, with the thresholds below, fixed on
:attr:`PerformanceClaim.decision_rule_fixed`; its changes are in the decision log.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidence.claim import Claim, Context, Side, VenueScope, load_program
from evidence.claims.performance.assessment import PerformanceAssessment
from evidence.claims.performance.declarations import (  # re-exported: what readers of the claim import
    KERAS_PROGRAM,
    OPTION_SETTINGS,
    SPEC_PROGRAM,
    SUBJECTS,
    TFCORE_PROGRAM,
    ZOO_PROGRAMS,
    ZOO_SETTINGS,
)
from evidence.contract import (
    Assessment,
    Decision,
    DecisionChange,
    Report,
    Setting,
    SubjectResult,
    Threshold,
    Thresholds,
)


class PerformanceClaim(Claim):
    """Real architectures on every engine, through Keras and natively, each at its default and documented best."""

    id = "performance"
    dimension = "Backend support"
    title = "TensorFlow's own engine is tuned for speed"
    statement = ("TensorFlow runs on a single engine of its own, tuned for performance, so it should train and "
                 "predict faster than Keras on other engines.")
    sub_claims = {
        "engines": "TensorFlow's engine at its native best against JAX's and PyTorch's at theirs, per model and "
                   "phase (train step, inference, generation), as throughput ratios with intervals.",
        "keras_overhead": "What Keras costs or gains on each backend: Keras-on-X at its best against X's native "
                          "best, per model and phase.",
        "compile": "Tracing and compiling time and peak memory, beside the steady-state speed.",
        "roof": "Each option's achieved FLOP/s on ResNet-50 and BERT training as a fraction of the measured dense "
                "matmul roof.",
        "small_models": "The dispatch-bound class (small hand-made models), where per-step overhead decides.",
    }
    subjects = tuple(SUBJECTS)
    programs = (SPEC_PROGRAM, KERAS_PROGRAM, TFCORE_PROGRAM, "zoo.py", *ZOO_PROGRAMS.values())
    assessment_type = PerformanceAssessment
    venue_scope = VenueScope(needs="a machine that runs the frameworks; the article's claim is aimed at "
                                   "accelerators, so a CPU venue answers it for CPUs only")
    thresholds = {
        "faster_margin": Threshold(value=0.25, reason=(
            "one engine (or Keras against native) is called faster on a model and phase only when the whole 90% "
            "bootstrap interval of its throughput ratio lies at or above 1 + margin, and slower when it lies at or "
            "below 1 / (1 + margin); on a 2-core CPU fresh processes of one option differ by about a fifth, and "
            "each option runs in one process per run")),
        "engine_margin": Threshold(value=0.10, reason=(
            "TensorFlow's engine counts faster overall only when the whole interval of the geometric mean of its "
            "native-best / the other engines' native-best ratios over the zoo's cells lies at or above 1 + margin; "
            "smaller than a cell's margin because a mean over several cells is steadier")),
        "bootstrap_level": Threshold(value=0.9, reason="90% intervals for every ratio and geometric mean"),
        "min_cells": Threshold(value=4, reason=(
            "a verdict needs at least four zoo model-phase cells timed natively on TensorFlow and on at least one "
            "other engine (quick mode's tiny models: inconclusive by mode)")),
        "min_steadiness": Threshold(value=0.7, reason=(
            "NumPy's matmul must keep at least this share of its best speed from worker to worker, and each "
            "framework's from before its models to after; below it other processes competed for the CPU. Lower "
            "than the first design's 0.8: the zoo's workers run for minutes, not seconds, on a shared machine")),
        "max_rss_gib": Threshold(value=12.0, reason="a worker's peak memory must stay under 12 GiB (issue 27)"),
    }
    unguarded_thresholds = {
        "bootstrap_level": "it sets how wide every interval of the assessment is (the bootstrap's level); the rule "
                           "compares those intervals with faster_margin and engine_margin, whose edges it guards",
        "max_rss_gib": "it lists the cells whose worker passed it (the assessment's over_memory, a finding); the "
                       "decision does not read memory",
    }
    settings = {
        "zoo_size": Setting(full="full", quick="tiny", reason="the zoo's published architectures; tiny ones in CI"),
        "resnet_image_size": Setting(full=112, quick=32, reason=(
            "cut from 224 to 112: the architecture is whole (all 50 layers, real widths) but a 224x224 training "
            "step takes ~3 s on 2 cores and the ten option-settings would take the run past its budget")),
        "resnet_batch": Setting(full=8, quick=2, reason="images per step; cut from the usual 32-256 for the budget"),
        "bert_sequence_length": Setting(full=128, quick=16, reason="BERT-base at its usual fine-tuning length"),
        "bert_train_batch": Setting(full=1, quick=2, reason=(
            "one 128-token sequence per training step (~67 GFLOP): cut from 32 for the budget")),
        "bert_infer_batch": Setting(full=2, quick=2, reason="sequences per inference batch; cut for the budget"),
        "gpt2_prompt_length": Setting(full=32, quick=8, reason="prompt tokens before generation"),
        "gpt2_new_tokens": Setting(full=16, quick=4, reason="tokens generated per call (greedy, no stop token)"),
        "gpt2_batch": Setting(full=4, quick=2, reason="the larger generation batch (the other is 1)"),
        "zoo_cells": Setting(full="all", quick=["bert_base/inference", "gpt2_small/generate_b1"], reason=(
            "the model-phase cells the other workers run: in quick mode (CI) the tiny BERT's inference and the tiny "
            "GPT-2's generation; XLA alone compiles the tiny ResNet's training step for 30-40 s")),
        "compile_cells": Setting(
            full=["bert_base/inference", "resnet50/inference", "bert_base/train", "resnet50/train",
                  "gpt2_small/generate_b1", "gpt2_small/generate_batch"],
            quick=["bert_base/inference"], reason=(
                "the model-phase cells the torch.compile workers run, cheapest compile first: torch.compile "
                "compiles each for tens of seconds to minutes on 2 cores, and the cells its worker's budget does "
                "not reach are recorded unavailable; quick mode (CI) compiles one")),
        "keras_compile_cells": Setting(
            full=["bert_base/inference", "resnet50/inference", "bert_base/train", "resnet50/train",
                  "gpt2_small/generate_b1", "gpt2_small/generate_batch"], quick=[],
            reason=("the cells Keras's torch.compile worker considers, as compile_cells (its generation cells are "
                    "not applicable: KerasHub's generate does not compile on torch); none in quick mode, where it "
                    "compiled even the tiny BERT's inference for ~140 s (Dynamo breaks Keras's layers into many "
                    "graphs)")),
        "warmup_steps": Setting(full=1, reason=(
            "untimed calls after the first (timed apart as compile): Keras on TensorFlow and torch.compile may "
            "trace again on the second call")),
        "windows": Setting(full=3, quick=2, reason="timed windows per cell; their spread makes the interval"),
        "steps_per_window": Setting(full=2, quick=2, reason=(
            "steps (or generation calls) per timed window: several, so a window holds no single-step jitter")),
        "generate_steps_per_window": Setting(full=1, reason="generation calls per window: one call is 16 tokens"),
        "worker_budget_s": Setting(full=300, quick=240, reason=(
            "seconds a worker starts new cells for: cells it reaches later are recorded unavailable, so that the "
            "runner's timeout never loses the cells already timed; a torch.compile cell may compile for minutes")),
        "worker_margin_s": Setting(full=150, quick=90, reason=(
            "seconds before the runner's timeout by which a zoo cell still running is stopped (recorded failed): "
            "what the small models, the parity check and the closing roofs take after the zoo")),
        "models_small": Setting(full=["mlp", "cnn", "attention"], quick=["mlp"], reason=(
            "the dispatch-bound class of the first design (26k-400k weights)")),
        "batch_size_dispatch": Setting(full=64, reason="the first design's batch size for the small models"),
        "steps_dispatch": Setting(full=8, quick=4, reason=(
            "batches per epoch of a small model (20-300 ms an epoch), a multiple of steps_per_execution")),
        "steps_per_execution": Setting(full=4, quick=2, reason=(
            "steps per compiled call for the spe settings of the small models")),
        "matmul_n": Setting(full=2048, quick=1024, reason="side of the roof's square matrices"),
        "matmul_repeats": Setting(full=5, reason="timed products per roof measurement (the best counts)"),
        "matmul_warmup_s": Setting(full=0.5, reason=(
            "seconds of untimed products before each roof measurement: a fresh process's first products run "
            "slow for longer than one call")),
        "bootstrap_iterations": Setting(full=2000, quick=200, reason="draws of the bootstrap"),
    }
    decision_rule_fixed = "2026-12-07"
    decision_log = (
        DecisionChange(
            date="2026-11-26",
            change=("'refuted' changed from 'the whole 90% interval of the geometric mean of TensorFlow-engine-best "
                    "/ other-best is at or below 1/1.1' to 'the whole interval is below 1'."),
            reason="the old rule tested 'TensorFlow is slower by 10%', not the claim 'TensorFlow is faster'.",
            affects="the first design's results (removed on 2026-12-01)."),
        DecisionChange(
            date="2026-12-01",
            change=("rule replaced for the issue-12 design: two size classes of hand-made models, TensorFlow-best "
                    "/ other-best per class, Keras-wrapped rivals."),
            reason="the first design measured a non-default TensorFlow and models that measured Python dispatch.",
            affects="supersedes the first design's results; they are not re-judged."),
        DecisionChange(
            date="2026-12-07",
            change=("rule replaced for the issue-27 design: the verdict rests on the zoo's real architectures "
                    "(ResNet-50, BERT-base, GPT-2 small) and on native-against-native ratios only: per model and "
                    "phase TensorFlow's native best over each other engine's native best, faster / slower when the "
                    "whole interval clears 1.25 / 0.8; overall the geometric mean over cells. Supported: the mean's "
                    "interval at or above 1.10 and no cell slower; refuted: the mean's interval below 1, or no cell "
                    "faster and one slower; partly supported otherwise; inconclusive in quick mode, with fewer "
                    "than four cells or on an unsteady machine. Keras against native is reported apart and never "
                    "enters the verdict."),
            reason=("issue 27: the issue-12 verdict set bare TensorFlow against Keras-wrapped JAX and PyTorch and "
                    "rested on two hand-made compute-bound models, one of whose cells timed fit's per-epoch work; "
                    "fixed in code on this date before the first full run of the new design."),
            affects=("supersedes the issue-12 design's result (partly supported on cpu-2core); it is not "
                     "re-judged. The site's performance story rendered its own >= 1.25 comparison; it now renders "
                     "the claim's decision.")),
    )
    repeats = (2, 3)
    warmup = 1
    timeout_s = (420, 600)
    reruns = (1, 1)

    # -- declarations read by readers and by kvt check ---------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """Every worker runs under its engine's Keras backend: the native JAX and TensorFlow programs drive the
        Keras-defined graph, and the PyTorch worker checks parity through KerasHub on torch."""
        return SUBJECTS[subject]["backend"]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras and the engine's framework; optax for native JAX."""
        extra = ("optax",) if subject == "jax-native" else ()
        return ("keras", SUBJECTS[subject]["framework"], *extra)

    # -- measurement --------------------------------------------------------------------------------------------
    def zoo_cells(self, subject: str, quick: bool) -> list[dict[str, Any]]:
        """The zoo cells one worker times, in order: per model and phase, each of its settings."""
        from evidence.claims.performance.assess_zoo import cell_plan

        return cell_plan(self, subject, quick)

    def measure(self, ctx: Context) -> dict[str, Any]:
        """The roofs, the zoo cells, the dispatch-bound models (Keras and TensorFlow-core workers), the roofs."""
        from evidence.claims.performance.measure import run_subject

        config = SUBJECTS[ctx.subject]
        option = config["option"]
        small_settings: list[tuple[str, dict[str, Any], list[str]]] = []
        small = config["small"]
        spe = int(self.setting("steps_per_execution", ctx.quick))
        models = list(self.setting("models_small", ctx.quick))
        if small:
            for name in small[1]:
                declared = OPTION_SETTINGS[option][name]
                small_settings.append((name, {"jit_compile": declared["jit_compile"],
                                              "steps_per_execution": spe if declared["spe"] else 1}, models))
        size = (int(self.setting("batch_size_dispatch", ctx.quick)), int(self.setting("steps_dispatch", ctx.quick)),
                ctx.warmup)
        out = run_subject(
            framework=config["framework"], zoo_program=ZOO_PROGRAMS[config["zoo"][0]],
            zoo_cells=self.zoo_cells(ctx.subject, ctx.quick), small_program=small[0] if small else None,
            small_settings=small_settings, small_sizes=dict.fromkeys(models, size), repeats=ctx.repeats,
            roof={"matmul_n": int(self.setting("matmul_n", ctx.quick)),
                  "repeats": int(self.setting("matmul_repeats", ctx.quick)),
                  "warmup_s": float(self.setting("matmul_warmup_s", ctx.quick))},
            budget_s=float(self.setting("worker_budget_s", ctx.quick)),
            # The zoo's cells must end before the runner's timeout, leaving time for the small models and roofs.
            hard_s=float(self.timeout_s[0 if ctx.quick else 1]) - float(self.setting("worker_margin_s", ctx.quick)),
            parity_size=str(self.setting("zoo_size", ctx.quick)) if config.get("parity") else None,
            workdir=str(ctx.workdir))
        return {**out, "option": option, "subject": ctx.subject, "mode": "quick" if ctx.quick else "full"}

    # -- judgement ----------------------------------------------------------------------------------------------
    def assess(self, results: Mapping[str, Any], quick: bool) -> PerformanceAssessment:
        """Raw worker results to the typed assessment (:mod:`.assess`)."""
        from evidence.claims.performance.assess import assess

        return assess(self, results, quick)

    def decide(self, assessment: Assessment, thresholds: Thresholds) -> Decision:
        """The decision (:func:`.verdict.decide`)."""
        from evidence.claims.performance.verdict import decide

        return decide(assessment, thresholds)

    def report(self, assessment: Assessment, decision: Decision) -> Report:
        """The prose (:func:`.report.report`)."""
        from evidence.claims.performance.report import report

        assert isinstance(assessment, PerformanceAssessment)
        return report(assessment, decision)

    def synthetic_results(self, quick: bool, around: tuple[str, Side] | None = None
                          ) -> dict[str, SubjectResult] | None:
        """Made-up worker results with every timing exact (:func:`.synthetic.synthetic_results`); just below and
        above each threshold that guards a decision (see :attr:`unguarded_thresholds` for the others)."""
        from evidence.claims.performance.synthetic import synthetic_results

        return synthetic_results(self, quick, around)


__all__ = ["CLAIM", "OPTION_SETTINGS", "SUBJECTS", "ZOO_SETTINGS", "PerformanceClaim", "load_program"]

CLAIM = PerformanceClaim()
