"""Claim ``community``: TensorFlow has a larger and more active community than Keras.

Evidence: the PyPI listing of 2026-11-25 (``evidence/data/pypi-dl-frameworks-2026-11-25.tsv``, with where it came
from, how and when in its ``.source.json``): every package whose *name* contains ``keras``, ``tensorflow``,
``tf-``/``tf_`` (as a prefix), ``jax``, ``flax``, ``torch``, ``theano`` or ``cntk``, with its newest release month,
its download rank (among the 15,000 most downloaded) and its own one-line summary.

Method (:mod:`.measure_listing`). A package belongs to an ecosystem by *what it is*, not by a name prefix
(membership: ``name``, ``summary``, ``look_alike``, ``placeholder``, ``name_only``), and each member has an
*origin*: the framework itself (platform builds such as tensorflow-cpu/-intel/-macos/-aarch64, nightlies such as
tf-nightly, type stubs such as types-tensorflow, and packages that carry the framework's own summary), its
organisation's (first party: the reviewed list ``evidence/data/community-first-party.tsv``, each entry with its
repository), or third party. The three signals (packages, active, widely downloaded) count third-party packages
only; the rest is reported apart, each with why. Counts use the classified packages; the third-party name-only
candidates added bound how far the unclassifiable ones could move them, and the two make each ratio's interval.

What it cannot show: a package listing has no contributors, questions or issue traffic, and cannot tell who
contributes; the verdict is therefore at most "partly supported" (:func:`.verdict.decide`). The claim depends on
no machine: its venue scope says so, and readers show no venue for it.

The package's parts: ``claim`` (declarations), ``measure`` and ``measure_listing`` (the worker's reading of the
listing), ``assessment`` (what readers read), ``assess``, ``verdict`` (the decision), ``report`` (prose),
``synthetic`` (made-up listings for the family test). Importing the package imports the declarations and the
assessment only; the other names below are loaded when first used.
"""

from __future__ import annotations

import importlib
from typing import Any

from .assessment import CommunityAssessment, EcosystemCount, ExcludedPackage, SetApartPackage, Signal
from .claim import (
    CANNOT_SAY,
    DATA_FILE,
    FIRST_PARTY_FILE,
    LISTING_DATE,
    OPTION_ECOSYSTEMS,
    SIGNALS,
    SOURCE,
    SOURCE_FILE,
    CommunityClaim,
)

CLAIM = CommunityClaim()

#: Names kept importable from the package, loaded from their module on first use (the measurement code stays
#: out of a reader's imports).
_LAZY = {"analyse": "measure_listing", "classify": "measure_listing", "months_between": "measure_listing",
         "origin": "measure_listing", "read_first_party": "measure_listing", "read_listing": "measure_listing",
         "read_source": "measure_listing", "tensorflow_requires_keras": "measure"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["CANNOT_SAY", "CLAIM", "DATA_FILE", "FIRST_PARTY_FILE", "LISTING_DATE", "OPTION_ECOSYSTEMS", "SIGNALS",
           "SOURCE", "SOURCE_FILE", "CommunityAssessment", "CommunityClaim", "EcosystemCount", "ExcludedPackage",
           "SetApartPackage", "Signal", *_LAZY]
