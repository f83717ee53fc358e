"""The ease-of-use claim's decision rule: its assessment and thresholds -> a typed decision, no prose.

Per comparable task, each TensorFlow style's ratios to Keras fit against the declared thresholds. Supported when
every task is comparable and TensorFlow without Keras needs more code and is less simple (API names, concepts,
complexity) on every task; partly supported when only some of that holds (code but not simplicity, or not every
task comparable); refuted when it neither needs more code nor is less simple; inconclusive without a comparable
task. Keras's custom training loop is reported, not weighed. Imports only the contract and the assessment.
"""

from __future__ import annotations

from evidence.contract import Decision, Number, Thresholds, split_missing

from .assessment import TENSORFLOW_STYLES, EaseOfUseAssessment

#: The ratio each threshold is compared with.
RATIOS = {"more_code_ratio": "logical_lines", "more_api_names_ratio": "api_name_count",
          "more_concepts_ratio": "concept_count", "more_complexity_ratio": "cyclomatic_total"}


def holds(a: EaseOfUseAssessment, comparable: list[str], thresholds: Thresholds
          ) -> tuple[dict[str, bool], dict[str, bool]]:
    """Per TensorFlow style: (needs more code on every comparable task, is less simple on every one)."""
    t = {k: thresholds[k] for k in RATIOS}
    more_code, simpler = {}, {}
    for style in TENSORFLOW_STYLES:
        r = [a.tasks[task].ratios[style] for task in comparable]
        more_code[style] = all(x["logical_lines"] >= t["more_code_ratio"] for x in r)
        simpler[style] = all(x["api_name_count"] >= t["more_api_names_ratio"]
                             and x["concept_count"] >= t["more_concepts_ratio"]
                             and x["cyclomatic_total"] >= t["more_complexity_ratio"] for x in r)
    return more_code, simpler


def decide(a: EaseOfUseAssessment, thresholds: Thresholds) -> Decision:
    """The decision, with the comparable tasks and, per TensorFlow style, its smallest ratio of each kind."""
    unavailable, failed = split_missing(a.not_measured)
    comparable = a.comparable_tasks()
    numbers: dict[str, Number] = {"comparable_tasks": len(comparable), "tasks": len(a.tasks),
                                  "accuracy_floor": a.accuracy_floor, "accuracy_tolerance": a.accuracy_tolerance}
    if not comparable:
        return Decision(verdict="inconclusive", code="no_comparable_task", numbers=numbers, unavailable=unavailable,
                        failed=failed)
    more_code, simpler = holds(a, comparable, thresholds)
    for style in TENSORFLOW_STYLES:
        r = [a.tasks[task].ratios[style] for task in comparable]
        numbers.update({f"{style}_more_code": more_code[style], f"{style}_less_simple": simpler[style]})
        numbers.update({f"{style}_min_{key}": min(x[key] for x in r) for key in RATIOS.values()})
    all_tasks = len(comparable) == len(a.tasks)
    if all(more_code.values()) and all(simpler.values()) and all_tasks:
        verdict, code = "supported", "more_code_and_less_simple"
    elif any(more_code.values()) or any(simpler.values()):
        verdict, code = "partly supported", "some_of_it_holds"
    else:
        verdict, code = "refuted", "neither_holds"
    return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)
