"""The extensibility claim's decision rule: its assessment and thresholds -> a typed decision, no prose.

From what each option extends with its own tools (its coverage of the needs): refuted when every Keras option
that ran meets every need it could try through its own tools (Keras is not limited beyond its blocks); supported
when TensorFlow core meets them all and no Keras option does; partly supported in between; inconclusive without a
TensorFlow-core result or any Keras result. Portability is reported in the findings and does not enter the
decision. Imports only the contract and the assessment (and the options' names).
"""

from __future__ import annotations

from evidence.claims.extensibility.assessment import ExtensibilityAssessment
from evidence.contract import Decision, Number, Thresholds, split_missing
from evidence.options import KERAS_OPTIONS, TF_CORE


def decide(a: ExtensibilityAssessment, thresholds: Thresholds) -> Decision:
    """The decision, with each measured option's coverage (needs met of those tried) and whether it is full."""
    need = thresholds["not_limited_min_coverage"]
    unavailable, failed = split_missing(a.not_measured)
    numbers: dict[str, Number] = {"not_limited_min_coverage": need}
    keras = [o for o in a.measured if o in KERAS_OPTIONS]
    if TF_CORE not in a.measured or not keras:
        return Decision(verdict="inconclusive", code="no_comparison", numbers=numbers, unavailable=unavailable,
                        failed=failed)
    full = {o: a.coverage[o].fraction >= need for o in a.measured}
    for o in a.measured:
        cov = a.coverage[o]
        numbers.update({f"{o}_coverage": cov.fraction, f"{o}_met": len(cov.met), f"{o}_unmet": len(cov.unmet),
                        f"{o}_not_tried": len(cov.not_tried), f"{o}_full": full[o]})
    limited = [o for o in keras if not full[o]]
    if not limited:
        verdict, code = "refuted", "keras_not_limited"
    elif len(limited) == len(keras) and full[TF_CORE]:
        verdict, code = "supported", "keras_limited_tensorflow_not"
    else:
        verdict, code = "partly supported", "some_limited"
    return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)
