"""Result files: one JSON file per claim under ``evidence/results/``, validated by pydantic, written atomically."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

#: Bump when the layout of a result file changes; files of another version must be rerun.
SCHEMA_VERSION = 1

DEFAULT_RESULTS_DIR = Path(__file__).parent / "results"

Status = Literal["ok", "failed", "unavailable"]
VerdictName = Literal["supported", "partly supported", "refuted", "outdated", "inconclusive"]


class ResultError(Exception):
    """A result file that is missing, unreadable, or does not match the schema."""


class SubjectResult(BaseModel):
    """The outcome of every stage of one subject."""

    model_config = ConfigDict(extra="forbid")

    status: Status
    reason: str | None = None
    stderr_tail: str | None = None
    duration_s: float = 0.0
    stages: dict[str, Status] = Field(default_factory=dict)
    measurements: dict[str, Any] = Field(default_factory=dict)

    def short_reason(self) -> str:
        """The first line of ``reason``, for one-line summaries."""
        return (self.reason or "no reason recorded").strip().splitlines()[0]


class ClaimInfo(BaseModel):
    """The claim's self-description at the time of the run."""

    id: str
    title: str
    dimension: str
    statement: str
    sub_claims: dict[str, str]
    subjects: list[str]
    programs: list[str]
    data_files: list[str]
    thresholds: dict[str, float]


class Provenance(BaseModel):
    """Where, when and with what a result was made."""

    date: str
    mode: Literal["quick", "full"]
    duration_s: float
    repeats: int
    warmup: int
    git_commit: str | None
    git_dirty: bool | None
    python: str
    platform: str
    cpu_model: str
    cpu_count: int
    gpu: str | None
    packages: dict[str, str | None]
    environment: dict[str, str]
    subjects_run: list[str]


class Rerun(BaseModel):
    """One of several full runs of a claim made back to back (``kvt evidence run --reruns N``)."""

    model_config = ConfigDict(extra="forbid")

    verdict: VerdictName
    summary: str
    date: str
    duration_s: float


class ResultFile(BaseModel):
    """One claim's result file.

    ``reruns`` lists, in order, the verdict of every run when the claim was run several times back to back; the
    subjects' measurements are the last run's. A single run leaves it empty.
    """

    model_config = ConfigDict(extra="forbid")

    schema_version: int
    claim: ClaimInfo
    code_hash: str
    verdict: VerdictName
    summary: str
    findings: dict[str, Any]
    subjects: dict[str, SubjectResult]
    provenance: Provenance
    reruns: list[Rerun] = Field(default_factory=list)


def results_dir(override: str | os.PathLike | None = None) -> Path:
    """The results folder: ``override``, else ``$KVT_RESULTS_DIR``, else ``evidence/results``."""
    if override:
        return Path(override)
    env = os.environ.get("KVT_RESULTS_DIR")
    return Path(env) if env else DEFAULT_RESULTS_DIR


def result_path(claim_id: str, directory: Path | None = None) -> Path:
    """Path of the result file of ``claim_id``."""
    return (directory or results_dir()) / f"{claim_id}.json"


def load_result(claim_id: str, directory: Path | None = None) -> ResultFile | None:
    """Load and validate a claim's result; None when there is none yet.

    Raises:
        ResultError: the file exists but is not valid JSON, not of this schema version, or not of the schema.
    """
    path = result_path(claim_id, directory)
    if not path.exists():
        return None
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise ResultError(f"{path}: not readable JSON ({exc})") from exc
    version = raw.get("schema_version") if isinstance(raw, dict) else None
    if version != SCHEMA_VERSION:
        raise ResultError(
            f"{path}: schema_version {version!r}, expected {SCHEMA_VERSION}; rerun `kvt evidence run {claim_id}`"
        )
    try:
        return ResultFile.model_validate(raw)
    except ValidationError as exc:
        raise ResultError(f"{path}: does not match the result schema:\n{exc}") from exc


def write_result(result: ResultFile, directory: Path | None = None) -> Path:
    """Validate and write ``result`` atomically: a temp file in the same folder, fsync, then rename.

    A run killed at any point leaves either the previous file or the new one, never a partial file.
    """
    ResultFile.model_validate(result.model_dump())
    path = result_path(result.claim.id, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
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


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a result file, for readers in other languages."""
    return ResultFile.model_json_schema()
