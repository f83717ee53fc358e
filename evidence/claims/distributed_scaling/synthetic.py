"""Made-up runs for the family test (:func:`evidence.testing.check_claim`), shaped as the worker records them:
every option's paths on a venue of two accelerators (one that decides the claim), each data- or model-parallel
path training to the single-device loss, the in-worker Keras attempts refused; no fault trial. Around the loss
tolerance, TensorFlow's runs end just within it or just beyond it. Not in the code hash."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evidence.claim import Side
from evidence.contract import SubjectResult

from .paths import PATHS, SINGLE, TENSORFLOW_PATHS

if TYPE_CHECKING:
    from evidence.claim import Claim

#: The single-device program's final loss in every made-up run.
LOSS = 0.5
#: How far from the tolerance a made-up loss difference lies, relatively.
MARGIN = 0.01


def _run(name: str, loss: float) -> tuple[str, dict[str, Any]]:
    """One path's run id and raw record."""
    path = PATHS[name]
    if path.runner == "in-worker":
        return name, {"path": name, "devices": 2, "status": "failed", "accepted": False,
                      "error": {"type": "ValueError", "message": "synthetic: the setting is refused"}}
    raw: dict[str, Any] = {"path": name, "devices": 2, "status": "ok", "final_loss": loss, "samples_per_s": 900.0,
                           "startup_s": 2.0, "epoch_time": {"median_s": 1.0, "samples_s": [0.9, 1.0, 1.1]}}
    if path.runner == "workers":
        raw.update(processes=2, launch_s=1.0)
    if path.kind == "model_parallel":
        raw["sharding"] = [{"variable": "dense/kernel", "spec": "(None, 'model')", "devices": 2, "shard_shape": [4, 2],
                            "global_shape": [4, 4]}]
    return f"{name}-2", raw


def synthetic_results(claim: Claim, quick: bool, around: tuple[str, Side] | None
                      ) -> dict[str, SubjectResult] | None:
    """Every subject ``ok`` (see the module docstring); None around a threshold that guards no decision."""
    name, side = around if around is not None else (None, None)
    if name is not None and name != "loss_rel_tolerance":
        return None
    tf_loss = LOSS
    if name == "loss_rel_tolerance":
        tf_loss = LOSS * (1 + claim.threshold(name, quick) * (1 + MARGIN if side == "above" else 1 - MARGIN))
    steps, epochs = int(claim.setting("steps", quick)), 3
    results = {}
    for subject in claim.subjects:
        runs = dict(_run(n, tf_loss if n in TENSORFLOW_PATHS else LOSS) for n, p in PATHS.items()
                    if p.option == subject)
        results[subject] = SubjectResult(status="ok", measurements={
            "mode": "quick" if quick else "full", "steps": steps, "epochs": epochs, "cpu_count": 8,
            "accelerators": 2, "hosts": 1,
            "single": {"program": SINGLE[subject], "status": "ok", "final_loss": LOSS, "samples_per_s": 1000.0,
                       "startup_s": 1.5},
            "runs": runs, "faults": {}, "lines": {}, "recovery_lines": {}, "launcher_lines": 40})
    return results
