"""Everything the ranking needs, as JSON data, so that a browser can rank exactly as ``kvt advise`` does.

:func:`export_advisor` returns one JSON-ready object; the site's browser advisor reads it and repeats
:mod:`advisor.questions` (answers -> profile) and :mod:`advisor.model` (profile -> ranking) in JavaScript. The
arithmetic is additions, multiplications and one division per weight, done in the documented order, so a
faithful copy reproduces the order, the scores (to the last bit) and the failed requirements; the confidence too,
with the same seeded generator (:mod:`advisor.confidence`).
"""

from __future__ import annotations

from typing import Any

from advisor import constraints as hard
from advisor.confidence import __doc__ as CONFIDENCE_DOC
from advisor.contradictions import EXCLUSIVE
from advisor.contradictions import __doc__ as contra_doc
from advisor.criteria import CRITERIA
from advisor.options import ACCELERATOR_NAMES, ECOSYSTEM_FRAMEWORK, PRETRAINED, ecosystem_reach
from advisor.profile import weights_for
from advisor.questions import FIT, FIT_WEIGHT, LEVELS, PLATFORM_QUESTIONS, QUESTIONS, requirement_label
from evidence import labels as id_labels
from evidence.options import FRAMEWORK, OPTIONS

#: The version of the export's format; bump it when a field changes meaning.
EXPORT_VERSION = 2


def export_advisor(advisor: Any) -> dict[str, Any]:
    """The fitted ``advisor`` (an :class:`~advisor.model.Advisor` or :class:`~advisor.ranking.Ranker`) as data:
    questions, weights rule, tables, requirement checks, confidence, evidence.

    The format (``format: "kvt-advisor"``, ``version``: :data:`EXPORT_VERSION`)::

        options        [option id, ...]: the row order; exact ties keep it.
        criteria       [{id, label, short, claims, width, width_reason, description}, ...]: the column order.
        questions      [Question.describe(), ...]: id, flag, text, help, choices, labels, default, multiple,
                       variant_of (criteria whose variant the answer chooses: the variant key is the answer),
                       legacy (old answer -> new answer), importance (choice -> {criterion: level}),
                       requires (choice -> requirement id).
        weights_rule   {levels: {less: 0.5, more: 2, most: 3}, fit_weight: 2, fit: "fit", text}: how answers
                       become weights (see advisor.profile.weights_for):
                         raw[c] = max(levels of the answers that raise c) if any answer raises c (level > 1),
                                  else min(levels of those that lower it) if any does, else 1;
                         raw["fit"] = fit_weight if the answers name an ecosystem (not none) or a pretrained hub
                                      (not none), else 0;
                         weight[k] = raw[k] / total, total summed left to right over criteria then fit.
                       A multiple-choice answer is comma-separated; each value counts.
        fit            {ecosystem: {value: {option: {share, why}}}, pretrained: {value: {option: {share, why}}}}:
                       fit(o) = mean over the sources named (each ecosystem in the choices' order, then the
                       hub) of share, summed left to right; 0 when nothing is named.
        tables         {criterion: {variant: {claim, venue, missing, options: {option: {score, low, high, note,
                       basis, uncertainty}}}}}: normalised cells (best option = 1; missing: score 0, [0, 1]).
                       The variant of a criterion is the answer to the question whose variant_of names it,
                       else "all".
        requirements   {id: {claim, needs, venue, checks: {option: {state, reason}}}}: an answer's choice with
                       ``requires`` switches its requirement on; state is met, failed or not_verified.
        ranking        {tie_tolerance, text}: score(o) = sum over criteria (in order, left to right) of
                       weight[c] * tables[c][variant_c].options[o].score, then + weight["fit"] * fit(o);
                       order by (number failed, number not_verified, -score, option order).
        confidence     {n_draws, weight_noise, seed, generator: "mulberry32", text}: among the options whose
                       (failed, not_verified) counts equal the top pick's, in ranking order with the top pick
                       first, advisor.confidence.stays_on_top; null with no rival (said in words).
        evidence       [{claim, state, venues, verdict, mode, date, stale, page, reason}, ...]: the claims read.
        reproduce      which outputs a browser must reproduce exactly.
        labels         {map: {id: label}, questions: {question: noun}, patterns: {ids, requirement}}: every id a
                       person may see, in words
                       (evidence.labels), and the regular expressions of evidence.labels.humanize, so the page
                       shows the labels that kvt advise's tables show.

    Examples:
        >>> from advisor.ranking import Ranker
        >>> data = export_advisor(Ranker(n_draws=50).fit({}))
        >>> data["format"], data["options"][0], sorted(data["tables"]["deployment"])[:2]
        ('kvt-advisor', 'keras-tensorflow', ['android', 'browser'])
    """
    advisor._check_fitted()
    fit: dict[str, Any] = {"ecosystem": {}, "pretrained": {}}
    for eco in ECOSYSTEM_FRAMEWORK:
        fit["ecosystem"][eco] = {o: {"share": (r := ecosystem_reach(eco, o)).share, "why": r.why} for o in OPTIONS}
    for hub, per in PRETRAINED.items():
        fit["pretrained"][hub] = {o: {"share": per[o].share, "why": per[o].why} for o in OPTIONS}
    return {
        "format": "kvt-advisor",
        "version": EXPORT_VERSION,
        "options": list(advisor.options_),
        "criteria": [{"id": c.id, "label": c.label, "short": c.short, "claims": list(c.claims),
                      "variants": list(c.variants), "width": c.width, "width_reason": c.width_reason,
                      "description": c.description, "proxy": c.proxy} for c in CRITERIA],
        "platform_questions": list(PLATFORM_QUESTIONS),
        "contradictions": {"exclusive": [list(e) for e in EXCLUSIVE], "ecosystem_framework": ECOSYSTEM_FRAMEWORK,
                           "option_framework": dict(FRAMEWORK), "text": " ".join((contra_doc or "").split())},
        "accelerator_names": dict(ACCELERATOR_NAMES),
        "questions": [q.describe() for q in QUESTIONS],
        "weights_rule": {"levels": dict(LEVELS), "fit_weight": FIT_WEIGHT, "fit": FIT,
                         "text": " ".join((weights_for.__doc__ or "").split())},
        "fit": fit,
        "tables": {c: {v: t.to_dict() for v, t in vs.items()} for c, vs in advisor.tables_.items()},
        "requirements": {r.id: {"claim": r.claim, "needs": r.needs, "label": requirement_label(r.id),
                                "venue": advisor.check_venues_[r.id],
                                "checks": {o: {"state": c.state, "reason": c.reason}
                                           for o, c in advisor.checks_[r.id].items()}}
                         for r in hard.REQUIREMENTS},
        "ranking": {"tie_tolerance": 1e-9,
                    "text": "score(o) = sum_c weight[c] * score[c][variant_c][o] (left to right) + weight[fit] * "
                            "fit(o); order by (failed, not_verified, -score, option order)"},
        "confidence": {"n_draws": advisor.n_draws, "weight_noise": advisor.weight_noise,
                       "seed": advisor.random_state, "generator": "mulberry32",
                       "text": " ".join((CONFIDENCE_DOC or "").split())},
        "evidence": advisor.evidence(),
        "labels": {"map": id_labels.all_labels(), "questions": dict(id_labels.QUESTIONS),
                   "patterns": {"ids": id_labels.ID_PATTERN.pattern,
                                "requirement": id_labels.REQUIREMENT_PATTERN.pattern,
                                "venue": id_labels.VENUE_PATTERN.pattern}},
        "reproduce": {
            "exactly": ["answers (canonical)", "weights", "ranking order", "score (within 1e-9; bit-identical "
                        "when the order of operations is kept)", "failed and not_verified per option",
                        "requirements", "confidence_among", "confidence (same draws, same generator)"],
            "as_text": ["confidence_text", "reasons", "caveats", "notes", "missing_evidence"],
        },
    }
