"""The parent side of ``kvt check`` for Keras 2 files (``.h5``, SavedModel): Keras 2's own predictions compared with
each backend's, and what the report says the file was and what moving it loses.

The Keras 3 trials are the ``.keras`` file's (:func:`evidence.check.run._run_keras_file`); this module adds one
``keras2_reference`` trial (:func:`evidence.check.legacy.run_keras2_reference`) run by the keras-2.15 release-set
environment's python when that environment is built here, on the inputs the first Keras 3 trial used. Without
it the report says why nothing was compared with Keras 2, and how to build it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.check.legacy import KERAS2_RELEASE, inspect_h5, inspect_saved_model, keras2_python
from evidence.check.report import TOLERANCES, BackendResult, Comparison

#: What a SavedModel loaded as a TFSMLayer leaves behind, whatever the folder (Keras's TFSMLayer documentation:
#: https://keras.io/api/models/model_saving_apis/#tfsmlayer-class).
SAVED_MODEL_LOSES = (
    "the Keras model itself: Keras 3's load_model refuses a SavedModel, so its layers, config and compile() "
    "settings (loss, metrics, optimizer state) do not come back; re-create the model in code and load the weights",
    "training: TFSMLayer calls one inference signature (training=False) unless the folder has a training "
    "endpoint (call_training_endpoint)",
    "every signature but the one called",
    "other backends: TFSMLayer runs on the TensorFlow backend only",
)


def compare_with_keras2(run, out: dict[str, BackendResult], reference: str) -> dict[str, BackendResult]:
    """``out`` with each backend's predictions compared with Keras 2's own on the same inputs (``same_as_keras2``),
    when the keras-2.15 environment is built here; otherwise a note says why not."""
    from evidence.check import trial_common
    from evidence.check.trial_runs import compare_predictions, run_trial

    python = keras2_python()
    if python is None:
        run.notes.append(f"Keras 2's own predictions not compared: the {KERAS2_RELEASE} release-set environment is "
                         f"not built here (python -m evidence.releases run {KERAS2_RELEASE} --claims community "
                         "builds it)")
        return out
    inputs = run.folder(reference) / trial_common.PRED_INPUTS
    record, proc = run_trial(run, KERAS2_RELEASE, {"mode": "keras2_reference", "path": str(run.source),
                                                   "inputs": str(inputs)}, "keras2", python=str(python))
    step = (record.get("steps") or {}).get("predicts") or {}
    tol = TOLERANCES["prediction"].value
    mine = run.folder(KERAS2_RELEASE) / trial_common.PREDICTIONS
    version = ((record.get("steps") or {}).get("import") or {}).get("keras_version") or "2"
    if step.get("status") != "works":
        why = (step.get("error") or {}).get("message") or step.get("reason") or proc.how()
        run.notes.append(f"Keras {version}'s own predictions could not be made: {why}")
        return out
    run.notes.append(f"predictions compared with Keras {version}'s own (the {KERAS2_RELEASE} release set's "
                     "loader, same inputs)")
    updated = {}
    for backend, result in out.items():
        same = None
        if result.predicts is not None and result.predicts.status == "works":
            diff, why = compare_predictions(run.folder(backend) / trial_common.PREDICTIONS, mine)
            same = (Comparison(status="fails", reference=f"keras {version}", tolerance=tol, reason=why)
                    if diff is None else
                    Comparison(status="works" if diff <= tol else "fails", reference=f"keras {version}",
                               difference=diff, tolerance=tol))
        updated[backend] = result.model_copy(update={"same_as_keras2": same})
    return updated


def legacy_info(kind: str, path: Path, records: dict[str, dict[str, Any]]) -> dict[str, Any] | None:
    """What the report says about a Keras 2 file: its format, who saved it, and (a SavedModel) its signatures and
    what loading it into Keras 3 loses; None for other inputs."""
    if kind == "h5_file":
        return {**inspect_h5(path), "loader": "keras.saving.load_model (Keras 3's legacy HDF5 loader, safe_mode on)"}
    if kind != "saved_model":
        return None
    info: dict[str, Any] = {**inspect_saved_model(path), "loader": "keras.layers.TFSMLayer (inference only)"}
    signatures = next(((r.get("steps") or {}).get("signatures") for r in records.values()
                       if ((r.get("steps") or {}).get("signatures") or {}).get("status") == "works"), None)
    if signatures:
        info.update({k: signatures[k] for k in ("names", "endpoint", "variables", "trainable_variables", "inputs",
                                                "outputs") if k in signatures})
    info["loses"] = list(SAVED_MODEL_LOSES)
    return info
