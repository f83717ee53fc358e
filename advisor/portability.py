"""Reading the ``backend_portability`` result: between which options the same code and its saved models move.

The claim (``evidence/claims/backend_portability.py``) records, per Keras subject, a ``train`` stage (the same
program's ``test_accuracy`` on each training backend, in ``quick`` or ``full`` mode), a ``load`` stage (every
saved ``.keras`` file loaded under this backend: ``sources[<saving backend>]`` with ``status`` and
``max_abs_diff``) and a ``limits`` stage. Its thresholds travel in the result (``claim.thresholds``).

Two options can *switch* between each other when the evidence shows, with the claim's own thresholds: both
trained the program unchanged to at least the accuracy floor, their accuracies lie within the tolerance, and each
one's saved model loads under the other and predicts within ``prediction_tolerance``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from advisor.options import KERAS_BACKEND, OPTIONS
from advisor.result_files import ClaimResult


@dataclass(frozen=True)
class Switch:
    """The evidence for switching between two options (``ok`` when every condition holds)."""

    ok: bool
    detail: str


def _trained(result: ClaimResult, option: str) -> dict[str, Any] | None:
    return ((result.subject(option) or {}).get("measurements") or {}).get("train")


def _load_diff(result: ClaimResult, saved_under: str, loaded_by: str) -> tuple[float | None, str]:
    """The largest prediction difference of ``saved_under``'s file loaded by ``loaded_by``, or why there is none."""
    load = ((result.subject(loaded_by) or {}).get("measurements") or {}).get("load")
    if not load:
        return None, f"{loaded_by} has no load stage"
    entry = load["sources"].get(KERAS_BACKEND[saved_under])
    if entry is None:
        return None, f"{loaded_by} did not load {saved_under}'s file"
    if entry["status"] != "loaded":
        error = entry.get("error") or {}
        why = f"{error.get('type')}: {error.get('message')}" if error else entry.get("reason", entry["status"])
        return None, f"{saved_under}'s file did not load under {loaded_by} ({why})"
    return float(entry["max_abs_diff"]), ""


def switch(result: ClaimResult, a: str, b: str) -> Switch:
    """Whether the evidence shows that options ``a`` and ``b`` can switch (see the module docstring)."""
    t = result.data["claim"]["thresholds"]
    runs = {o: _trained(result, o) for o in (a, b)}
    for option, run in runs.items():
        if run is None:
            entry = result.subject(option)
            why = f"status {entry['status']}" if entry else "not run"
            return Switch(False, f"{option} has no train result ({why})")
    mode = "quick" if any(r["mode"] == "quick" for r in runs.values()) else "full"
    floor, tolerance = t[f"min_accuracy_{mode}"], t[f"accuracy_tolerance_{mode}"]
    acc = {o: float(r["test_accuracy"]) for o, r in runs.items()}
    low = [o for o, v in acc.items() if v < floor]
    if low:
        return Switch(False, f"{', '.join(low)} trained to {min(acc.values()):.3f}, below the floor {floor}")
    if abs(acc[a] - acc[b]) > tolerance:
        return Switch(False, f"accuracies {acc[a]:.3f} and {acc[b]:.3f} differ by more than {tolerance}")
    diffs = []
    for saved, loader in ((a, b), (b, a)):
        diff, why = _load_diff(result, saved, loader)
        if diff is None:
            return Switch(False, why)
        if diff > t["prediction_tolerance"]:
            return Switch(False, f"{saved}'s file under {loader} predicts {diff:.1e} apart "
                                 f"(tolerance {t['prediction_tolerance']})")
        diffs.append(diff)
    return Switch(True, f"both trained ({acc[a]:.3f}, {acc[b]:.3f}) and each one's saved model predicts the same "
                        f"under the other (worst difference {max(diffs):.1e})")


def partners(result: ClaimResult, option: str) -> dict[str, Switch]:
    """For a Keras ``option``: every other Keras option, with the evidence for switching to it."""
    return {other: switch(result, option, other) for other in OPTIONS
            if other != option and KERAS_BACKEND[other] is not None}
