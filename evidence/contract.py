"""The typed contract between a claim's judge and its readers (the advisor, the site, ``kvt``).

A claim's judge is split in two (see :class:`evidence.claim.Claim`):

- ``assess(results, quick) -> Assessment``: from the subjects' raw measurements to a typed *assessment*, a
  pydantic model the claim declares (a subclass of :class:`Assessment`) that owns the claim's vocabulary
  (options, targets, paths, phases, cells) and holds what the judge concludes from the runs;
- ``verdict(assessment) -> Verdict``: from the assessment alone to the verdict, a one-sentence summary and
  findings, which are prose for people, never data for programs.

Every result file carries its assessment, validated when it is written and again when it is read. Readers read
the assessment (its fields and the query methods its class offers), never the raw measurements, and never
re-implement a judge. This module holds the pieces every claim's assessment shares: the outcome of a cell, an
error, a known issue in a public tracker, an interval, and the declarations of thresholds and run settings.
It imports pydantic and the standard library only, so that ``kvt claims`` and ``kvt advise`` start fast.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

#: The outcome of one cell (an option x a target, path or extension). ``unavailable`` means *we could not try*
#: (a package is missing or cannot be installed beside ours; the reason says which), ``fails`` means *we tried
#: and it broke* (the error says how); the two are never merged. ``not_applicable``: the cell has no meaning
#: for that option (TensorFlow core has no ``.keras`` file).
Outcome = Literal["works", "fails", "unavailable", "not_applicable"]
OUTCOMES: tuple[str, ...] = ("works", "fails", "unavailable", "not_applicable")


class ContractModel(BaseModel):
    """Base of every model of the contract: unknown fields are errors, and attribute docstrings are the fields'
    descriptions (what ``kvt evidence schema`` publishes)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


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


def describe_fields(model: type[BaseModel]) -> dict[str, str]:
    """Each field of ``model`` with its description (empty when it has none), for docs and tests."""
    return {name: field.description or "" for name, field in model.model_fields.items()}


__all__ = [
    "OUTCOMES",
    "Assessment",
    "ContractModel",
    "DecisionChange",
    "ErrorInfo",
    "Field",
    "Interval",
    "KnownIssue",
    "Outcome",
    "Setting",
    "Threshold",
    "describe_fields",
]
