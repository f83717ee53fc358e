""":class:`~.assessment.ArchitectureAssessment` -> the typed decision: the verdict code and the backend lists it
rests on (no prose: :mod:`.report` writes the words)."""

from __future__ import annotations

from dataclasses import dataclass

from .assess import OLD_BACKENDS
from .assessment import ArchitectureAssessment


@dataclass(frozen=True)
class Decision:
    """The verdict and what it rests on."""

    verdict: str
    training: list[str]
    inference_only: list[str]
    rejected: list[str]
    ignored: list[str]
    old_gone: list[str]
    """Old backends (theano, cntk) Keras rejects or ignores: measured gone."""
    old_training: list[str]
    """Old backends Keras trains on: measured present."""
    untried: list[str]
    """Backends that could not be tried (not installable there, or the worker failed)."""


def decide(a: ArchitectureAssessment) -> Decision:
    """Outdated when Keras trains on some backend and no longer runs on Theano and CNTK (it rejects the names, or
    ignores them and runs on another backend); partly supported when only one of them is gone; supported when an
    old backend trains and neither is gone (one that could not be tried is named, not counted either way);
    inconclusive when Keras trains on no backend, or neither old backend could be tried.

    Changed on 2026-12-07 (the decision log): training on TensorFlow was required; now training on any backend is.
    """
    training, inference_only = a.training_backends(), a.inference_only_backends()
    rejected, ignored = a.rejected_backends(), a.ignored_backends()
    old_gone = [b for b in OLD_BACKENDS if b in rejected or b in ignored]
    old_training = [b for b in OLD_BACKENDS if b in training]
    untried = a.untried_backends()
    if not training:
        verdict = "inconclusive"
    elif len(old_gone) == len(OLD_BACKENDS):
        verdict = "outdated"
    elif old_gone:
        verdict = "partly supported"
    elif old_training:
        verdict = "supported"
    else:
        verdict = "inconclusive"
    return Decision(verdict, training, inference_only, rejected, ignored, old_gone, old_training, untried)
