"""What the workers of ``backend_portability`` run for the third-party architectures: train and save under each
training backend (stage ``arch_train``), then load every saved file under each and predict (stage ``arch_load``).

An architecture program (``evidence/programs/architectures/``) calls library code nobody here wrote (KerasHub,
``keras.applications``) and declares ``TITLE``, ``LIBRARY``, ``SOURCE``, ``REFERENCE``, ``REQUIRES`` (modules
beyond Keras), ``CONFIGS`` and ``INPUTS`` per mode, ``build(config, seed)`` (a compiled model with random weights)
and ``data(config, seed, **inputs)`` (NumPy inputs and labels, the same in every process). A program whose
``REQUIRES`` cannot be imported is recorded ``unavailable`` with why; an exception is the measurement.

Frameworks are imported inside the functions, and only in worker processes.
"""

from __future__ import annotations

import gc
import importlib
import importlib.util
import time
from pathlib import Path

from evidence.claim import Context, load_program
from evidence.claims.backend_portability.measurement import (
    ArchitectureInfo,
    ArchitectureLoad,
    ArchitectureLoads,
    ArchitectureTraining,
    ArchitectureTrainings,
    Comparison,
)
from evidence.errors import error_info
from evidence.options import TRAINING_BACKENDS

#: The seed of every architecture's weights and data (each backend draws its own weights from it).
SEED = 7


def describe_architecture(name: str, mode: str) -> ArchitectureInfo:
    """An architecture program's declarations for ``mode`` (``full`` or ``quick``), read by importing it (it imports
    only Keras and NumPy at module level)."""
    program = load_program(name)
    return ArchitectureInfo(
        title=program.TITLE, library=program.LIBRARY, source=program.SOURCE, reference=program.REFERENCE,
        requires=list(program.REQUIRES), config=program.CONFIGS[mode], preset=program.PRESETS.get(mode),
        inputs=program.INPUTS[mode])


def missing_modules(requires: list[str]) -> list[str]:
    """The modules of ``requires`` that cannot be found in this environment."""
    return [m for m in requires if importlib.util.find_spec(m) is None]


def _unavailable_reason(missing: list[str]) -> str:
    return (f"{', '.join(missing)} cannot be imported; install the evidence extra: pip install -e '.[evidence]'")


def saved_path(workdir: Path, name: str, backend: str) -> Path:
    """Where the architecture program ``name``'s model trained under ``backend`` is saved in the run's folder."""
    return workdir / f"arch-{Path(name).stem}-{backend}.keras"


def _checksums(model) -> list[float]:
    """A float64 sum of absolute values per trainable variable: enough to tell which ones a step changed."""
    import keras
    import numpy as np

    return [float(np.abs(keras.ops.convert_to_numpy(v.value).astype("float64")).sum())
            for v in model.trainable_variables]


def _as_array(predictions):
    """A model's predictions as one float32 NumPy array (a dict or list of outputs: the first)."""
    import numpy as np

    if isinstance(predictions, dict):
        predictions = next(iter(predictions.values()))
    elif isinstance(predictions, (list, tuple)):
        predictions = predictions[0]
    return np.asarray(predictions, dtype="float32")


def compare(predictions, reference) -> Comparison:
    """How far ``predictions`` lie from ``reference``: the largest absolute difference, the reference's largest
    magnitude (its scale), and the share of positions whose top-scoring class (last axis) agrees."""
    import numpy as np

    diff = float(np.max(np.abs(predictions.astype("float64") - reference.astype("float64"))))
    scale = float(np.max(np.abs(reference)))
    top = np.argmax(predictions, axis=-1) == np.argmax(reference, axis=-1)
    return Comparison(max_abs_diff=diff, reference_scale=scale, top1_agreement=float(np.mean(top)),
                      top1_differing=int(np.sum(~top)), shape=list(reference.shape))


def _step_recorder():
    """A Keras callback recording each epoch's seconds (each epoch is one step: the data is one batch)."""
    import keras

    class StepTimes(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seconds: list[float] = []
            self._start = 0.0

        def on_epoch_begin(self, epoch, logs=None):
            self._start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.seconds.append(time.perf_counter() - self._start)

    return StepTimes()


def train(ctx: Context, programs: list[str], steps: int) -> ArchitectureTrainings:
    """Build, train ``steps`` steps, predict, and save every architecture program under this worker's backend."""
    import keras
    import numpy as np

    from evidence.claims.backend_portability.measure import save_atomically

    mode = "quick" if ctx.quick else "full"
    backend = keras.backend.backend()
    out: dict[str, ArchitectureTraining] = {}
    for name in programs:
        info = describe_architecture(name, mode)
        missing = missing_modules(info.requires)
        if missing:
            out[name] = ArchitectureTraining(info=info, status="unavailable", reason=_unavailable_reason(missing))
            continue
        program = load_program(name)
        model = None
        try:
            start = time.perf_counter()
            model = program.build(info.config, SEED)
            build_s = time.perf_counter() - start
            x, y = program.data(info.config, seed=SEED, **info.inputs)
            params = int(model.count_params())
            before = _checksums(model)
            recorder = _step_recorder()
            history = model.fit(x, y, batch_size=info.inputs["batch"], epochs=steps, shuffle=False, verbose=0,
                                callbacks=[recorder])
            after = _checksums(model)
            start = time.perf_counter()
            predictions = _as_array(model.predict(x, batch_size=info.inputs["batch"], verbose=0))
            predict_s = time.perf_counter() - start
            path = saved_path(ctx.workdir, name, backend)
            start = time.perf_counter()
            model.save(path)
            save_s = time.perf_counter() - start
            save_atomically(path.with_suffix(".pred.npy"), predictions)
            losses = [float(v) for v in history.history["loss"]]
            out[name] = ArchitectureTraining(
                info=info, status="trained", params=params, losses=losses,
                losses_finite=bool(np.all(np.isfinite(losses))), variables=len(before),
                variables_changed=sum(a != b for a, b in zip(before, after, strict=True)), build_s=build_s,
                step_s=recorder.seconds, predict_s=predict_s, save_s=save_s, saved_bytes=path.stat().st_size,
                output_shape=list(predictions.shape))
        except Exception as exc:  # an architecture that does not train or save here is the measurement
            out[name] = ArchitectureTraining(info=info, status="error",
                                             error=error_info(exc, Path(name).name))
        finally:
            del model
            keras.backend.clear_session()
            gc.collect()
    return ArchitectureTrainings(backend=backend, steps=steps, programs=out)


def load(ctx: Context, programs: list[str]) -> ArchitectureLoads:
    """Load every other training backend's saved file of every architecture program under this worker's backend,
    predict on the same inputs, and compare with the saving backend's own predictions."""
    import keras
    import numpy as np

    mode = "quick" if ctx.quick else "full"
    backend = keras.backend.backend()
    out: dict[str, dict[str, ArchitectureLoad]] = {}
    for name in programs:
        info = describe_architecture(name, mode)
        missing = missing_modules(info.requires)
        entries: dict[str, ArchitectureLoad] = {}
        if missing:
            out[name] = {src: ArchitectureLoad(status="unavailable", reason=_unavailable_reason(missing))
                         for src in TRAINING_BACKENDS if src != backend}
            continue
        try:
            for module in info.requires:  # the library registers its classes for deserialisation on import
                importlib.import_module(module)
        except Exception as exc:  # installed but broken: every load of it fails here, and says why
            out[name] = {src: ArchitectureLoad(status="error", error=error_info(exc))
                         for src in TRAINING_BACKENDS if src != backend}
            continue
        program = load_program(name)
        x, _ = program.data(info.config, seed=SEED, **info.inputs)
        # The files of the other backends: a same-backend round trip is the model program's check (stage load);
        # here each load costs a multi-second trace of a large model, within the claim's time budget.
        for src in (b for b in TRAINING_BACKENDS if b != backend):
            path = saved_path(ctx.workdir, name, src)
            ref_path = path.with_suffix(".pred.npy")
            if not path.exists() or not ref_path.exists():
                entries[src] = ArchitectureLoad(status="missing",
                                                reason=f"no {path.name}: the {src} arch_train stage did not make one")
                continue
            model = None
            try:
                start = time.perf_counter()
                # compile=False: the file keeps its trainer's jit_compile, which would start torch.compile under
                # torch for a prediction; loading the architecture and its weights is what is measured.
                model = keras.saving.load_model(path, compile=False)
                load_s = time.perf_counter() - start
                start = time.perf_counter()
                predictions = _as_array(model.predict(x, batch_size=info.inputs["batch"], verbose=0))
                entries[src] = ArchitectureLoad(status="loaded", load_s=load_s,
                                                predict_s=time.perf_counter() - start,
                                                comparison=compare(predictions, np.load(ref_path)))
            except Exception as exc:  # a file that does not load or predict here is the measurement
                entries[src] = ArchitectureLoad(status="error", error=error_info(exc))
            finally:
                del model
                keras.backend.clear_session()
                gc.collect()
        out[name] = entries
    return ArchitectureLoads(backend=backend, programs=out)
