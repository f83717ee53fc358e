"""Keras 2 files for ``kvt check``: a legacy HDF5 model (``.h5``) and a TensorFlow SavedModel folder.

Parent side (standard library and ``h5py`` only, no framework): :func:`inspect_h5` and :func:`inspect_saved_model`
tell whether PATH is such a model and refuse bad input in one line (exit 2): an HDF5 file that holds no model (a
weights file, any other data), a folder without ``saved_model.pb``, ``h5py`` missing. A legacy ``.h5`` holding a
``Lambda`` layer is refused before any trial starts: Keras 2 stored the lambda's Python bytecode in the file, and
Keras 3's loader refuses it under ``safe_mode`` too, but refusing here means no process of ours ever reads it into
a loader (Keras 2's own loader, which a Keras 2 reference trial runs, has no ``safe_mode``).

Trial side (imported by :mod:`evidence.check.trial` in its worker):

- an ``.h5`` file loads through Keras 3's legacy HDF5 loader (``keras.saving.load_model``, ``safe_mode`` on,
  ``compile=False``) exactly as a ``.keras`` file does (the ``keras_file`` trial);
- a SavedModel runs :func:`run_saved_model`: Keras 3 cannot rebuild a Keras model from a SavedModel
  (``load_model`` refuses it); what it offers is ``keras.layers.TFSMLayer``, an inference-only layer around one
  signature, on the TensorFlow backend only (Keras raises ``NotImplementedError`` under the others). The trial
  records the signatures, the variables, and what the layer leaves behind;
- :func:`run_keras2_reference` runs in the keras-2.15 release-set environment (Keras 2.15, TensorFlow 2.15),
  where it loads the file with Keras 2's own loader and predicts the inputs the Keras 3 trials used, so the
  report compares Keras 3's predictions with Keras 2's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evidence.errors import UsageError

#: The first bytes of an HDF5 file.
HDF5_SIGNATURE = b"\x89HDF\r\n\x1a\n"
#: The release set whose environment gives Keras 2's own predictions.
KERAS2_RELEASE = "keras-2.15"
#: The signature a Keras 2 ``model.save(folder)`` writes, then the one Keras 3's ``model.export`` writes.
ENDPOINTS = ("serving_default", "serve")


def is_hdf5(path: Path) -> bool:
    """Whether ``path`` starts with the HDF5 signature."""
    try:
        with path.open("rb") as handle:
            return handle.read(8) == HDF5_SIGNATURE
    except OSError:
        return False


def _layers(config: Any) -> list[tuple[str, str]]:
    """(class_name, name) of every layer in a Keras model config, nested models included."""
    out = []
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "class_name" in node and isinstance(node.get("config"), dict):
                out.append((str(node["class_name"]), str(node["config"].get("name", ""))))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def inspect_h5(path: Path) -> dict[str, Any]:
    """What a legacy ``.h5`` model file holds, read with ``h5py`` (no framework): its model class, layers and the
    Keras version and backend that saved it.

    Raises:
        UsageError: h5py is missing, the file is not HDF5, it holds weights only or no model, or it holds a
            ``Lambda`` layer (refused: its Python bytecode would run on load).
    """
    if not is_hdf5(path):
        raise UsageError(f"{path} is not a Keras model: a .h5 model is an HDF5 file, and this one is not")
    try:
        import h5py
    except ImportError:
        raise UsageError("reading a .h5 model needs the h5py package: pip install h5py") from None
    try:
        with h5py.File(path, "r") as handle:
            attrs = dict(handle.attrs)
            weights_only = "layer_names" in attrs
    except OSError as exc:
        raise UsageError(f"{path} is not a readable HDF5 file: {str(exc).splitlines()[0]}") from None
    raw = attrs.get("model_config")
    if raw is None:
        what = "weights only (model.save_weights), no model" if weights_only else "no Keras model (no model_config)"
        raise UsageError(f"{path} holds {what}: build the model in code and load the weights into it, or save "
                         "the whole model with model.save(...)")
    try:
        config = json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else str(raw))
    except ValueError as exc:
        raise UsageError(f"{path} has a model_config that is not JSON: {exc}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise UsageError(f"{path} is not a Keras model: its model_config describes no Keras object")
    layers = _layers(config.get("config", {}))
    lambdas = [name for cls, name in layers if cls == "Lambda"]
    if lambdas:
        raise UsageError(f"{path} holds a Lambda layer ({', '.join(lambdas)}) whose Python bytecode runs when it "
                         "loads: refused, never executed (safe mode); rewrite it as a Layer subclass and save a "
                         ".keras file, then check that with --custom-objects")

    def text(value: Any) -> str | None:
        return None if value is None else value.decode() if isinstance(value, bytes) else str(value)

    return {"format": "HDF5 (legacy)", "class": config["class_name"], "layers": len(layers),
            "saved_by": f"Keras {text(attrs.get('keras_version')) or '?'} ({text(attrs.get('backend')) or '?'})"}


def inspect_saved_model(path: Path) -> dict[str, Any]:
    """What a SavedModel folder holds, from its file names (no framework).

    Raises:
        UsageError: the folder holds no ``saved_model.pb`` (or ``.pbtxt``).
    """
    if not any((path / name).is_file() for name in ("saved_model.pb", "saved_model.pbtxt")):
        raise UsageError(f"{path} is a folder but not a TensorFlow SavedModel (no saved_model.pb): expected a "
                         ".keras or .h5 file, a SavedModel folder, a Python module defining build_model(), or a "
                         "script with --script")
    keras2 = (path / "keras_metadata.pb").is_file()
    return {"format": "TensorFlow SavedModel",
            "saved_by": "Keras 2 model.save(folder)" if keras2 else "tf.saved_model.save or Keras 3 model.export",
            "keras_metadata": keras2}


def keras2_python() -> Path | None:
    """The python of the keras-2.15 release-set environment, when it is built here (else None)."""
    from evidence.releases import RELEASE_SETS, environment_path

    env = environment_path(RELEASE_SETS[KERAS2_RELEASE])
    python = env / "bin" / "python"
    return python if (env / "installed.json").is_file() and python.is_file() else None


# -- trial side ------------------------------------------------------------------------------------------------
def _signature_inputs(signature, n: int, rng, free_dim: int) -> dict[str, Any]:
    """Inputs of ``n`` rows for a concrete function's keyword signature, of its shapes and dtypes."""
    _, kwargs = signature.structured_input_signature
    out = {}
    for name, spec in sorted(kwargs.items()):
        shape = (n, *(free_dim if d is None else int(d) for d in spec.shape.as_list()[1:]))
        dtype = spec.dtype.name
        if "int" in dtype:
            out[name] = rng.integers(0, 10, size=shape).astype(dtype)
        elif dtype == "string":
            raise ValueError(f"the signature takes a string input ({name}); kvt check generates numbers only")
        else:
            out[name] = rng.standard_normal(shape).astype(dtype)
    return out


def run_saved_model(rec, job: dict[str, Any], *, free_dim: int) -> None:
    """The ``saved_model`` job: read the signatures with TensorFlow, load the folder as a ``TFSMLayer`` under
    the trial's backend, predict inputs of the signature's shapes, and record what the layer leaves behind."""
    import numpy as np

    from evidence.check.arrays import digest, load_arrays, save_arrays
    from evidence.check.trial_common import PRED_INPUTS, PREDICTIONS, to_numpy
    from evidence.errors import BadInputError

    here, path = Path(job["dir"]), job["path"]
    reference = Path(job["reference"]) if job.get("reference") else None
    with rec.step("import") as entry:
        import keras

        entry.update(keras_version=keras.__version__, backend=keras.backend.backend())
    if rec.data["steps"]["import"]["status"] != "works":
        return
    endpoint = signature = None
    with rec.step("signatures") as entry:
        import tensorflow as tf

        loaded = tf.saved_model.load(path)
        names = sorted(loaded.signatures.keys())
        endpoint = next((e for e in ENDPOINTS if e in names), names[0] if names else None)
        if endpoint is None:
            raise BadInputError("the SavedModel has no signature to call (tf.saved_model.save without signatures)")
        signature = loaded.signatures[endpoint]
        variables = list(getattr(loaded, "variables", []) or [])
        trainable = list(getattr(loaded, "trainable_variables", []) or [])
        specs = signature.structured_input_signature[1]
        entry.update(names=names, endpoint=endpoint, variables=len(variables), trainable_variables=len(trainable),
                     inputs={k: [str(v.shape), v.dtype.name] for k, v in specs.items()},
                     outputs=sorted(signature.structured_outputs))
        rec.data["model"] = {"class": "SavedModel", "inputs": [[k, *v] for k, v in entry["inputs"].items()],
                             "params": int(sum(int(np.prod(v.shape)) for v in variables)), "loss": None}
    if rec.data["steps"]["signatures"]["status"] != "works":
        rec.skip("loads", "its signatures could not be read")
        rec.skip("predicts", "its signatures could not be read")
        return
    layer = None
    with rec.step("loads") as entry:
        layer = keras.layers.TFSMLayer(path, call_endpoint=endpoint, trainable=False)
        entry.update(endpoint=endpoint, weights=len(layer.weights))
    if rec.data["steps"]["loads"]["status"] != "works":
        rec.skip("predicts", "the folder did not load as a TFSMLayer")
        return
    with rec.step("predicts") as entry:
        if reference is not None and (reference / PRED_INPUTS).exists():
            x = load_arrays(reference / PRED_INPUTS)
            entry["inputs"] = f"the {job['reference_backend']} trial's"
        else:
            x = _signature_inputs(signature, int(job["batch_size"]), np.random.default_rng(int(job.get("seed", 0))),
                                  free_dim)
            entry["inputs"] = f"generated from the {endpoint} signature's shapes and dtypes"
        entry["digest"] = digest(x)
        save_arrays(here / PRED_INPUTS, x)
        out = layer(**x) if len(x) > 1 else layer(next(iter(x.values())))
        out = to_numpy(out)
        if isinstance(out, dict):
            out = [out[k] for k in sorted(out)]
            out = out[0] if len(out) == 1 else out
        save_arrays(here / PREDICTIONS, out)


def run_keras2_reference(rec, job: dict[str, Any]) -> None:
    """The ``keras2_reference`` job, run by the keras-2.15 environment's python: Keras 2's own loader (``.h5``:
    ``tf.keras.models.load_model``; SavedModel: its signature) predicts the inputs the Keras 3 trials used."""
    import numpy as np

    from evidence.check.arrays import load_arrays, save_arrays
    from evidence.check.trial_common import PREDICTIONS

    here, path = Path(job["dir"]), job["path"]
    with rec.step("import") as entry:
        from importlib import metadata

        import tensorflow as tf

        entry.update(keras_version=metadata.version("keras"), backend="tensorflow")
    if rec.data["steps"]["import"]["status"] != "works":
        return
    with rec.step("predicts") as entry:
        x = load_arrays(job["inputs"])
        if Path(path).is_dir():
            loaded = tf.saved_model.load(path)
            names = sorted(loaded.signatures.keys())
            signature = loaded.signatures[next((e for e in ENDPOINTS if e in names), names[0])]
            feeds = x if isinstance(x, dict) else {next(iter(signature.structured_input_signature[1])): x}
            out = {k: v.numpy() for k, v in signature(**{k: tf.constant(v) for k, v in feeds.items()}).items()}
            out = [out[k] for k in sorted(out)]
            out = out[0] if len(out) == 1 else out
        else:
            model = tf.keras.models.load_model(path, compile=False)
            out = model.predict(x, verbose=0)
        save_arrays(here / PREDICTIONS, out if not isinstance(out, np.ndarray) else np.asarray(out))
