"""Result files: one JSON file per claim and venue, validated by pydantic, written atomically.

This is the one reader of result files: the CLI, the advisor and the site all load results here, and each gets
the claim's typed assessment (:mod:`evidence.contract`) back, validated. A file is named
``<claim>.<venue>.json`` (``performance.cpu-2core.json``), so one folder holds several venues of a claim side by
side. A file of an older schema is reported as needing a rerun, never misread.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from evidence.claim import VenueScope
from evidence.contract import Assessment, DecisionChange, Setting, Threshold
from evidence.venue import VENUE_PATTERN, is_accelerator

#: Bump when the layout of a result file changes; files of another version must be rerun.
#: 2 (2026-12-01): typed assessments, venues, thresholds with reasons, run settings, findings as prose.
SCHEMA_VERSION = 2

DEFAULT_RESULTS_DIR = Path(__file__).parent / "results"

Status = Literal["ok", "failed", "unavailable"]
VerdictName = Literal["supported", "partly supported", "refuted", "outdated", "inconclusive"]
A = TypeVar("A", bound=Assessment)

_CONFIG = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class ResultError(Exception):
    """A result file that is missing, unreadable, of another schema, or does not match the schema."""


class SubjectResult(BaseModel):
    """The outcome of every stage of one subject: its status and its raw measurements, kept for the record."""

    model_config = _CONFIG

    status: Status
    """``ok``: every stage ran; ``failed``: a worker crashed or timed out (we tried, it broke);
    ``unavailable``: a framework it needs is not installed (we could not try)."""
    reason: str | None = None
    """Why the subject is not ``ok``: the first stage that was not, and what happened to it."""
    stderr_tail: str | None = None
    """The end of a failed worker's stderr, framework start-up noise filtered out."""
    duration_s: float = 0.0
    """Seconds its workers ran, in all."""
    stages: dict[str, Status] = Field(default_factory=dict)
    """The status of each stage it took part in."""
    measurements: dict[str, Any] = Field(default_factory=dict)
    """What its workers measured, as they returned it: the record behind the assessment. Readers read the
    assessment, never these."""

    def short_reason(self) -> str:
        """The first line of ``reason``, for one-line summaries."""
        return (self.reason or "no reason recorded").strip().splitlines()[0]


class ClaimInfo(BaseModel):
    """The claim's self-description at the time of the run."""

    model_config = _CONFIG

    id: str
    """The claim id (CLAIMS.md)."""
    title: str
    """A short title."""
    dimension: str
    """The article's dimension the claim belongs to."""
    statement: str
    """The article's claim, in our words."""
    sub_claims: dict[str, str]
    """Sub-claim id -> what needs evidence."""
    subjects: list[str]
    """Every subject the claim measures."""
    programs: list[str]
    """Files under ``evidence/programs/`` it runs."""
    data_files: list[str]
    """Files under ``evidence/data/`` it reads."""
    thresholds: dict[str, Threshold]
    """Every number the verdict was judged against, with its reason."""
    settings: dict[str, Setting] = Field(default_factory=dict)
    """The run's sizes, with quick and full values side by side."""
    decision_rule_fixed: str | None = None
    """When the decision rule was fixed (ISO date)."""
    decision_log: list[DecisionChange] = Field(default_factory=list)
    """Changes to the decision rule after it was fixed."""
    venue_scope: VenueScope | None = None
    """What a venue must have to decide the claim, and whether it depends on the machine at all (None: a result
    made before claims declared it; read as machine-dependent)."""

    @property
    def machine_dependent(self) -> bool:
        """Whether the result's numbers depend on the machine (False: readers show no venue for it)."""
        return self.venue_scope is None or self.venue_scope.machine_dependent


class Provenance(BaseModel):
    """Where, when and with what a result was made."""

    model_config = _CONFIG

    date: str
    """When the run ended (UTC, ISO 8601)."""
    mode: Literal["quick", "full"]
    """``quick``: tiny sizes for tests and CI, not for conclusions; ``full``: the published sizes."""
    duration_s: float
    """Seconds the whole run took, reruns included."""
    repeats: int
    """Timed repeats per measurement."""
    warmup: int
    """Untimed warm-up runs before them."""
    git_commit: str | None
    """The project's commit, None outside a git checkout."""
    git_dirty: bool | None
    """Whether the checkout had uncommitted changes (result files aside)."""
    python: str
    """Python's version."""
    platform: str
    """The operating system, as :func:`platform.platform` says."""
    cpu_model: str
    """The CPU's model name."""
    cpu_count: int
    """Logical CPUs."""
    gpu: str | None
    """The GPUs nvidia-smi reports, None when there is none."""
    packages: dict[str, str | None]
    """Installed versions of the tracked distributions (None: not installed)."""
    environment: dict[str, str]
    """Environment settings that change what the frameworks do, as the workers had them."""
    subjects_run: list[str]
    """The subjects this run included (all of them unless ``--subjects`` chose some)."""


class Rerun(BaseModel):
    """One of several full runs of a claim made back to back (``kvt evidence run --reruns N``)."""

    model_config = _CONFIG

    verdict: VerdictName
    """That run's verdict."""
    summary: str
    """That run's summary."""
    date: str
    """When that run started."""
    duration_s: float
    """Seconds it took."""


class ResultFile(BaseModel, Generic[A]):
    """One claim's result file on one venue.

    ``assessment`` is the claim's own :class:`~evidence.contract.Assessment` subclass: ``ResultFile[X]``
    validates it as ``X``. ``reruns`` lists, in order, the verdict of every run when the claim was run several
    times back to back; the assessment and the subjects' measurements are the last run's.
    """

    model_config = _CONFIG

    schema_version: Literal[2]
    """The layout's version; readers refuse any other."""
    claim: ClaimInfo
    """The claim as declared when it ran."""
    code_hash: str
    """SHA-256 of the claim's code (module, programs, data): a result whose hash differs from the code's is
    stale."""
    venue: str = Field(pattern=VENUE_PATTERN)
    """The kind of machine the numbers hold for (``cpu-2core``, ``gpu-h200``)."""
    verdict: VerdictName
    """The claim's verdict on this venue."""
    summary: str
    """One sentence built from the numbers."""
    findings: dict[str, str]
    """Per sub-claim, prose for people; programs read ``assessment``."""
    assessment: A
    """What the claim's judge concluded from the runs, typed: what readers read."""
    subjects: dict[str, SubjectResult]
    """Every subject run, with its status and raw measurements."""
    provenance: Provenance
    """Where, when and with what the result was made."""
    reruns: list[Rerun] = Field(default_factory=list)
    """Each back-to-back run's verdict, when there were several."""

    @property
    def mode(self) -> str:
        """``quick`` or ``full``."""
        return self.provenance.mode


# -- where results live ------------------------------------------------------------------------------------------
_FILE = re.compile(r"^(?P<claim>[A-Za-z0-9_]+)\.(?P<venue>(cpu|gpu)-[a-z0-9][a-z0-9-]*)\.json$")


def results_dir(override: str | os.PathLike | None = None) -> Path:
    """The results folder: ``override``, else ``$KVT_RESULTS_DIR``, else ``evidence/results``."""
    if override:
        return Path(override)
    env = os.environ.get("KVT_RESULTS_DIR")
    return Path(env) if env else DEFAULT_RESULTS_DIR


def result_path(claim_id: str, directory: str | os.PathLike | None, venue: str) -> Path:
    """Path of the result file of ``claim_id`` on ``venue`` in ``directory`` (see :func:`results_dir`)."""
    return results_dir(directory) / f"{claim_id}.{venue}.json"


def venue_order(venue: str) -> tuple[int, str]:
    """Sort key of venues: CPU venues first (every claim runs there), then by name."""
    return (1 if is_accelerator(venue) else 0, venue)


def venues(claim_id: str, directory: str | os.PathLike | None = None) -> list[str]:
    """The venues ``directory`` holds a result of ``claim_id`` for, CPU venues first."""
    folder = results_dir(directory)
    if not folder.is_dir():
        return []
    found = [m["venue"] for p in folder.iterdir() if (m := _FILE.match(p.name)) and m["claim"] == claim_id]
    return sorted(found, key=venue_order)


def _legacy_path(claim_id: str, directory: str | os.PathLike | None) -> Path:
    return results_dir(directory) / f"{claim_id}.json"


def assessment_type(claim_id: str) -> type[Assessment]:
    """The registered claim's assessment class.

    Raises:
        ResultError: the claim is not registered or cannot be loaded.
    """
    from evidence.registry import RegistryError, get_claim

    try:
        return get_claim(claim_id).assessment_type
    except RegistryError as exc:
        raise ResultError(str(exc)) from None
    except AttributeError:
        raise ResultError(f"Claim {claim_id!r} declares no assessment_type") from None


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
            legacy = _legacy_path(claim_id, directory)
            if legacy.exists():
                raise ResultError(f"{legacy}: a result file of schema 1 (no venue in its name): needs a rerun of "
                                  f"{claim_id} (`kvt evidence run {claim_id}`)")
            return None
        venue = found[0]
    path = result_path(claim_id, directory, venue)
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultError(f"{path}: not readable JSON ({exc})") from None
    result = parse_result(raw, claim_id, str(path))
    if result.venue != venue:
        raise ResultError(f"{path}: holds venue {result.venue!r} but its name says {venue!r}")
    return result


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
    """Whether the claim's code changed since ``result`` was made; None when the claim is not registered."""
    from evidence.registry import RegistryError, get_claim

    try:
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
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
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
    from pydantic.json_schema import models_json_schema

    from evidence.registry import claim_ids as registered

    ids = claim_ids or registered()
    models = [(ResultFile[assessment_type(cid)], "validation") for cid in ids]
    refs, schema = models_json_schema(models, title=f"kvt result file (schema {SCHEMA_VERSION})",
                                      description="One claim's result on one venue; `assessment` is the claim's "
                                                  "own typed model. Generated from evidence/results.py.")
    schema["oneOf"] = [refs[m] for m in models]
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema
