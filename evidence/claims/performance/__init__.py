"""Claim ``performance``: TensorFlow's own engine is tuned for speed (see :mod:`.claim` for the method).

A package in the claim shape: :mod:`.claim` (declarations), :mod:`.measure` / :mod:`.measure_zoo` (what a worker
runs), :mod:`.assessment` (the typed assessment readers import), :mod:`.assess` / :mod:`.assess_zoo` (results to
assessment), :mod:`.verdict` (the decision), :mod:`.report` (prose), :mod:`.synthetic` (made-up worker results for
the family test), :mod:`.stats` (framework-free numbers), and ``data/`` (the settings and keras.io's published
benchmark as tables).
"""

from __future__ import annotations

from typing import Any

from evidence.claim import load_program
from evidence.claims.performance.assessment import PerformanceAssessment, across_venues
from evidence.claims.performance.claim import CLAIM, OPTION_SETTINGS, SUBJECTS, ZOO_SETTINGS, PerformanceClaim

#: The judge's arithmetic, kept importable from the package but loaded on first use: a reader of a result imports
#: the declarations, the assessment, the verdict and the report only.
_LAZY = ("compare", "faster", "joint_bootstrap", "phase_stats", "pool_model")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.stats"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CLAIM",
    "OPTION_SETTINGS",
    "SUBJECTS",
    "ZOO_SETTINGS",
    "PerformanceAssessment",
    "PerformanceClaim",
    "across_venues",
    "compare",
    "faster",
    "joint_bootstrap",
    "load_program",
    "phase_stats",
    "pool_model",
]
