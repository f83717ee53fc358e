"""The community claim's decision rule: its assessment and thresholds -> a typed decision, no prose.

Over third-party packages only: partly supported when at least ``min_signals_for_support`` of the three
comparisons favour TensorFlow beyond the noise band and none favours Keras (the package half holds; a listing
cannot show the rest); inconclusive otherwise (within the band, too few to compare, mixed, or favouring Keras: a
package listing cannot refute a claim about people either). Download ranks are reported, never weighed.
Imports only the contract and the assessment, so readers recompute it on read.
"""

from __future__ import annotations

from evidence.contract import Decision, Number, Thresholds, split_missing

from .assessment import CommunityAssessment


def decide(a: CommunityAssessment, thresholds: Thresholds) -> Decision:
    """The decision, and the signals' numbers it rests on."""
    unavailable, failed = split_missing(a.not_measured)
    if not a.signals:
        return Decision(verdict="inconclusive", code="nothing_measured", unavailable=unavailable, failed=failed)
    need = int(thresholds["min_signals_for_support"])
    tf_side = [k for k, s in a.signals.items() if s.status == "favours_tensorflow"]
    keras_side = [k for k, s in a.signals.items() if s.status == "favours_keras"]
    too_few = [k for k, s in a.signals.items() if s.status == "too_few"]
    numbers: dict[str, Number] = {"min_signals_for_support": need, "noise_band": a.noise_band,
                                  "min_count": a.min_count, "favour_tensorflow": len(tf_side),
                                  "favour_keras": len(keras_side), "too_few": len(too_few)}
    for key, s in a.signals.items():
        numbers.update({f"{key}_tensorflow": s.tensorflow, f"{key}_keras": s.keras, f"{key}_ratio": s.ratio.estimate,
                        f"{key}_low": s.ratio.low, f"{key}_high": s.ratio.high, f"{key}_status": s.status})
    if len(tf_side) >= need and not keras_side:
        verdict, code = "partly supported", "tensorflow_larger"
    elif len(keras_side) >= need and not tf_side:
        verdict, code = "inconclusive", "keras_larger"
    elif not tf_side and not keras_side:
        verdict, code = "inconclusive", "within_noise"
    else:
        verdict, code = "inconclusive", "mixed"
    return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)
