"""The ``backend_portability`` claim: its declarations (statement, subjects, stages, thresholds with reasons,
settings, decision log, programs, data) and the wiring to its parts: :mod:`.measure` and
:mod:`.measure_architectures` (what a worker measures), :mod:`.assess` (raw results -> assessment),
:mod:`.verdict` (assessment -> decision) and :mod:`.report` (prose)."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidence.claim import Claim, Context
from evidence.claims.backend_portability import assess, report, verdict
from evidence.claims.backend_portability.assessment import PortabilityAssessment
from evidence.claims.backend_portability.subjects import (
    ARCHITECTURES,
    ARCHITECTURES_QUICK,
    BACKENDS,
    CORPUS,
    CORPUS_QUICK,
    INFERENCE_ONLY,
    MODEL_PROGRAM,
    REQUIRES,
)
from evidence.contract import Assessment, Decision, DecisionChange, Report, Setting, Threshold, Thresholds
from evidence.options import KERAS_OPTIONS

#: The claim's data files (in its package's ``data/`` folder), hashed with its code.
DATA = Path(__file__).parent / "data"


class BackendPortabilityClaim(Claim):
    """The same Keras code on five backends: train, cross-load, and a corpus of Keras programs."""

    id = "backend_portability"
    dimension = "Backend support"
    title = "Keras switches backend engines without code changes"
    statement = ("Keras lets you change the engine it runs on without rewriting the model, whereas TensorFlow "
                 "comes with one engine of its own, optimised for speed (that half is tested by the "
                 "`performance` claim).")
    sub_claims = {
        "a": "One model program, unchanged, trains on the tensorflow, jax and torch backends to test accuracies "
             "within a declared tolerance of each other.",
        "b": "A .keras file saved under one backend loads under every other backend, the inference-only numpy "
             "and openvino included, and predicts the same probabilities.",
        "c": "A corpus of programs of the kinds Keras users write (keras.io's model families, layers, "
             "preprocessing, custom training and data pipelines) runs unchanged on the three training backends; "
             "what does not port, by class, with its share and a real error (distribution code is measured by the "
             "distributed_scaling claim).",
        "d": "Architectures from the field's libraries, code nobody here wrote (KerasHub's BERT and GPT-2, "
             "keras.applications' ResNet-50 and MobileNetV3), built from their configurations with random weights "
             "and run unchanged, train a few steps under each training backend, and a .keras file saved under each "
             "loads under each other backend with the same predictions.",
    }
    subjects = (*KERAS_OPTIONS, *INFERENCE_ONLY)
    stages = ("train", "load", "corpus", "arch_train", "arch_load")
    programs = (MODEL_PROGRAM, *CORPUS, *ARCHITECTURES)
    assessment_type = PortabilityAssessment
    thresholds = {
        "accuracy_tolerance": Threshold(
            value=0.03, quick=0.06,
            reason="largest spread of test accuracy across training backends that counts as the same: each backend "
                   "draws other initial weights from one seed, so accuracies differ by training noise, more in the "
                   "shorter quick run"),
        "min_accuracy": Threshold(
            value=0.9, quick=0.8,
            reason="every backend must also learn (digits: ~0.96 after 20 epochs, ~0.94 after 8), so that equally "
                   "broken runs do not count as agreement"),
        "prediction_tolerance": Threshold(
            value=1e-4,
            reason="largest absolute difference of predicted probabilities for a cross-backend load computed in "
                   "float32 (probes: below 5e-7)"),
        "reduced_precision_tolerance": Threshold(
            value=2e-2,
            reason="for an engine computing in bfloat16 by default (OpenVINO on bf16 CPUs): bfloat16 keeps 8 bits "
                   "of mantissa (~4e-3 per rounding); this model's probabilities moved by 3e-3 to 8e-3 in probes"),
        "min_class_agreement": Threshold(
            value=0.99, reason="share of predicted classes a reduced-precision engine must keep"),
        "supported_share": Threshold(
            value=0.9,
            reason="'without code changes' holds when at least nine in ten corpus programs written to the Keras API "
                   "alone run unchanged on every training backend"),
        "refuted_share": Threshold(
            value=0.5,
            reason="below half of the Keras-only corpus programs running unchanged on every backend, switching "
                   "engines is the exception, not the rule"),
        "architecture_tolerance": Threshold(
            value=1e-4,
            reason="largest difference between a third-party architecture's predictions after a cross-backend load "
                   "and the saving backend's own, over their largest magnitude (at least 1): float32 (epsilon 1.2e-7) "
                   "through up to 50 layers, each engine summing in its own order (oneDNN, XLA, ATen), leaves "
                   "differences of a few epsilons per layer (quick-mode probes of all four programs on 2026-12-07: "
                   "at most 5e-7); a load that lost or reordered weights moves predictions by 1e-2 or more"),
    }
    settings = {
        "epochs": Setting(full=20, quick=8, reason="digits_mlp reaches ~0.96 test accuracy in 20 epochs, ~0.94 in "
                                                   "8; at least warm-up + repeats epochs run, to time them"),
        "batch_size": Setting(full=32),
        "corpus_epochs": Setting(full=3, quick=2, reason="each corpus program's easy task shows a falling loss "
                                                         "within two epochs; porting, not accuracy, is measured"),
        "corpus_programs": Setting(full=list(CORPUS), quick=list(CORPUS_QUICK),
                                   reason="quick mode runs a subset that still holds a working and two failing "
                                          "programs, to stay within CI's budget"),
        "architecture_programs": Setting(
            full=list(ARCHITECTURES), quick=list(ARCHITECTURES_QUICK),
            reason="each program's CONFIGS and INPUTS say what it builds in each mode: in full mode the library's "
                   "real configuration (BERT-base, GPT-2 small, ResNet-50, MobileNetV3-Small) with the batch and "
                   "the sequence length or resolution cut to fit the budget; in quick mode the KerasHub programs at "
                   "tiny configurations of the same classes (the vision programs' XLA compiles alone would take "
                   "a minute of CI)"),
        "architecture_steps": Setting(full=3, quick=2, reason="a few training steps, on one batch, show that the "
                                                              "library's model trains under the backend: porting, "
                                                              "not learning, is measured"),
    }
    decision_rule_fixed = "2026-12-01"  # changed since: decision_log
    decision_log = (
        DecisionChange(
            date="2026-12-01",
            change="The verdict also needs the corpus: supported needs (a), (b) and at least supported_share of the "
                   "Keras-only corpus programs running unchanged on every training backend; refuted below "
                   "refuted_share. Thresholds declared with reasons; the quick/full pairs became one threshold each.",
            reason="Issue 13: a verdict resting on one MLP says nothing of the code Keras users write.",
            affects="The schema-1 result (supported on the MLP and two non-portable programs alone), replaced by "
                    "this claim's rerun."),
        DecisionChange(
            date="2026-12-07",
            change="Sub-claim (d): architectures from the field's libraries (KerasHub BERT and GPT-2, "
                   "keras.applications ResNet-50 and MobileNetV3-Small), counted apart from our own corpus. Supported "
                   "also needs at least supported_share of the architectures tried to port (train under every "
                   "training backend, cross-load with predictions within architecture_tolerance); refuted also below "
                   "refuted_share of them. Architectures that could not be tried (keras-hub missing) decide nothing.",
            reason="Issue 27: the verdict rested on programs this project wrote; 11 of 12 was one program from the "
                   "other verdict.",
            affects="The result of 2026-12-01 (supported on our own programs alone), replaced by this claim's rerun."),
    )
    repeats = (2, 10)
    warmup = 1  # the first epoch traces and compiles the train step
    # Per worker: the full arch_train cell builds, compiles (XLA under tensorflow and jax), trains and saves four
    # real-size architectures, about three minutes on an idle 2-core machine and several times that on a loaded one
    # (quick: 103 s under a load average of 10, 2026-12-07).
    timeout_s = (300, 1200)

    # -- runner hooks ---------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """Each subject is one Keras backend."""
        return BACKENDS[subject]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras, and the subject's framework (numpy needs nothing more)."""
        framework = REQUIRES[subject]
        return ("keras", framework) if framework else ("keras",)

    def stage_subjects(self, stage: str) -> tuple[str, ...]:
        """Training, the corpus and the architectures on the three training backends; loading the model program on
        all five."""
        return self.subjects if stage == "load" else KERAS_OPTIONS

    # -- measurement ----------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """Dispatch to the stage; each stage returns its typed measurement (:mod:`.measurement`), serialised, under a
        key of its own name."""
        import keras

        # A measurement under the wrong backend would be silently meaningless: the runner sets KERAS_BACKEND from
        # keras_backend(), and a KERAS_BACKEND that Keras ignored would show here.
        if keras.backend.backend() != BACKENDS[ctx.subject]:
            raise RuntimeError(f"Expected Keras backend {BACKENDS[ctx.subject]!r} for {ctx.subject}; keras runs "
                               f"{keras.backend.backend()!r}")
        if keras.backend.backend() == "torch":
            # One intra-op thread for torch. On this 2-core machine, shared with the runner and often with other
            # processes, torch's default two-thread pool slows by up to 50x as soon as a core is busy (measured:
            # 0.35 s per digits epoch with one thread, 3-7 s with two, under a load average of 6; 0.1 s vs 0.1 s on
            # an idle machine). Results are unchanged; speed is the performance claim's subject, and this is
            # recorded.
            import torch

            torch.set_num_threads(1)
        from evidence.claims.backend_portability import measure, measure_architectures

        if ctx.stage == "train":
            trained = measure.train(ctx, self.setting("epochs", ctx.quick), self.setting("batch_size", ctx.quick))
            return {"train": trained.model_dump(mode="json")}
        if ctx.stage == "load":
            return {"load": measure.load(ctx, inference_only=ctx.subject in INFERENCE_ONLY).model_dump(mode="json")}
        if ctx.stage == "corpus":
            ran = measure.corpus(ctx, list(self.setting("corpus_programs", ctx.quick)),
                                 self.setting("corpus_epochs", ctx.quick))
            return {"corpus": ran.model_dump(mode="json")}
        if ctx.stage == "arch_train":
            trained = measure_architectures.train(ctx, list(self.setting("architecture_programs", ctx.quick)),
                                                  self.setting("architecture_steps", ctx.quick))
            return {"arch_train": trained.model_dump(mode="json")}
        if ctx.stage == "arch_load":
            loaded = measure_architectures.load(ctx, list(self.setting("architecture_programs", ctx.quick)))
            return {"arch_load": loaded.model_dump(mode="json")}
        raise ValueError(f"Expected a stage of {self.stages}; received: stage={ctx.stage!r}")

    # -- the parts ------------------------------------------------------------------------------------------------
    def assess(self, results: Mapping[str, Any], quick: bool) -> PortabilityAssessment:
        """The typed assessment (:func:`.assess.assess`)."""
        return assess.assess(self, results, quick)

    def decide(self, assessment: Assessment, thresholds: Thresholds) -> Decision:
        """The typed decision (:func:`.verdict.decide`) under the thresholds' values for the run's mode."""
        assert isinstance(assessment, PortabilityAssessment)
        return verdict.decide(assessment, thresholds)

    def report(self, assessment: Assessment, decision: Decision) -> Report:
        """The decision's prose (:func:`.report.report`)."""
        assert isinstance(assessment, PortabilityAssessment)
        return report.report(assessment, decision)

    def synthetic_results(self, quick: bool, around: tuple[str, str] | None = None) -> dict[str, Any] | None:
        """Subject results made up without running anything (:mod:`.synthetic`), for the family test: all
        agreeing, or with the judged number just ``below`` or ``above`` threshold ``around[0]``."""
        from evidence.claims.backend_portability import synthetic

        if around is None:
            return synthetic.results()
        return synthetic.around(around[0], around[1], assess.threshold_values(self, quick))  # type: ignore[arg-type]


CLAIM = BackendPortabilityClaim()
