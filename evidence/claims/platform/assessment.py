"""The platform claim's assessment: per option, accelerator and system, whether it runs, how, on what basis.
Imports the contract and the cited facts' vocabulary only: what readers read."""

from __future__ import annotations

from typing import ClassVar, Literal

from evidence.contract import Assessment, ContractModel, Option

from . import facts

Basis = Literal["code", "cited", "code_and_cited"]


class Source(ContractModel):
    """A public source of platform facts."""

    url: str
    """Where it is published."""
    title: str
    """What it is."""
    read: str
    """The date it was read (ISO)."""


class CodeCheck(ContractModel):
    """One reading of installed code."""

    status: Literal["ok", "failed", "unavailable"]
    """``ok``: read; ``unavailable``: the package is not installed; ``failed``: the worker broke."""
    file: str | None
    """The file read, relative to site-packages."""
    finding: str
    """What it says, in one line (or why it could not be read)."""


class PlatformCell(ContractModel):
    """Whether one option runs on one accelerator under one operating system."""

    option: Option
    """The option."""
    accelerator: facts.Accelerator
    """The accelerator."""
    system: facts.System
    """The operating system."""
    status: facts.Support
    """``supported``; ``experimental`` (a plugin its own makers call experimental, or one the framework does not
    support officially); ``unsupported`` (the record or the code says it does not run); ``unknown`` (nothing read
    says either way: never a failure); ``not_applicable`` (that hardware does not exist with that system)."""
    how: str
    """The package and device that reach it, or why not."""
    basis: Basis
    """``code``: installed code decides; ``cited``: the public record; ``code_and_cited``: both agree."""
    sources: list[str]
    """Source ids (:attr:`PlatformAssessment.sources`) and code files it rests on."""


class PlatformAssessment(Assessment):
    """Per option, accelerator and system: supported or not, how, and the sources."""

    STATUSES: ClassVar[tuple[str, ...]] = ("supported", "experimental", "unsupported", "unknown",
                                           "not_applicable", "ok", "failed", "unavailable")

    cells: list[PlatformCell]
    """One per option, accelerator and system."""
    code_checks: dict[str, CodeCheck]
    """Per reading of installed code, what it found."""
    sources: dict[str, Source]
    """The public sources cited, by id."""
    keras_gaps: list[str]
    """Where a Keras option does not run although its engine does (the claim's counter-examples), in words."""
    not_measured: list[str]
    """Code checks that did not run ok."""

    def cell(self, option: str, accelerator: str, system: str) -> PlatformCell | None:
        """The cell of ``option`` on ``accelerator`` under ``system`` (None when not recorded)."""
        return next((c for c in self.cells if (c.option, c.accelerator, c.system) == (option, accelerator, system)),
                    None)


