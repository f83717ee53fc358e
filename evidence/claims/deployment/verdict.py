"""The deployment claim's decision rule: its assessment and thresholds -> a typed decision, no prose
(:mod:`.report` writes the words).

The rule (fixed 2026-12-01, changed 2026-12-07; see the claim's decision log):

- inconclusive when Keras on TensorFlow has no ease comparison with TensorFlow core (one of them has no result at
  all), or when the two share no working target (``no_shared_target``);
- supported when every Keras option is easier to deploy than TensorFlow core and Keras on TensorFlow's artifacts
  are lighter;
- partly supported when some Keras option is easier or the artifacts are lighter;
- refuted when neither.

"Easier" and "lighter" are judged in :mod:`.assess` with the declared thresholds (``ease_margin_steps`` per
(model, target), ``ease_min_net_targets`` per option, ``lighter_max_size_ratio`` on the median size ratio) and
stored in the assessment; the decision reads them there and records the numbers they rest on. Imports the
contract, the options and the assessment only.
"""

from __future__ import annotations

from evidence.contract import Assessment, Decision, Number, Thresholds, VerdictName, split_missing
from evidence.options import KERAS_OPTIONS, TF_CORE

from .assessment import DeploymentAssessment

#: The threshold values a decision records among its numbers (the ones "easier" and "lighter" were judged with).
DECIDING_THRESHOLDS = ("ease_margin_steps", "ease_min_net_targets", "lighter_max_size_ratio")


def shared_targets(a: DeploymentAssessment) -> list[str]:
    """The targets both Keras on TensorFlow and TensorFlow core reach (for every model taken there)."""
    core = a.reach(TF_CORE)
    return [t for t in a.reach("keras-tensorflow") if t in core]


def easier_options(a: DeploymentAssessment) -> list[str]:
    """The Keras options easier to deploy than TensorFlow core, in the assessment's order."""
    return [o for o, e in a.ease.items() if e.easier]


def _key(option: str) -> str:
    return option.replace("-", "_")


def decide(a: Assessment, thresholds: Thresholds) -> Decision:
    """The decision (see the module docstring), with the numbers it rests on: per Keras option whether it is
    easier and by how many (model, target) pairs net, the median size ratio and its pairs, the shared targets,
    and the thresholds they were judged with; the subjects not tried (unavailable) and those that broke (failed).
    """
    assert isinstance(a, DeploymentAssessment)
    shared = shared_targets(a)
    easier = easier_options(a)
    lighter = a.weight.lighter
    numbers: dict[str, Number] = {"shared_targets": len(shared), "keras_options": len(KERAS_OPTIONS),
                                  "keras_options_compared": len(a.ease), "keras_options_easier": len(easier),
                                  "lighter": lighter, "median_size_ratio": a.weight.median_ratio,
                                  "size_pairs": len(a.weight.pairs)}
    for option, e in a.ease.items():
        numbers[f"easier_{_key(option)}"] = e.easier
        numbers[f"net_pairs_{_key(option)}"] = len(e.easier_on) - len(e.harder_on)
    numbers.update({name: thresholds[name] for name in DECIDING_THRESHOLDS if name in thresholds})
    unavailable, failed = split_missing(a.not_measured)

    def decided(verdict: VerdictName, code: str) -> Decision:
        return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)

    if a.ease.get("keras-tensorflow") is None:
        return decided("inconclusive", "keras_tensorflow_not_compared")
    if not shared:
        return decided("inconclusive", "no_shared_target")
    if len(easier) == len(KERAS_OPTIONS) and lighter:
        return decided("supported", "every_keras_option_easier_and_lighter")
    if easier and lighter:
        return decided("partly supported", "some_keras_options_easier_and_lighter")
    if easier:
        return decided("partly supported", "easier_not_lighter")
    if lighter:
        return decided("partly supported", "lighter_not_easier")
    return decided("refuted", "neither_easier_nor_lighter")
