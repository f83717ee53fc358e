"""The distributed-scaling claim's decision rule: its assessment and thresholds -> a typed decision, no prose.

From which paths train correctly and what a killed worker does, not from speed. The reading: supported when every
TensorFlow path works, TensorFlow's best fault outcome beats every other option's, and no other option trains
across processes; partly supported when some TensorFlow path works, but not all, or another option also trains
across processes or copes with a fault as well; refuted when no TensorFlow path works while another option's does;
inconclusive when no TensorFlow path was measured. The reading is the verdict only on a venue that decides the
claim as stated (its venue scope: several machines or accelerators); elsewhere the verdict is inconclusive and
the reading is a number of the decision. Imports the contract, the assessment and the declared paths only.
"""

from __future__ import annotations

from evidence.contract import Decision, Number, Thresholds, split_missing

from .assessment import FAULT_RANK, DistributedAssessment
from .paths import OTHER_PATHS, TENSORFLOW_PATHS

#: The decision code of each reading, on a venue that decides the claim.
READING_CODES = {"supported": "tensorflow_works_and_more_robust", "partly supported": "tensorflow_works_in_part",
                 "refuted": "only_others_work", "inconclusive": "no_path_works"}


def decide(a: DistributedAssessment, thresholds: Thresholds) -> Decision:
    """The decision, with the counts it rests on (TensorFlow paths working and failing, other options training
    across processes, the best fault outcomes' ranks) and the reading on what the venue decides."""
    unavailable, failed = split_missing(a.not_measured)
    numbers: dict[str, Number] = {"loss_tolerance": a.loss_tolerance, "hang_after_s": thresholds.get("hang_after_s"),
                                  "scale_decided": a.scale_decided, "hosts": a.hosts, "accelerators": a.accelerators}
    tf_runs = [r for r in a.runs.values() if r.path in TENSORFLOW_PATHS]
    if not tf_runs:
        return Decision(verdict="inconclusive", code="no_tensorflow_path", numbers=numbers, unavailable=unavailable,
                        failed=failed)
    tf_paths = sorted({r.path for r in tf_runs}, key=TENSORFLOW_PATHS.index)
    works = {p for p in tf_paths if all(r.status == "works" for r in tf_runs if r.path == p)}
    fails = [p for p in tf_paths if p not in works]
    others = [o for o in ("keras-jax", "keras-torch") if a.multi_process_ok(o)]
    other_works = [p for p in OTHER_PATHS if any(r.status == "works" and (r.multi_device or r.multi_process)
                                                 for r in a.runs.values() if r.path == p)]
    tf_fault = max((FAULT_RANK[f.outcome] for o in ("keras-tensorflow", "tensorflow-core")
                    if (f := a.fault_outcome(o))), default=None)
    other_fault = max((FAULT_RANK[f.outcome] for o in ("keras-jax", "keras-torch") if (f := a.fault_outcome(o))),
                      default=None)
    tf_more_robust = tf_fault is not None and (other_fault is None or tf_fault > other_fault)
    if works and not fails and not others and not other_works and tf_more_robust:
        reading = "supported"
    elif works:
        reading = "partly supported"
    elif other_works:
        reading = "refuted"
    else:
        reading = "inconclusive"
    numbers.update({"tensorflow_paths": len(tf_paths), "tensorflow_paths_working": len(works),
                    "tensorflow_paths_failing": len(fails), "others_multi_process": len(others),
                    "other_paths_working": len(other_works), "tensorflow_fault_rank": tf_fault,
                    "other_fault_rank": other_fault, "tensorflow_more_robust": tf_more_robust, "reading": reading})
    if a.scale_decided:
        return Decision(verdict=reading, code=READING_CODES[reading], numbers=numbers, unavailable=unavailable,
                        failed=failed)
    return Decision(verdict="inconclusive", code="venue_cannot_decide_scale", numbers=numbers,
                    unavailable=unavailable, failed=failed)
