"""Claim ``architecture``: Keras is a high-level API on top of TensorFlow, CNTK or Theano — declarations and the
wiring to :mod:`.measure`, :mod:`.assess`, :mod:`.verdict` and :mod:`.report`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidence.claim import Claim, Context, Side, VenueScope
from evidence.claims.community import DATA_FILE
from evidence.contract import Assessment, Decision, DecisionChange, Report, SubjectResult, Threshold, Thresholds

from .assess import assess
from .assessment import ArchitectureAssessment
from .report import report
from .verdict import decide as decide_backends

#: Backend names tried, with the module each one needs beyond keras. Theano and CNTK need none here: Keras 3
#: rejects the name itself, whether or not the old package is installed (a release set that could not install
#: them says so: :data:`evidence.releases.BACKEND_MODULES`).
BACKENDS: dict[str, str | None] = {
    "tensorflow": "tensorflow",
    "jax": "jax",
    "torch": "torch",
    "numpy": None,
    "openvino": "openvino",
    "theano": None,
    "cntk": None,
}
TRAINING_ARTICLE_BACKENDS = ("tensorflow", "cntk", "theano")  # the three the article names


class ArchitectureClaim(Claim):
    """Which backends Keras runs on, and what tf.keras is."""

    id = "architecture"
    dimension = "Architecture"
    title = "Keras is a high-level API running on TensorFlow, CNTK or Theano"
    statement = ("Keras is only a front end: it runs on top of an engine — TensorFlow, CNTK or Theano — while "
                 "TensorFlow is the full framework underneath and gives more freedom to shape architectures.")
    sub_claims = {
        "a": "Which backends Keras accepts today, and whether Theano and CNTK still work.",
        "b": "Whether tf.keras in current TensorFlow is the standalone Keras 3.",
        "c": "Whether TensorFlow allows more architectural customisation (tested by the extensibility claim).",
    }
    subjects = (*(f"backend-{name}" for name in BACKENDS), "tf-keras", "pypi-listing")
    data_files = (DATA_FILE,)
    assessment_type = ArchitectureAssessment
    thresholds = {
        "discontinued_after_months": Threshold(
            value=36, reason="a backend whose package has not released for three years is no longer maintained"),
    }
    unguarded_thresholds = {
        "discontinued_after_months": "it dates the old backends in the assessment (their last release); the verdict "
                                     "rests on which backend names Keras accepts and trains on"}
    decision_rule_fixed = "2026-11-26"
    decision_log = (
        DecisionChange(
            date="2026-12-07",
            change="The summary no longer opens with the fixed words 'Half true in 2018': the article's era is "
                   "stated as cited facts with dates and sources (HISTORY: Keras 2.2.5 and 2.3.0 ran on "
                   "TensorFlow, Theano and CNTK; 2.3.0, 2019-09-17, was the last multi-backend release; 2.4.0, "
                   "2020-06-17, ran on TensorFlow only), recorded in the assessment; the verdict rule is unchanged.",
            reason="A review as a maintainer: a claim about 2018 published as fixed text is not evidence.",
            affects="The result of 2026-12-06 (outdated); the verdict is the same, the summary's opening changes."),
        DecisionChange(
            date="2026-12-07",
            change="Inconclusive when Keras trains on no backend (was: when it does not train on TensorFlow); "
                   "supported when Theano or CNTK trains and neither is rejected or ignored, a backend that could "
                   "not be tried being named, not counted; inconclusive when neither could be tried. Keras 2 is "
                   "driven through its own API (keras.backend, input_shape), Keras 3 through keras.ops as before.",
            reason="The keras-2.2 release set measures the article's era (multi-backend Keras 2.2.4 on Theano); on "
                   "Python 3.11 pip cannot install TensorFlow 1.x or CNTK beside it (recorded with pip's error), "
                   "so requiring TensorFlow would leave the era unmeasured for a reason that is not the claim's.",
            affects="No verdict of a committed result: each trains on TensorFlow and rejects or ignores both old "
                    "names (outdated). The keras-2.2 set's result is the first under the new rule."),
    )
    venue_scope = VenueScope(
        machine_dependent=False,
        needs="nothing of the machine: the verdict rests on which backend names the installed Keras accepts and "
              "trains on, and on release dates; the cold-import times it reports hold for the machine they ran on")
    repeats = (1, 5)
    warmup = 0  # each cold import is its own fresh process: there is nothing to warm up
    timeout_s = (240, 600)

    def keras_backend(self, subject: str) -> str | None:
        """``backend-NAME`` runs under NAME; ``tf-keras`` under tensorflow."""
        if subject.startswith("backend-"):
            return subject.removeprefix("backend-")
        return "tensorflow" if subject == "tf-keras" else None

    def requirements(self, subject: str) -> tuple[str, ...]:
        """The backend's own package for the engines that have one.

        keras itself is not listed: with KERAS_BACKEND=theano importing it raises, and that error is the
        measurement; a missing keras is detected by the measurement itself.
        """
        if subject.startswith("backend-"):
            extra = BACKENDS[subject.removeprefix("backend-")]
            return (extra,) if extra else ()
        return ("keras", "tensorflow") if subject == "tf-keras" else ()

    def measure(self, ctx: Context) -> dict[str, Any]:
        """Try one backend, inspect tf.keras, or read the release history, depending on the subject."""
        from . import measure

        if ctx.subject.startswith("backend-"):
            return measure.measure_backend(ctx.repeats)
        if ctx.subject == "tf-keras":
            return measure.inspect_tf_keras()
        return measure.release_history()

    def assess(self, results: Mapping[str, Any], quick: bool) -> ArchitectureAssessment:
        """Each backend's trial, what tf.keras is, and the release history with the discontinued backends."""
        return assess(results, self.subjects, self.threshold("discontinued_after_months"))

    def decide(self, assessment: Assessment, thresholds: Thresholds) -> Decision:
        """The rule of :func:`.verdict.decide`."""
        return decide_backends(assessment, thresholds)

    def report(self, assessment: Assessment, decision: Decision) -> Report:
        """The words of :mod:`.report`."""
        assert isinstance(assessment, ArchitectureAssessment)
        return report(assessment, decision)

    def synthetic_results(self, quick: bool, around: tuple[str, Side] | None = None
                          ) -> dict[str, SubjectResult] | None:
        """Today's outcome made up (:mod:`.synthetic`): Keras 3 trains on three engines, predicts on two, and
        rejects theano and cntk. No threshold decides (see :attr:`unguarded_thresholds`)."""
        from .synthetic import results

        return None if around is not None else results()
