"""Made-up worker results for the family test (:func:`evidence.testing.check_claim`), shaped as the workers
record them (:mod:`.measure`): every subject times every zoo cell of its plan on a steady 2-core CPU, each window
of a cell taking the same seconds, so that every bootstrap interval is its point estimate and a ratio lands
exactly where it is put. Every option steps in 1 s but TensorFlow's native program, which runs ``RATIO`` times as
fast (supported); around a threshold, the judged number lies just below or just above it, ``EPS`` away
relatively. In quick mode every decision is ``quick_mode``, whatever the numbers. Not in the code hash.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evidence.claim import Side
from evidence.contract import SubjectResult

from .assess_zoo import cell_plan
from .declarations import NATIVE, SUBJECTS, ZOO_PHASES

if TYPE_CHECKING:
    from evidence.claim import Claim

#: TensorFlow's native throughput over the other engines' in every cell of the plain results.
RATIO = 1.5
#: How far from a threshold a made-up number lies, relatively.
EPS = 0.01
#: Every worker's matmul roof (GFLOP/s), before and after its models, and NumPy's.
ROOF = 100.0


def _records(claim: Claim, subject: str, quick: bool, tf_ratio: dict[tuple[str, str], float]
             ) -> list[dict[str, Any]]:
    """The zoo records of ``subject``'s plan; TensorFlow's native cells run ``tf_ratio`` times as fast as the
    others' (a cell missing from ``tf_ratio`` is not run)."""
    native_tf = SUBJECTS[subject]["option"] == NATIVE["tensorflow"]
    out = []
    for c in cell_plan(claim, subject, quick):
        cell = (c["model"], c["phase"])
        if native_tf and cell not in tf_ratio:
            continue
        step_s = 1.0 / tf_ratio[cell] if native_tf else 1.0
        out.append({**{k: c[k] for k in ("model", "phase", "setting", "batch", "shape", "new_tokens")},
                    "status": "ok", "build_s": 1.0, "first_s": 5 * step_s, "warmup": c["warmup"],
                    "steps_per_window": c["steps_per_window"], "samples_s": [step_s] * c["windows"],
                    "info": {"parameters": 1000}, "peak_rss_gib": 2.0})
    return out


def synthetic_results(claim: Claim, quick: bool, around: tuple[str, Side] | None
                      ) -> dict[str, SubjectResult] | None:
    """Every subject ``ok`` (see the module docstring); None around a threshold that guards no decision.

    Around ``engine_margin`` every cell's ratio lies at its edge, so that the geometric mean does; around
    ``faster_margin`` one cell lies at the edge of slower (the rest well faster); around ``min_cells`` TensorFlow
    times one cell fewer than the threshold, or as many; around ``min_steadiness`` one worker's NumPy matmul runs
    at that share of the others'.
    """
    name, side = around if around is not None else (None, None)
    if name is not None and name not in claim.thresholds:
        raise ValueError(f"Expected one of the claim's thresholds {sorted(claim.thresholds)}; received: {name!r}")
    if name in claim.unguarded_thresholds:
        return None
    nudge = 1 + EPS if side == "above" else 1 - EPS
    value = float(claim.threshold(name, quick)) if name is not None else 0.0
    tf_ratio = dict.fromkeys(ZOO_PHASES, RATIO)
    if name == "engine_margin":
        tf_ratio = dict.fromkeys(ZOO_PHASES, (1 + value) * nudge)
    elif name == "faster_margin":
        tf_ratio[ZOO_PHASES[0]] = nudge / (1 + value)
    elif name == "min_cells":
        tf_ratio = dict.fromkeys(ZOO_PHASES[:int(value) - (side == "below")], RATIO)
    steadiness = value * nudge if name == "min_steadiness" else 1.0
    results = {}
    for i, subject in enumerate(claim.subjects):
        config = SUBJECTS[subject]
        results[subject] = SubjectResult(status="ok", measurements={
            "framework": config["framework"], "device": {"kind": "cpu", "name": "cpu", "count": 1},
            "threads": {"cpu_count": 2}, "engine": {}, "cpu": {"amx_bf16": False, "avx512_bf16": False},
            "roof": {"matmul_n": 64, "framework_gflops_before": ROOF, "framework_gflops_after": ROOF,
                     "numpy_gflops": ROOF * (steadiness if i == 0 else 1.0)},
            "zoo": _records(claim, subject, quick, tf_ratio), "small": {}, "parity": None,
            "option": config["option"], "subject": subject, "mode": "quick" if quick else "full"})
    return results
