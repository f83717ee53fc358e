"""Claim ``community``: TensorFlow has a larger and more active community than Keras.

Evidence: the PyPI listing of 2026-11-25 (``evidence/data/pypi-dl-frameworks-2026-11-25.tsv``, with where it came
from, how and when in its ``.source.json``): every package whose *name* contains ``keras``, ``tensorflow``,
``tf-``/``tf_`` (as a prefix), ``jax``, ``flax``, ``torch``, ``theano`` or ``cntk``, with its newest release month,
its download rank (among the 15,000 most downloaded) and its own one-line summary.

Method (:mod:`.listing`). A package belongs to an ecosystem by *what it is*, not by a name prefix (membership:
``name``, ``summary``, ``look_alike``, ``placeholder``, ``name_only``), and each member has an *origin*: the
framework itself (platform builds such as tensorflow-cpu/-intel/-macos/-aarch64, nightlies such as tf-nightly,
type stubs such as types-tensorflow, and packages that carry the framework's own summary), its organisation's
(first party: the reviewed list ``evidence/data/community-first-party.tsv``, each entry with its repository), or
third party. The three signals (packages, active, widely downloaded) count third-party packages only; the rest is
reported apart, each with why. Counts use the classified packages; the third-party name-only candidates added
bound how far the unclassifiable ones could move them, and the two make each ratio's interval.

What it cannot show: a package listing has no contributors, questions or issue traffic, and cannot tell who
contributes; the verdict is therefore at most "partly supported" (:meth:`.claim.CommunityClaim.verdict`). The
claim depends on no machine: its venue scope says so, and readers show no venue for it.
"""

from __future__ import annotations

from .assessment import CommunityAssessment, EcosystemCount, ExcludedPackage, SetApartPackage, Signal
from .claim import CANNOT_SAY, OPTION_ECOSYSTEMS, SIGNALS, CommunityClaim, tensorflow_requires_keras
from .listing import (
    DATA_FILE,
    FIRST_PARTY_FILE,
    LISTING_DATE,
    SOURCE,
    SOURCE_FILE,
    analyse,
    classify,
    months_between,
    origin,
    read_first_party,
    read_listing,
    read_source,
)

CLAIM = CommunityClaim()

__all__ = ["CANNOT_SAY", "CLAIM", "DATA_FILE", "FIRST_PARTY_FILE", "LISTING_DATE", "OPTION_ECOSYSTEMS", "SIGNALS",
           "SOURCE", "SOURCE_FILE", "CommunityAssessment", "CommunityClaim", "EcosystemCount", "ExcludedPackage",
           "SetApartPackage", "Signal", "analyse", "classify", "months_between", "origin", "read_first_party",
           "read_listing", "read_source", "tensorflow_requires_keras"]
