"""Raw results of ``backend_portability`` made up without running anything: for the family test's
``synthetic_results`` hook (issue 21) and the claim's own tests.

Every builder returns the raw measurements a worker would (:mod:`.measurement`'s shapes, as JSON), so that what is
judged goes through :mod:`.assess` exactly as a real run's results do. Pure Python.
"""

from __future__ import annotations

import copy
from typing import Any, Literal

from evidence.claims.backend_portability.subjects import BACKENDS, INFERENCE_ONLY
from evidence.options import KERAS_OPTIONS, TRAINING_BACKENDS

Side = Literal["below", "above"]

#: The accuracies of the model program on each training backend, all agreeing.
ACCURACIES: dict[str, float] = {"tensorflow": 0.96, "jax": 0.965, "torch": 0.958}


def train(backend: str, acc: float) -> dict[str, Any]:
    """The ``train`` stage's measurement of ``backend``: the model program at test accuracy ``acc``."""
    return {
        "backend": backend, "program": "digits_mlp.py", "epochs": 20, "batch_size": 32, "train_samples": 1437,
        "test_samples": 360, "test_accuracy": acc, "final_loss": 0.1, "loss_per_epoch": [0.1], "warmup_epochs": 1,
        "warmup_epoch_s": [0.8],
        "epoch_time": {"median_s": 0.05, "iqr_s": 0.01, "min_s": 0.04, "max_s": 0.06, "repeats": 19,
                       "samples_s": [0.04, 0.05, 0.05, 0.06]},
        "train_s": 2.0, "saved": "x.keras", "saved_bytes": 1000, "inputs_identical": True, "torch_threads": None,
    }


def load(loader: str, sources: tuple[str, ...], diff: float = 3e-7, reduced_diff: float = 5e-3,
         reduced_agreement: float = 1.0) -> dict[str, Any]:
    """The ``load`` stage's measurement of ``loader``: every file of ``sources`` predicting ``diff`` apart (OpenVINO:
    ``reduced_diff`` in bfloat16 with ``reduced_agreement`` of classes agreeing, ``diff`` with the f32 hint)."""
    entries = {}
    for src in sources:
        entry: dict[str, Any] = {"status": "loaded", "load_predict_s": 0.1,
                                 "max_abs_diff": 0.0 if src == loader else diff, "class_agreement": 1.0,
                                 "classes_differing": 0, "precision": None}
        if loader == "openvino":
            entry.update(max_abs_diff=reduced_diff, precision="bf16", class_agreement=reduced_agreement,
                         classes_differing=round((1 - reduced_agreement) * 360),
                         f32_hint={"max_abs_diff": diff, "class_agreement": 1.0, "classes_differing": 0,
                                   "precision": "f32"})
        entries[src] = entry
    out: dict[str, Any] = {"backend": loader, "inputs": 360, "sources": entries}
    if loader in ("numpy", "openvino"):
        out["train_attempt"] = {"works": False, "error": {"type": "NotImplementedError", "message": "no fit"}}
    return out


def ran(before: float = 1.0, after: float = 0.5, **checks: bool) -> dict[str, Any]:
    """A corpus run that worked (or whose checks say otherwise)."""
    return {"ran": True, "loss_before": before, "loss_after": after, "checks": checks, "seconds": 0.5}


def raised(type_: str, message: str, root: str | None = None, line: str | None = None) -> dict[str, Any]:
    """A corpus run that raised."""
    return {"ran": False, "seconds": 0.1,
            "error": {"type": type_, "message": message, "root": root, "at": None, "line": line}}


TF_UNDER_JAX = raised("AttributeError", "'str' object has no attribute '_error_repr'",
                      root="jax.errors.TracerArrayConversionError: The numpy.ndarray conversion method")
TF_UNDER_TORCH = raised("RuntimeError", "Can't call numpy() on Tensor that requires grad.",
                        line="return tf.math.cumsum(inputs, axis=1)")
JAX_STEP = raised("TypeError", "JaxStepModel.train_step() missing 1 required positional argument: 'data'")

Runs = dict[str, tuple[list[str], dict[str, dict[str, Any]]]]
#: program -> (imports, entry per backend): one Keras-only program that ports, one TensorFlow layer and one JAX step
#: that port nowhere else, as the real corpus's first members do.
CORPUS_RUNS: Runs = {
    "corpus/custom_layer_ops.py": (["keras"], {"tensorflow": ran(), "jax": ran(), "torch": ran()}),
    "corpus/layer_tf_ops.py": (["tensorflow"], {"tensorflow": ran(), "jax": TF_UNDER_JAX, "torch": TF_UNDER_TORCH}),
    "corpus/train_step_jax.py": (["jax"], {"tensorflow": JAX_STEP, "jax": ran(), "torch": JAX_STEP}),
}


def with_keras_only(ported: int, failing: int) -> Runs:
    """:data:`CORPUS_RUNS` with ``ported`` more Keras-only programs that port and ``failing`` that fail on torch: the
    Keras-only share is ``(1 + ported) / (1 + ported + failing)``."""
    runs = dict(CORPUS_RUNS)
    for i in range(ported):
        runs[f"corpus/ok_{i}.py"] = (["keras"], {"tensorflow": ran(), "jax": ran(), "torch": ran()})
    for i in range(failing):
        runs[f"corpus/bad_{i}.py"] = (["keras"], {"tensorflow": ran(), "jax": ran(), "torch": ran(after=2.0)})
    return runs


def corpus(backend: str, runs: Runs) -> dict[str, Any]:
    """The ``corpus`` stage's measurement of ``backend``."""
    programs = {}
    for name, (imports, per_backend) in runs.items():
        info = {"title": name, "modelled_on": "https://keras.io/guides/", "features": ["x"], "imports": imports}
        programs[name] = {"info": info, **copy.deepcopy(per_backend[backend])}
    return {"backend": backend, "epochs": 3, "programs": programs}


def arch_info(name: str) -> dict[str, Any]:
    """An architecture program's declarations."""
    return {"title": name, "library": "keras-hub", "source": "keras_hub.models.X", "reference": "https://keras.io/",
            "requires": ["keras_hub"], "config": {"num_layers": 12}, "preset": "x_base", "inputs": {"batch": 2}}


def arch_trained(name: str, **changes: Any) -> dict[str, Any]:
    """An architecture trained and saved (``changes`` override fields)."""
    entry = {"info": arch_info(name), "status": "trained", "params": 1000, "losses": [2.0, 1.9, 1.8],
             "losses_finite": True, "variables": 10, "variables_changed": 10, "build_s": 1.0,
             "step_s": [5.0, 1.0, 1.2], "predict_s": 0.5, "save_s": 0.5, "saved_bytes": 4000, "output_shape": [2, 2]}
    return {**entry, **changes}


def arch_loaded(diff: float, scale: float = 4.0) -> dict[str, Any]:
    """A file loaded under another backend, predicting ``diff`` apart at the given scale."""
    return {"status": "loaded", "load_s": 1.0, "predict_s": 0.5,
            "comparison": {"max_abs_diff": diff, "reference_scale": scale, "top1_agreement": 1.0,
                           "top1_differing": 0, "shape": [2, 2]}}


#: architecture -> the relative difference of its cross-backend loads.
ARCH_RUNS: dict[str, float] = {"architectures/bert.py": 2e-6, "architectures/resnet50.py": 5e-7}


def arch_stages(backend: str, arch: dict[str, float], trained: tuple[str, ...]) -> dict[str, Any]:
    """This backend's ``arch_train`` and ``arch_load`` measurements; ``trained``: the backends whose files exist."""
    train_ = {"backend": backend, "steps": 3, "programs": {name: arch_trained(name) for name in arch}}
    load_ = {"backend": backend, "programs": {
        name: {src: arch_loaded(rel * 4.0) if src in trained else {"status": "missing", "reason": "no file"}
               for src in TRAINING_BACKENDS if src != backend}
        for name, rel in arch.items()}}
    return {"arch_train": train_, "arch_load": load_}


def results(accs: dict[str, float] | None = None, diff: float = 3e-7, runs: Runs | None = None,
            arch: dict[str, float] | None = None, reduced_diff: float = 5e-3,
            reduced_agreement: float = 1.0) -> dict[str, Any]:
    """A complete set of subject results (``evidence.results.SubjectResult``) for all five subjects."""
    from evidence.results import SubjectResult

    accs = accs or ACCURACIES
    runs = CORPUS_RUNS if runs is None else runs
    arch = ARCH_RUNS if arch is None else arch
    out = {}
    for subject in KERAS_OPTIONS + INFERENCE_ONLY:
        backend = BACKENDS[subject]
        measurements = {"load": load(backend, tuple(accs), diff, reduced_diff, reduced_agreement)}
        stages = {"load": "ok"}
        if subject in KERAS_OPTIONS:
            measurements["train"] = train(backend, accs[backend])
            measurements["corpus"] = corpus(backend, runs)
            measurements.update(arch_stages(backend, arch, tuple(accs)))
            stages = {"train": "ok", "load": "ok", "corpus": "ok", "arch_train": "ok", "arch_load": "ok"}
        out[subject] = SubjectResult(status="ok", stages=stages, measurements=measurements)
    return out


def around(name: str, side: Side, t: dict[str, float]) -> dict[str, Any] | None:
    """Results whose judged number lies just ``below`` or just ``above`` threshold ``name`` (values ``t``), all else
    as :func:`results` makes it; None for a threshold that guards no decision."""
    near = 0.9 if side == "below" else 1.1  # a tolerance: below passes, above fails
    if name == "accuracy_tolerance":
        spread = t[name] * near
        return results(accs={"tensorflow": 0.96, "jax": 0.96 - spread, "torch": 0.96})
    if name == "min_accuracy":
        floor = t[name] + (-0.005 if side == "below" else 0.005)
        return results(accs=dict.fromkeys(TRAINING_BACKENDS, floor))
    if name == "prediction_tolerance":
        return results(diff=t[name] * near)
    if name == "reduced_precision_tolerance":
        return results(reduced_diff=t[name] * near)
    if name == "min_class_agreement":
        return results(reduced_agreement=t[name] + (-0.005 if side == "below" else 0.0))
    if name == "architecture_tolerance":
        return results(arch={"architectures/bert.py": t[name] * near, "architectures/resnet50.py": 0.0})
    if name == "supported_share":  # 9 of 10 Keras-only programs port (the edge counts as supported); 8 of 10
        return results(runs=with_keras_only(8, 1) if side == "above" else with_keras_only(7, 2))
    if name == "refuted_share":  # 1 of 2 Keras-only programs port (the edge is not refuted); 1 of 3
        return results(runs=with_keras_only(0, 1) if side == "above" else with_keras_only(0, 2))
    return None
