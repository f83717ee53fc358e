"""A claim with a worker that outgrows any small memory cap, to test the runner's memory watchdog for real.

Registered through ``KVT_EXTRA_CLAIMS=memhog=tests.memory_claims`` so that worker processes find it too
(``tests/test_worker_memory.py``).
"""

from __future__ import annotations

import time

from evidence.claim import Claim, Context, failed_subjects
from evidence.contract import Assessment, Decision, Report

#: What ``hog`` holds resident: far above the cap the test sets, far below any machine's memory.
HOG_BYTES = 300 * 2**20


class MemoryAssessment(Assessment):
    """What the memory claim's judge concludes."""

    seen: dict[str, str]
    """Each subject's status."""
    failed: list[str] = []
    """Subjects that were tried and broke."""


class MemoryClaim(Claim):
    """Subjects: ``hog`` (holds :data:`HOG_BYTES` and waits to be killed), ``small`` (answers at once)."""

    id = "memhog"
    dimension = "Test"
    title = "A claim for the memory watchdog's tests"
    statement = "A worker over its memory cap is recorded failed, and the run goes on."
    sub_claims = {"a": "A worker over the cap is killed."}
    subjects = ("hog", "small")
    assessment_type = MemoryAssessment
    timeout_s = (60, 60)

    def measure(self, ctx: Context):
        """``hog`` touches every page of :data:`HOG_BYTES` (so they are resident) and sleeps past any test."""
        if ctx.subject == "hog":
            held = b"x" * HOG_BYTES
            time.sleep(60)
            return {"held": len(held)}
        return {"answer": 42}

    def assess(self, results, quick) -> MemoryAssessment:
        """Each subject's status."""
        return MemoryAssessment(seen={s: r.status for s, r in results.items()},
                                failed=failed_subjects(results, self.subjects))

    def decide(self, a: MemoryAssessment, thresholds) -> Decision:
        """Supported when ``small`` ran ok."""
        good = a.seen.get("small") == "ok"
        return Decision(verdict="supported" if good else "inconclusive", code="ran" if good else "did_not_run",
                        failed=a.failed)

    def report(self, a: MemoryAssessment, decision: Decision) -> Report:
        """The statuses, in one line."""
        return Report(f"statuses: {a.seen}.")


CLAIM = MemoryClaim()
