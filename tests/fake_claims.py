"""A claim whose subjects misbehave on purpose, to test the runner without any framework.

Registered through ``KVT_EXTRA_CLAIMS=fake=tests.fake_claims`` so that worker processes find it too.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from evidence.claim import Claim, Context, Verdict, missing_subjects


class FakeClaim(Claim):
    """Subjects: ok, crash, hang, missing (a requirement that does not exist), noisy (writes to stderr)."""

    id = "fake"
    dimension = "Test"
    title = "A claim for the runner's tests"
    statement = "The runner survives workers that crash, hang or lack a framework."
    sub_claims = {"a": "Every outcome is recorded."}
    subjects = ("ok", "crash", "hang", "missing", "staged")
    stages = ("first", "second")
    thresholds = {"answer": 42.0}
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

    def judge(self, results) -> Verdict:
        """Supported when ``ok`` answered 42; the summary names what is missing."""
        missing = missing_subjects(results, self.subjects)
        good = results.get("ok") is not None and results["ok"].measurements.get("answer") == self.thresholds["answer"]
        return Verdict("supported" if good else "inconclusive",
                       f"ok answered: {good}; missing: {'; '.join(missing) or 'none'}.")


CLAIM = FakeClaim()
