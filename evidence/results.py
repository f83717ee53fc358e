"""Result files: one JSON file per claim and venue, validated by pydantic, written atomically.

This is the one reader of result files: the CLI, the advisor and the site all load results here, and each gets
the claim's typed assessment (:mod:`evidence.contract`) back, validated. A file is named
``<claim>.<venue>.json`` (``performance.cpu-2core.json``), so one folder holds several venues of a claim side by
side. A file of an older schema is reported as needing a rerun, never misread.

Reading a result imports :mod:`evidence.contract`, the result model (:mod:`evidence.result_model`) and the
claim's assessment and decision modules (found through :mod:`evidence.registry` by dotted path), never the
claim's measurement code. On read the claim's decision is recomputed from the stored assessment and the stored
thresholds and compared with the stored one (verdict code and numbers, not the summary's prose).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError

from evidence.contract import Assessment, Decision, Status, SubjectResult, Verdict, VerdictName, threshold_values
from evidence.guarded import GuardedReadError, read_json
from evidence.result_files import (
    DEFAULT_RESULTS_DIR,
    ResultError,
    folder_notes,
    holds_results,
    legacy_path,
    require_folder,
    result_path,
    results_dir,
    venue_order,
    venues,
)
from evidence.result_model import SCHEMA_VERSION, ClaimInfo, Provenance, Rerun, ResultFile

#: Re-exported: the names readers imported from here before the model moved to :mod:`evidence.result_model`.
__all__ = ["DEFAULT_RESULTS_DIR", "SCHEMA_VERSION", "ClaimInfo", "Provenance", "Rerun", "ResultError",
           "ResultFile", "Status", "SubjectResult", "VerdictName", "assessment_type", "check_integrity",
           "folder_notes", "holds_results", "is_stale", "json_schema", "load_result", "load_venues",
           "parse_result", "recompute", "require_folder", "result_path", "results_dir", "stability",
           "validation_message", "venue_order", "venues", "write_result", "write_text_atomically"]

def assessment_type(claim_id: str) -> type[Assessment]:
    """The registered claim's assessment class, imported by its dotted path (not the claim).

    Raises:
        ResultError: the claim is not registered or its assessment type cannot be loaded.
    """
    from evidence.registry import RegistryError
    from evidence.registry import assessment_type as registered_type

    try:
        return registered_type(claim_id)
    except RegistryError as exc:
        raise ResultError(str(exc)) from None


def validation_message(exc: ValidationError, limit: int = 5) -> str:
    """A pydantic error as ``field.path: problem; ...`` (the first ``limit`` problems)."""
    parts = []
    for err in exc.errors()[:limit]:
        where = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"{where}: {err['msg']}")
    more = exc.error_count() - limit
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def parse_result(raw: Any, claim_id: str, source: str = "result") -> ResultFile:
    """Validate ``raw`` (a parsed result file) as ``claim_id``'s result, with its typed assessment.

    Raises:
        ResultError: another schema version ("needs a rerun"), or a field that does not match the schema
            (the message names it).
    """
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if version != SCHEMA_VERSION:
        raise ResultError(f"{source}: schema_version {version!r}, expected {SCHEMA_VERSION}: needs a rerun of "
                          f"{claim_id} (`kvt evidence run {claim_id}`)")
    kind = assessment_type(claim_id)
    try:
        result = ResultFile[kind].model_validate(raw)
    except ValidationError as exc:
        raise ResultError(f"{source}: does not match the result schema of {claim_id}: "
                          f"{validation_message(exc)}") from None
    if result.claim.id != claim_id:
        raise ResultError(f"{source}: holds claim {result.claim.id!r}, expected {claim_id!r}")
    return result


def load_result(claim_id: str, directory: str | os.PathLike | None = None,
                venue: str | None = None) -> ResultFile | None:
    """Load and validate a claim's result on ``venue`` (None: the first of :func:`venues`); None when there is
    none.

    Raises:
        ResultError: the file exists but is not valid JSON, is of another schema version (an older
            ``<claim>.json`` file included), or does not match the schema.
    """
    if venue is None:
        found = venues(claim_id, directory)
        if not found:
            legacy = legacy_path(claim_id, directory)
            if legacy.exists():
                raise ResultError(f"{legacy}: a result file of schema 1 (no venue in its name): needs a rerun of "
                                  f"{claim_id} (`kvt evidence run {claim_id}`)")
            return None
        venue = found[0]
    path = result_path(claim_id, directory, venue)
    if not os.path.lexists(path):
        return None
    try:
        raw = read_json(path, "result file", "result", nonfinite=True)
    except GuardedReadError as exc:
        raise ResultError(str(exc)) from None
    result = parse_result(raw, claim_id, str(path))
    if result.venue != venue:
        raise ResultError(f"{path}: holds venue {result.venue!r} but its name says {venue!r}")
    return render(result, check_integrity(result, str(path)), str(path))


def stability(runs: list[Rerun], last: Verdict) -> Verdict:
    """The verdict of several back-to-back runs: the last run's when all agree, else ``inconclusive``.

    A verdict that changes from one run to the next on the same machine and code is noise, not a finding: it is
    not published, and the summary lists what each run said. It lives here, beside the results, because their
    readers recompute it (:func:`check_integrity`) without importing the runner. The last run's decision is
    kept as it was: it is what the assessment decides; the published verdict is the runs' together.
    """
    if len(runs) < 2:
        return last
    verdicts = [r.verdict for r in runs]
    findings = dict(last.findings)
    if len(set(verdicts)) == 1:
        findings["stability"] = f"The same verdict, {verdicts[0]}, in all {len(runs)} runs made back to back."
        return Verdict(last.verdict, last.summary, findings, last.decision)
    said = "; ".join(f"run {i} {v}" for i, v in enumerate(verdicts, 1))
    findings["stability"] = f"The verdict changed across {len(runs)} runs made back to back: {said}."
    return Verdict("inconclusive",
                   f"The verdict changed from run to run ({said}), so none is given; the last run said: "
                   f"{last.verdict}: {last.summary}", findings, last.decision)


def stable_verdict(verdicts: list[str]) -> str:
    """The published verdict of back-to-back runs' verdicts: theirs when all agree, else ``inconclusive``."""
    return verdicts[0] if len(set(verdicts)) == 1 else "inconclusive"


def recompute(result: ResultFile) -> Decision:
    """The decision that ``result``'s own assessment and recorded thresholds (for its mode) lead to under
    today's decision rule.

    Raises:
        ResultError: the claim's rule cannot be found, or cannot judge this assessment.
    """
    from evidence.registry import RegistryError, decider

    try:
        decide = decider(result.claim.id)
    except RegistryError as exc:
        raise ResultError(str(exc)) from None
    values = threshold_values(result.claim.thresholds, result.mode == "quick")
    try:
        return decide(result.assessment, values)
    except Exception as exc:  # a rule that cannot judge this assessment: not a verdict to publish
        raise ResultError(f"its decision cannot be recomputed from its assessment "
                          f"({type(exc).__name__}: {' '.join(str(exc).split())[:160]})") from None


def check_integrity(result: ResultFile, source: str = "result") -> Decision:
    """Refuse ``result`` unless its decision follows from its own assessment: the claim's decision rule is
    recomputed on read from the stored assessment and thresholds and must give the stored decision (verdict
    code and the numbers it rests on) and the stored verdict (for back-to-back runs, the last run's, and the
    runs' stability rule over the recorded verdicts). The summary is prose and is not compared: a reworded
    report leaves a result valid (readers show today's words, :func:`render`). Returns the recomputed decision
    (a result made before decisions were recorded has none of its own).

    Raises:
        ResultError: they do not (a hand-edited verdict or decision; or, for a stale result, a decision rule
            changed since the run): the message says which, stored against recomputed.
    """
    try:
        again = recompute(result)
    except ResultError as exc:
        raise ResultError(f"{source}: {exc}") from None
    last_verdict = result.reruns[-1].verdict if result.reruns else result.verdict
    if result.reruns and last_verdict != again.verdict:
        _refuse(result, source, "the last run's verdict", f"verdict {last_verdict!r}", repr(again.verdict))
    expected = stable_verdict([r.verdict for r in result.reruns]) if result.reruns else again.verdict
    if result.verdict != expected:
        _refuse(result, source, "its verdict", f"verdict {result.verdict!r}", repr(expected))
    if result.decision is not None and not result.decision.same_as(again):
        stored, wanted = _difference(result.decision, again)
        _refuse(result, source, "its decision", stored, wanted)
    return again


def render(result: ResultFile, decision: Decision, source: str = "result") -> ResultFile:
    """``result`` with its summary and findings written by today's report from its stored assessment and
    ``decision`` (what :func:`check_integrity` recomputed and checked against the stored one): the prose a file
    stores is a copy made at run time, so a reworded report needs no rerun and words edited into the file never
    reach a reader.

    Raises:
        ResultError: the claim's report cannot be found or cannot describe this assessment.
    """
    from evidence.registry import RegistryError, reporter

    try:
        prose = reporter(result.claim.id)
    except RegistryError as exc:
        raise ResultError(f"{source}: {exc}") from None
    try:
        words = prose(result.assessment, decision)
    except Exception as exc:  # a report that cannot describe this assessment: nothing to show
        raise ResultError(f"{source}: its report cannot be written from its assessment "
                          f"({type(exc).__name__}: {' '.join(str(exc).split())[:160]})") from None
    last = Verdict(decision.verdict, words.summary, dict(words.findings), decision)
    published = stability(result.reruns, last)
    return result.model_copy(update={"summary": published.summary, "findings": dict(published.findings)})


def _difference(stored: Decision, again: Decision) -> tuple[str, str]:
    """The first field where two decisions differ, as (stored, recomputed) texts."""
    for name in ("verdict", "code", "unavailable", "failed"):
        if getattr(stored, name) != getattr(again, name):
            return f"{name} {getattr(stored, name)!r}", f"{getattr(again, name)!r}"
    keys = sorted(set(stored.numbers) | set(again.numbers))
    for key in keys:
        if not Decision(verdict="inconclusive", code="x", numbers={key: stored.numbers.get(key)}).same_as(
                Decision(verdict="inconclusive", code="x", numbers={key: again.numbers.get(key)})):
            return f"{key} {stored.numbers.get(key)!r}", f"{again.numbers.get(key)!r}"
    return "?", "?"


def _refuse(result: ResultFile, source: str, what: str, stored: str, wanted: str) -> NoReturn:
    how = ("made by other code than today's, whose decision rule may differ: needs a rerun "
           f"(`kvt evidence run {result.claim.id}`)" if is_stale(result) else "edited by hand: refused")
    raise ResultError(f"{source}: {what} does not follow from its assessment ({stored}, recomputed {wanted}); "
                      f"{how}")


def load_venues(claim_id: str, directory: str | os.PathLike | None = None) -> dict[str, ResultFile]:
    """Every venue's result of ``claim_id`` in ``directory``, CPU venues first (empty when there is none).

    Raises:
        ResultError: as :func:`load_result`, for the first bad file (an older ``<claim>.json`` included).
    """
    found = venues(claim_id, directory)
    if not found:
        load_result(claim_id, directory)  # raises for a result file of an older schema
        return {}
    return {v: r for v in found if (r := load_result(claim_id, directory, v)) is not None}


def is_stale(result: ResultFile) -> bool | None:
    """Whether what decides the claim's result changed since ``result`` was made (its code hash differs); None
    when the claim is not registered or its files cannot be read.

    A project claim's files are hashed without importing it: its package, less the report's prose, and the
    programs and data files the result records (a claim that adds one changes its declarations, and so its
    hash, anyway).
    """
    from evidence.claim import code_files, hash_files, shared_code
    from evidence.registry import CLAIM_MODULES, RegistryError, get_claim, package_dir

    try:
        if result.claim.id in CLAIM_MODULES:
            location, _ = package_dir(result.claim.id)
            files = code_files(Path(location), result.claim.programs, result.claim.data_files,
                               shared_code(result.claim.id))
            return result.code_hash != hash_files(files)
        return result.code_hash != get_claim(result.claim.id).code_hash()
    except (RegistryError, OSError):
        return None


def write_result(result: ResultFile, directory: str | os.PathLike | None = None) -> Path:
    """Validate and write ``result`` atomically: a temp file in the same folder, fsync, then rename.

    A run killed at any point leaves either the previous file or the new one, never a partial file.

    Raises:
        ResultError: the result does not validate against its claim's schema (nothing is written).
    """
    text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    parse_result(json.loads(text), result.claim.id, f"result of {result.claim.id}")  # what a reader will see
    return write_text_atomically(result_path(result.claim.id, directory, result.venue), text)


def write_text_atomically(path: Path, text: str) -> Path:
    """Write ``text`` to ``path`` through a temp file in the same folder, fsync, then rename; ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # The pid in the name lets the next run remove the temp file of a run killed mid-write (runner.clean_leftovers).
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.pid{os.getpid()}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def json_schema(claim_ids: list[str] | None = None) -> dict[str, Any]:
    """The JSON Schema of result files: one ``oneOf`` branch per registered claim, each with its assessment,
    every field described."""
    from pydantic.json_schema import GenerateJsonSchema, models_json_schema

    from evidence.contract import describe_fields
    from evidence.registry import claim_ids as registered

    class Described(GenerateJsonSchema):
        """Each model's fields described by their attribute docstrings (:func:`evidence.contract.describe_fields`)."""

        def model_schema(self, schema: Any) -> Any:
            out = super().model_schema(schema)
            docs = describe_fields(schema["cls"])
            for name, prop in out.get("properties", {}).items():
                if docs.get(name) and "description" not in prop:
                    prop["description"] = docs[name]
            return out

    ids = claim_ids or registered()
    models = [(ResultFile[assessment_type(cid)], "validation") for cid in ids]
    refs, schema = models_json_schema(models, schema_generator=Described,
                                      title=f"kvt result file (schema {SCHEMA_VERSION})",
                                      description="One claim's result on one venue; `assessment` is the claim's "
                                                  "own typed model. Generated from evidence/results.py.")
    schema["oneOf"] = [refs[m] for m in models]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
