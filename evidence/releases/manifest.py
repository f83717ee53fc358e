"""``release.json``: a release set's environment and what each claim did under it (read by the Then and now page)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from evidence.releases import MANIFEST, ReleaseError


class ClaimOutcome(BaseModel):
    """What happened to one claim under a release set."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    status: Literal["ran", "unavailable"]
    """``ran``: a result file was written (its verdict below); ``unavailable``: the claim could not run on the
    release at all (its module or its judge needs a later release), see ``reason``."""
    verdict: str | None = None
    """The verdict of the result written, when it ran."""
    reason: str | None = None
    """Why the claim could not run, in one line (the last line the run printed)."""
    seconds: float
    """Seconds the claim's run took."""


class ReleaseRun(BaseModel):
    """``release.json``: a release set's environment and what each claim did under it."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    release_set: str
    """The set's name."""
    title: str
    """The set's title."""
    released: str
    """When the newest of its framework pins came out (``YYYY-MM``)."""
    notes: str
    """What the set is."""
    requirements: list[str]
    """The requirement specifiers installed."""
    absent: dict[str, str]
    """Modules the set does not have, with why (for one the set asked pip for, pip's error)."""
    python: str
    """The Python of the environment."""
    installed: dict[str, str | None]
    """Versions the environment holds of the frameworks and converters (None: not installed)."""
    pip_check: str
    """What ``pip check`` said of the environment (``No broken requirements found.`` when consistent)."""
    install_s: float
    """Seconds the environment took to create and install, when it was made (it is cached after)."""
    date: str
    """When the run ended (UTC, ISO 8601)."""
    mode: Literal["quick", "full"]
    """The mode the claims ran in."""
    claims: dict[str, ClaimOutcome]
    """Each claim's outcome."""
    attempted: dict[str, str] = {}
    """Frameworks the set asked pip for after its pins: ``installed``, or pip's error."""
    shims: dict[str, str] = {}
    """Start-up shims active in the environment, each with what it restores (no library file is changed)."""
    environment: dict[str, str] = {}
    """Variables the set's runs were given (``{env}``: the environment's folder)."""


def load_manifest(folder: str | os.PathLike) -> ReleaseRun | None:
    """The ``release.json`` of a release set's results folder; None when it has none.

    Raises:
        ReleaseError: the manifest is not valid.
    """
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    try:
        return ReleaseRun.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ReleaseError(f"{path}: not a valid release manifest ({' '.join(str(exc).split())[:300]})") from None
