"""What the advisor returns: every option ranked (:class:`RankedOption`) in one :class:`Recommendation`, with the
numbers behind each score, and their JSON form (``kvt advise --format json``, the site's browser advisor)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class RankedOption:
    """One row of a ranking.

    Attributes:
        rank: 1 for the top pick.
        option: the option id.
        score: the weighted sum (see the module docstring), unrounded.
        contributions: per criterion (and ``fit``), weight x normalised score; None where the option has no
            evidence for that criterion.
        intervals: per criterion, the normalised uncertainty ``[low, high]`` behind the draws.
        requirements: per active hard requirement, ``{"state", "reason"}``.
        failed: the active requirements the evidence shows failing; ``not_verified``: those nobody could verify.
        note: why the option is ranked below one with a lower score (its requirements), else empty.
    """

    rank: int
    option: str
    score: float
    contributions: dict[str, float | None]
    intervals: dict[str, list[float]]
    requirements: dict[str, dict[str, str]]
    failed: list[str]
    not_verified: list[str]
    note: str = ""

    @property
    def meets_requirements(self) -> bool:
        """Whether every active requirement is met."""
        return not self.failed and not self.not_verified

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"rank": self.rank, "option": self.option, "score": self.score,
                "meets_requirements": self.meets_requirements, "contributions": self.contributions,
                "intervals": self.intervals, "requirements": self.requirements, "failed": self.failed,
                "not_verified": self.not_verified, "note": self.note}


@dataclass(frozen=True)
class Recommendation:
    """What :meth:`Ranker.rank` returns (``to_dict`` is ``kvt advise --format json``).

    Attributes:
        answers: the complete answers; ``notes``: old answers mapped to their new names.
        weights: the weight of each criterion and of ``fit``.
        requirements: the active hard requirements, each with what it needs and its claim.
        ranking: every option, best first.
        confidence: the share of draws that keep the top pick first among ``confidence_among``; None when it has
            no rival there (then ``confidence_text`` says so in words).
        confidence_draws: how many draws; ``confidence_among``: the options compared (the top pick first).
        confidence_text: the confidence in words.
        tied_with: options in the top pick's group whose score is within
            :data:`advisor.ranking.TIE_TOLERANCE` of its own.
        reasons: one plain line per reason for the top pick, each naming its evidence, claim and page.
        caveats: what speaks against the top pick (code it cannot reuse, requirements it does not meet).
        venues: per criterion, the venue whose numbers it used (None: not venue-specific or missing).
        criteria: per criterion, the variant used and its table.
        missing_evidence: the criteria without evidence, with the reason.
        evidence: the claims read (state, venues, verdict, page; the reader's message when one needs a rerun).
        contradictions: answers no option can meet together, each ``{kind, requirements, text}``, said before
            the ranking.
        warnings: what the ranking cannot do for these answers (``--priority speed`` with no speed evidence).
        proxy_decides: when a proxy criterion alone separates the top two, ``{criterion, runner_up, text}``.
    """

    answers: dict[str, str]
    notes: list[str]
    weights: dict[str, float]
    requirements: list[dict[str, str | None]]
    ranking: list[RankedOption]
    confidence: float | None
    confidence_draws: int
    confidence_among: list[str]
    confidence_text: str
    tied_with: list[str]
    reasons: list[dict[str, Any]]
    caveats: list[str]
    venues: dict[str, str | None]
    criteria: dict[str, Any] = field(default_factory=dict)
    missing_evidence: list[dict[str, Any]] = field(default_factory=list)
    evidence: list[dict[str, Any]] = field(default_factory=list)
    contradictions: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    proxy_decides: dict[str, str] | None = None

    @property
    def top_pick(self) -> str:
        """The first option of the ranking."""
        return self.ranking[0].option

    @property
    def satisfied(self) -> bool:
        """Whether the top pick meets every active requirement."""
        return self.ranking[0].meets_requirements

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {
            "answers": self.answers, "notes": self.notes, "top_pick": self.top_pick, "satisfied": self.satisfied,
            "ranking": [r.to_dict() for r in self.ranking], "confidence": self.confidence,
            "confidence_draws": self.confidence_draws, "confidence_among": self.confidence_among,
            "confidence_text": self.confidence_text, "tied_with": self.tied_with, "weights": self.weights,
            "requirements": self.requirements, "reasons": self.reasons, "caveats": self.caveats,
            "venues": self.venues,
            "criteria": self.criteria, "missing_evidence": self.missing_evidence, "evidence": self.evidence,
            "contradictions": self.contradictions, "warnings": self.warnings, "proxy_decides": self.proxy_decides,
        }
