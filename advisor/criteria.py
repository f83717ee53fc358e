"""The criteria the advisor scores, each read from the claims' typed assessments by a named function.

A criterion names the claims that supply it, its *variants* (the performance evidence of one accelerator, the
effort of one deploy target; ``all`` for a criterion no answer chooses) and a *reader*: a function
``reader(readings, variant) -> Found`` that asks an assessment's fields and query methods, never a result's raw
measurements, and never repeats a claim's judge. Readers follow one contract:

* a value is a *goodness*: a number >= 0 where higher is better for the user (a throughput ratio, ``1 / cost``,
  a count of working paths), in any unit; the estimator divides each (criterion, variant) by its largest value,
  so the best option scores 1 and ratios survive;
* ``low``/``high`` are the assessment's own :class:`~evidence.contract.Interval` around the value, in the same
  unit, where the claim has one; where it has none the criterion declares a width (:attr:`Criterion.width`,
  with its reason) in normalised units;
* an option with no evidence gets ``value=None`` and a note saying why; a criterion whose claim cannot be read
  raises :class:`MissingEvidence` with the reason ("needs a rerun of ...": the reader's own message);
* ``basis="definition"`` marks a value that holds by what the option is (TensorFlow core runs on TensorFlow
  only), so the output can tell it from a measurement.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from advisor.readers import (
    ACCELERATOR_VARIANTS,
    DEPLOY_VARIANTS,
    EXTENSION_VARIANTS,
    SCALE_VARIANTS,
    Found,
    MissingEvidence,
    Value,
    backend_flexibility_values,
    community_values,
    deployment_values,
    distributed_scale_values,
    ease_of_use_values,
    extensibility_values,
    none_for_all,
    performance_values,
)
from evidence.options import OPTIONS

#: The criteria's ids, in column order (the questions' importance levels name them).
CRITERION_IDS: tuple[str, ...] = ("ease_of_use", "backend_flexibility", "performance", "distributed_scale",
                                  "deployment", "extensibility", "community")


@dataclass(frozen=True)
class Criterion:
    """A column of the ranking.

    Attributes:
        id: its id (weights, contributions, JSON).
        label: a label for wide tables; ``short``: at most five characters, for 80 columns.
        claims: the claims whose assessments supply it, in order of preference.
        variants: the variant keys it has (the values of the question that chooses, or ``("all",)``).
        reader: the named function that reads it (see the module docstring).
        width: half-width, in normalised units (best option = 1), of the uncertainty around a value whose
            assessment gives no interval; ``width_reason`` says why that width.
        description: what a high score means.
        proxy: for a criterion that measures a stand-in for what the user wants (popularity for help and
            longevity), what the stand-in is, in words; the output says so when it alone separates the top two.
    """

    id: str
    label: str
    short: str
    claims: tuple[str, ...]
    variants: tuple[str, ...]
    reader: Callable[[Any, str], Found]
    width: float
    width_reason: str
    description: str
    proxy: str | None = None


@dataclass(frozen=True)
class Reading:
    """A criterion's variant as read: per-option values, or why it is missing.

    Attributes:
        criterion: the criterion id; ``variant``: the variant key.
        values: option -> :class:`Value` (every option present).
        claim: the claim the values came from (None when missing).
        venue: the venue of the assessment read (None when missing or not venue-specific).
        missing: why no option has a value, else None.
    """

    criterion: str
    variant: str
    values: dict[str, Value]
    claim: str | None = None
    venue: str | None = None
    missing: str | None = None


#: The criteria, in column order.
CRITERIA: tuple[Criterion, ...] = (
    Criterion("ease_of_use", "ease of use", "ease", ("ease_of_use",), ("all",), ease_of_use_values,
              0.1, "program metrics are exact counts; the width stands for the choice of tasks measured",
              "less code, fewer concepts and API names for the same task at comparable accuracy"),
    Criterion("backend_flexibility", "backend flexibility", "flex", ("backend_portability", "architecture"),
              ("all",), backend_flexibility_values,
              0.1, "a verified switch either works or not; the width stands for programs the corpus lacks",
              "the same model code trains on more engines"),
    Criterion("performance", "performance", "perf", ("performance",), ACCELERATOR_VARIANTS,
              performance_values,
              0.5, "used only where a venue's result lacks an interval: half the scale",
              "faster training and inference on the same models, on your hardware"),
    Criterion("distributed_scale", "distributed scale", "dist", ("distributed_scaling",), SCALE_VARIANTS,
              distributed_scale_values,
              0.15, "each path works or not on a small machine; the width stands for what scale adds",
              "distributed training shown correct on several devices, across processes, and model-parallel"),
    Criterion("deployment", "deployment", "depl", ("deployment",), DEPLOY_VARIANTS, deployment_values,
              0.1, "a verified export works or not; the width stands for effort counted in lines and steps",
              "your target reached with less effort (no target: more targets reached)"),
    Criterion("extensibility", "extensibility", "ext", ("extensibility",), EXTENSION_VARIANTS,
              extensibility_values,
              0.1, "each extension works or not; the width stands for extensions the claim does not try",
              "more of the custom components you need work through the option's own mechanisms"),
    Criterion("community", "community", "comm", ("community",), ("all",), community_values,
              0.0, "not used: the claim's noise band is the interval",
              "more maintained packages (released in the last year) in the ecosystems its code can use",
              proxy="a popularity proxy (PyPI packages released in the last year), not a measure of help or "
                    "longevity"),
)
assert tuple(c.id for c in CRITERIA) == CRITERION_IDS
BY_ID: dict[str, Criterion] = {c.id: c for c in CRITERIA}


def read(criterion: Criterion, readings: Any, variant: str) -> Reading:
    """Run ``criterion``'s reader for ``variant``; a claim that cannot be read makes the reading missing, with the
    reason. Any other error is a bug in the reader and propagates."""
    try:
        found = criterion.reader(readings, variant)
    except MissingEvidence as exc:
        return Reading(criterion.id, variant, none_for_all(str(exc)), missing=str(exc))
    values = {o: found.values.get(o, Value(None, note=f"{found.claim} has no value for {o}")) for o in OPTIONS}
    for option, v in values.items():
        if v.value is not None and not (math.isfinite(v.value) and v.value >= 0):
            raise ValueError(f"{criterion.reader.__name__} returned {v.value!r} for {option}: a value must be a "
                             f"finite number >= 0")
    if all(v.value is None for v in values.values()):
        reason = "; ".join(dict.fromkeys(v.note for v in values.values())) or "no option has a value"
        return Reading(criterion.id, variant, values, found.claim, found.venue, missing=reason)
    return Reading(criterion.id, variant, values, found.claim, found.venue)


__all__ = ["BY_ID", "CRITERIA", "CRITERION_IDS", "Criterion", "Found", "MissingEvidence", "Reading", "Value", "read"]
