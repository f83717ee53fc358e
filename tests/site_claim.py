"""A framework-free claim for the site's tests: paired programs, several subjects, a typed assessment to show.

Registered only by the site tests, through ``KVT_EXTRA_CLAIMS=toy_pair=tests.site_claim``. Its programs live
in ``tests/site_programs/`` (its :meth:`code_files` says so, and the site shows the files that are hashed), so
the tests can check the Keras | TensorFlow core tabs on a claim whose numbers they know. It has no story of its
own, so its page is the generic one (:class:`kvt_docs.stories.Story`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from evidence.claim import Claim, Context, missing_subjects
from evidence.contract import (
    Assessment,
    ContractModel,
    Decision,
    Interval,
    Outcome,
    Report,
    Threshold,
    Thresholds,
    split_missing,
)
from evidence.timing import interval, summarize

PROGRAMS = Path(__file__).parent / "site_programs"

#: Made-up but fixed measurements per subject, so the site's numbers are known to the tests.
TOY_ACCURACY = {"keras-tensorflow": 0.912, "keras-jax": 0.925, "tensorflow-core": 0.903}
Subject = Literal["keras-tensorflow", "keras-jax", "tensorflow-core"]


class ToyRun(ContractModel):
    """One subject's toy run."""

    status: Outcome
    """``works`` when the subject ran."""
    accuracy: float | None
    """Its fixed accuracy."""
    train_s: Interval | None
    """Its fake training time (median within the interquartile range)."""


class ToyAssessment(Assessment):
    """Each subject's accuracy and the spread between them."""

    STATUSES: ClassVar[tuple[str, ...]] = ("works", "fails", "unavailable", "not_applicable")

    runs: dict[Subject, ToyRun]
    """One run per subject."""
    spread: float | None
    """Largest accuracy minus the smallest."""
    not_measured: list[str]
    """Subjects that did not run ok."""


class ToyPairClaim(Claim):
    """Reports a fixed accuracy per subject; nothing is trained."""

    id = "toy_pair"
    dimension = "Test"
    title = "Toy claim with paired programs"
    statement = "The same toy task written with Keras and with TensorFlow core reaches similar accuracy."
    sub_claims = {"accuracy": "Accuracy of each subject on the toy task."}
    subjects = tuple(TOY_ACCURACY)
    programs = ("toy_mlp_keras.py", "toy_mlp_tfcore.py", "toy_notes.py")
    assessment_type = ToyAssessment
    thresholds = {"accuracy_tolerance": Threshold(value=0.05, reason="accuracies within this count as similar")}
    decision_rule_fixed = "2026-12-01"
    repeats = (1, 1)
    timeout_s = (60, 60)
    reruns = (2, 2)  # so that the page shows its table of runs

    def code_files(self) -> list[Path]:
        """The module and the programs under tests/site_programs/."""
        return [Path(__file__)] + [PROGRAMS / name for name in self.programs]

    def measure(self, ctx: Context) -> dict[str, Any]:
        """The subject's fixed accuracy and a fake timing summary."""
        acc = TOY_ACCURACY[ctx.subject]
        return {"accuracy": acc, "epochs": 3, "train_s": summarize([acc * 2, acc * 2 + 0.01, acc * 2 + 0.02])}

    def assess(self, results, quick) -> ToyAssessment:
        """Each subject's accuracy and timing, and the spread."""
        runs = {}
        for s, r in results.items():
            ok = r.status == "ok"
            runs[s] = ToyRun(status="works" if ok else "fails", accuracy=r.measurements["accuracy"] if ok else None,
                             train_s=interval(r.measurements["train_s"]) if ok else None)
        accs = [r.accuracy for r in runs.values() if r.accuracy is not None]
        return ToyAssessment(runs=runs, spread=max(accs) - min(accs) if accs else None,
                             not_measured=missing_subjects(results, self.subjects))

    def decide(self, a: ToyAssessment, thresholds: Thresholds) -> Decision:
        """Supported when every subject's accuracy is within the tolerance of the best."""
        if a.not_measured or a.spread is None:
            unavailable, failed = split_missing(a.not_measured)
            return Decision(verdict="inconclusive", code="not_measured", unavailable=unavailable, failed=failed)
        good = a.spread <= thresholds["accuracy_tolerance"]
        return Decision(verdict="supported" if good else "refuted", code="similar" if good else "apart",
                        numbers={"spread": a.spread})

    def report(self, a: ToyAssessment, decision: Decision) -> Report:
        """The spread and each subject's accuracy."""
        if decision.code == "not_measured":
            return Report(f"Not measured: {'; '.join(a.not_measured)}.")
        return Report(f"Accuracies differ by {a.spread:.3f} at most.",
                      {"accuracy": ", ".join(f"{s} {r.accuracy}" for s, r in a.runs.items()),
                       "caveat": "A toy claim: its numbers are fixed by the test."})


CLAIM = ToyPairClaim()
