"""The typed contract between a claim's judge and its readers (the advisor, the site, ``kvt``).

A claim's judge is split in two (see :class:`evidence.claim.Claim`):

- ``assess(results, quick) -> Assessment``: from the subjects' raw measurements to a typed *assessment*, a
  pydantic model the claim declares (a subclass of :class:`Assessment`) that owns the claim's vocabulary
  (options, targets, paths, phases, cells) and holds what the judge concludes from the runs;
- ``decide(assessment, thresholds) -> Decision``: from the assessment alone (and the declared thresholds) to a
  typed :class:`Decision`: the verdict code and the numbers it rests on, no prose;
- ``report(assessment, decision) -> Report``: a one-sentence summary and findings, prose for people, never data
  for programs (and not part of the claim's code hash: rewording it leaves results fresh).

Every result file carries its assessment, validated when it is written and again when it is read. Readers read
the assessment (its fields and the query methods its class offers), never the raw measurements, and never
re-implement a judge. This module holds the pieces every claim's assessment shares: the outcome of a cell, an
error, a known issue in a public tracker, an interval, the declarations of thresholds and run settings, the
shared vocabulary (:data:`Option`, :data:`VerdictName`, :data:`Status`), a subject's raw result
(:class:`SubjectResult`), a claim's venue scope, and the typed decision. It imports pydantic and the standard
library only, so that ``kvt claims`` and ``kvt advise`` start fast.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: The four options compared (README.md, the opening): the one declaration every assessment uses.
Option = Literal["keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"]
#: The verdicts a claim can reach.
VerdictName = Literal["supported", "partly supported", "refuted", "outdated", "inconclusive"]
VERDICTS: tuple[str, ...] = get_args(VerdictName)
#: A subject's status after its run: ``ok`` (every stage ran), ``failed`` (we tried, it broke: a crash or a
#: timeout), ``unavailable`` (we could not try: a framework it needs is missing).
Status = Literal["ok", "failed", "unavailable"]

#: The outcome of one cell (an option x a target, path or extension). ``unavailable`` means *we could not try*
#: (a package is missing or cannot be installed beside ours; the reason says which), ``fails`` means *we tried
#: and it broke* (the error says how); the two are never merged. ``not_applicable``: the cell has no meaning
#: for that option (TensorFlow core has no ``.keras`` file).
Outcome = Literal["works", "fails", "unavailable", "not_applicable"]
OUTCOMES: tuple[str, ...] = ("works", "fails", "unavailable", "not_applicable")


class ContractModel(BaseModel):
    """Base of every model of the contract: unknown fields are errors, and attribute docstrings are the fields'
    descriptions (what ``kvt evidence schema`` publishes, read by :func:`describe_fields` when asked: pydantic's
    ``use_attribute_docstrings`` re-reads each model's module source at class creation, a third of a reader's
    start-up)."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ErrorInfo(ContractModel):
    """An error as a reader needs it: its type, its first informative line, and where it came from."""

    type: str
    """The exception's type, qualified by its module unless it is a builtin (``ValueError``,
    ``tensorflow.python.framework.errors_impl.InvalidArgumentError``)."""
    message: str
    """Its first informative line, without ANSI codes or Keras's "Exception encountered when calling" header,
    at most 500 characters."""
    root: str | None = None
    """``Type: message`` of the innermost error it wraps (Keras and TensorFlow re-raise ``from None``), when
    that differs from the error itself."""
    at: str | None = None
    """``program.py:LINE in function`` of the innermost frame in the program that ran, when known."""
    line: str | None = None
    """The source line at ``at``."""
    missing_module: str | None = None
    """The module whose import failed, for an ``ImportError``."""

    def text(self, limit: int = 200) -> str:
        """One line for people: ``Type: message`` (the type without its module), cut to ``limit`` characters."""
        short = self.type.rsplit(".", 1)[-1]
        out = f"{short}: {self.message}" if self.message else short
        return out if len(out) <= limit else out[: limit - 1] + "…"


class KnownIssue(ContractModel):
    """A report in a public tracker that matches what we observed."""

    url: str
    """The issue's address (``https://github.com/keras-team/keras/issues/20585``)."""
    title: str
    """What the report is about, in our words."""
    matched: str = ""
    """The text of our error that identifies the report."""


class Interval(ContractModel):
    """An estimate with its uncertainty: ``low <= estimate <= high`` at ``level``."""

    estimate: float
    """The point estimate."""
    low: float
    """Lower end of the interval."""
    high: float
    """Upper end of the interval."""
    level: float = 0.9
    """The interval's coverage (0.9: a 90% interval)."""
    method: str
    """How the interval was made (``bootstrap over rounds and repeats``, ``interquartile range of repeats``)."""

    @property
    def width(self) -> float:
        """``high - low``."""
        return self.high - self.low

    def relative_width(self) -> float:
        """The interval's width over the estimate's magnitude (0 for a zero estimate)."""
        return self.width / abs(self.estimate) if self.estimate else 0.0


class Threshold(ContractModel):
    """A number a judge compares against, declared in the claim before the run, with its reason."""

    value: int | float
    """The value (full mode; also quick mode unless ``quick`` is set)."""
    reason: str
    """Why this value: one line a reader can check."""
    quick: int | float | None = None
    """A looser value for quick mode (tiny sizes, noisier), when the full one does not apply there."""

    def for_mode(self, quick: bool) -> int | float:
        """The value that applies in quick (``quick=True``) or full mode."""
        return self.quick if quick and self.quick is not None else self.value


class Setting(ContractModel):
    """A run setting (epochs, batch size, sizes) with its quick and full values side by side."""

    full: int | float | str | bool | list[int] | list[str]
    """The value in full mode."""
    quick: int | float | str | bool | list[int] | list[str] | None = None
    """The value in quick mode; None: the same as ``full``."""
    reason: str = ""
    """Why this value, when it is not obvious."""

    def for_mode(self, quick: bool) -> Any:
        """The value that applies in quick (``quick=True``) or full mode."""
        return self.quick if quick and self.quick is not None else self.full


class DecisionChange(ContractModel):
    """A change to a claim's decision rule made after the rule was fixed, recorded with the claim."""

    date: str
    """When the change was made (ISO date)."""
    change: str
    """What changed."""
    reason: str
    """Why it changed."""
    affects: str
    """Which results it affects (the runs judged under the old rule and what they said)."""


class Assessment(ContractModel):
    """Base class of a claim's assessment: what its judge concludes from the runs, typed.

    A subclass declares the claim's vocabulary (its options, targets, paths, phases as ``Literal`` types) and
    one field per thing a reader needs, each with a docstring. It may add query methods that answer a reader's
    question from the fields (``cell(option, target)``); they compute nothing the judge would not.

    ``status_fields`` names the fields whose values are cell outcomes or subject statuses, for the contract
    test (every status a result holds is one of those the claim declares); :meth:`statuses` walks them.
    """

    #: The statuses this assessment's cells may hold (checked by the contract test for every claim).
    STATUSES: ClassVar[tuple[str, ...]] = (*OUTCOMES, "ok", "failed")

    def statuses(self) -> Iterator[tuple[str, str]]:
        """Every ``(where, status)`` pair in the assessment: each field named ``status`` at any depth."""

        def walk(value: Any, where: str) -> Iterator[tuple[str, str]]:
            if isinstance(value, BaseModel):
                for name in type(value).model_fields:
                    item = getattr(value, name)
                    path = f"{where}.{name}" if where else name
                    if name == "status" and isinstance(item, str):
                        yield path, item
                    else:
                        yield from walk(item, path)
            elif isinstance(value, dict):
                for key, item in value.items():
                    yield from walk(item, f"{where}[{key!r}]")
            elif isinstance(value, list | tuple):
                for i, item in enumerate(value):
                    yield from walk(item, f"{where}[{i}]")

        yield from walk(self, "")


class SubjectResult(BaseModel):
    """The outcome of every stage of one subject: its status and its raw measurements, kept for the record."""

    model_config = ConfigDict(extra="forbid")  # field descriptions: describe_fields

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


class VenueScope(ContractModel):
    """What a venue must have to decide a claim as the article states it; recorded in every result.

    A claim that reads files (a dated listing, release notes, source lines) depends on no machine: its result
    holds anywhere and readers show no venue for it. A claim that measures on a machine holds for that venue, and
    where the article's claim needs more than the venue has (several machines, several accelerators), the venue can
    decide only part of it: the claim's verdict is then ``inconclusive`` for the claim as stated, with what the
    venue does decide given as findings.
    """

    machine_dependent: bool = True
    """Whether the claim's numbers depend on the machine they ran on (False: its result holds on any machine)."""
    needs: str = "a machine that runs the frameworks"
    """What a venue must have to decide the claim as the article states it, in words."""
    min_hosts: int = 1
    """Machines a venue needs (the claim's multi-host half needs more than one)."""
    min_accelerators: int = 0
    """Accelerators (GPUs, TPUs) a venue needs on one machine; with ``min_hosts`` 1 this is an alternative: a
    venue with this many accelerators, or with ``min_hosts`` machines, decides the claim."""

    def decides(self, hosts: int, accelerators: int) -> bool:
        """Whether a venue of ``hosts`` machines with ``accelerators`` accelerators each can decide the claim."""
        if not self.machine_dependent:
            return True
        by_hosts = self.min_hosts > 1 and hosts >= self.min_hosts
        by_accelerators = self.min_accelerators > 0 and accelerators >= self.min_accelerators
        if self.min_hosts <= 1 and self.min_accelerators == 0:
            return True
        return by_hosts or by_accelerators


#: A number a decision rests on: a count, a ratio, a flag, or a status code (never a sentence).
Number = int | float | bool | str | None


class Decision(ContractModel):
    """What a claim's verdict rule decides from an assessment: the verdict code, which branch of the rule
    decided it, and the numbers it rests on. No prose: :class:`Report` is the prose, and it is not checked on
    read, so rewording a report leaves a result valid; a decision that differs from the stored one is refused."""

    verdict: VerdictName
    """The verdict."""
    code: str = Field(pattern=r"^[a-z0-9_]{1,80}$")
    """The branch of the rule that decided (``two_signals_favour_tensorflow``, ``nothing_measured``)."""
    numbers: dict[str, Number] = Field(default_factory=dict)
    """The numbers the verdict rests on, by name (counts, ratios, the thresholds compared against)."""
    unavailable: list[str] = Field(default_factory=list)
    """Subjects (or cells) that could not be tried: never counted as failures."""
    failed: list[str] = Field(default_factory=list)
    """Subjects (or cells) that were tried and broke."""

    @field_validator("numbers")
    @classmethod
    def _finite(cls, numbers: dict[str, Number]) -> dict[str, Number]:
        # JSON has no infinity: a ratio over zero is recorded as None, the same before and after a round trip
        return {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in numbers.items()}

    def same_as(self, other: Decision, rel: float = 1e-9) -> bool:
        """Whether ``other`` is the same decision: equal codes and subjects, numbers equal up to ``rel``
        (a float that went through JSON may differ in its last bit)."""
        if (self.verdict, self.code, sorted(self.unavailable), sorted(self.failed)) != (
                other.verdict, other.code, sorted(other.unavailable), sorted(other.failed)):
            return False
        if self.numbers.keys() != other.numbers.keys():
            return False
        for key, a in self.numbers.items():
            b = other.numbers[key]
            if isinstance(a, float) or isinstance(b, float):
                if not (isinstance(a, int | float) and isinstance(b, int | float)):
                    return False
                if abs(a - b) > rel * max(abs(a), abs(b), 1e-300):
                    return False
            elif a != b:
                return False
        return True


@dataclass(frozen=True)
class Report:
    """Prose for people about a decision: a one-sentence summary and findings per sub-claim id (and a few extra
    keys such as ``caveat``). A program reads the assessment and the decision, never these."""

    summary: str
    findings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        bad = [k for k, v in self.findings.items() if not isinstance(v, str)]
        if bad:
            raise ValueError(f"Expected findings to be prose (str); received non-text findings for {bad}")


@dataclass(frozen=True)
class Verdict:
    """A judged run: the verdict with its summary and findings (prose for people) and, for a claim in the
    decide/report shape, the typed :class:`Decision` they come from.

    Attributes:
        verdict: one of :data:`VERDICTS`.
        summary: one sentence built from the numbers.
        findings: per sub-claim id, a short statement with its numbers.
        decision: the typed decision (every claim's judgement gives one; None only in a verdict built by hand).
    """

    verdict: str
    summary: str
    findings: dict[str, str] = field(default_factory=dict)
    decision: Decision | None = None

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"Expected a verdict in {VERDICTS}; received: verdict={self.verdict!r}")
        bad = [k for k, v in self.findings.items() if not isinstance(v, str)]
        if bad:
            raise ValueError(f"Expected findings to be prose (str); received non-text findings for {bad}")


def split_missing(missing: list[str]) -> tuple[list[str], list[str]]:
    """Subjects named in ``missing`` lines (``subject (status: reason)``, ``subject (not run)``, as
    :func:`evidence.claim.missing_subjects` writes them) as (unavailable or not run, failed)."""
    unavailable: list[str] = []
    failed: list[str] = []
    for line in missing:
        subject, _, rest = line.partition(" (")
        (failed if rest.startswith("failed") else unavailable).append(subject)
    return unavailable, failed


#: Threshold values for one mode, by name, as a verdict rule reads them.
Thresholds = Mapping[str, int | float]


def threshold_values(thresholds: Mapping[str, Threshold], quick: bool) -> dict[str, int | float]:
    """Each declared threshold's value for the mode (its quick value in quick mode, when it has one)."""
    return {name: t.for_mode(quick) for name, t in thresholds.items()}


@cache
def describe_fields(model: type[BaseModel]) -> dict[str, str]:
    """Each field of ``model`` with its description (empty when it has none), for docs, the JSON Schema and tests:
    a ``Field(description=...)``, else the attribute's docstring (the nearest class of ``model``'s bases that
    documents it), read from the source when first asked rather than at every start-up."""
    docs: dict[str, str] = {}
    for klass in reversed(model.__mro__):
        if issubclass(klass, BaseModel) and klass is not BaseModel:
            docs.update(_attribute_docstrings(klass))
    return {name: field.description or docs.get(name, "") for name, field in model.model_fields.items()}


def _attribute_docstrings(klass: type) -> dict[str, str]:
    """``name: type`` followed by a string in ``klass``'s own body: the attribute's docstring, cleaned as
    pydantic's ``use_attribute_docstrings`` cleans it. Empty for a class with no source (a parametrised generic,
    whose bases hold the docstrings)."""
    import ast
    import inspect
    import itertools
    import textwrap

    try:
        source = textwrap.dedent(inspect.getsource(klass))
    except (OSError, TypeError):
        return {}
    body = next((n.body for n in ast.parse(source).body if isinstance(n, ast.ClassDef)), [])
    out = {}
    for node, after in itertools.pairwise(body):
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and isinstance(after, ast.Expr) \
                and isinstance(after.value, ast.Constant) and isinstance(after.value.value, str):
            out[node.target.id] = inspect.cleandoc(after.value.value)
    return out


__all__ = [
    "OUTCOMES",
    "VERDICTS",
    "Assessment",
    "ContractModel",
    "Decision",
    "DecisionChange",
    "ErrorInfo",
    "Field",
    "Interval",
    "KnownIssue",
    "Number",
    "Option",
    "Outcome",
    "Report",
    "Setting",
    "Status",
    "SubjectResult",
    "Threshold",
    "Thresholds",
    "VenueScope",
    "Verdict",
    "VerdictName",
    "describe_fields",
    "split_missing",
    "threshold_values",
]
