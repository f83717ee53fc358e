"""Where result files live, without reading one: the results folder, the file names (``<claim>.<venue>.json``),
the venues a folder holds, and the checks of the folder itself. Light on purpose (no pydantic, no claim): the
commands check a folder and find what a reader needs before anything heavy is imported (:mod:`kvt.row_cache`
keys its cached rows on these files). :mod:`evidence.results` re-exports every name.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from evidence.errors import InputError
from evidence.guarded import GuardedReadError, check_path, list_dir
from evidence.venue import is_accelerator

DEFAULT_RESULTS_DIR = Path(__file__).parent / "results"


class ResultError(InputError):
    """A result file that is missing, unreadable, of another schema, does not match the schema, or whose verdict
    does not follow from its own assessment (edited by hand); or a results folder that cannot be read."""


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


def legacy_path(claim_id: str, directory: str | os.PathLike | None) -> Path:
    """Where a schema-1 result of ``claim_id`` (``<claim>.json``, no venue in its name) would be."""
    return results_dir(directory) / f"{claim_id}.json"
