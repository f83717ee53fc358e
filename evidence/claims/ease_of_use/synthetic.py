"""Made-up runs and program records for the family test (:func:`evidence.testing.check_claim`), shaped as the
worker records them: every program learns, TensorFlow without Keras needs three times Keras fit's counts, and
each case asked for puts one number just on either side of its threshold. Not in the code hash."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, Side
from evidence.contract import SubjectResult

from .assessment import STYLE_OPTIONS, STYLES, TASKS, program_name
from .verdict import RATIOS

if TYPE_CHECKING:
    from evidence.claim import Claim

#: Keras fit's counts (lines, API names, concepts, complexity) in every made-up program; the other styles scale it.
BASE = 100
#: The accuracy every made-up run reaches unless a case moves it.
ACCURACY = 0.95
#: How far from a threshold a made-up accuracy lies, relatively.
MARGIN = 0.01


def _record(task: str, style: str, counts: dict[str, int]) -> dict[str, Any]:
    surfaces = [f"api.surface_{i}" for i in range(counts["concept_count"])]
    names = [f"api.name_{i}" for i in range(counts["api_name_count"])]
    metrics = {"file": f"evidence/programs/{program_name(task, style)}", "sha256": "0" * 64,
               "logical_lines": counts["logical_lines"], "framework_lines": counts["logical_lines"],
               "tokens": 10 * counts["logical_lines"], "api_names": names, "api_name_count": len(names),
               "concepts": [], "surfaces": surfaces, "concept_count": len(surfaces), "branches": 1,
               "cyclomatic_total": counts["cyclomatic_total"], "cyclomatic_max": 1}
    # The run's hyper-parameters are those of the task's real Keras fit program: the judge compares with it.
    return {"metrics": metrics,
            "hyperparameters": code_metrics.module_constants(PROGRAMS_DIR / program_name(task, "keras_fit"))}


def synthetic_results(claim: Claim, quick: bool, around: tuple[str, Side] | None
                      ) -> dict[str, SubjectResult] | None:
    """Every option ``ok`` with every program of its styles run (see the module docstring)."""
    name, side = around if around is not None else (None, None)
    if name is not None and name not in claim.thresholds:
        return None
    above = side == "above"
    counts = {"keras_fit": dict.fromkeys(RATIOS.values(), BASE),
              "keras_gradienttape": dict.fromkeys(RATIOS.values(), 2 * BASE),
              "tf_core": dict.fromkeys(RATIOS.values(), 3 * BASE)}
    accuracy = dict.fromkeys(STYLES, ACCURACY)
    if name in RATIOS:  # TensorFlow core's count just at the ratio (holds) or one under it (does not)
        counts["tf_core"][RATIOS[name]] = math.ceil(BASE * claim.threshold(name, quick)) - (0 if above else 1)
    elif name == "min_accuracy":  # every run just over the floor (learned) or just under it (did not)
        accuracy = dict.fromkeys(STYLES, claim.threshold(name, quick) * (1 + MARGIN if above else 1 - MARGIN))
    elif name == "accuracy_tolerance":  # TensorFlow core just within Keras fit's accuracy (below) or just out
        accuracy["tf_core"] = ACCURACY - claim.threshold(name, quick) * (1 + MARGIN if above else 1 - MARGIN)
    epochs = 2
    results = {}
    for option in claim.subjects:
        runs: dict[str, dict[str, Any]] = {}
        for style in STYLES:
            if option not in STYLE_OPTIONS[style]:
                continue
            for task in TASKS:
                runs.setdefault(style, {})[task] = {
                    "program": f"evidence/programs/{program_name(task, style)}", "sha256": "0" * 64,
                    "record": _record(task, style, counts[style]), "epochs": epochs, "status": "ran",
                    "accuracy": accuracy[style], "epochs_run": epochs, "seconds": 0.1}
        results[option] = SubjectResult(status="ok", measurements={"mode": "quick" if quick else "full", "runs": runs})
    return results
