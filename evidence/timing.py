"""Timing: warm-up first, then timed repeats, reported as median and spread."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from evidence.contract import Interval


def summarize(samples: Sequence[float]) -> dict[str, Any]:
    """Median, spread (interquartile range and min/max) and the raw samples of timed repeats, in seconds."""
    if not samples:
        raise ValueError("Expected at least one timed sample; received none")
    ordered = sorted(samples)
    if len(ordered) >= 2:
        q1, _, q3 = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        q1 = q3 = ordered[0]
    return {
        "median_s": statistics.median(ordered),
        "iqr_s": q3 - q1,
        "min_s": ordered[0],
        "max_s": ordered[-1],
        "repeats": len(ordered),
        "samples_s": list(samples),
    }


def interval(summary: dict[str, Any]) -> Interval:
    """A timing summary (:func:`summarize`) as an :class:`~evidence.contract.Interval`: the median within the
    interquartile range of the repeats (a 50% interval)."""
    from evidence.contract import Interval

    samples = sorted(summary["samples_s"])
    if len(samples) >= 2:
        q1, _, q3 = statistics.quantiles(samples, n=4, method="inclusive")
    else:
        q1 = q3 = samples[0]
    return Interval(estimate=summary["median_s"], low=q1, high=q3, level=0.5,
                    method=f"median and interquartile range of {len(samples)} timed repeats")
