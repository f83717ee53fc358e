"""Claim ``architecture``: Keras is a high-level API on top of TensorFlow, CNTK or Theano.

Method (:mod:`.measure`): one worker per backend name sets ``KERAS_BACKEND`` to it and tries, in order,
``import keras``, a tensor op, ``predict`` and one ``fit`` epoch of a tiny model, recording each step's outcome and
the exact error where one fails; it also times a cold ``import keras`` in fresh processes. Another worker checks
what ``tf.keras`` resolves to in the installed TensorFlow, and a third reads when Theano and CNTK last released from
the PyPI listing of 2026-11-25. Sub-claim (c), TensorFlow's extra architectural freedom, is tested by the
``extensibility`` claim.

The article's era is measured by the release set ``keras-2.2`` (multi-backend Keras 2.2.4 on Theano 1.0.5,
``evidence/results/releases/keras-2.2/``): the same probe, run there. What pip cannot install on this machine's
Python (TensorFlow 1.x, CNTK) is recorded unavailable with pip's error; the rest of the era is stated as cited
fact with sources and dates (:data:`.history.HISTORY`), recorded in the assessment.
"""

from __future__ import annotations

from .assess import trial
from .assessment import ArchitectureAssessment, BackendTrial, CitedFact, LastRelease, TfKeras
from .claim import BACKENDS, TRAINING_ARTICLE_BACKENDS, ArchitectureClaim
from .history import HISTORY

CLAIM = ArchitectureClaim()

__all__ = ["BACKENDS", "CLAIM", "HISTORY", "TRAINING_ARTICLE_BACKENDS", "ArchitectureAssessment",
           "ArchitectureClaim", "BackendTrial", "CitedFact", "LastRelease", "TfKeras", "trial"]
