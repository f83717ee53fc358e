"""The advisor: a scikit-learn estimator that scores the options on measured criteria and ranks them for answers.

``fit`` reads the claims' results and builds ``criterion_scores_`` (options x criteria) with one named reader
per criterion (:mod:`advisor.criteria`), normalised with scikit-learn's :class:`~sklearn.preprocessing.MaxAbsScaler`
so that ratios between options survive; it also checks every hard constraint against the evidence
(:mod:`advisor.constraints`). ``rank`` weighs the criteria by the answers (:mod:`advisor.questions`), puts the
options that fail a hard constraint below those that do not, and measures a confidence by perturbing weights and
measurements. A criterion without evidence contributes nothing and is reported as missing; nothing is invented.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from advisor import constraints as hard
from advisor.criteria import CRITERIA, CriterionEvidence, OptionValue, evaluate
from advisor.options import ENGINE, OPTIONS
from advisor.questions import complete, weights_for
from advisor.result_files import ClaimResult, from_mapping, read_results

#: Claims the advisor reads: those of the criteria and of the hard constraints.
CLAIMS_READ: tuple[str, ...] = tuple(dict.fromkeys(
    [cid for crit in CRITERIA for cid in crit.claims] + [c.claim for c in hard.HARD_CONSTRAINTS]))

#: Two totals closer than this are a tie.
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class RankedOption:
    """One row of a ranking.

    Attributes:
        rank: 1 for the top pick.
        option: the option id.
        score: the weighted sum of the contributions (in [0, 1]).
        contributions: per criterion (and ``ecosystem_fit``), weight x normalised score; None where the option
            has no evidence for that criterion.
        failed_constraints: the active hard constraints this option fails, each with its claim and reason.
        evidence_coverage: the share of the criteria's weight for which this option has evidence.
    """

    rank: int
    option: str
    score: float
    contributions: dict[str, float | None]
    failed_constraints: list[dict[str, str]]
    evidence_coverage: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"rank": self.rank, "option": self.option, "score": self.score,
                "contributions": self.contributions, "failed_constraints": self.failed_constraints,
                "evidence_coverage": self.evidence_coverage}


@dataclass(frozen=True)
class Recommendation:
    """What :meth:`Advisor.rank` returns.

    Attributes:
        answers: the complete answers (defaults filled in).
        weights: the normalised weight of each criterion and of ``ecosystem_fit``.
        ranking: every option, best first.
        confidence: the share of perturbed weightings and measurement-noise draws under which the top pick
            stays strictly on top of the other options that fail no more constraints than it does.
        confidence_draws: how many draws that share is over.
        tied_with: options whose score and failures equal the top pick's (the tie is broken by id).
        satisfied: whether the top pick satisfies every active hard constraint.
        missing_evidence: the criteria with no evidence, each with the claims that would supply it.
        evidence: the claims read, with their verdict, mode, date, staleness and page.
        criteria: per criterion, the claims and reader behind it and, per option, the normalised score, whether
            it was measured or holds by definition, and how it was computed.
    """

    answers: dict[str, str]
    weights: dict[str, float]
    ranking: list[RankedOption]
    confidence: float
    confidence_draws: int
    tied_with: list[str]
    satisfied: bool
    missing_evidence: list[dict[str, Any]]
    evidence: list[dict[str, Any]] = field(default_factory=list)
    criteria: dict[str, Any] = field(default_factory=dict)

    @property
    def top_pick(self) -> str:
        """The first option of the ranking."""
        return self.ranking[0].option

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: ``answers``, ``ranking``, ``confidence`` and the details around them."""
        return {
            "answers": self.answers,
            "top_pick": self.top_pick,
            "satisfied": self.satisfied,
            "ranking": [r.to_dict() for r in self.ranking],
            "confidence": self.confidence,
            "confidence_draws": self.confidence_draws,
            "tied_with": self.tied_with,
            "weights": self.weights,
            "missing_evidence": self.missing_evidence,
            "evidence": self.evidence,
            "criteria": self.criteria,
        }


def _as_results(X: Any) -> dict[str, ClaimResult]:
    if X is None or isinstance(X, str | os.PathLike):
        return read_results(CLAIMS_READ, X)
    if isinstance(X, Mapping):
        return {cid: from_mapping(cid, X.get(cid)) for cid in CLAIMS_READ}
    raise TypeError(f"Expected a results folder (str or path), a mapping claim id -> result, or None; "
                    f"received {type(X).__name__}")


class Advisor(BaseEstimator):
    """Ranks Keras 3 on TensorFlow, JAX or PyTorch, and TensorFlow core, for a user's answers, from the evidence.

    Parameters:
        n_draws: number of perturbed draws behind the confidence.
        weight_noise: standard deviation of the log-normal factor each weight is multiplied by in a draw.
        noise_scale: multiplier on the results' own spread when drawing measurement noise (0 turns it off).
        random_state: seed of the draws, anything :func:`numpy.random.default_rng` takes (an int, the default,
            makes every ``rank`` call give the same confidence).

    Attributes:
        options_: the option ids, in row order.
        criteria_: the criterion ids, in column order.
        criterion_scores_: array (n_options, n_criteria): each criterion normalised to [0, 1] over the options
            (best = 1, ratios kept); NaN where an option has no evidence.
        criterion_spread_: array like ``criterion_scores_``: the measurement spread in the same units (0 where
            the result gives none or the score is missing).
        evidence_: criterion id -> :class:`~advisor.criteria.CriterionEvidence` (raw values, notes, or why the
            criterion is missing).
        constraint_checks_: hard-constraint id (``question=answer``) -> option -> check (satisfied, reason).
        results_: claim id -> :class:`~advisor.result_files.ClaimResult` read by ``fit``.

    Examples:
        With no results at all, every criterion is missing and only the user's own preference separates the
        options; a hard requirement is failed by every option, with the reason:

        >>> advisor = Advisor(n_draws=100).fit({})
        >>> sorted(advisor.evidence_)  # doctest: +NORMALIZE_WHITESPACE
        ['backend_flexibility', 'community', 'deployment', 'distributed_scale', 'ease_of_use',
         'extensibility', 'performance']
        >>> advisor.evidence_["community"].missing_reason
        'needs claim community, which has no result yet'
        >>> rec = advisor.rank({"ecosystem": "pytorch"})
        >>> rec.top_pick, rec.ranking[0].failed_constraints, rec.confidence
        ('keras-torch', [], 1.0)
        >>> rec = advisor.rank({"scale": "multi_node"})
        >>> rec.satisfied, rec.ranking[0].failed_constraints[0]["reason"]
        (False, 'no evidence yet (claim distributed_scaling has no result)')

        It composes with scikit-learn's tools:

        >>> from sklearn.base import clone
        >>> clone(advisor).get_params()
        {'n_draws': 100, 'noise_scale': 1.0, 'random_state': 0, 'weight_noise': 0.3}
    """

    def __init__(self, *, n_draws: int = 500, weight_noise: float = 0.3, noise_scale: float = 1.0,
                 random_state: int | None = 0):
        self.n_draws = n_draws
        self.weight_noise = weight_noise
        self.noise_scale = noise_scale
        self.random_state = random_state

    # -- fitting ----------------------------------------------------------------------------------------------
    def _validate_params(self) -> None:
        if isinstance(self.n_draws, bool) or not isinstance(self.n_draws, int | np.integer) or self.n_draws < 1:
            raise ValueError(f"Expected n_draws to be an int >= 1; received: n_draws={self.n_draws!r}")
        for name in ("weight_noise", "noise_scale"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float | np.number) or not (
                    np.isfinite(value) and value >= 0):
                raise ValueError(f"Expected {name} to be a finite number >= 0; received: {name}={value!r}")

    def fit(self, X: Any, y: None = None) -> Advisor:
        """Read the evidence and build ``criterion_scores_`` and ``constraint_checks_``.

        Parameters:
            X: the results: a folder of result files (str or path; None means ``$KVT_RESULTS_DIR`` or
                ``evidence/results``), or a mapping claim id -> result (a dict as in a result file, a
                :class:`~advisor.result_files.ClaimResult`, an ``evidence.results.ResultFile``, or None).
            y: ignored; there is nothing to learn from labels.

        Returns:
            self.
        """
        from sklearn.preprocessing import MaxAbsScaler

        self._validate_params()
        results = _as_results(X)
        n_opt, n_crit = len(OPTIONS), len(CRITERIA)
        scores = np.full((n_opt, n_crit), np.nan)
        spread = np.zeros((n_opt, n_crit))
        evidence: dict[str, CriterionEvidence] = {}
        for j, crit in enumerate(CRITERIA):
            ev = evaluate(crit, results)
            bad = [o for o, v in ev.values.items() if v.value is not None
                   and not (np.isfinite(v.value) and v.value >= 0 and np.isfinite(v.spread) and v.spread >= 0)]
            if bad:
                reason = (f"{ev.reader} returned values that break the reader contract (finite, >= 0) for "
                          f"{', '.join(bad)}")
                ev = CriterionEvidence(crit.id, crit.claims, ev.reader,
                                       {o: OptionValue(None, note=reason) for o in OPTIONS}, reason)
            evidence[crit.id] = ev
            rows = [i for i, o in enumerate(OPTIONS) if ev.values[o].value is not None]
            if not rows:
                continue
            raw = np.array([[ev.values[OPTIONS[i]].value] for i in rows], dtype=float)
            scaler = MaxAbsScaler().fit(raw)
            scores[rows, j] = scaler.transform(raw).ravel()
            spread[rows, j] = [ev.values[OPTIONS[i]].spread / scaler.scale_[0] for i in rows]
        self.options_ = OPTIONS
        self.criteria_ = tuple(c.id for c in CRITERIA)
        self.criterion_scores_ = scores
        self.criterion_spread_ = spread
        self.evidence_ = evidence
        self.results_ = results
        self.constraint_checks_ = {c.id: {o: hard.check(c, results, o) for o in OPTIONS}
                                   for c in hard.HARD_CONSTRAINTS}
        return self

    # -- ranking ----------------------------------------------------------------------------------------------
    def _failed(self, answers: Mapping[str, str]) -> list[list[dict[str, str]]]:
        out = []
        for option in self.options_:
            failed = []
            for c in hard.active(answers):
                verdict = self.constraint_checks_[c.id][option]
                if not verdict.satisfied:
                    failed.append({"constraint": c.id, "claim": c.claim, "requirement": c.requirement,
                                   "reason": verdict.reason})
            out.append(failed)
        return out

    def _totals(self, answers: Mapping[str, str]) -> tuple[dict[str, float], np.ndarray, np.ndarray, np.ndarray]:
        """The weights, the criterion weight vector, the ecosystem-fit vector and the contributions matrix."""
        weights = weights_for(answers)
        w = np.array([weights[c] for c in self.criteria_])
        fit = np.array([1.0 if ENGINE[o] == answers["ecosystem"] else 0.0 for o in self.options_])
        contrib = np.nan_to_num(self.criterion_scores_) * w
        return weights, w, fit, contrib

    def _confidence(self, top: int, rivals: list[int], w: np.ndarray, fit: np.ndarray, w_fit: float) -> float:
        if not rivals:
            return 1.0
        rng = np.random.default_rng(self.random_state)
        d = self.n_draws
        wd = w * np.exp(rng.normal(0.0, self.weight_noise, size=(d, w.size)))
        wfit = w_fit * np.exp(rng.normal(0.0, self.weight_noise, size=d))
        noise = rng.normal(0.0, 1.0, size=(d, *self.criterion_scores_.shape)) * (
            self.criterion_spread_ * self.noise_scale)
        scores = np.nan_to_num(self.criterion_scores_) + noise
        totals = np.einsum("doc,dc->do", scores, wd) + wfit[:, None] * fit
        stays = totals[:, top] > totals[:, rivals].max(axis=1) + TIE_TOLERANCE
        return float(stays.mean())

    def rank(self, answers: Mapping[str, str]) -> Recommendation:
        """Rank every option for ``answers`` (question id -> choice; missing questions take their default).

        Options that fail fewer active hard constraints rank first; within that, higher score first; exact ties
        are broken by option id and reported in ``tied_with``.

        Raises:
            advisor.questions.AnswerError: an unknown question or choice (a ``ValueError``).
        """
        check_is_fitted(self)
        answers = complete(answers)
        weights, w, fit, contrib = self._totals(answers)
        w_fit = weights["ecosystem_fit"]
        totals = contrib.sum(axis=1) + w_fit * fit
        failed = self._failed(answers)
        order = sorted(range(len(self.options_)),
                       key=lambda i: (len(failed[i]), -round(float(totals[i]), 9), self.options_[i]))
        top = order[0]
        group = [i for i in order if len(failed[i]) == len(failed[top])]
        tied = [self.options_[i] for i in group[1:] if abs(totals[i] - totals[top]) <= TIE_TOLERANCE]
        confidence = self._confidence(top, group[1:], w, fit, w_fit)

        criteria_weight = float(w.sum())
        ranking = []
        for rank, i in enumerate(order, start=1):
            present = ~np.isnan(self.criterion_scores_[i])
            contributions: dict[str, float | None] = {
                c: (round(float(contrib[i, j]), 6) if present[j] else None) for j, c in enumerate(self.criteria_)}
            contributions["ecosystem_fit"] = round(float(w_fit * fit[i]), 6)
            coverage = float(w[present].sum() / criteria_weight) if criteria_weight else 0.0
            ranking.append(RankedOption(rank, self.options_[i], round(float(totals[i]), 6), contributions,
                                        failed[i], round(coverage, 4)))
        return Recommendation(
            answers=answers,
            weights={k: round(v, 6) for k, v in weights.items()},
            ranking=ranking,
            confidence=round(confidence, 4),
            confidence_draws=self.n_draws if group[1:] else 0,
            tied_with=tied,
            satisfied=not failed[top],
            missing_evidence=self.missing_evidence(),
            evidence=[r.describe() for r in self.results_.values()],
            criteria=self._criteria_detail(),
        )

    def _criteria_detail(self) -> dict[str, Any]:
        out = {}
        for j, crit in enumerate(self.criteria_):
            ev = self.evidence_[crit]
            out[crit] = {
                "claims": list(ev.claims), "reader": ev.reader, "missing_reason": ev.missing_reason,
                "options": {} if ev.missing else {
                    o: {"score": None if np.isnan(s := self.criterion_scores_[i, j]) else round(float(s), 6),
                        "basis": ev.values[o].basis if ev.values[o].value is not None else "missing",
                        "note": ev.values[o].note}
                    for i, o in enumerate(self.options_)},
            }
        return out

    def missing_evidence(self) -> list[dict[str, Any]]:
        """The criteria without evidence, each with the claims that would supply it and the reason."""
        check_is_fitted(self)
        return [{"criterion": ev.criterion, "claims": list(ev.claims), "reason": ev.missing_reason}
                for ev in self.evidence_.values() if ev.missing]

    def decision_function(self, X: list[Mapping[str, str]]) -> np.ndarray:
        """Scores (n_samples, n_options) whose order is the ranking: higher is better, constraint failures last.

        Each failed hard constraint lowers an option by 2 (scores lie in [0, 1]), so the order matches
        :meth:`rank`'s; this is the input sklearn's ranking metrics take.
        """
        check_is_fitted(self)
        out = np.empty((len(X), len(self.options_)))
        for row, answers in enumerate(X):
            rec = self.rank(answers)
            for item in rec.ranking:
                # Strictly decreasing along the ranking, even through ties broken by id.
                out[row, self.options_.index(item.option)] = (
                    item.score - 2 * len(item.failed_constraints) - 1e-6 * item.rank)
        return out

    def predict(self, X: list[Mapping[str, str]]) -> np.ndarray:
        """The top pick for each answers mapping in ``X``."""
        check_is_fitted(self)
        return np.array([self.rank(answers).top_pick for answers in X], dtype=object)


def scenario_report(path: str | os.PathLike | None = None, results: Any = None) -> list[dict[str, Any]]:
    """The reference scenarios ranked by an advisor fitted on ``results``.

    The rows the docs site prints; see :func:`advisor.scenarios.scenario_report`.
    """
    from advisor.scenarios import scenario_report as report

    return report(path, results)
