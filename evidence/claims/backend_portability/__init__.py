"""Claim ``backend_portability``: Keras moves between backend engines with ease; TensorFlow has one engine.

The article pairs two statements: Keras can swap the engine underneath it, and TensorFlow has a single engine
tuned for speed. This package tests the first half only; the speed half is the ``performance`` claim.

Evidence, in five stages, each (stage, subject) cell in its own worker process (:mod:`.measure`):

``train`` (tensorflow, jax, torch)
    ``evidence/programs/digits_mlp.py``, one Keras 3 program with no backend import, trains on scikit-learn's
    bundled digits under each backend with no change. It records test accuracy, final loss and per-epoch seconds
    (the first, compiling epoch apart), and saves ``<backend>.keras`` and the model's test-set probabilities in the
    run's shared folder.
``load`` (tensorflow, jax, torch, numpy, openvino)
    Every backend, the two inference-only ones included, loads every saved file with
    ``keras.saving.load_model(compile=False)`` and predicts on the same test inputs; the largest absolute
    difference from the saving backend's own probabilities is recorded. OpenVINO predicts at its CPU plugin's
    default precision (bfloat16 on CPUs with bf16 units), so its loads are rerun with the ``f32`` inference-precision
    hint, to tell the file's portability from the engine's arithmetic. The inference-only backends also try to
    train, and their refusal is recorded.
``corpus`` (tensorflow, jax, torch)
    Every program under ``evidence/programs/corpus/`` (:mod:`.corpus`): the kinds of program keras.io's guides
    and examples show, written by us, each run unchanged for a few epochs under each backend. A failure is the
    measurement: its error, located in the program, and its class (the data file ``data/failure_rules.json``).
    These are our own programs.
``arch_train`` and ``arch_load`` (tensorflow, jax, torch)
    Architectures from the field's libraries, code nobody here wrote (:mod:`.measure_architectures`): each program
    under ``evidence/programs/architectures/`` builds KerasHub's BERT or GPT-2 or ``keras.applications``' ResNet-50
    or MobileNetV3-Small from its configuration with random weights, and the worker trains it a few steps, predicts
    and saves it under each backend, then loads every backend's file under each and compares the predictions.
    Counted apart from our own corpus.

The parts: :mod:`.claim` (declarations and wiring), :mod:`.subjects` (subjects and program lists), :mod:`.measure`
and :mod:`.measure_architectures` (workers; typed measurements in :mod:`.measurement`), :mod:`.assess` and
:mod:`.assess_architectures` (raw results -> :mod:`.assessment`, what readers read), :mod:`.verdict` (the rule:
assessment -> decision) and :mod:`.report` (prose).
"""

from __future__ import annotations

import importlib
from typing import Any

from evidence.claims.backend_portability.assessment import PortabilityAssessment
from evidence.claims.backend_portability.subjects import ARCHITECTURES, CORPUS

#: Loaded from :mod:`.claim` on first use, so that a reader importing the assessment or the verdict module
#: does not import the claim's wiring and, through it, its measurement models.
_LAZY = {"CLAIM": "claim", "BackendPortabilityClaim": "claim"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["ARCHITECTURES", "CLAIM", "CORPUS", "BackendPortabilityClaim", "PortabilityAssessment"]
