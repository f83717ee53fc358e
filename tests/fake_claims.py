"""A claim whose subjects misbehave on purpose, to test the runner without any framework.

Registered through ``KVT_EXTRA_CLAIMS=fake=tests.fake_claims`` so that worker processes find it too.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from evidence.claim import Claim, Context, Verdict, missing_subjects
from evidence.contract import Assessment, Threshold


class FakeAssessment(Assessment):
    """What the fake claim's judge concludes."""

    answer: int | None
    """What subject ``ok`` answered, None when it did not run ok."""
    statuses_seen: dict[str, str]
    """Each subject's status."""
    missing: list[str]
    """Subjects that did not run ok."""


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
                              missing=missing_subjects(results, self.subjects))

    def verdict(self, a: FakeAssessment) -> Verdict:
        """Supported when ``ok`` answered 42; the summary names what is missing."""
        good = a.answer == self.threshold("answer")
        return Verdict("supported" if good else "inconclusive",
                       f"ok answered: {good}; missing: {'; '.join(a.missing) or 'none'}.")


CLAIM = FakeClaim()
