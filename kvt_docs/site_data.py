"""What the site knows about each registered claim: its module, its results per venue, and whether they are current.

Results are read through :func:`evidence.results.load_venues`, the one reader of result files, so every result
the site shows carries a validated, typed assessment; the site never opens a result file to read it. The states
shown rather than hidden:

- the claim's module is registered but not written yet: a placeholder page;
- the claim has no result: the page says how to run it;
- its result is of an older schema (``<claim>.json``), or does not validate: the page says it needs a rerun, with
  the reader's message, and shows no number from it;
- a result made by other code than the claim's current code (its code hash differs): a stale banner.

Any other error while importing a claim module is a bug and fails the build.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from evidence.claim import Claim
from evidence.registry import RegistryError, claim_ids, claim_modules, get_claim
from evidence.results import ResultError, ResultFile, load_venues, result_path, results_dir

#: What stands in for a verdict when there is no usable result.
NOT_WRITTEN, NOT_RUN, NEEDS_RERUN, INVALID = "not written", "not run", "needs a rerun", "invalid"


@dataclass(frozen=True)
class ClaimEntry:
    """One claim as the site sees it.

    Attributes:
        id: the registered claim id.
        claim: the ``CLAIM`` instance, or None when its module does not exist yet.
        results: venue -> the validated result on that venue, CPU venues first.
        error: the reader's message when the claim's results cannot be used (an older schema, a field that does
            not validate); None otherwise.
        directory: the results folder read.
        stale: the venues whose result was made by other code than the claim's current code.
    """

    id: str
    claim: Claim | None
    results: dict[str, ResultFile]
    error: str | None
    directory: Path
    stale: frozenset[str] = field(default_factory=frozenset)

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
    def url(self) -> str:
        """The page's address relative to the site root (``claims/community/``)."""
        return f"claims/{self.id}/"

    @property
    def primary(self) -> ResultFile | None:
        """The first venue's result (CPU venues come first), None when there is none."""
        return next(iter(self.results.values()), None)

    @property
    def state(self) -> str:
        """``ok``, or what stands in for a verdict: not written, not run, needs a rerun, invalid."""
        if self.claim is None:
            return NOT_WRITTEN
        if self.error:
            return NEEDS_RERUN if "needs a rerun" in self.error else INVALID
        return "ok" if self.results else NOT_RUN

    @property
    def verdict(self) -> str:
        """The first venue's verdict, or the state that stands in for one."""
        return self.primary.verdict if self.state == "ok" and self.primary else self.state

    def is_stale(self, venue: str) -> bool:
        """Whether ``venue``'s result was made by other code than the claim's current code."""
        return venue in self.stale

    def result_file(self, venue: str) -> Path:
        """Where ``venue``'s result file is."""
        return result_path(self.id, self.directory, venue)


def _load_claim(claim_id: str) -> Claim | None:
    """The claim, or None when its registered module does not exist yet (any other import error propagates)."""
    try:
        return get_claim(claim_id)
    except RegistryError as exc:
        if f"No module named '{claim_modules()[claim_id]}'" in str(exc):
            return None
        raise


def load_entry(claim_id: str, directory: Path) -> ClaimEntry:
    """One claim's entry, with its results from ``directory``."""
    claim = _load_claim(claim_id)
    results: dict[str, ResultFile] = {}
    error = None
    if claim is not None:
        try:
            results = load_venues(claim_id, directory)
        except ResultError as exc:
            error = str(exc)
    current = claim.code_hash() if claim else None
    stale = frozenset(v for v, r in results.items() if current and r.code_hash != current)
    return ClaimEntry(claim_id, claim, results, error, Path(directory), stale)


def load_entries(directory: Path | None = None) -> list[ClaimEntry]:
    """Every registered claim with its results from ``directory`` (default: :func:`results_dir`)."""
    directory = Path(directory or results_dir())
    importlib.invalidate_caches()
    return [load_entry(cid, directory) for cid in claim_ids()]
