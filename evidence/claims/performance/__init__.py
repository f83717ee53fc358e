"""Claim ``performance``: TensorFlow's own engine is tuned for speed (see :mod:`.claim` for the method).

A package: :mod:`.assessment` (the typed assessment readers import), :mod:`.stats` (framework-free numbers),
:mod:`.measure` (what a worker runs) and :mod:`.claim` (declarations, assessment and verdict).
"""

from __future__ import annotations

from evidence.claim import load_program
from evidence.claims.performance.assessment import PerformanceAssessment, across_venues
from evidence.claims.performance.claim import (
    CLAIM,
    OPTION_SETTINGS,
    OTHER_ENGINES,
    SUBJECTS,
    TENSORFLOW_ENGINE,
    PerformanceClaim,
    pool_rounds,
    public_record,
)
from evidence.claims.performance.stats import PHASES, compare, faster, joint_bootstrap, phase_stats, pool_model

__all__ = [
    "CLAIM",
    "OPTION_SETTINGS",
    "OTHER_ENGINES",
    "PHASES",
    "SUBJECTS",
    "TENSORFLOW_ENGINE",
    "PerformanceAssessment",
    "PerformanceClaim",
    "across_venues",
    "compare",
    "faster",
    "joint_bootstrap",
    "load_program",
    "phase_stats",
    "pool_model",
    "pool_rounds",
    "public_record",
]
