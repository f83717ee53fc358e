"""Every id a reader can meet, in words: the one map from ids to human labels.

The site (:mod:`kvt_docs`), the browser advisor (its data carries :func:`all_labels`, made here) and the
terminal tables of ``kvt advise`` all show labels from this module, never the ids themselves: options
(``keras-jax`` -> "Keras · JAX"), claims, questions and their answers (``multi_node`` -> "several machines"),
advisor requirements (``model_size=needs_sharding`` -> "model size: needs sharding"), deployment targets,
distributed paths, outcome codes, the settings and failure classes of ``kvt check``, and the keys of a key path
(``backends.jax.status`` -> "backends › JAX › status", for Then and now).

Ids stay the interface of flags, answer files and JSON; labels are for people. A label is written by a person,
here; :func:`label` falls back to the id in words (underscores as spaces) for an id nobody labelled yet, so the
site stays readable, and the site's crawl test names any id that reaches a page raw.

Light on purpose: no import beyond :mod:`evidence.options`, so the CLI and the advisor can import it at start.
"""

from __future__ import annotations

import re

from evidence.options import LABELS as OPTION_LABELS

#: The options compared (the same map as :data:`evidence.options.LABELS`).
OPTIONS: dict[str, str] = dict(OPTION_LABELS)

#: The claims, by registered id.
CLAIMS: dict[str, str] = {
    "architecture": "Architecture", "backend_portability": "Backend portability", "performance": "Performance",
    "distributed_scaling": "Distributed scaling", "ease_of_use": "Ease of use", "community": "Community",
    "deployment": "Deployment", "extensibility": "Extensibility", "platform": "Hardware and systems",
}

#: The Keras backends and frameworks.
FRAMEWORKS: dict[str, str] = {"ai_edge_litert": "LiteRT's interpreter (ai-edge-litert)",
                              "tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch", "pytorch": "PyTorch",
                              "numpy": "NumPy", "openvino": "OpenVINO", "theano": "Theano", "cntk": "CNTK"}

#: The advisor's questions, as a short noun for a sentence or a table.
QUESTIONS: dict[str, str] = {
    "experience": "experience", "goal": "goal", "accelerator": "accelerator", "os": "operating system",
    "deploy_target": "deploy target", "scale": "scale", "model_size": "model size", "custom_ops": "custom code",
    "ecosystem": "existing code", "pretrained": "pretrained models", "switch_backends": "switching engines",
    "priority": "priority", "platform": "hardware and operating system",
}

#: The answers to the advisor's questions, short (the form shows each choice's full label).
ANSWERS: dict[str, str] = {
    "cpu": "CPU", "nvidia_gpu": "NVIDIA GPU", "amd_gpu": "AMD GPU", "tpu": "TPU", "apple_silicon": "Apple silicon",
    "linux": "Linux", "macos": "macOS", "windows": "Windows",
    "tf_serving": "TensorFlow Serving", "web_service": "a web service", "android": "Android", "ios": "iOS",
    "browser": "a web browser", "onnx": "ONNX Runtime",
    "single_device": "one device", "multi_device": "several devices in one machine", "multi_node": "several machines",
    "fits_one_device": "fits one device", "needs_sharding": "needs sharding across devices",
    "layers": "custom layers", "training_loop": "custom training steps", "compiled_kernels": "compiled kernels",
    "kerashub": "KerasHub", "huggingface": "Hugging Face Transformers",
}

#: Deployment targets (the deployment claim's and ``kvt check``'s).
TARGETS: dict[str, str] = {
    "keras": "native .keras", "savedmodel": "SavedModel", "onnx": "ONNX", "litert": "LiteRT",
    "openvino": "OpenVINO", "torch_pt2": "PyTorch .pt2", "executorch": "ExecuTorch",
    "browser_onnx": "ONNX Runtime Web (browser)", "browser_litert": "LiteRT.js (browser)", "tfjs": "TensorFlow.js",
}

#: The distributed-training paths of the distributed_scaling claim.
PATHS: dict[str, str] = {
    "mirrored-fit": "MirroredStrategy with fit", "multiworker-fit": "MultiWorkerMirroredStrategy with fit",
    "tf-keras-modelparallel": "Keras model parallel on TensorFlow",
    "mirrored-custom": "MirroredStrategy, custom loop",
    "multiworker-custom": "MultiWorkerMirroredStrategy, custom loop",
    "tfcore-dtensor": "DTensor, custom loop", "jax-dataparallel": "Keras data parallel on JAX",
    "jax-multiprocess": "Keras data parallel on JAX, several processes",
    "jax-modelparallel": "Keras model parallel on JAX",
    "torch-keras-distribution": "Keras data parallel on PyTorch",
    "torch-keras-modelparallel": "Keras model parallel on PyTorch", "torch-ddp": "PyTorch DistributedDataParallel",
}

#: Outcome and state codes of the assessments, the advisor's requirement checks and ``kvt check``.
OUTCOMES: dict[str, str] = {
    "works": "works", "fails": "fails", "unavailable": "could not try", "not_applicable": "not applicable",
    "not_reached": "not reached", "not_run": "not run here", "supported": "supported", "experimental": "experimental",
    "unsupported": "unsupported", "unknown": "not verified", "not_verified": "not verified", "met": "met",
    "failed": "failed", "trains": "trains", "inference_only": "inference only", "rejected": "rejected",
    "over_budget": "over the compile budget", "timeout": "timed out", "timed_out": "timed out", "broken": "broken",
    "look_alike": "look-alike name", "placeholder": "placeholder package", "too_few": "too few to count",
    "within_noise": "within the noise band", "cannot_say": "cannot say", "both_sides": "both sides",
    "partly_supported": "partly supported", "not_tried": "not tried",
}

#: ``kvt check --time``'s settings.
SETTINGS: dict[str, str] = {
    "default": "defaults", "xla": "XLA", "xla_spe": "XLA with several steps per call", "spe": "several steps per call",
    "torch_compile": "torch.compile", "eager": "eager",
}

#: ``kvt check``'s failure classes: what to change first.
FAILURE_CLASSES: dict[str, str] = {
    "framework_op_in_layer": "a framework's own op inside a layer",
    "train_step_for_other_backend": "a train step written for another engine",
    "framework_autodiff": "a framework's own gradient code", "lambda_layer": "a Lambda layer",
    "numpy_on_tensor": "NumPy conversion of a tensor", "strings": "string tensors",
    "missing_get_config": "a layer without its config", "export_blocked": "an op the export cannot write",
    "keras2_api": "a Keras 2 API", "custom_object_unregistered": "an unregistered custom object",
    "dynamic_dimension": "a dynamic dimension",
}

#: Thresholds and settings of the claims, where a page names one in a sentence.
THRESHOLDS: dict[str, str] = {"faster_margin": "faster margin", "bootstrap_level": "bootstrap level",
                              "noise_band": "noise band"}

#: The model zoo's architectures (the performance, deployment and portability claims measure them).
MODELS: dict[str, str] = {"resnet50": "ResNet-50", "mobilenet_v3_small": "MobileNetV3-Small", "bert_base": "BERT-base",
                          "gpt2_small": "GPT-2 small", "bert": "BERT", "gpt2": "GPT-2"}

#: Words of key paths (Then and now compares assessments field by field).
KEYS: dict[str, str] = {"backends": "backends", "status": "status", "tf_keras": "tf.keras", "is_keras": "is Keras",
                        "engines": "engines", "cells": "cells", "version": "version"}

#: Every map above, in the order :func:`label` looks an id up (the first that has it wins).
MAPS: tuple[dict[str, str], ...] = (OPTIONS, CLAIMS, PATHS, TARGETS, ANSWERS, OUTCOMES, SETTINGS, FAILURE_CLASSES,
                                    QUESTIONS, FRAMEWORKS, MODELS, THRESHOLDS, KEYS)


def _merged() -> dict[str, str]:
    merged: dict[str, str] = {}
    for m in reversed(MAPS):
        merged.update(m)
    return merged


#: The flat map, made once (the maps above are constants).
_ALL = _merged()


def all_labels() -> dict[str, str]:
    """Every labelled id -> its label, one flat map (what the browser advisor's data carries); a copy."""
    return dict(_ALL)


def label(value: str) -> str:
    """The label of ``value``: a requirement (``scale=multi_node``) as "scale: several machines", a key path
    (``backends.jax.status``) with each key labelled, an id as written here, else the id in words.

    Examples:
        >>> label("keras-jax"), label("multi_node"), label("model_size=needs_sharding")
        ('Keras · JAX', 'several machines', 'model size: needs sharding across devices')
        >>> label("platform=nvidia_gpu/windows"), label("backends.jax.status")
        ('hardware and operating system: NVIDIA GPU on Windows', 'backends › JAX › status')
    """
    if value in _ALL:
        return _ALL[value]
    if "=" in value:
        key, _, answer = value.partition("=")
        return f"{QUESTIONS.get(key) or label(key)}: {' on '.join(label(a) for a in answer.split('/'))}"
    if "." in value and re.fullmatch(r"[\w\-]+(\.[\w\-]+)+", value):
        return " › ".join(label(k) for k in value.split("."))
    return value.replace("_", " ")


#: An id of the map, standing alone in text (not part of a longer name, a path or an address).
def _id_pattern(ids) -> re.Pattern[str]:
    alternatives = "|".join(re.escape(i) for i in sorted(ids, key=len, reverse=True))
    return re.compile(rf"(?<![\w\-./`=]){'(' + alternatives + ')'}(?![\w\-/`]|\.\w)")


ID_PATTERN = _id_pattern([i for i in all_labels() if "-" in i or "_" in i])
#: A venue id in text: ``cpu-2core``, ``gpu-h200`` (evidence.venue's names).
VENUE_PATTERN = re.compile(r"(?<![\w\-./`])((?:cpu|gpu)-[a-z0-9]+(?:-[a-z0-9]+)*)(?![\w\-/`]|\.\w)")


def venue_words(venue: str) -> str:
    """A venue in words: ``cpu-2core`` -> "a 2-core CPU", ``gpu-h200`` -> "an H200 GPU".

    Examples:
        >>> venue_words("cpu-2core"), venue_words("gpu-h200"), venue_words("gpu-a100-sxm4-40gb")
        ('a 2-core CPU', 'an H200 GPU', 'an A100 SXM4 40GB GPU')
    """
    cpu = re.fullmatch(r"cpu-(\d+)core", venue)
    if cpu:
        return f"a {cpu.group(1)}-core CPU"
    if venue.startswith("gpu-"):
        name = venue.removeprefix("gpu-").replace("-", " ").upper()
        return f"{'an' if name[:1] in 'AEFHILMNORSX' else 'a'} {name} GPU"
    return f"the {venue} machine"


#: An advisor requirement in text: ``question=answer`` (``platform=cpu/linux``).
REQUIREMENT_PATTERN = re.compile(r"(?<![\w\-./`])(" + "|".join(QUESTIONS) + r")=([a-z_]+(?:/[a-z_]+)?)(?![\w\-/`])")


def humanize(text: str) -> str:
    """``text`` with every option, path, target or other hyphenated or snake_case id of the map replaced by its
    label (a sentence the advisor wrote with ids, shown to a person).

    Examples:
        >>> humanize("keras-jax is the only option that meets scale=multi_node")
        'Keras · JAX is the only option that meets scale: several machines'
        >>> humanize("Distributed scaling on cpu-2core")
        'Distributed scaling on a 2-core CPU'
        >>> humanize("3 of 4 options (keras-jax, keras-torch, tensorflow-core)")
        '3 of 4 options (Keras · JAX, Keras · PyTorch, TensorFlow core)'
    """
    text = REQUIREMENT_PATTERN.sub(lambda m: label(m.group(0)), text)
    text = VENUE_PATTERN.sub(lambda m: venue_words(m.group(1)), text)
    return ID_PATTERN.sub(lambda m: _ALL[m.group(1)], text)


__all__ = [
    "ANSWERS",
    "CLAIMS",
    "FAILURE_CLASSES",
    "FRAMEWORKS",
    "ID_PATTERN",
    "KEYS",
    "MAPS",
    "OPTIONS",
    "OUTCOMES",
    "PATHS",
    "QUESTIONS",
    "REQUIREMENT_PATTERN",
    "SETTINGS",
    "TARGETS",
    "THRESHOLDS",
    "all_labels",
    "humanize",
    "label",
]
