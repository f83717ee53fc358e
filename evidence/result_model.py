"""The result file's model: what one claim's result on one venue holds, validated by pydantic.

Readers import this, :mod:`evidence.contract` and the claim's assessment module, nothing of the experiment;
:mod:`evidence.results` finds, reads, checks and writes the files.
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Generic, Literal, TypeVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from evidence.contract import Assessment, Decision, DecisionChange, Setting, SubjectResult, Threshold, VenueScope
from evidence.contract import VerdictName as VerdictName
from evidence.venue import VENUE_PATTERN

#: Bump when the layout of a result file changes; files of another version must be rerun.
#: 2 (2026-12-01): typed assessments, venues, thresholds with reasons, run settings, findings as prose.
SCHEMA_VERSION = 2

A = TypeVar("A", bound=Assessment)

#: Field descriptions are the attribute docstrings, read by evidence.contract.describe_fields when asked.
_CONFIG = ConfigDict(extra="forbid")


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
    decision: Decision | None = None
    """That run's typed decision (None: a result made before decisions were recorded)."""


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
    """SHA-256 of what decides the claim's result (declarations, measurement, assessment and verdict code,
    programs, data; not the report's prose): a result whose hash differs from the code's is stale."""
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
    decision: Decision | None = None
    """The typed decision of the (last) run: the verdict code and the numbers it rests on, recomputed on read
    from the assessment and the recorded thresholds (None: a result made before decisions were recorded; its
    verdict is then checked against the recomputed decision, and its prose rendered from that)."""

    @property
    def mode(self) -> str:
        """``quick`` or ``full``."""
        return self.provenance.mode
