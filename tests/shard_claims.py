"""A one-stage claim for the split-and-merge tests: its subjects are independent, so it splits by subject.

Registered with ``KVT_EXTRA_CLAIMS=splittable=tests.shard_claims`` so that worker processes find it. Its judge
compares the subjects with each other (the largest score wins), so a merge that lost or reordered a subject, or
judged one run's subjects with another's, gives another assessment or verdict.
"""

from __future__ import annotations

from evidence.claim import Claim, Context, missing_subjects
from evidence.contract import Assessment, Decision, Interval, Report, Threshold, Thresholds, split_missing

SCORES = {"alpha": 3, "beta": 5, "gamma": 4, "delta": 1, "epsilon": 2}


class SplittableAssessment(Assessment):
    """What the splittable claim's judge concludes."""

    scores: dict[str, int]
    """Each subject's score."""
    spread: dict[str, Interval]
    """Each subject's score as an interval of plus or minus one."""
    best: str | None
    """The subject with the largest score."""
    missing: list[str]
    """Subjects that did not run ok."""


class SplittableClaim(Claim):
    """Five independent subjects, one stage, each returning its score."""

    id = "splittable"
    dimension = "Test"
    title = "A claim that splits by subject"
    statement = "The best subject is beta."
    sub_claims = {"a": "beta has the largest score."}
    subjects = tuple(SCORES)
    assessment_type = SplittableAssessment
    thresholds = {"margin": Threshold(value=1, reason="beta must lead by at least one point")}
    timeout_s = (30, 30)
    repeats = (1, 1)

    def measure(self, ctx: Context):
        """The subject's score, and whether it ran alone in its working folder."""
        return {"score": SCORES[ctx.subject], "quick": ctx.quick}

    def assess(self, results, quick) -> SplittableAssessment:
        """Scores of the subjects that ran ok, and the best of them."""
        scores = {s: r.measurements["score"] for s, r in results.items() if r.status == "ok"}
        return SplittableAssessment(
            scores=scores,
            spread={s: Interval(estimate=v, low=v - 1, high=v + 1, method="plus or minus one") for s, v in
                    scores.items()},
            best=max(scores, key=scores.get) if scores else None,
            missing=missing_subjects(results, self.subjects))

    def decide(self, a: SplittableAssessment, thresholds: Thresholds) -> Decision:
        """Supported when beta leads the runner-up by the margin."""
        ranked = sorted(a.scores.values(), reverse=True)
        lead = ranked[0] - ranked[1] if len(ranked) > 1 else 0
        good = a.best == "beta" and lead >= thresholds["margin"]
        return Decision(verdict="supported" if good else "inconclusive", code="beta_leads" if good else "no_lead",
                        numbers={"lead": lead}, unavailable=split_missing(a.missing)[0],
                        failed=split_missing(a.missing)[1])

    def report(self, a: SplittableAssessment, decision: Decision) -> Report:
        """The best subject, its lead and what is missing."""
        return Report(f"best: {a.best}, by {decision.numbers['lead']}; missing: {'; '.join(a.missing) or 'none'}.")


CLAIM = SplittableClaim()
