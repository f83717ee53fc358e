"""``backend_portability``'s verdict rule: :class:`PortabilityAssessment` and the thresholds' values -> a typed
:class:`Decision` (the verdict, the branch of the rule that decided it, and the numbers it rests on). No prose:
:mod:`.report` writes it for people.

The rule (fixed 2026-12-01, extended 2026-12-07; see the claim's decision log):

- inconclusive: fewer than two backends trained the model program, no cross-backend load was evaluated, or no
  Keras-only program of our corpus ran on two backends;
- refuted: below ``refuted_share`` of our Keras-only corpus programs ported, or below ``refuted_share`` of the
  third-party architectures tried, or the model program neither trains alike (a) nor loads alike (b);
- supported: (a), (b), at least ``supported_share`` of our Keras-only corpus programs ported, and at least
  ``supported_share`` of the third-party architectures tried (none tried: they do not decide, and the report says
  so: unavailable is never a failure);
- partly supported: otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping

from evidence.claims.backend_portability.assessment import PortabilityAssessment
from evidence.contract import Decision, Number


def decide(a: PortabilityAssessment, t: Mapping[str, float]) -> Decision:
    """The decision for assessment ``a`` under thresholds ``t`` (their values for the run's mode)."""
    works = {b: r for b, r in a.trained.items() if r.status == "works" and r.test_accuracy is not None}
    accs = {b: float(r.test_accuracy) for b, r in works.items()}  # type: ignore[arg-type]
    spread = max(accs.values()) - min(accs.values()) if accs else 0.0
    holds_a = len(accs) >= 2 and spread <= t["accuracy_tolerance"] and min(accs.values()) >= t["min_accuracy"]
    cross = [c for c in a.loads if c.saved_under != c.loaded_by and c.status != "unavailable"]
    passed = sum(c.equal for c in cross)
    holds_b = bool(cross) and passed == len(cross)
    own, arch = a.share_keras_only, a.share_architectures
    numbers: dict[str, Number] = {
        **{f"accuracy_{b}": v for b, v in accs.items()}, "accuracy_spread": spread, "holds_a": holds_a,
        "cross_loads": len(cross), "cross_loads_equal": passed, "holds_b": holds_b,
        "own_keras_only_ported": own.ported, "own_keras_only_tried": own.tried, "own_keras_only_share": own.share,
        "own_all_ported": a.share_overall.ported, "own_all_tried": a.share_overall.tried,
        "architectures_ported": arch.ported, "architectures_tried": arch.tried, "architectures_share": arch.share,
        "quick": a.quick, **dict(t)}
    unavailable = [*(s for s in a.not_measured if "(unavailable" in s), *a.architectures_unavailable]
    failed = [s for s in a.not_measured if "(failed" in s]

    def decided(verdict: str, code: str) -> Decision:
        return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)

    if len(accs) < 2:
        return decided("inconclusive", "fewer_than_two_backends_trained")
    if not cross:
        return decided("inconclusive", "no_cross_backend_load")
    if own.tried == 0:
        return decided("inconclusive", "no_keras_only_corpus_program_on_two_backends")
    if own.share < t["refuted_share"]:
        return decided("refuted", "own_corpus_below_refuted_share")
    if arch.tried and arch.share < t["refuted_share"]:
        return decided("refuted", "architectures_below_refuted_share")
    if not (holds_a or holds_b):
        return decided("refuted", "model_program_neither_trains_nor_loads_alike")
    if holds_a and holds_b and own.share >= t["supported_share"] and (
            arch.tried == 0 or arch.share >= t["supported_share"]):
        return decided("supported", "all_hold" if arch.tried else "all_hold_architectures_unavailable")
    return decided("partly supported", "some_hold")
