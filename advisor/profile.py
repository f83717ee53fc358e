"""Answers -> what the ranking consumes: the criteria's weights (:func:`weights_for`), the fit to the user's code
and models (:func:`fit_for`), the hard requirements and the variants that count, in one :class:`Profile`
(:func:`profile`). The questions themselves, and the parsing of answers, are :mod:`advisor.questions`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from advisor.criteria import CRITERION_IDS
from advisor.options import OPTIONS, PRETRAINED, ecosystem_reach
from advisor.questions import (
    BY_ID,
    FIT,
    FIT_WEIGHT,
    LEVELS,
    QUESTIONS,
    parse_answers,
    platform_requirement,
    values_of,
)


def weights_for(answers: Mapping[str, str]) -> dict[str, float]:
    """Criterion weights (and :data:`FIT`) for complete, valid ``answers``, summing to 1.

    The rule, declared so that no number of answers can blow one criterion up:

    1. every criterion starts at 1;
    2. the answers that *raise* a criterion (a level above 1 in :data:`LEVELS`) set it to the highest of
       those levels; otherwise the answers that *lower* it set it to the lowest of theirs: an answer that states
       a need (deploy to Android) outranks one that states a tendency (prototypes deploy less), and three answers
       that each raise a criterion raise it no more than the strongest of them;
    3. the fit term is :data:`FIT_WEIGHT` when the answers name an ecosystem or a pretrained hub, else 0;
    4. each weight is divided by the total, summed left to right in the order criteria, then fit.

    So a criterion weighs at most ``3 / 0.5 = 6`` times another, whatever the answers.

    Examples:
        >>> w = weights_for(complete({"experience": "expert", "goal": "research", "custom_ops": "training_loop"}))
        >>> w["extensibility"] / w["community"]
        2.0
        >>> w = weights_for(complete({"experience": "beginner"}))
        >>> round(sum(w.values()), 6), w["ease_of_use"] > w["performance"], w["fit"]
        (1.0, True, 0.0)
    """
    raises: dict[str, list[float]] = {c: [] for c in CRITERION_IDS}
    lowers: dict[str, list[float]] = {c: [] for c in CRITERION_IDS}
    for question in QUESTIONS:
        for value in values_of(question, answers[question.id]):
            for crit, level in question.choice(value).importance.items():
                (raises if LEVELS[level] > 1 else lowers)[crit].append(LEVELS[level])
    raw = {c: (max(raises[c]) if raises[c] else min(lowers[c]) if lowers[c] else 1.0) for c in CRITERION_IDS}
    raw[FIT] = FIT_WEIGHT if fit_sources(answers) else 0.0
    total = 0.0
    for weight in raw.values():  # left to right, as the browser's copy of this rule does
        total += weight
    return {k: v / total for k, v in raw.items()}


def fit_sources(answers: Mapping[str, str]) -> list[tuple[str, str]]:
    """What the user brings: ``("ecosystem", name)`` per framework named, then ``("pretrained", hub)``."""
    out = [("ecosystem", e) for e in values_of(BY_ID["ecosystem"], answers["ecosystem"]) if e != "none"]
    if answers["pretrained"] != "none":
        out.append(("pretrained", answers["pretrained"]))
    return out


def fit_for(answers: Mapping[str, str]) -> tuple[dict[str, float], dict[str, list[str]]]:
    """Each option's fit to what the user brings (in [0, 1]) and one line per source saying why.

    The fit is the mean, over the sources of :func:`fit_sources` (in that order), of the share of each that the
    option can use (:func:`advisor.options.ecosystem_reach`, :data:`advisor.options.PRETRAINED`); 0 for every
    option when the user brings nothing.
    """
    sources = fit_sources(answers)
    fit, why = {}, {}
    for option in OPTIONS:
        reaches = [ecosystem_reach(name, option) if kind == "ecosystem" else PRETRAINED[name][option]
                   for kind, name in sources]
        total = 0.0
        for reach in reaches:
            total += reach.share
        fit[option] = total / len(reaches) if reaches else 0.0
        why[option] = [f"{name}: {reach.why}" for (_, name), reach in zip(sources, reaches, strict=True)]
    return fit, why


@dataclass(frozen=True)
class Profile:
    """What ranking consumes, made from complete answers in one step by :func:`profile`.

    Attributes:
        answers: the complete, canonical answers.
        weights: criterion id (and :data:`FIT`) -> weight, summing to 1 (:func:`weights_for`).
        requirements: the hard requirements the answers switch on: the platform's (``platform=ACCELERATOR/OS``),
            then ``question=answer`` in question order.
        variants: criterion id -> the key of the variant that counts (the answer of the question whose
            ``variant_of`` names it; ``all`` for a criterion no question chooses).
        fit: option -> fit to the user's code and models, in [0, 1] (:func:`fit_for`).
        fit_why: option -> one line per source of the fit.
        notes: old answers mapped to their new names, announced.
    """

    answers: dict[str, str]
    weights: dict[str, float]
    requirements: tuple[str, ...]
    variants: dict[str, str]
    fit: dict[str, float]
    fit_why: dict[str, list[str]]
    notes: tuple[str, ...] = ()


def profile(answers: Mapping[str, Any], notes: tuple[str, ...] | list[str] = ()) -> Profile:
    """The :class:`Profile` of ``answers`` (validated; missing questions take their defaults).

    Raises:
        AnswerError: an unknown question or answer.

    Examples:
        >>> p = profile({"deploy_target": "onnx", "accelerator": "cpu", "scale": "multi_node"})
        >>> p.requirements, p.variants["deployment"], p.variants["performance"], p.variants["community"]
        (('platform=cpu/linux', 'deploy_target=onnx', 'scale=multi_node'), 'onnx', 'cpu', 'all')
    """
    given, mapped = parse_answers(answers)
    complete_answers = {q.id: given.get(q.id, q.default) for q in QUESTIONS}
    requirements = (platform_requirement(complete_answers), *(
        c.requires for q in QUESTIONS for v in values_of(q, complete_answers[q.id]) if (c := q.choice(v)).requires))
    variants = {c: "all" for c in CRITERION_IDS}
    for q in QUESTIONS:
        for crit in q.variant_of:
            variants[crit] = complete_answers[q.id]
    fit, why = fit_for(complete_answers)
    return Profile(answers=complete_answers, weights=weights_for(complete_answers), requirements=requirements,
                   variants=variants, fit=fit, fit_why=why, notes=tuple(dict.fromkeys([*notes, *mapped])))


__all__ = ["Profile", "fit_for", "fit_sources", "profile", "weights_for"]
