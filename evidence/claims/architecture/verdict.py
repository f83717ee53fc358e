""":class:`~.assessment.ArchitectureAssessment` -> the typed decision: the verdict, the branch of the rule that
decided it, and the backend counts it rests on (no prose: :mod:`.report` writes the words)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from evidence.contract import Assessment, Decision, split_missing

from .assess import OLD_BACKENDS
from .assessment import ArchitectureAssessment


@dataclass(frozen=True)
class Backends:
    """The backend names sorted by what Keras did with them (read from the assessment's trials)."""

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


def backends(a: ArchitectureAssessment) -> Backends:
    """The trials of ``a`` sorted by outcome (what :func:`decide` and the report read)."""
    training, rejected, ignored = a.training_backends(), a.rejected_backends(), a.ignored_backends()
    return Backends(training, a.inference_only_backends(), rejected, ignored,
                    [b for b in OLD_BACKENDS if b in rejected or b in ignored],
                    [b for b in OLD_BACKENDS if b in training], a.untried_backends())


def decide(a: Assessment, thresholds: Mapping[str, int | float]) -> Decision:
    """Outdated when Keras trains on some backend and no longer runs on Theano and CNTK (it rejects the names, or
    ignores them and runs on another backend); partly supported when only one of them is gone; supported when an
    old backend trains and neither is gone (one that could not be tried is named, not counted either way);
    inconclusive when Keras trains on no backend, or neither old backend could be tried.

    Changed on 2026-12-07 (the decision log): training on TensorFlow was required; now training on any backend is.
    No threshold decides: ``discontinued_after_months`` only dates the old backends in the assessment.
    """
    assert isinstance(a, ArchitectureAssessment)
    b = backends(a)
    if not b.training:
        verdict, code = "inconclusive", "trains_on_no_backend"
    elif len(b.old_gone) == len(OLD_BACKENDS):
        verdict, code = "outdated", "old_backends_gone"
    elif b.old_gone:
        verdict, code = "partly supported", "one_old_backend_gone"
    elif b.old_training:
        verdict, code = "supported", "old_backend_trains"
    else:
        verdict, code = "inconclusive", "old_backends_untried"
    numbers: dict[str, int | float | bool | str | None] = {
        "training": len(b.training), "inference_only": len(b.inference_only), "rejected": len(b.rejected),
        "ignored": len(b.ignored), "old_gone": len(b.old_gone), "old_training": len(b.old_training)}
    unavailable, failed = split_missing(a.not_measured)  # subjects, as every claim's decision names them
    return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)
