"""Release sets: the evidence rerun against named sets of framework releases, each in its own virtual environment.

A claim's verdict holds for the releases it ran on. The article's claims were true of some releases and not of
others, so the evidence runs again against older release sets, and the results sit side by side:
``evidence/results/releases/<set>/<claim>.<venue>.json``, with a ``release.json`` manifest that records the set,
the versions installed, the install time, and each claim's outcome.

How the project's code gets into a release's virtual environment: the environment gets the release's pins and
the project's base dependencies (``[project].dependencies`` of ``pyproject.toml``: pydantic, numpy, rich, ...,
resolved by pip against the pins, so an older numpy is picked where an older TensorFlow needs one), never the
project itself; ``kvt`` runs there from the checkout through ``PYTHONPATH``, so the code that runs, and its code
hash, are the checkout's. ``$KVT_RELEASE_SET`` tells the runner which set it runs under (:func:`active`).

What cannot run on a release is recorded ``unavailable`` with the reason, never a crash:

- a subject that needs a framework the set does not have (Keras 2.15 runs on TensorFlow only: no JAX, no
  PyTorch), from the claim's own ``requirements`` and ``keras_backend``, before a worker starts; where the set
  asked pip for the framework and pip could not install it on this Python (CNTK), pip's error is the reason;
- a worker that dies on an API the release lacks (``module 'keras' has no attribute 'ops'`` under Keras 2): the
  claim's code needs a later release, so the subject could not be tried there; the error stays in the record;
- a claim whose module or judge cannot run on the release at all: no result file, and the manifest says why.

The parts: :mod:`.model` (what a set is), :mod:`.sets` (the sets), :mod:`.env` (making an environment),
:mod:`.manifest` (``release.json``), :mod:`.run` (running claims under a set, the drift, the command line).
Run ``python -m evidence.releases run SET [kvt evidence run arguments]`` (or ``nox -s releases -- SET``). The
environments are cached outside the checkout (``$KVT_RELEASE_CACHE``, default ``~/.cache/kvt/releases``).
This module imports the standard library only: the runner reads :func:`active` in every run.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from evidence.releases.model import (
    BACKEND_MODULES,
    MANIFEST,
    PROJECT_ROOT,
    RELEASES_DIR,
    ReleaseError,
    ReleaseSet,
    requirement_name,
    unpinned,
)
from evidence.releases.sets import KERAS3_PROGRAMS, LATEST_FLOATING, LISTING_ONLY, NOT_TRIED, RELEASE_SETS
from evidence.settings import cache_dir
from evidence.settings import get as get_setting

RELEASE_ENV = "KVT_RELEASE_SET"
CACHE_ENV = "KVT_RELEASE_CACHE"
#: The install record an environment keeps (its seconds, pip check, and what pip could not install).
INSTALL_RECORD = "installed.json"


def get_release_set(name: str) -> ReleaseSet:
    """The release set ``name``.

    Raises:
        ReleaseError: unknown name; the message lists the known ones.
    """
    try:
        return RELEASE_SETS[name]
    except KeyError:
        raise ReleaseError(f"Unknown release set {name!r}. Expected one of: {', '.join(RELEASE_SETS)}") from None


def active() -> ReleaseSet | None:
    """The release set this process runs under (``$KVT_RELEASE_SET``), None outside a release run.

    Run in the set's own environment, the set also lacks what its install record says pip could not install there.

    Raises:
        ReleaseError: ``$KVT_RELEASE_SET`` names no known set.
    """
    name = get_setting(RELEASE_ENV)
    if not name:
        return None
    release = get_release_set(name)
    return release.with_absent(measured_absent(Path(sys.prefix)) if release.attempts else {})


def measured_absent(env: Path) -> dict[str, str]:
    """What the install record of the environment ``env`` says pip could not install (module -> pip's error)."""
    try:
        return absent_in_record(json.loads((env / INSTALL_RECORD).read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return {}


def absent_in_record(record: dict) -> dict[str, str]:
    """What an install record says pip could not install: module -> why (the requirements, Python, pip's error)."""
    return {module: f"pip could not install {' '.join(a['requirements'])} on Python {record.get('python', '?')}: "
                    f"{a['error']}"
            for module, a in (record.get("attempts") or {}).items() if not a.get("installed")}


def cache_root() -> Path:
    """Where release environments live: ``$KVT_RELEASE_CACHE`` or ``~/.cache/kvt/releases`` (never the checkout)."""
    return cache_dir("releases", CACHE_ENV)


def base_dependencies() -> list[str]:
    """The project's base dependencies (what ``kvt`` and the workers need besides the frameworks)."""
    return ReleaseSet(name="", title="", released="", requirements=()).base()


def environment_path(release: ReleaseSet) -> Path:
    """The cached environment of ``release``: named by the set and a hash of what it installs."""
    key: list = [sys.version_info[:2], list(release.pins()), release.base()]
    if release.floating:
        # A floating set's pins name no versions: a new environment each ISO week picks up new releases.
        key.append(time.strftime("%G-W%V", time.gmtime()))
    if release.attempts or release.shims:  # only where a set has them, so older sets keep their environments
        key.append([sorted(release.attempts.items()), list(release.shims)])
    digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:10]
    return cache_root() / f"{release.name}-{digest}"


__all__ = ["BACKEND_MODULES", "CACHE_ENV", "INSTALL_RECORD", "KERAS3_PROGRAMS", "LATEST_FLOATING", "LISTING_ONLY",
           "MANIFEST", "NOT_TRIED", "PROJECT_ROOT", "RELEASES_DIR", "RELEASE_ENV", "RELEASE_SETS", "ReleaseError",
           "ReleaseSet", "absent_in_record", "active", "base_dependencies", "cache_root", "environment_path",
           "get_release_set", "measured_absent", "requirement_name", "unpinned"]
