"""The platform claim's declarations; its parts are wired in from their modules (measure, assess, verdict,
report, synthetic)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from evidence.claim import Claim, Context, Side, VenueScope
from evidence.contract import Decision, Report, SubjectResult, Thresholds

from .assessment import PlatformAssessment


class PlatformClaim(Claim):
    """Which option runs on which hardware and system: installed code where it can say, cited sources otherwise."""

    id = "platform"
    dimension = "Backend support"
    title = "Keras runs wherever its backend engine runs"
    statement = ("Keras 3 on a backend runs on every accelerator and operating system that backend's engine runs "
                 "on, so choosing a backend for its hardware is choosing the engine.")
    sub_claims = {
        "torch": "The devices Keras's torch backend selects, against the hardware PyTorch reaches.",
        "jax": "The platform plugins JAX's code knows, against the hardware the JAX docs list.",
        "tensorflow": "The device plugins TensorFlow loads and TPUStrategy, against TensorFlow's install docs.",
        "windows": "Which options reach a GPU on native Windows.",
    }
    subjects = ("keras-torch-devices", "jax-platforms", "tensorflow-platforms")
    assessment_type = PlatformAssessment
    # What it reads is the installed packages' source and the frameworks' documentation: the same on any machine.
    venue_scope = VenueScope(machine_dependent=False,
                             needs="nothing of the machine: the installed packages' source files and dated sources")
    thresholds = {}
    decision_rule_fixed = "2026-12-07"
    repeats = (1, 1)  # files read: nothing to time
    timeout_s = (60, 120)

    def measure(self, ctx: Context) -> dict[str, Any]:
        """Read the installed code of the subject's package (never import the framework): :mod:`.checks`."""
        from .checks import CHECKS

        return CHECKS[ctx.subject]()

    def assess(self, results: Mapping[str, SubjectResult], quick: bool) -> PlatformAssessment:
        """Every (option, accelerator, system) cell from the public record and the code readings (:mod:`.assess`)."""
        from .assess import assess

        return assess(self, results)

    def decide(self, assessment: PlatformAssessment, thresholds: Thresholds) -> Decision:  # type: ignore[override]
        """The decision (:func:`.verdict.decide`)."""
        from .verdict import decide

        return decide(assessment, thresholds)

    def report(self, assessment: PlatformAssessment, decision: Decision) -> Report:  # type: ignore[override]
        """The prose (:func:`.report.report`)."""
        from .report import report

        return report(assessment, decision)

    def synthetic_results(self, quick: bool, around: tuple[str, Side] | None = None
                          ) -> dict[str, SubjectResult] | None:
        """Made-up code readings (:func:`.synthetic.synthetic_results`); the claim declares no threshold."""
        from .synthetic import synthetic_results

        return synthetic_results(self, around)
