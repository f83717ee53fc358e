"""What a release set is (:class:`ReleaseSet`), and what its runs may ask of it, before any environment exists.

Imports the standard library only: the runner asks the active set (:func:`evidence.releases.active`) in every run,
and a worker's outcome reaches :meth:`ReleaseSet.explain` as any object with the fields of the runner's outcome
(no import of the runner: the runner imports this package, never the other way round).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeVar

from evidence.errors import InputError

if TYPE_CHECKING:
    from evidence.claim import Claim

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent
RELEASES_DIR = PROJECT_ROOT / "evidence" / "results" / "releases"
MANIFEST = "release.json"

#: The module each Keras backend needs; a backend whose module a set lacks cannot be tried under that set.
#: Backends with no module of their own (numpy, and the names Keras 3 rejects) are always tried: what Keras does
#: with them is a measurement. Theano and CNTK are listed so that a set that could not install them (multi-backend
#: Keras 2 reads their modules) records them unavailable; a set that leaves them out of ``absent`` tries the names.
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", "openvino": "openvino",
                   "theano": "theano", "cntk": "cntk"}

#: An error that says the installed framework lacks an API the claim's code uses (Keras 2 has no ``keras.ops``).
_API_GAP = re.compile(
    r"(AttributeError: module '(?P<a>(keras|tensorflow|jax|torch|tf_keras)[\w.]*)' has no attribute '[\w.]+'"
    r"|ImportError: cannot import name '[\w.]+' from '(?P<b>(keras|tensorflow|jax|torch|tf_keras)[\w.]*)'"
    r"|ModuleNotFoundError: No module named '(?P<c>(keras|tensorflow|jax|torch)\.[\w.]+)')"
)


class Outcome(Protocol):
    """What :meth:`ReleaseSet.explain` reads of a worker's outcome (the runner's ``CellOutcome``)."""

    status: str
    reason: str | None
    stderr_tail: str | None


OutcomeT = TypeVar("OutcomeT", bound=Outcome)


class ReleaseError(InputError):
    """An unknown release set, or a release environment that cannot be made."""


@dataclass(frozen=True)
class ReleaseSet:
    """A named set of framework releases the evidence runs against.

    Attributes:
        name: the folder name under ``evidence/results/releases/``.
        title: a short title for tables.
        released: when the newest of its framework pins came out (``YYYY-MM``): the set is the state of that month.
        requirements: pip requirement specifiers of the frameworks and converters; None for today's pins,
            which are read from the ``evidence`` extra of ``pyproject.toml``.
        absent: modules the set does not have, each with why (a missing framework that claims need).
        not_run: claims that are not run under the set, each with why: their programs call an API the release
            lacks, so a run would record our programs' failure as the release's. Recorded ``unavailable``.
        notes: what the set is, for the "Then and now" page.
        floating: distributions of today's pins that the set leaves unpinned (the ``latest`` set: the four
            frameworks), so what it installs moves with upstream releases; its manifest records what was installed.
        attempts: modules the set tries to install after its pins, each with the requirement specifiers pip is
            asked for; one pip cannot install is absent with pip's own error as why (measured, not written).
        replaces_base: the project's base dependencies the set's own pins replace (by distribution name), where
            the two cannot install together (numpy>=1.26 against the numpy an old framework needs).
        shims: compatibility modules of :mod:`evidence.releases.shims` activated in the set's environment at
            start-up (a ``.pth`` file), each restoring what a newer Python removed; never a change to a library.
        environment: variables set for the set's runs (``{env}`` stands for the environment's folder).
    """

    name: str
    title: str
    released: str
    requirements: tuple[str, ...] | None
    absent: dict[str, str] = field(default_factory=dict)
    not_run: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    floating: tuple[str, ...] = ()
    attempts: dict[str, tuple[str, ...]] = field(default_factory=dict)
    replaces_base: tuple[str, ...] = ()
    shims: tuple[str, ...] = ()
    environment: dict[str, str] = field(default_factory=dict)

    def pins(self) -> tuple[str, ...]:
        """The requirement specifiers installed for the set (today's: the evidence extra; a floating set: the
        evidence extra with the :attr:`floating` distributions unpinned, so pip picks their newest releases that
        install together)."""
        if self.requirements is not None:
            return self.requirements
        extra = tuple(_project()["optional-dependencies"]["evidence"])
        return tuple(unpinned(spec) if requirement_name(spec) in self.floating else spec for spec in extra)

    def base(self) -> list[str]:
        """The project's base dependencies installed beside the pins (less those the set replaces)."""
        return [spec for spec in _project()["dependencies"] if requirement_name(spec) not in self.replaces_base]

    def with_absent(self, more: dict[str, str]) -> ReleaseSet:
        """The set with ``more`` absent modules (those its environment measured it could not install)."""
        return replace(self, absent={**self.absent, **more}) if more else self

    # -- what the runner asks ---------------------------------------------------------------------------------
    def unavailable_reason(self, claim: Claim, subject: str) -> str | None:
        """Why ``subject`` of ``claim`` cannot be tried under this set (None: it can), before a worker starts."""
        needed = list(claim.requirements(subject))
        backend = claim.keras_backend(subject)
        if backend in BACKEND_MODULES:
            needed.append(BACKEND_MODULES[backend])
        for module in needed:
            top = module.split(".")[0]
            if top in self.absent:
                return f"{top} is not part of the {self.name} release set: {self.absent[top]}"
        return None

    def explain(self, outcome: OutcomeT) -> OutcomeT:
        """``outcome`` with an API gap of the release recorded as ``unavailable`` (see the package docstring)."""
        if outcome.status != "failed" or not outcome.stderr_tail:
            return outcome
        match = _API_GAP.search(outcome.stderr_tail)
        if match is None:
            return outcome
        module = next(g for g in (match["a"], match["b"], match["c"]) if g)
        return replace(outcome, status="unavailable",  # type: ignore[type-var]  # a dataclass, as the runner's
                       reason=f"the claim's code uses an API that the {self.name} release set lacks "
                              f"({module.split('.')[0]}): {match.group(0)}")


def _project() -> dict:
    return tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def requirement_name(spec: str) -> str:
    """The distribution a requirement specifier names, normalised: ``jax[cpu]==0.10.*`` -> ``jax``."""
    return re.split(r"[\[<>=!~; ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def unpinned(spec: str) -> str:
    """``spec`` without its version: ``jax[cpu]==0.10.*`` -> ``jax[cpu]``."""
    match = re.match(r"^\s*([A-Za-z0-9._-]+(\[[^\]]*\])?)", spec)
    return match.group(1) if match else spec
