"""The judge's second half: the assessment to a typed decision (verdict code and the numbers it rests on).

The rule (fixed 2026-12-07, see the claim's decision log) reads the engine-against-engine ratios alone: per zoo
model and phase TensorFlow's native best over each other engine's native best (question 1). Keras against native
(question 2) and the dispatch-bound class are findings and never enter it.

- inconclusive: quick mode (tiny models), fewer than ``min_cells`` cells with TensorFlow and another engine
  timed, or the machine unsteady (the matmul roof moved below ``min_steadiness`` of its best);
- supported: the geometric mean of TensorFlow-best / the faster other engine's best, over the cells, has its whole
  interval at or above ``1 + engine_margin`` and no cell is slower beyond the cell margin;
- refuted: the mean's whole interval lies below 1, or no cell is faster and at least one is slower;
- partly supported: otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from evidence.claims.performance.assessment import Decision, PerformanceAssessment
from evidence.contract import Threshold


def decide(a: PerformanceAssessment, thresholds: Mapping[str, Threshold], quick: bool | None = None) -> Decision:
    """The decision for ``a`` under ``thresholds``; ``quick`` defaults to the assessment's mode."""
    quick = a.mode == "quick" if quick is None else quick
    summary = next((s for s in a.engine_summary if s.against == "all"), None)
    mean = summary.mean if summary else None
    cells, faster, slower = (summary.cells, summary.faster, summary.slower) if summary else (0, 0, 0)

    def out(verdict: str, reason: str) -> Decision:
        return Decision(verdict=verdict, reason=reason, engine_mean=mean, cells=cells, faster=faster, slower=slower)

    if quick:
        return out("inconclusive", "quick_mode")
    if summary is None:
        return out("inconclusive", "side_missing")
    if cells < int(thresholds["min_cells"].value):
        return out("inconclusive", "too_few_cells")
    floor = float(thresholds["min_steadiness"].value)
    s = a.steadiness
    if s is None or min(s.across_workers, s.within_worker) < floor:
        return out("inconclusive", "unsteady")
    if mean.low >= 1.0 + float(thresholds["engine_margin"].value) and slower == 0:
        return out("supported", "decided")
    if mean.high < 1.0 or (faster == 0 and slower > 0):
        return out("refuted", "decided")
    return out("partly supported", "decided")
