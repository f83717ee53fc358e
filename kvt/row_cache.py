"""A cache of the rows ``kvt claims`` and ``kvt evidence show`` print, so that reading results starts fast.

Reading a result validates it (pydantic), recomputes its decision and renders its prose: right, and most of half a
second of start-up. The row that comes out depends only on the claim's result files (their bytes), the code that
reads and judges them (every file of ``evidence/`` and ``kvt/`` but the committed results: modules, programs,
data), the registry's environment and the Python that runs it. The key hashes all of them, as Python's byte-code
cache keys on its sources; a hit imports no pydantic and no claim, a miss (anything changed) reads the files as
before and stores the row it made. Nothing is cached for a claim whose files are not plain files (a link, a
folder, one over the reader's size limit) or for a claim from outside the project (``KVT_EXTRA_CLAIMS``): the full
reader judges those every time. ``KVT_ROWS_CACHE=off`` turns the cache off; a cache that cannot be read or written
is skipped, never an error.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
#: The trees whose files decide what a row says (readers, judges, reports, programs, data).
CODE_TREES = (ROOT / "evidence", ROOT / "kvt")
#: Folders under them that hold results, not code (the results are keyed by their bytes instead).
SKIPPED = frozenset({"results", "__pycache__"})
#: A result file larger than this is left to the full reader (which refuses it with its reason).
MAX_BYTES = 64 * 1024 * 1024
#: Bumped when the row's layout changes, so that rows of an older kvt are not read.
LAYOUT = 1
#: Rows kept before the oldest half is removed.
KEEP = 400


@cache
def code_stamp() -> str:
    """A digest of every code and data file that reading a result runs or reads: path, size and modification time
    (a changed module, program or data file changes it; not its contents, which would cost a read of each)."""
    digest = hashlib.sha256()
    for tree in CODE_TREES:
        for folder, subfolders, files in os.walk(tree):
            subfolders[:] = sorted(d for d in subfolders if d not in SKIPPED)
            for name in sorted(files):
                if name.endswith(".pyc"):
                    continue
                path = os.path.join(folder, name)
                try:
                    st = os.stat(path)
                except OSError:
                    continue
                digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def folder(directory: Path | None) -> Path | None:
    """The cache folder, or None when the cache is off (``KVT_ROWS_CACHE=off``) or cannot be named."""
    from evidence.errors import InputError
    from evidence.settings import cache_dir, get

    try:
        if (get("KVT_ROWS_CACHE") or "").lower() == "off" or get("KVT_EXTRA_CLAIMS"):
            return None
        return cache_dir("rows", "KVT_ROWS_CACHE")
    except InputError:  # a bad setting is the settings check's to report
        return None


def key(claim_id: str, directory: Path | None) -> str | None:
    """The cache key of ``claim_id``'s row read from ``directory``, or None when it must not be cached."""
    from evidence.registry import CLAIM_MODULES, package_dir
    from evidence.result_files import legacy_path, result_path, results_dir, venues

    if claim_id not in CLAIM_MODULES:
        return None
    location = Path(package_dir(claim_id)[0]).resolve()
    if not location.is_relative_to(ROOT / "evidence" / "claims"):
        return None  # a claim read from elsewhere (a test's copy): judged in full every time
    files = []
    for venue in venues(claim_id, directory):
        data = _plain_bytes(result_path(claim_id, directory, venue))
        if data is None:
            return None
        files.append((venue, hashlib.sha256(data).hexdigest()))
    parts = [LAYOUT, claim_id, str(results_dir(directory).resolve()), files,
             os.path.lexists(legacy_path(claim_id, directory)), code_stamp(), sys.version, str(location)]
    return hashlib.sha256(json.dumps(parts).encode()).hexdigest()


def _plain_bytes(path: Path) -> bytes | None:
    """The bytes of a regular file within :data:`MAX_BYTES`, else None."""
    try:
        st = os.lstat(path)
        if not os.path.isfile(path) or os.path.islink(path) or st.st_size > MAX_BYTES:
            return None
        with open(path, "rb") as handle:
            return handle.read(MAX_BYTES + 1)
    except OSError:
        return None


def get(claim_id: str, cache_key: str | None, where: Path | None) -> dict[str, Any] | None:
    """The row stored under ``cache_key``, or None (no cache, no entry, or one that is not a row of this claim)."""
    if cache_key is None or where is None:
        return None
    try:
        row = json.loads((where / f"{cache_key}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return row if isinstance(row, dict) and row.get("id") == claim_id and isinstance(row.get("verdict"), str) else None


def put(cache_key: str | None, where: Path | None, row: dict[str, Any]) -> None:
    """Store ``row`` under ``cache_key`` (atomically: a reader never sees half a row); skipped on any error."""
    if cache_key is None or where is None:
        return
    import tempfile

    try:
        where.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=where, prefix=".row-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(row, handle, default=str)
        os.replace(tmp, where / f"{cache_key}.json")
        _prune(where)
    except (OSError, TypeError, ValueError):
        return


def _prune(where: Path) -> None:
    """Keep the cache small: past :data:`KEEP` rows, remove the older half."""
    rows = sorted(where.glob("*.json"), key=lambda p: p.stat().st_mtime)
    if len(rows) > KEEP:
        for path in rows[: len(rows) // 2]:
            path.unlink(missing_ok=True)
