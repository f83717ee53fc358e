"""The family test of claims, in the spirit of scikit-learn's ``check_estimator``: :func:`check_claim` runs the
checks every claim must pass on synthetic subject results, without a worker, a framework or a result on disk.

- **Declarations**: every threshold has a reason; every threshold the claim says guards no decision is declared;
  the registry's assessment type (found by dotted path, as readers find it) is the claim's own.
- **Nothing could be tried**: every subject ``unavailable`` gives ``inconclusive``, and the decision names each.
- **Unavailable is never a failure**: with one subject ``unavailable`` (the others as the claim synthesises
  them) the decision names it unavailable, never failed; with it ``failed``, never unavailable.
- **Threshold edges**: results just below and just above each declared threshold (the claim's
  :meth:`~evidence.claim.Claim.synthetic_results` hook makes them) lead to different decisions.
- **Round trip**: the result written from the synthetic results reads back with the same assessment and
  decision, the decision recomputed on read from the stored assessment is the stored one, and it is fresh.

Checks assert decision codes and numbers, never wording. A claim from outside without the hook is reported in
:attr:`ClaimCheck.lacking` rather than failed (the checks it allows are run); every check a claim can run must
pass, and the project's own claims lack nothing (tests/test_claim_family.py).
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from evidence.claim import Claim
from evidence.contract import Assessment, Decision, SubjectResult, Threshold
from evidence.result_model import SCHEMA_VERSION, ClaimInfo, Provenance, ResultFile

#: The provenance of a synthetic result: nothing ran, so nothing here describes a machine.
SYNTHETIC_PROVENANCE = {
    "date": "2026-01-01T00:00:00+00:00", "duration_s": 0.0, "repeats": 1, "warmup": 0, "git_commit": None,
    "git_dirty": None, "python": "3.11.0", "platform": "synthetic", "cpu_model": "synthetic", "cpu_count": 2,
    "gpu": None, "packages": {}, "environment": {},
}


class ClaimCheckError(AssertionError):
    """A claim that fails a check of the family test; the message names the claim and the check."""


@dataclass
class ClaimCheck:
    """What :func:`check_claim` found: the checks passed, and what the claim does not give yet."""

    claim_id: str
    passed: list[str] = field(default_factory=list)
    lacking: list[str] = field(default_factory=list)


def _fail(claim: Claim, check: str, detail: str) -> None:
    raise ClaimCheckError(f"claim {claim.id!r} fails {check}: {detail}")


def _decision(claim: Claim, results: dict[str, SubjectResult], quick: bool) -> tuple[Assessment, Decision]:
    assessment = claim.assess(results, quick)
    if not isinstance(assessment, claim.assessment_type):
        _fail(claim, "assess", f"returned {type(assessment).__name__}, expected {claim.assessment_type.__name__}")
    decision = claim.decide(assessment, claim.threshold_values(quick))
    if not isinstance(decision, Decision):
        _fail(claim, "decide", f"returned {type(decision).__name__}, expected a Decision")
    return assessment, decision


def _names(subject: str, names: list[str]) -> bool:
    return any(n == subject or n.startswith((f"{subject}:", f"{subject} ", f"{subject}/")) for n in names)


def check_declarations(claim: Claim, report: ClaimCheck) -> None:
    """Thresholds with reasons; declared unguarded thresholds exist; the registry finds the assessment type."""
    from evidence.registry import RegistryError, assessment_type

    for name, threshold in claim.thresholds.items():
        if not isinstance(threshold, Threshold) or not threshold.reason.strip():
            _fail(claim, "declarations", f"threshold {name!r} has no reason")
    unknown = set(claim.unguarded_thresholds) - set(claim.thresholds)
    if unknown:
        _fail(claim, "declarations", f"unguarded_thresholds names no declared threshold: {sorted(unknown)}")
    if not (isinstance(claim.assessment_type, type) and issubclass(claim.assessment_type, Assessment)):
        _fail(claim, "declarations", "assessment_type is not an Assessment subclass")
    try:
        registered = assessment_type(claim.id)
    except RegistryError as exc:
        _fail(claim, "declarations", f"the registry cannot find its assessment type ({exc})")
    if registered is not claim.assessment_type:
        _fail(claim, "declarations", f"the registry's assessment type {registered.__qualname__} is not the claim's")
    report.passed.append("declarations")


def check_nothing_tried(claim: Claim, report: ClaimCheck, quick: bool) -> None:
    """Every subject unavailable: inconclusive, each subject named unavailable, none failed."""
    results = {s: SubjectResult(status="unavailable", reason="synthetic: its framework is not installed")
               for s in claim.subjects}
    _, decision = _decision(claim, results, quick)
    if decision.verdict != "inconclusive":
        _fail(claim, "all subjects unavailable", f"verdict {decision.verdict!r}, expected 'inconclusive'")
    unnamed = [s for s in claim.subjects if not _names(s, decision.unavailable)]
    if unnamed or decision.failed:
        _fail(claim, "all subjects unavailable", f"unavailable {decision.unavailable}, failed {decision.failed}: "
                                                 f"expected every subject unavailable ({unnamed} not named)")
    report.passed.append("all subjects unavailable -> inconclusive, each named")


def _synthetic(claim: Claim, quick: bool, around=None) -> dict[str, SubjectResult] | None:
    results = claim.synthetic_results(quick, around)
    if results is not None and set(results) - set(claim.subjects):
        _fail(claim, "synthetic_results", f"subjects it does not declare: {sorted(set(results) - set(claim.subjects))}")
    return results


def check_unavailable_is_not_failure(claim: Claim, report: ClaimCheck, quick: bool,
                                     base: dict[str, SubjectResult]) -> None:
    """Each subject in turn unavailable (the rest as synthesised): named unavailable, never failed; failed:
    named failed, never unavailable."""
    for subject in claim.subjects:
        for status in ("unavailable", "failed"):
            results = dict(base)
            results[subject] = SubjectResult(status=status, reason=f"synthetic: {status}")
            _, decision = _decision(claim, results, quick)
            other = decision.failed if status == "unavailable" else decision.unavailable
            if _names(subject, other):
                _fail(claim, "unavailable is never a failure",
                      f"{subject} {status}: named in {'failed' if status == 'unavailable' else 'unavailable'} "
                      f"({other})")
    report.passed.append("unavailable never counted as failed")


def check_threshold_edges(claim: Claim, report: ClaimCheck, quick: bool) -> None:
    """Results just below and just above each guarding threshold lead to different decisions."""
    for name in claim.thresholds:
        below, above = _synthetic(claim, quick, (name, "below")), _synthetic(claim, quick, (name, "above"))
        if below is None or above is None:
            if name not in claim.unguarded_thresholds:
                _fail(claim, "threshold edges", f"no synthetic results around {name!r}, and it is not declared in "
                                                "unguarded_thresholds")
            continue
        low, high = _decision(claim, below, quick)[1], _decision(claim, above, quick)[1]
        if (low.verdict, low.code) == (high.verdict, high.code):
            _fail(claim, "threshold edges", f"{name!r}: the same decision on both sides ({low.verdict}, {low.code})")
        report.passed.append(f"edge of {name}: {low.code} below, {high.code} above")


def synthetic_result(claim: Claim, results: dict[str, SubjectResult], quick: bool) -> ResultFile:
    """The result file a run would write for ``results`` (judged as a run is), with a synthetic provenance."""
    from evidence.runner import RunRecord, assemble_result, judge_runs

    judged = judge_runs(claim, [RunRecord(date=SYNTHETIC_PROVENANCE["date"], duration_s=0.0, subjects=results)],
                        quick=quick)
    prov = Provenance(**SYNTHETIC_PROVENANCE, mode="quick" if quick else "full", subjects_run=list(results))
    result = assemble_result(claim, judged, prov)
    assert result.schema_version == SCHEMA_VERSION and isinstance(result.claim, ClaimInfo)
    return result


def check_round_trip(claim: Claim, report: ClaimCheck, quick: bool, results: dict[str, SubjectResult]) -> None:
    """Written and read back: the same assessment and decision; the decision recomputed on read from the stored
    assessment is the stored one; the result is fresh."""
    from evidence.results import ResultError, is_stale, load_result, recompute, write_result

    result = synthetic_result(claim, results, quick)
    with tempfile.TemporaryDirectory(prefix="kvt-check-claim-") as tmp:
        try:
            write_result(result, Path(tmp))
            back = load_result(claim.id, Path(tmp), result.venue)
        except ResultError as exc:
            _fail(claim, "round trip", str(exc))
    if back is None or back.assessment != result.assessment:
        _fail(claim, "round trip", "the assessment read back differs from the one written")
    if json.dumps(back.model_dump(mode="json"), sort_keys=True) != json.dumps(result.model_dump(mode="json"),
                                                                             sort_keys=True):
        _fail(claim, "round trip", "the result read back differs from the one written")
    if is_stale(back) is not False:
        _fail(claim, "round trip", "a result written by today's code reads back stale")
    again = recompute(back)
    if back.decision is None or not again.same_as(back.decision) or again.verdict != back.verdict:
        _fail(claim, "round trip", f"the decision recomputed on read ({again}) is not the stored one ({back.decision})")
    report.passed.append("round trip through the result file; decision recomputed on read")


def check_claim(claim: Claim, quick: bool = False) -> ClaimCheck:
    """Every check of the family (see the module docstring) on ``claim``, a registered claim.

    Raises:
        ClaimCheckError: a check fails; the message names the claim and the check.

    Returns:
        The checks passed and what the claim does not give yet (a hook, a typed decision).
    """
    report = ClaimCheck(claim.id)
    check_declarations(claim, report)
    check_nothing_tried(claim, report, quick)
    unavailable = {s: SubjectResult(status="unavailable", reason="synthetic") for s in claim.subjects}
    check_round_trip(claim, report, quick, unavailable)
    try:
        base = _synthetic(claim, quick)
    except NotImplementedError:
        report.lacking.append("the synthetic_results hook (threshold edges, unavailable-vs-failed and the round "
                              "trip of a decided result are not checked)")
        return report
    if base is None:
        _fail(claim, "synthetic_results", "around=None must give results for every subject")
    check_unavailable_is_not_failure(claim, report, quick, base)
    check_threshold_edges(claim, report, quick)
    check_round_trip(claim, report, quick, base)
    return report
