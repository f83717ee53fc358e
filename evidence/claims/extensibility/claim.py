"""The extensibility claim's declarations; its parts are wired in from their modules (measure, assess, verdict,
report, synthetic)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from evidence.claim import Claim, Context, Side
from evidence.claims.extensibility.assessment import ExtensibilityAssessment
from evidence.claims.extensibility.routes import (
    BUILDERS,
    BUILDS,
    CHECK_PROGRAM,
    JAX_PROGRAM,
    KERAS_PROGRAM,
    TF_PROGRAM,
    TFCORE_PROGRAM,
    TORCH_PROGRAM,
)
from evidence.contract import Decision, DecisionChange, Report, Setting, SubjectResult, Threshold, Thresholds
from evidence.options import FRAMEWORK, KERAS_BACKEND, KERAS_OPTIONS, OPTIONS, TF_CORE


class ExtensibilityClaim(Claim):
    """Each option's own extension routes, attempted for real; other backends' code reported as portability."""

    id = "extensibility"
    dimension = "Extensibility"
    title = "TensorFlow is extensible through low-level APIs; Keras is limited"
    statement = ("TensorFlow's low-level APIs let you add custom operations and other extensions, whereas Keras "
                 "offers little beyond the building blocks it ships with.")
    sub_claims = {
        "layers": "A custom layer on every option, with Keras's API and with the option's own framework.",
        "losses_metrics": "A custom loss and a custom metric on every option.",
        "training": "Custom training: a train_step override per backend, and a hand-written loop per framework.",
        "gradients": "A custom gradient through each option's own mechanism (keras.ops.custom_gradient, "
                     "tf.custom_gradient, jax.custom_vjp, torch.autograd.Function), checked against finite "
                     "differences.",
        "compiled_ops": "A C++ op compiled with g++ through each option's own mechanism (tf.load_op_library, "
                        "jax.ffi, torch.utils.cpp_extension), used inside a model, gradient checked.",
        "kernels": "Other routes of the backends' own: torch.library.custom_op, a Pallas kernel.",
        "portability": "Whether extension code written with one backend's framework runs on the others.",
        "lines": "Lines of code and build steps each route needs.",
    }
    subjects = OPTIONS
    stages = ("measure", "portability")
    assessment_type = ExtensibilityAssessment
    programs = (KERAS_PROGRAM, TFCORE_PROGRAM, TF_PROGRAM, JAX_PROGRAM, TORCH_PROGRAM, CHECK_PROGRAM,
                *(b.source for b in BUILDS.values()))
    thresholds = {
        "gradient_tolerance": Threshold(
            value=2e-3,
            reason="central differences in float32 with step 1e-2 are off by ~1e-5 on these smooth functions; a "
                   "backward wrong by 1% of a unit slope is 5 times over"),
        "value_tolerance": Threshold(
            value=1e-5, reason="float32 rounding of values up to 4 is ~5e-7; a wrong formula is off by far more"),
        "not_limited_min_coverage": Threshold(
            value=1.0,
            reason="an option is not limited when every need (layer, loss, metric, custom training, custom "
                   "gradient, compiled op) is met through its own tools"),
    }
    settings = {
        "portability": Setting(
            full=True, quick=False,
            reason="other backends' routes cost each worker a foreign framework import; quick mode (CI) attempts "
                   "each option's own routes only"),
        "build_timeout_s": Setting(full=240, reason="the torch build is the slowest, ~10 s on 2 cores"),
        "training_steps": Setting(full=12, reason="3 epochs of 16-sample batches over 64 samples (the programs' "
                                                  "STEPS_EPOCHS): enough to see weights move, not a benchmark"),
        "finite_difference_step": Setting(full=1e-2, reason="extensions_check.FD_STEP"),
    }
    decision_rule_fixed = "2026-12-01"
    decision_log = (DecisionChange(
        date="2026-12-01",
        change="Each option is judged on its own routes (Keras's API plus its framework's mechanisms: jax.custom_vjp, "
               "jax.ffi, Pallas; torch.autograd.Function, torch.library, cpp_extension); TensorFlow-specific code on "
               "JAX and torch is reported as portability and no longer counts against them; every gradient is "
               "checked against finite differences.",
        reason="Issue 13: code written with one framework's API and run on another measures portability, not "
               "capability.",
        affects="The schema-1 result (partly supported: 'TensorFlow is more extensible where code calls TensorFlow "
                "itself'), which scored keras-jax and keras-torch on TensorFlow code."),)
    repeats = (1, 1)  # each cell is one attempt: works or not is judged, not speed
    warmup = 0
    timeout_s = (300, 600)

    #: Options whose worker builds a library, and which.
    BUILDERS: ClassVar[dict[str, str]] = BUILDERS

    # -- runner hooks ---------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """A Keras option runs under its backend; TensorFlow core imports no Keras."""
        return KERAS_BACKEND[subject]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras and the backend's framework; TensorFlow core needs tensorflow.

        Other frameworks are not required: the routes that use them record their own ``unavailable``.
        """
        return ("keras", FRAMEWORK[subject]) if subject in KERAS_OPTIONS else ("tensorflow",)

    def stages_for(self, quick: bool) -> tuple[str, ...]:
        """``measure`` (each option's own routes, its library built first); then, when the ``portability``
        setting says so, ``portability`` (the other backends' routes, once every library is built)."""
        return self.stages if self.setting("portability", quick) else ("measure",)

    def stage_subjects(self, stage: str) -> tuple[str, ...]:
        """TensorFlow core measures first, since it builds the TensorFlow op that keras-tensorflow loads too;
        TensorFlow core has no other backend to port to."""
        if stage == "measure":
            return (TF_CORE, *KERAS_OPTIONS)
        return KERAS_OPTIONS

    # -- the parts ------------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """Build this subject's library, then attempt its routes (:func:`.measure.measure`)."""
        from evidence.claims.extensibility.measure import measure

        return measure(self, ctx)

    def assess(self, results: Mapping[str, SubjectResult], quick: bool) -> ExtensibilityAssessment:
        """Cells, builds and each option's coverage (:func:`.assess.assess`)."""
        from evidence.claims.extensibility.assess import assess

        return assess(self, results, quick)

    def decide(self, assessment: ExtensibilityAssessment, thresholds: Thresholds) -> Decision:  # type: ignore[override]
        """The decision (:func:`.verdict.decide`)."""
        from evidence.claims.extensibility.verdict import decide

        return decide(assessment, thresholds)

    def report(self, assessment: ExtensibilityAssessment, decision: Decision) -> Report:  # type: ignore[override]
        """The prose (:func:`.report.report`)."""
        from evidence.claims.extensibility.report import report

        return report(assessment, decision)

    def synthetic_results(self, quick: bool, around: tuple[str, Side] | None = None
                          ) -> dict[str, SubjectResult] | None:
        """Made-up attempts of every route (:func:`.synthetic.synthetic_results`)."""
        from evidence.claims.extensibility.synthetic import synthetic_results

        return synthetic_results(self, quick, around)
