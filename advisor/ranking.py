"""The ranking itself, free of scikit-learn: :class:`Ranker` scores the options from the claims' assessments.

:class:`advisor.model.Advisor` is the same class as a scikit-learn estimator; ``kvt advise`` uses
:class:`Ranker` directly, so that it starts without importing scikit-learn (SciPy and pandas with it: 0.86 s of
a 2-core machine), and gives the same ranking to the last bit.

``fit`` reads every claim's typed assessment (:mod:`advisor.assessments`), reads each criterion's every variant
with its reader (:mod:`advisor.criteria`) and normalises it (best option = 1, ratios kept, the uncertainty
interval scaled alike), and checks every hard requirement for every option (:mod:`advisor.constraints`).
``rank`` turns the answers into a :class:`~advisor.profile.Profile` and ranks with this arithmetic, simple on
purpose so that a browser can repeat it exactly (:func:`advisor.export.export_advisor` gives it the data):

1. ``score(o) = sum_c weight_c * s[c][variant_c][o]``, left to right over the criteria, ``+ weight_fit * fit(o)``;
   a criterion without evidence for an option scores 0 there (and carries the interval [0, 1]);
2. the order: fewest ``failed`` requirements, then fewest ``not_verified``, then the higher score, then the
   option order of :data:`evidence.options.OPTIONS` (exact ties);
3. the confidence: among the options whose requirement counts equal the top pick's (those that meet every
   requirement, when the top pick does), the share of seeded draws (:func:`advisor.confidence.stays_on_top`)
   that keep the top pick strictly first. With no rival there is no percentage: the output says in words that
   it is the only option that meets the requirements.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor import constraints as hard
from advisor.assessments import Readings, claim_page, from_mapping, read_assessments
from advisor.confidence import stays_on_top
from advisor.contradictions import contradictions
from advisor.criteria import BY_ID as CRITERIA_BY_ID
from advisor.criteria import CRITERIA, Reading, read
from advisor.profile import Profile, profile
from advisor.questions import FIT, requirement_label
from advisor.recommendation import RankedOption, Recommendation
from evidence.options import OPTIONS

#: Claims the advisor reads: those of the criteria and of the hard requirements.
CLAIMS_READ: tuple[str, ...] = tuple(dict.fromkeys(
    [cid for crit in CRITERIA for cid in crit.claims] + [r.claim for r in hard.REQUIREMENTS]))
#: Two scores closer than this are reported as tied (the order still follows the exact scores).
TIE_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Cell:
    """One option's normalised score on one criterion's variant, with its uncertainty.

    Attributes:
        score: in [0, 1] for the point value (best option = 1); 0 without evidence.
        low: lower end of its uncertainty interval (normalised); ``high``: upper end.
        note: one plain line naming the evidence (or why there is none).
        basis: ``measured``, ``definition`` or ``missing``.
        uncertainty: where the interval comes from: ``interval`` (the assessment's own), ``declared`` (the
            criterion's declared width) or ``none`` (no evidence: the whole scale).
    """

    score: float
    low: float
    high: float
    note: str
    basis: str
    uncertainty: str

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"score": self.score, "low": self.low, "high": self.high, "note": self.note, "basis": self.basis,
                "uncertainty": self.uncertainty}


@dataclass(frozen=True)
class Table:
    """One criterion's variant: a cell per option, and where the values came from."""

    criterion: str
    variant: str
    cells: dict[str, Cell]
    claim: str | None
    venue: str | None
    missing: str | None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return {"claim": self.claim, "venue": self.venue, "missing": self.missing,
                "options": {o: c.to_dict() for o, c in self.cells.items()}}


def normalise(reading: Reading, width: float) -> Table:
    """Divide a reading's values (and their intervals) by the largest value: the best option scores 1.

    Where a value has no interval, ``±width`` (normalised units) is its uncertainty; where there is no value, the
    score is 0 and the interval the whole scale [0, 1]. Lower ends are clipped at 0.
    """
    present = [v.value for v in reading.values.values() if v.value is not None]
    top = max(present) if present else 0.0
    cells = {}
    for option, v in reading.values.items():
        if v.value is None:
            cells[option] = Cell(0.0, 0.0, 1.0, v.note or reading.missing or "no evidence", "missing", "none")
            continue
        score = v.value / top if top > 0 else 0.0
        if v.low is not None and v.high is not None:
            low, high = (v.low / top, v.high / top) if top > 0 else (0.0, 0.0)
            how = "interval"
        else:
            low, high, how = score - width, score + width, "declared"
        cells[option] = Cell(score, max(0.0, min(low, score)), max(high, score), v.note, v.basis, how)
    return Table(reading.criterion, reading.variant, cells, reading.claim, reading.venue, reading.missing)


def _as_readings(X: Any) -> tuple[Readings, Any]:
    if X is None or isinstance(X, str | os.PathLike):
        return read_assessments(CLAIMS_READ, X), X
    if isinstance(X, Mapping):
        return from_mapping(CLAIMS_READ, X), None
    raise TypeError(f"Expected a results folder (str or path), a mapping claim id -> assessment, or None; "
                    f"received {type(X).__name__}")


class Ranker:
    """Ranks Keras 3 on TensorFlow, JAX or PyTorch, and TensorFlow core, for a user's answers, from the evidence.

    Parameters:
        n_draws: number of perturbed draws behind the confidence.
        weight_noise: half-width of the uniform factor (``1 ± weight_noise``) each weight is multiplied by in a
            draw.
        random_state: the seed of the draws (an int; the same seed gives the same confidence, in Python and in
            the browser).

    Attributes:
        options_: the option ids, in row order.
        criteria_: the criterion ids, in column order.
        tables_: criterion id -> variant -> :class:`Table` (normalised cells per option).
        criterion_scores_: criterion id -> variant -> option -> normalised score.
        checks_: requirement id -> option -> :class:`~advisor.constraints.Check`.
        check_venues_: requirement id -> the venue whose assessment was checked.
        readings_: claim id -> :class:`~advisor.assessments.ClaimReading`.

    Examples:
        With no results at all, every criterion is missing and only what the user brings separates the options,
        with less than full confidence (the missing evidence could reorder them); a hard requirement is met by no
        option, and said to be unverified rather than failed:

        >>> advisor = Ranker(n_draws=100).fit({})
        >>> advisor.tables_["community"]["all"].missing
        'claim community has no result yet (`kvt evidence run community`)'
        >>> rec = advisor.rank({"ecosystem": "pytorch"})
        >>> rec.top_pick, rec.ranking[0].failed, rec.confidence < 1
        ('keras-torch', [], True)
        >>> rec = advisor.rank({"scale": "multi_node"})
        >>> rec.satisfied, rec.ranking[0].requirements["scale=multi_node"]["state"]
        (False, 'not_verified')
    """

    def __init__(self, *, n_draws: int = 500, weight_noise: float = 0.5, random_state: int = 0):
        self.n_draws = n_draws
        self.weight_noise = weight_noise
        self.random_state = random_state

    # -- fitting ----------------------------------------------------------------------------------------------
    def _check_fitted(self) -> None:
        """Raise when :meth:`fit` has not run (``NotFittedError`` in :class:`~advisor.model.Advisor`)."""
        if not hasattr(self, "tables_"):
            raise AttributeError(f"This {type(self).__name__} is not fitted yet: call fit first")

    def _check_params(self) -> None:
        if isinstance(self.n_draws, bool) or not isinstance(self.n_draws, int) or self.n_draws < 1:
            raise ValueError(f"Expected n_draws to be an int >= 1; received: n_draws={self.n_draws!r}")
        wn = self.weight_noise
        if isinstance(wn, bool) or not isinstance(wn, int | float) or not 0 <= wn < 1:
            raise ValueError(f"Expected weight_noise to be a number in [0, 1); received: weight_noise={wn!r}")
        if isinstance(self.random_state, bool) or not isinstance(self.random_state, int):
            raise ValueError(f"Expected random_state to be an int; received: random_state={self.random_state!r}")

    def fit(self, X: Any, y: None = None) -> Ranker:
        """Read the assessments, build ``tables_`` and ``checks_``.

        Parameters:
            X: a folder of result files (str or path; None: ``$KVT_RESULTS_DIR`` or ``evidence/results``), or a
                mapping claim id -> assessment (see :func:`advisor.assessments.from_mapping`).
            y: ignored.

        Returns:
            self.
        """
        self._check_params()
        readings, folder = _as_readings(X)
        tables: dict[str, dict[str, Table]] = {}
        for crit in CRITERIA:
            tables[crit.id] = {}
            for variant in crit.variants:
                tables[crit.id][variant] = normalise(read(crit, readings, variant), crit.width)
        checks: dict[str, dict[str, hard.Check]] = {}
        venues: dict[str, str | None] = {}
        for req in hard.REQUIREMENTS:
            checks[req.id], venue = {}, None
            for option in OPTIONS:
                checks[req.id][option], venue = hard.check(req, readings, option)
            venues[req.id] = venue
        self.options_ = OPTIONS
        self.criteria_ = tuple(c.id for c in CRITERIA)
        self.tables_ = tables
        self.criterion_scores_ = {c: {v: {o: cell.score for o, cell in t.cells.items()} for v, t in vs.items()}
                                  for c, vs in tables.items()}
        self.checks_ = checks
        self.check_venues_ = venues
        self.readings_ = readings
        self.results_folder_ = folder
        return self

    # -- ranking ----------------------------------------------------------------------------------------------
    def profile(self, answers: Mapping[str, Any], notes: tuple[str, ...] | list[str] = ()) -> Profile:
        """The :class:`~advisor.profile.Profile` of ``answers`` (see :func:`advisor.profile.profile`)."""
        return profile(answers, notes)

    def scores(self, p: Profile) -> list[float]:
        """Each option's score for profile ``p``, in :attr:`options_` order (the module docstring's step 1)."""
        out = []
        for option in self.options_:
            total = 0.0
            for crit in self.criteria_:
                total += p.weights[crit] * self.tables_[crit][p.variants[crit]].cells[option].score
            total += p.weights[FIT] * p.fit[option]
            out.append(total)
        return out

    def rank(self, answers: Mapping[str, Any] | Profile, notes: tuple[str, ...] | list[str] = ()) -> Recommendation:
        """Rank every option for ``answers`` (question id -> choice; missing questions take their default), or
        for a :class:`~advisor.profile.Profile`.

        Raises:
            advisor.questions.AnswerError: an unknown question or choice (a ``ValueError``).
        """
        self._check_fitted()
        p = answers if isinstance(answers, Profile) else profile(answers, notes)
        totals = self.scores(p)
        states = [{r: self.checks_[r][o] for r in p.requirements} for o in self.options_]
        failed = [[r for r, c in s.items() if c.state == "failed"] for s in states]
        unverified = [[r for r, c in s.items() if c.state == "not_verified"] for s in states]
        order = sorted(range(len(self.options_)),
                       key=lambda i: (len(failed[i]), len(unverified[i]), -totals[i], i))
        top = order[0]
        group = [i for i in order if (len(failed[i]), len(unverified[i])) == (len(failed[top]),
                                                                             len(unverified[top]))]
        tied = [self.options_[i] for i in group[1:] if abs(totals[i] - totals[top]) <= TIE_TOLERANCE]
        runner = order[1] if len(order) > 1 else None
        proxy = self._proxy_decides(p, top, runner) if runner is not None and runner in group else None
        confidence, text = self._confidence(p, top, group, meets=not failed[top] and not unverified[top],
                                            widen_proxies=proxy is not None)

        ranking = []
        for rank, i in enumerate(order, start=1):
            option = self.options_[i]
            contributions: dict[str, float | None] = {}
            intervals = {}
            for crit in self.criteria_:
                cell = self.tables_[crit][p.variants[crit]].cells[option]
                contributions[crit] = None if cell.basis == "missing" else p.weights[crit] * cell.score
                intervals[crit] = [cell.low, cell.high]
            contributions[FIT] = p.weights[FIT] * p.fit[option]
            above = [self.options_[j] for j in order[:rank - 1] if totals[j] < totals[i] - TIE_TOLERANCE]
            note = ""
            if above:
                why = ([f"fails {len(failed[i])} requirement{'s' if len(failed[i]) > 1 else ''}"] if failed[i]
                       else []) + ([f"{len(unverified[i])} not verified"] if unverified[i] else [])
                note = f"ranked below {', '.join(above)} despite a higher score: {' and '.join(why)}"
            ranking.append(RankedOption(
                rank, option, totals[i], contributions, intervals,
                {r: {"state": c.state, "reason": c.reason} for r, c in states[i].items()}, failed[i], unverified[i],
                note))
        runner_id = self.options_[runner] if runner is not None else None
        return Recommendation(
            answers=p.answers, notes=list(p.notes), weights=p.weights,
            requirements=[{"id": r, "label": requirement_label(r), "needs": hard.BY_ID[r].needs,
                           "claim": hard.BY_ID[r].claim, "venue": self.check_venues_[r]} for r in p.requirements],
            ranking=ranking, confidence=confidence, confidence_draws=self.n_draws if confidence is not None else 0,
            confidence_among=[self.options_[i] for i in group], confidence_text=text, tied_with=tied,
            reasons=self.reasons(p, self.options_[top], runner_id),
            caveats=self.caveats(p, self.options_[top], runner_id),
            venues=self._venues(p),
            criteria={c: {"variant": p.variants[c], **self.tables_[c][p.variants[c]].to_dict()}
                      for c in self.criteria_},
            missing_evidence=[{"criterion": c, "variant": p.variants[c], "reason": t.missing}
                              for c in self.criteria_ if (t := self.tables_[c][p.variants[c]]).missing],
            evidence=self.evidence(),
            contradictions=contradictions(p, self.checks_), warnings=self._warnings(p), proxy_decides=proxy,
        )

    def _confidence(self, p: Profile, top: int, group: list[int], *, meets: bool,
                    widen_proxies: bool = False) -> tuple[float | None, str]:
        name = self.options_[top]
        if len(group) == 1:
            if meets:
                return None, (f"{name} is the only option that meets your requirements" if p.requirements
                              else f"{name} is the only option")
            labels = "; ".join(map(requirement_label, p.requirements))
            return None, f"no option meets every requirement ({labels}); {name} is the only one with the fewest unmet"
        cells = [[self.tables_[c][p.variants[c]].cells[self.options_[i]] for c in self.criteria_] for i in group]
        # When a proxy alone separates the top two, the draws give it the whole scale: it stands for what it cannot
        # measure, so its lead must survive any value of it.
        proxies = [CRITERIA_BY_ID[c].proxy is not None and widen_proxies for c in self.criteria_]
        intervals = [[(0.0, 1.0) if wide else (cell.low, cell.high) for cell, wide in zip(row, proxies, strict=True)]
                     for row in cells]
        kept = stays_on_top(weights=[p.weights[c] for c in self.criteria_], fit_weight=p.weights[FIT],
                            intervals=intervals, fit=[p.fit[self.options_[i]] for i in group], top=0,
                            n_draws=self.n_draws, weight_noise=self.weight_noise, seed=self.random_state)
        share = kept / self.n_draws
        among = (f"the {len(group)} options that meet your requirements" if meets and p.requirements else
                 f"all {len(group)} options" if meets else
                 f"the {len(group)} options that miss as many requirements")
        proxy = (f"; {', '.join(CRITERIA_BY_ID[c].label for c, w in zip(self.criteria_, proxies, strict=True) if w)}"
                 f" drawn over its whole scale, being a proxy") if any(proxies) else ""
        return share, (f"{share:.0%} of {self.n_draws} draws of weights and measurement uncertainty keep {name} "
                       f"first among {among}{proxy}")

    def _proxy_decides(self, p: Profile, top: int, runner: int) -> dict[str, str] | None:
        """When the criteria that are proxies (:attr:`advisor.criteria.Criterion.proxy`) alone put ``top`` ahead
        of ``runner``: without them ``runner`` scores as high or higher. Then what the proxy is, in words."""
        def without(i: int, skip: str) -> float:
            total = 0.0
            for crit in self.criteria_:
                if crit != skip:
                    total += p.weights[crit] * self.tables_[crit][p.variants[crit]].cells[self.options_[i]].score
            return total + p.weights[FIT] * p.fit[self.options_[i]]

        for crit in self.criteria_:
            c = CRITERIA_BY_ID[crit]
            if c.proxy is None or p.weights[crit] == 0:
                continue
            a, b = without(top, crit), without(runner, crit)
            if b >= a:
                name, other = self.options_[top], self.options_[runner]
                return {"criterion": crit, "runner_up": other, "text": (
                    f"only {c.label}, {c.proxy}, puts {name} ahead of {other}: without it {other} scores "
                    f"{b:.3f} and {name} {a:.3f}")}
        return None

    def _warnings(self, p: Profile) -> list[str]:
        """What the ranking cannot serve: speed asked first with no speed evidence for the accelerator, or speed
        that is cited rather than measured."""
        from advisor.options import ACCELERATOR_NAMES

        table = self.tables_["performance"][p.variants["performance"]]
        hardware = ACCELERATOR_NAMES.get(p.variants["performance"], p.variants["performance"])
        out = []
        if p.answers.get("priority") == "speed" and table.missing:
            out.append(f"--priority speed cannot be served on {hardware}: no speed evidence holds for it (measured "
                       f"or cited), so performance scores 0 for every option and the ranking rests on the rest")
        elif any(c.basis == "cited" for c in table.cells.values()):
            out.append(f"speed on {hardware} is cited from the public record, not measured here: it counts with "
                       f"the widest uncertainty")
        return out

    def _venues(self, p: Profile) -> dict[str, str | None]:
        return {c: self.tables_[c][p.variants[c]].venue for c in self.criteria_}

    def _rows(self, p: Profile, option: str) -> dict[str, dict[str, Any]]:
        """Per criterion with evidence for ``option`` (and the fit when it counts): its contribution and note."""
        rows = {}
        for crit in self.criteria_:
            table = self.tables_[crit][p.variants[crit]]
            cell = table.cells[option]
            if cell.basis == "missing" or p.weights[crit] == 0:
                continue
            where = "by definition" if cell.basis == "definition" else "cited, not measured here" \
                if cell.basis == "cited" else (f"{table.claim} on {table.venue}" if table.venue else table.claim)
            rows[crit] = {"criterion": crit, "label": CRITERIA_BY_ID[crit].label,
                          "contribution": p.weights[crit] * cell.score, "score": cell.score,
                          "text": cell.note, "claim": table.claim, "venue": table.venue,
                          "page": claim_page(table.claim) if table.claim else None, "where": where}
        if p.weights[FIT] > 0:
            rows[FIT] = {"criterion": FIT, "label": "fit", "contribution": p.weights[FIT] * p.fit[option],
                         "score": p.fit[option], "text": "; ".join(p.fit_why[option]), "claim": None,
                         "venue": None, "page": None, "where": "your answers, public record"}
        return rows

    def _margin(self, p: Profile, crit: str, option: str, runner: str | None) -> float:
        """``option``'s contribution on ``crit`` minus ``runner``'s (0 where the runner has no evidence)."""
        if crit == FIT:
            mine = p.weights[FIT] * p.fit[option]
            return mine - (p.weights[FIT] * p.fit[runner] if runner else 0.0)
        table = self.tables_[crit][p.variants[crit]]
        mine = p.weights[crit] * table.cells[option].score
        return mine - (p.weights[crit] * table.cells[runner].score if runner else 0.0)

    def reasons(self, p: Profile, option: str, runner: str | None = None, limit: int = 4) -> list[dict[str, Any]]:
        """What favours ``option`` over ``runner`` (the runner-up): each criterion (and the fit) where it leads,
        ordered by its margin, the largest first, one plain line each naming the evidence, claim, venue and page.
        With no runner-up, its largest contributions. What favours the runner-up is a caveat, never a reason."""
        rows = []
        for crit, row in self._rows(p, option).items():
            margin = self._margin(p, crit, option, runner)
            if margin > TIE_TOLERANCE:
                rows.append({**row, "margin": margin})
        rows.sort(key=lambda r: -r["margin"])
        return rows[:limit]

    def caveats(self, p: Profile, option: str, runner: str | None = None) -> list[str]:
        """What speaks against ``option`` for these answers, in plain lines: where the runner-up leads it (the
        criterion and its evidence), code or models it cannot use, and hard requirements nobody could verify or
        it fails."""
        out = []
        if runner is not None:
            for crit, row in self._rows(p, option).items():
                if crit != FIT and self._margin(p, crit, option, runner) < -TIE_TOLERANCE:
                    out.append(f"{row['label']}: {runner} leads here; {option}: {row['text']}")
        if p.weights[FIT] > 0 and p.fit[option] < 1:
            out.append("; ".join(p.fit_why[option]))
        for req in p.requirements:
            state = self.checks_[req][option]
            if not state.met:
                out.append(f"{requirement_label(req)}: {'not verified' if state.state == 'not_verified' else 'fails'}"
                           f": {state.reason}")
        return out

    def evidence(self) -> list[dict[str, Any]]:
        """The claims read: state, venues, verdict, mode, page, staleness, and the reason when one is unusable."""
        self._check_fitted()
        out = []
        for reading in self.readings_.values():
            stale = None
            if reading.ok and reading.results:
                from evidence.results import is_stale

                stale = is_stale(reading.results[reading.venues[0]])
            out.append(reading.describe(stale))
        return out

    def missing_evidence(self) -> list[dict[str, Any]]:
        """Per criterion, the variants without evidence and why."""
        self._check_fitted()
        return [{"criterion": c, "variant": v, "reason": t.missing}
                for c, vs in self.tables_.items() for v, t in vs.items() if t.missing]
