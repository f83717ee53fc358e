"""Claim ``performance``: TensorFlow's own engine is tuned for speed (see :mod:`.claim` for the method).

A package in the claim shape: :mod:`.claim` (declarations), :mod:`.measure` / :mod:`.measure_zoo` (what a worker
runs), :mod:`.assessment` (the typed assessment readers import), :mod:`.assess` / :mod:`.assess_zoo` (results to
assessment), :mod:`.verdict` (the decision), :mod:`.report` (prose), :mod:`.synthetic` (made-up worker results for
the family test), :mod:`.stats` (framework-free numbers), and ``data/`` (the settings and keras.io's published
benchmark as tables).
"""

from __future__ import annotations

from evidence.claim import load_program
from evidence.claims.performance.assessment import PerformanceAssessment, across_venues
from evidence.claims.performance.claim import CLAIM, OPTION_SETTINGS, SUBJECTS, ZOO_SETTINGS, PerformanceClaim
from evidence.claims.performance.stats import compare, faster, joint_bootstrap, phase_stats, pool_model

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
