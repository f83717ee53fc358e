"""Result files: one JSON file per claim and venue, validated by pydantic, written atomically.

This is the one reader of result files: the CLI, the advisor and the site all load results here, and each gets
the claim's typed assessment (:mod:`evidence.contract`) back, validated. A file is named
``<claim>.<venue>.json`` (``performance.cpu-2core.json``), so one folder holds several venues of a claim side by
side. A file of an older schema is reported as needing a rerun, never misread.
"""

from __future__ import annotations

import json
import math
import os
import re
import tempfile
from pathlib import Path
from typing import Annotated, Any, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from evidence.claim import VenueScope
from evidence.contract import Assessment, DecisionChange, Setting, Threshold
from evidence.errors import InputError
from evidence.guarded import GuardedReadError, check_path, list_dir, read_json
from evidence.venue import VENUE_PATTERN, is_accelerator

#: Bump when the layout of a result file changes; files of another version must be rerun.
#: 2 (2026-12-01): typed assessments, venues, thresholds with reasons, run settings, findings as prose.
SCHEMA_VERSION = 2

DEFAULT_RESULTS_DIR = Path(__file__).parent / "results"

Status = Literal["ok", "failed", "unavailable"]
VerdictName = Literal["supported", "partly supported", "refuted", "outdated", "inconclusive"]
A = TypeVar("A", bound=Assessment)

_CONFIG = ConfigDict(extra="forbid", use_attribute_docstrings=True)


def _iso_date(value: str) -> str:
    """An ISO 8601 date or timestamp, as every run writes it; anything else is not a date a reader may show."""
    from datetime import datetime

    try:
        datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError("expected an ISO 8601 date or timestamp (2026-12-01T12:41:29+00:00)") from None
    return value


IsoDate = Annotated[str, AfterValidator(_iso_date)]
#: What the names and versions of installed packages look like (PEP 503 names, PEP 440 versions with local
#: parts such as 2.13.0+cpu), and environment variable names: nothing else is a name or a version.
_PACKAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_VERSION = re.compile(r"[A-Za-z0-9][A-Za-z0-9.+!_-]{0,99}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,99}")


class ResultError(InputError):
    """A result file that is missing, unreadable, of another schema, does not match the schema, or whose verdict
    does not follow from its own assessment (edited by hand); or a results folder that cannot be read."""


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
    """The claim id (its package under evidence/claims/)."""
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
    decision_rule_fixed: IsoDate | None = None
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

    @field_validator("thresholds")
    @classmethod
    def _finite(cls, thresholds: dict[str, Threshold]) -> dict[str, Threshold]:
        for name, threshold in thresholds.items():  # a verdict judged against NaN or ∞ judged nothing
            if any(isinstance(v, float) and not math.isfinite(v) for v in (threshold.value, threshold.quick)):
                raise ValueError(f"threshold {name[:80]!r} is not a finite number")
        return thresholds

    @field_validator("decision_log")
    @classmethod
    def _log_dates(cls, log: list[DecisionChange]) -> list[DecisionChange]:
        for change in log:
            _iso_date(change.date)
        return log


class Provenance(BaseModel):
    """Where, when and with what a result was made."""

    model_config = _CONFIG

    date: IsoDate
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
    python: str = Field(pattern=r"^[0-9][0-9A-Za-z.+]{0,39}$")
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

    @field_validator("packages")
    @classmethod
    def _packages(cls, packages: dict[str, str | None]) -> dict[str, str | None]:
        for name, version in packages.items():
            if not _PACKAGE.fullmatch(name):
                raise ValueError(f"{name[:60]!r} is not a package name")
            if version is not None and not _VERSION.fullmatch(version):
                raise ValueError(f"{name}: {version[:60]!r} is not a version")
        return packages

    @field_validator("environment")
    @classmethod
    def _environment(cls, environment: dict[str, str]) -> dict[str, str]:
        bad = [k for k in environment if not _ENV_NAME.fullmatch(k)]
        if bad:
            raise ValueError(f"{bad[0][:60]!r} is not an environment variable name")
        return environment


class Rerun(BaseModel):
    """One of several full runs of a claim made back to back (``kvt evidence run --reruns N``)."""

    model_config = _CONFIG

    verdict: VerdictName
    """That run's verdict."""
    summary: str
    """That run's summary."""
    date: IsoDate
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
_FILE = re.compile(r"(?P<claim>[A-Za-z0-9_]+)\.(?P<venue>(cpu|gpu)-[a-z0-9][a-z0-9-]*)\.json")
#: A schema-1 result (``<claim>.json``), reported as needing a rerun; a partial result of a split run.
_LEGACY = re.compile(r"[A-Za-z0-9_]+\.json|[A-Za-z0-9_]+\.(cpu|gpu)-[a-z0-9][a-z0-9-]*\.shard-\d+-of-\d+\.json|"
                     r"release\.json")


def results_dir(override: str | os.PathLike | None = None) -> Path:
    """The results folder: ``override``, else ``$KVT_RESULTS_DIR``, else ``evidence/results``."""
    if override:
        return Path(override)
    from evidence.settings import get

    env = get("KVT_RESULTS_DIR")
    return Path(env) if env else DEFAULT_RESULTS_DIR


def require_folder(directory: str | os.PathLike | None = None) -> Path:
    """The results folder (see :func:`results_dir`) after checking it is a folder that can be listed.

    Raises:
        ResultError: it is missing, not a folder (a file, ``/dev/null``), a dangling link or unreadable; the
            message names it and the reason.
    """
    folder = results_dir(directory)
    try:
        check_path(folder, "results folder", expect="dir")
    except GuardedReadError as exc:
        raise ResultError(str(exc)) from None
    return folder


def holds_results(directory: str | os.PathLike | None = None) -> bool:
    """Whether the results folder holds any file named like a result (``<claim>.<venue>.json`` or a schema-1
    ``<claim>.json``); False for a missing folder."""
    folder = results_dir(directory)
    if not folder.is_dir():
        return False
    try:
        entries = list_dir(folder, "results folder")
    except GuardedReadError as exc:
        raise ResultError(str(exc)) from None
    return any(_FILE.fullmatch(p.name) or re.fullmatch(r"[A-Za-z0-9_]+\.json", p.name) for p in entries)


def folder_notes(directory: str | os.PathLike | None = None) -> list[str]:
    """What a results folder holds that no reader uses, said rather than skipped: a ``.json`` file not named
    ``<claim>.<venue>.json`` (a misnamed result), a link that points to nothing, an entry that is not a file.

    Raises:
        ResultError: the folder itself cannot be read (see :func:`require_folder`).
    """
    folder = require_folder(directory)
    try:
        entries = list_dir(folder, "results folder")
    except GuardedReadError as exc:
        raise ResultError(str(exc)) from None
    from evidence.registry import claim_modules

    registered = set(claim_modules())
    notes = []
    for path in entries:
        if path.is_symlink() and not path.exists():
            notes.append(f"{path}: a link that points to nothing; ignored")
        elif path.name.endswith(".json") and not _FILE.fullmatch(path.name) and not _LEGACY.fullmatch(path.name):
            notes.append(f"{path}: not named <claim>.<venue>.json (such as community.cpu-2core.json); ignored")
        elif (m := _FILE.fullmatch(path.name)) and m["claim"] not in registered:
            notes.append(f"{path}: a result of {m['claim']!r}, which is not a registered claim; ignored")
    return notes


def result_path(claim_id: str, directory: str | os.PathLike | None, venue: str) -> Path:
    """Path of the result file of ``claim_id`` on ``venue`` in ``directory`` (see :func:`results_dir`)."""
    return results_dir(directory) / f"{claim_id}.{venue}.json"


def venue_order(venue: str) -> tuple[int, str]:
    """Sort key of venues: CPU venues first (every claim runs there), then by name."""
    return (1 if is_accelerator(venue) else 0, venue)


def venues(claim_id: str, directory: str | os.PathLike | None = None) -> list[str]:
    """The venues ``directory`` holds a result of ``claim_id`` for, CPU venues first."""
    folder = results_dir(directory)
    if not os.path.lexists(folder):
        return []  # nothing run yet; the commands refuse a missing folder up front (require_folder)
    try:
        entries = list_dir(folder, "results folder")
    except GuardedReadError as exc:
        raise ResultError(str(exc)) from None
    found = [m["venue"] for p in entries if (m := _FILE.fullmatch(p.name)) and m["claim"] == claim_id]
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
    if not os.path.lexists(path):
        return None
    try:
        raw = read_json(path, "result file", "result", nonfinite=True)
    except GuardedReadError as exc:
        raise ResultError(str(exc)) from None
    result = parse_result(raw, claim_id, str(path))
    if result.venue != venue:
        raise ResultError(f"{path}: holds venue {result.venue!r} but its name says {venue!r}")
    check_integrity(result, str(path))
    return result


def stability(runs: list[Rerun], last: Any) -> Any:
    """The verdict of several back-to-back runs (an :class:`evidence.claim.Verdict`): the last run's when all
    agree, else ``inconclusive``.

    A verdict that changes from one run to the next on the same machine and code is noise, not a finding: it is
    not published, and the summary lists what each run said. It lives here, beside the results, because their
    readers recompute it (:func:`check_integrity`) without importing the runner.
    """
    from evidence.claim import Verdict

    if len(runs) < 2:
        return last
    verdicts = [r.verdict for r in runs]
    findings = dict(last.findings)
    if len(set(verdicts)) == 1:
        findings["stability"] = f"The same verdict, {verdicts[0]}, in all {len(runs)} runs made back to back."
        return Verdict(last.verdict, last.summary, findings)
    said = "; ".join(f"run {i} {v}" for i, v in enumerate(verdicts, 1))
    findings["stability"] = f"The verdict changed across {len(runs)} runs made back to back: {said}."
    return Verdict("inconclusive",
                   f"The verdict changed from run to run ({said}), so none is given; the last run said: "
                   f"{last.verdict}: {last.summary}", findings)


def check_integrity(result: ResultFile, source: str = "result") -> None:
    """Refuse ``result`` unless its verdict and summary follow from its own assessment: the claim's
    :meth:`~evidence.claim.Claim.verdict` is recomputed on read (and, for back-to-back runs, the runs' stability
    rule over the recorded verdicts, the last of which must be the recomputed one).

    Raises:
        ResultError: they do not (a hand-edited verdict or summary; or, for a stale result, a verdict rule
            changed since the run): the message says which, stored against recomputed.
    """
    from evidence.claim import Verdict
    from evidence.registry import RegistryError, get_claim

    try:
        claim = get_claim(result.claim.id)
        again = claim.verdict(result.assessment)
    except RegistryError as exc:
        raise ResultError(f"{source}: {exc}") from None
    except Exception as exc:  # a verdict rule that cannot judge this assessment: not a verdict to publish
        raise ResultError(f"{source}: its verdict cannot be recomputed from its assessment "
                          f"({type(exc).__name__}: {' '.join(str(exc).split())[:160]})") from None
    expected = again
    if result.reruns:
        last = result.reruns[-1]
        if (last.verdict, last.summary) != (again.verdict, again.summary):
            expected = Verdict(again.verdict, again.summary)
            stored = (last.verdict, last.summary)
            return _refuse(result, source, "the last run's verdict", stored, expected)
        expected = stability(result.reruns, again)
    if (result.verdict, result.summary) != (expected.verdict, expected.summary):
        _refuse(result, source, "its verdict", (result.verdict, result.summary), expected)


def _refuse(result: ResultFile, source: str, what: str, stored: tuple[str, str], expected: Any) -> None:
    field = "verdict" if stored[0] != expected.verdict else "summary"
    shown = stored[0] if field == "verdict" else stored[1][:80]
    wanted = expected.verdict if field == "verdict" else expected.summary[:80]
    how = ("made by other code than today's, whose verdict rule may differ: needs a rerun "
           f"(`kvt evidence run {result.claim.id}`)" if is_stale(result) else "edited by hand: refused")
    raise ResultError(f"{source}: {what} does not follow from its assessment ({field} {shown!r}, recomputed "
                      f"{wanted!r}); {how}")


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
