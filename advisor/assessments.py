"""The claims' typed assessments, as the advisor reads them: through :mod:`evidence.results`, the one reader.

:func:`read_assessments` loads every venue's result of each claim the advisor reads with
:func:`evidence.results.load_venues` (which validates the claim's typed assessment). A result that cannot be used
(another schema version, a field that fails validation) is kept as its :class:`~evidence.results.ResultError`
message, "needs a rerun of CLAIM", and shown as such; it is never silently missing evidence.
:func:`from_mapping` builds the same thing from assessments in memory (tests, the site).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The docs site's page of a claim, relative to the site root (``$KVT_DOCS_URL`` prefixes it).
PAGE = "claims/{claim}/"


def claim_page(claim_id: str) -> str:
    """The site page of ``claim_id`` (``claims/deployment/``, or under ``$KVT_DOCS_URL`` when set)."""
    from evidence.settings import get

    base = (get("KVT_DOCS_URL") or "").rstrip("/")
    page = PAGE.format(claim=claim_id)
    return f"{base}/{page}" if base else page


@dataclass(frozen=True)
class ClaimReading:
    """One claim's assessments, per venue, or why there are none.

    Attributes:
        claim: the claim id.
        assessments: venue -> the claim's typed assessment, CPU venues first.
        results: venue -> the result file it came from (empty for assessments given in memory).
        error: the reader's message when the claim's result cannot be used ("... needs a rerun of CLAIM").
    """

    claim: str
    assessments: dict[str, Any] = field(default_factory=dict)
    results: dict[str, Any] = field(default_factory=dict)
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether there is at least one usable assessment."""
        return bool(self.assessments) and self.error is None

    @property
    def venues(self) -> list[str]:
        """The venues with an assessment, CPU venues first."""
        return list(self.assessments)

    def assessment(self, venue: str | None = None) -> Any:
        """The assessment on ``venue`` (None: the first venue), or None when there is none."""
        if not self.ok:
            return None
        return self.assessments.get(venue) if venue else next(iter(self.assessments.values()))

    def first_venue(self) -> str | None:
        """The venue :meth:`assessment` reads by default."""
        return self.venues[0] if self.ok else None

    def absent(self) -> str:
        """Why the claim cannot be read, in one phrase (for a claim that is not :attr:`ok`)."""
        if self.error:
            return self.error
        return f"claim {self.claim} has no result yet (`kvt evidence run {self.claim}`)"

    def describe(self, stale: bool | None = None) -> dict[str, Any]:
        """JSON-ready: claim, state (``ok``/``missing``/``invalid``), venues, verdict, mode, stale, page, reason."""
        out: dict[str, Any] = {"claim": self.claim, "page": claim_page(self.claim), "venues": self.venues}
        if self.error:
            out.update(state="invalid", reason=self.error)
        elif not self.assessments:
            out.update(state="missing", reason=self.absent())
        else:
            out["state"] = "ok"
            first = self.results.get(self.venues[0])
            if first is not None:
                out.update(verdict=first.verdict, mode=first.provenance.mode, date=first.provenance.date,
                           stale=stale)
        return out


Readings = dict[str, ClaimReading]


def read_assessments(claims: list[str] | tuple[str, ...], directory: str | os.PathLike | None) -> Readings:
    """Every venue's assessment of each of ``claims`` in ``directory`` (None: ``$KVT_RESULTS_DIR`` or
    ``evidence/results``)."""
    from evidence.results import ResultError, load_venues

    out = {}
    for claim in dict.fromkeys(claims):
        try:
            found = load_venues(claim, directory)
        except ResultError as exc:
            out[claim] = ClaimReading(claim, error=str(exc))
            continue
        out[claim] = ClaimReading(claim, {v: r.assessment for v, r in found.items()}, dict(found))
    return out


def from_mapping(claims: list[str] | tuple[str, ...], mapping: Mapping[str, Any]) -> Readings:
    """Readings from memory: claim id -> an assessment (on venue ``cpu-2core``), a mapping venue -> assessment,
    a :class:`~evidence.results.ResultFile`, a :class:`ClaimReading`, or None (no result).

    Raises:
        TypeError: a value of another kind.
    """
    out = {}
    for claim in dict.fromkeys(claims):
        value = mapping.get(claim)
        if value is None:
            out[claim] = ClaimReading(claim)
        elif isinstance(value, ClaimReading):
            out[claim] = value
        elif isinstance(value, Mapping):
            out[claim] = ClaimReading(claim, dict(value))
        elif hasattr(value, "assessment") and hasattr(value, "venue"):
            out[claim] = ClaimReading(claim, {value.venue: value.assessment}, {value.venue: value})
        elif hasattr(value, "statuses"):  # an evidence.contract.Assessment
            out[claim] = ClaimReading(claim, {"cpu-2core": value})
        else:
            raise TypeError(f"Expected an assessment, a mapping venue -> assessment, a ResultFile or None for "
                            f"claim {claim!r}; received {type(value).__name__}")
    return out


def folder_problem(directory: str | os.PathLike | None, readings: Readings) -> str | None:
    """Why ``directory`` cannot be recommended from, or None: it does not exist, is not a folder, or holds no
    usable result of any claim read (each claim's problem said)."""
    from evidence.results import results_dir

    folder = Path(results_dir(directory))
    if not folder.exists():
        return f"results folder {folder} does not exist"
    if not folder.is_dir():
        return f"results folder {folder} is not a folder"
    if any(r.ok for r in readings.values()):
        return None
    problems = [r.error for r in readings.values() if r.error]
    if problems:
        return f"results folder {folder} holds no usable result: " + "; ".join(problems[:3]) + (
            f"; and {len(problems) - 3} more" if len(problems) > 3 else "")
    return f"results folder {folder} holds no result of the claims the advisor reads ({', '.join(readings)})"
