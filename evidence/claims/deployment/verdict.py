"""Assessment -> the deployment claim's decision: a verdict code and the numbers it rests on (no prose)."""

from __future__ import annotations

from dataclasses import dataclass

from evidence.options import KERAS_OPTIONS, TF_CORE

from .assessment import DeploymentAssessment


@dataclass(frozen=True)
class Decision:
    """The verdict and what it rests on."""

    verdict: str
    easier: tuple[str, ...]
    """The Keras options easier to deploy than TensorFlow core."""
    lighter: bool
    """Keras on TensorFlow's artifacts are lighter (median size ratio at most the threshold)."""
    shared: tuple[str, ...]
    """Targets both Keras on TensorFlow and TensorFlow core reach (for every model taken there)."""


def decide(a: DeploymentAssessment) -> Decision:
    """``supported`` when every Keras option is easier and Keras is lighter; ``partly supported`` when some
    Keras option is easier or Keras is lighter; ``refuted`` when neither; ``inconclusive`` when Keras on
    TensorFlow and TensorFlow core share no working target."""
    shared = tuple(t for t in a.reach("keras-tensorflow") if t in a.reach(TF_CORE))
    easier = tuple(o for o, e in a.ease.items() if e.easier)
    if a.ease.get("keras-tensorflow") is None or not shared:
        return Decision("inconclusive", easier, a.weight.lighter, shared)
    if len(easier) == len(KERAS_OPTIONS) and a.weight.lighter:
        verdict = "supported"
    elif easier or a.weight.lighter:
        verdict = "partly supported"
    else:
        verdict = "refuted"
    return Decision(verdict, easier, a.weight.lighter, shared)
