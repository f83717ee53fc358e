"""What the site knows about each registered claim: its module, its result file, and whether they agree.

The site lists every claim of :func:`evidence.registry.claim_ids`, so a claim added to the registry appears
without any change here. Three states are shown rather than hidden:

- the claim's module is registered but not written yet (its module does not exist): a placeholder page;
- the claim has no result file, or an unreadable one: the page says so and how to run it;
- the result was made by other code than the claim's current code (hash mismatch): a stale banner.

Any other error while importing a claim module is a bug and fails the build.
"""

from __future__ import annotations

import importlib
import inspect
import sys
from dataclasses import dataclass
from pathlib import Path

from evidence.claim import Claim
from evidence.registry import claim_ids, claim_modules, get_claim
from evidence.results import ResultError, ResultFile, load_result, result_path, results_dir


@dataclass(frozen=True)
class ClaimEntry:
    """One claim as the site sees it.

    Attributes:
        id: the registered claim id.
        claim: the ``CLAIM`` instance, or None when its module does not exist yet.
        result: the validated result file, or None when there is none (or it is invalid).
        result_error: why the result file could not be used, when it exists but is invalid.
        result_file: where the result file is (or would be).
        stale: the result was made by other code than the claim's current code.
    """

    id: str
    claim: Claim | None
    result: ResultFile | None
    result_error: str | None
    result_file: Path
    stale: bool

    @property
    def title(self) -> str:
        """The claim's title, or its id while its module is not written."""
        return self.claim.title if self.claim else self.id

    @property
    def nav_title(self) -> str:
        """A short label for the navigation: the id in words (``backend_portability`` → Backend portability)."""
        return self.id.replace("_", " ").capitalize()

    @property
    def page(self) -> str:
        """The generated page's path inside the docs folder."""
        return f"claims/{self.id}.md"

    @property
    def verdict(self) -> str:
        """The result's verdict, or the state that stands in for one: not written, not run, invalid."""
        if self.claim is None:
            return "not written"
        if self.result_error:
            return "invalid"
        return self.result.verdict if self.result else "not run"

    def module_doc(self) -> str:
        """The claim module's docstring (its method), empty when there is none."""
        if self.claim is None:
            return ""
        return inspect.getdoc(sys.modules[type(self.claim).__module__]) or ""


def _load_claim(claim_id: str) -> Claim | None:
    """The claim, or None when its registered module does not exist yet (any other import error propagates)."""
    try:
        return get_claim(claim_id)
    except ModuleNotFoundError as exc:
        if exc.name == claim_modules()[claim_id]:
            return None
        raise


def load_entries(directory: Path | None = None) -> list[ClaimEntry]:
    """Every registered claim with its result from ``directory`` (default: :func:`results_dir`)."""
    directory = directory or results_dir()
    importlib.invalidate_caches()
    entries = []
    for cid in claim_ids():
        claim = _load_claim(cid)
        result, error = None, None
        try:
            result = load_result(cid, directory)
        except ResultError as exc:
            error = str(exc)
        stale = bool(claim and result and result.code_hash != claim.code_hash())
        entries.append(ClaimEntry(cid, claim, result, error, result_path(cid, directory), stale))
    return entries
