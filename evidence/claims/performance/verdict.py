"""The judge's second half: the assessment to a typed decision (verdict code and the numbers it rests on).

The rule (fixed 2026-12-07, see the claim's decision log) reads the engine-against-engine ratios alone: per zoo
model and phase TensorFlow's native best over each other engine's native best (question 1). Keras against native
(question 2) and the dispatch-bound class are findings and never enter it. Each branch has its decision code:

- inconclusive: quick mode (tiny models; ``quick_mode``), no TensorFlow-against-both-others ratio
  (``side_missing``), fewer than ``min_cells`` cells with TensorFlow and another engine timed (``too_few_cells``),
  or the machine unsteady: the matmul roof moved below ``min_steadiness`` of its best (``unsteady``);
- supported (``tensorflow_faster_overall``): the geometric mean of TensorFlow-best / the faster other engine's
  best, over the cells, has its whole interval at or above ``1 + engine_margin`` and no cell is slower beyond the
  cell margin;
- refuted: the mean's whole interval lies below 1 (``tensorflow_slower_overall``), or no cell is faster and at
  least one is slower (``no_cell_faster``);
- partly supported (``faster_in_part``): otherwise.

Imports the contract and the claim's assessment only: readers recompute the decision through this module.
"""

from __future__ import annotations

from typing import Literal

from evidence.contract import Assessment, Decision, Number, Thresholds, split_missing

from .assessment import Decision as AssessedDecision
from .assessment import PerformanceAssessment

VerdictName = Literal["supported", "partly supported", "refuted", "inconclusive"]
Reason = Literal["decided", "quick_mode", "too_few_cells", "unsteady", "side_missing"]
#: The codes of the branches that reach no verdict; the assessment's own decision records each as its ``reason``
#: (the branches that reach one, as ``decided``).
NO_VERDICT: dict[str, Reason] = {"quick_mode": "quick_mode", "side_missing": "side_missing",
                                 "too_few_cells": "too_few_cells", "unsteady": "unsteady"}


def rule(a: PerformanceAssessment, thresholds: Thresholds) -> tuple[VerdictName, str]:
    """(verdict, code) of the branch of the rule that ``a`` meets under the thresholds' values."""
    summary = next((s for s in a.engine_summary if s.against == "all"), None)
    if a.mode == "quick":
        return "inconclusive", "quick_mode"
    if summary is None:
        return "inconclusive", "side_missing"
    if summary.cells < int(thresholds["min_cells"]):
        return "inconclusive", "too_few_cells"
    s = a.steadiness
    if s is None or min(s.across_workers, s.within_worker) < float(thresholds["min_steadiness"]):
        return "inconclusive", "unsteady"
    mean = summary.mean
    if mean.low >= 1.0 + float(thresholds["engine_margin"]) and summary.slower == 0:
        return "supported", "tensorflow_faster_overall"
    if mean.high < 1.0:
        return "refuted", "tensorflow_slower_overall"
    if summary.faster == 0 and summary.slower > 0:
        return "refuted", "no_cell_faster"
    return "partly supported", "faster_in_part"


def decide(a: Assessment, thresholds: Thresholds) -> Decision:
    """The decision for ``a`` under the thresholds' values (for the run's mode, read from ``a.mode``), with the
    numbers it rests on: the geometric mean of TensorFlow's native best over the faster other engine's and its
    interval, the cells it covers and how many are faster or slower beyond the cell margin, the machine's
    steadiness, and the thresholds compared against; the subjects that could not be tried or failed."""
    assert isinstance(a, PerformanceAssessment)
    verdict, code = rule(a, thresholds)
    summary = next((s for s in a.engine_summary if s.against == "all"), None)
    mean = summary.mean if summary else None
    s = a.steadiness
    numbers: dict[str, Number] = {
        "quick": a.mode == "quick",
        "cells": summary.cells if summary else 0, "faster": summary.faster if summary else 0,
        "slower": summary.slower if summary else 0,
        "engine_mean": mean.estimate if mean else None, "engine_mean_low": mean.low if mean else None,
        "engine_mean_high": mean.high if mean else None, "engine_mean_level": mean.level if mean else None,
        "steadiness_across_workers": s.across_workers if s else None,
        "steadiness_within_worker": s.within_worker if s else None,
        "min_cells": thresholds.get("min_cells"), "min_steadiness": thresholds.get("min_steadiness"),
        "engine_margin": thresholds.get("engine_margin")}
    unavailable, failed = split_missing(a.not_measured)  # subjects, as every claim's decision names them
    return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)


def engine_decision(a: PerformanceAssessment, thresholds: Thresholds) -> AssessedDecision:
    """The same decision in the assessment's own terms (:class:`.assessment.Decision`, stored in the assessment
    for the site's story): the verdict, ``decided`` or why no verdict, the mean and the cell counts."""
    verdict, code = rule(a, thresholds)
    summary = next((s for s in a.engine_summary if s.against == "all"), None)
    cells, faster, slower = (summary.cells, summary.faster, summary.slower) if summary else (0, 0, 0)
    return AssessedDecision(verdict=verdict, reason=NO_VERDICT.get(code, "decided"),
                            engine_mean=summary.mean if summary else None, cells=cells, faster=faster,
                            slower=slower)
