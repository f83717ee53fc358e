"""A claim whose subjects misbehave on purpose, to test the runner without any framework.

Registered through ``KVT_EXTRA_CLAIMS=fake=tests.fake_claims`` so that worker processes find it too.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from evidence.claim import Claim, Context, failed_subjects, missing_subjects, unavailable_subjects
from evidence.contract import Assessment, Decision, Report, SubjectResult, Threshold


class FakeAssessment(Assessment):
    """What the fake claim's judge concludes."""

    answer: int | None
    """What subject ``ok`` answered, None when it did not run ok."""
    statuses_seen: dict[str, str]
    """Each subject's status."""
    missing: list[str]
    """Subjects that did not run ok."""
    unavailable: list[str] = []
    """Subjects that could not be tried (or were not run)."""
    failed: list[str] = []
    """Subjects that were tried and broke."""


class FakeClaim(Claim):
    """Subjects: ok, crash, hang, missing (a requirement that does not exist), noisy (writes to stderr)."""

    id = "fake"
    dimension = "Test"
    title = "A claim for the runner's tests"
    statement = "The runner survives workers that crash, hang or lack a framework."
    sub_claims = {"a": "Every outcome is recorded."}
    subjects = ("ok", "crash", "hang", "missing", "staged")
    stages = ("first", "second")
    assessment_type = FakeAssessment
    thresholds = {"answer": Threshold(value=42, reason="the answer")}
    timeout_s = (5, 5)

    def stage_subjects(self, stage: str) -> tuple[str, ...]:
        """Only ``staged`` takes part in the second stage."""
        return self.subjects if stage == "first" else ("staged",)

    def requirements(self, subject: str) -> tuple[str, ...]:
        """``missing`` needs a module nobody has."""
        return ("kvt_no_such_framework",) if subject == "missing" else ()

    def measure(self, ctx: Context):
        """Behave as the subject's name says."""
        pidfile = os.environ.get("KVT_TEST_PIDFILE")
        if pidfile:
            with open(pidfile, "a") as fh:
                fh.write(f"{os.getpid()}\n")
        if ctx.subject == "crash":
            print("about to fail", file=sys.stderr)
            raise RuntimeError("deliberate crash in the fake claim")
        if ctx.subject == "hang":
            time.sleep(3600)
        if ctx.subject == "staged":
            marker = Path(ctx.workdir) / "first.txt"
            if ctx.stage == "first":
                marker.write_text("from the first stage")
                return {"first_value": 1}
            return {"second_saw": marker.read_text()}
        return {"answer": 42, "quick": ctx.quick, "repeats": ctx.repeats,
                "keras_backend": os.environ.get("KERAS_BACKEND")}

    def keras_backend(self, subject: str):
        """Only ``ok`` gets a backend, to check the runner passes it through."""
        return "jax" if subject == "ok" else None

    def assess(self, results, quick) -> FakeAssessment:
        """What ``ok`` answered, and what is missing."""
        ok = results.get("ok")
        return FakeAssessment(answer=ok.measurements.get("answer") if ok is not None and ok.status == "ok" else None,
                              statuses_seen={s: r.status for s, r in results.items()},
                              missing=missing_subjects(results, self.subjects),
                              unavailable=unavailable_subjects(results, self.subjects),
                              failed=failed_subjects(results, self.subjects))

    def decide(self, a: FakeAssessment, thresholds) -> Decision:
        """Supported when ``ok`` answered the threshold's answer, else inconclusive."""
        good = a.answer == thresholds["answer"]
        return Decision(verdict="supported" if good else "inconclusive", code="answered" if good else "not_answered",
                        numbers={"answer": a.answer, "expected": thresholds["answer"]},
                        unavailable=a.unavailable, failed=a.failed)

    def report(self, a: FakeAssessment, decision: Decision) -> Report:
        """The summary names what is missing."""
        return Report(f"ok answered: {decision.code == 'answered'}; missing: {'; '.join(a.missing) or 'none'}.")

    def synthetic_results(self, quick: bool, around=None):
        """Every subject ok; ``ok`` answers the threshold's value (``above``) or one less (``below``)."""
        answer = int(self.threshold("answer", quick)) - (1 if around == ("answer", "below") else 0)
        results = {s: SubjectResult(status="ok", measurements={"answer": 0}) for s in self.subjects}
        results["ok"] = SubjectResult(status="ok", measurements={"answer": answer})
        return results


CLAIM = FakeClaim()
