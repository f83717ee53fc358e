"""The ease-of-use claim's prose for people, from its assessment and decision (not in the code hash)."""

from __future__ import annotations

from evidence.contract import Decision, Report
from evidence.options import KERAS_BACKEND

from .assessment import KERAS_ALTERNATIVES, STYLE_TITLES, STYLES, TENSORFLOW_STYLES, EaseOfUseAssessment, Program


def report(a: EaseOfUseAssessment, decision: Decision) -> Report:
    """The summary (following the decision) and the findings per sub-claim."""
    findings = _findings(a)
    comparable = a.comparable_tasks()
    if decision.code == "no_comparable_task":
        return Report("No task reached comparable accuracy in all three styles, so the code metrics would compare "
                      f"programs that do not do the same job ({a.mode} mode: floor {a.accuracy_floor}, tolerance "
                      f"{a.accuracy_tolerance})"
                      + (f"; not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)}"
                         if a.not_measured else "") + ".", findings)
    more_code = {s: bool(decision.numbers[f"{s}_more_code"]) for s in TENSORFLOW_STYLES}
    simpler = {s: bool(decision.numbers[f"{s}_less_simple"]) for s in TENSORFLOW_STYLES}
    return Report(_summary(a, comparable, more_code, simpler), findings)


def _span(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.1f}×" if round(lo, 1) == round(hi, 1) else f"{lo:.1f}–{hi:.1f}×"

def _summary(a: EaseOfUseAssessment, comparable: list[str], more_code: dict[str, bool],
             simpler: dict[str, bool]) -> str:
    lines = "; ".join(f"{task} " + "/".join(str(a.tasks[task].programs[s].metrics.logical_lines) for s in STYLES)
                      for task in comparable)
    parts = []
    for style in TENSORFLOW_STYLES:
        r = [a.tasks[task].ratios[style] for task in comparable]
        parts.append(f"{STYLE_TITLES[style]} {_span([x['logical_lines'] for x in r])} the lines, "
                     f"{_span([x['api_name_count'] for x in r])} the API names, "
                     f"{_span([x['concept_count'] for x in r])} the concepts and "
                     f"{_span([x['cyclomatic_total'] for x in r])} the complexity")
    for style in KERAS_ALTERNATIVES:
        r = [a.tasks[task].ratios[style] for task in comparable]
        parts.append(f"Keras's own custom training loop {_span([x['logical_lines'] for x in r])} the lines "
                     "(reported, not weighed: it is Keras)")
    text = (f"Against Keras fit, {'; '.join(parts)} (logical lines fit/custom loop/without Keras: {lines}), on "
            f"{len(comparable)} of {len(a.tasks)} task(s) where all three styles reached comparable accuracy "
            f"(within {a.accuracy_tolerance})")
    short = [STYLE_TITLES[s] for s in TENSORFLOW_STYLES if not (more_code[s] and simpler[s])]
    if short:
        text += f"; by the declared thresholds, not more code and less simple for: {', '.join(short)}"
    backends = sorted({b for task in comparable for b in a.tasks[task].programs["keras_fit"].backends},
                      key=["tensorflow", "jax", "torch"].index)
    everywhere = [b for b in backends if all(b in a.tasks[t].programs["keras_fit"].backends for t in a.tasks)]
    if everywhere:
        text += f"; the same Keras fit programs ran unchanged on {', '.join(everywhere)}"
    if a.not_measured:
        text += f" (not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)})"
    return text + "."

def _custom_loop_text(a: EaseOfUseAssessment) -> str:
    rows = []
    for task, r in a.tasks.items():
        x = r.ratios.get("keras_gradienttape")
        if x:
            rows.append(f"{task} {x['logical_lines']:.1f}x the lines, {x['api_name_count']:.1f}x the API names, "
                        f"{x['concept_count']:.1f}x the concepts")
    return ("Keras with a custom training loop (Keras's documented workflow for writing the step yourself) "
            "against Keras fit: " + "; ".join(rows) + ". Both are Keras; the claim's TensorFlow side is "
            "TensorFlow without Keras.")

def _findings(a: EaseOfUseAssessment) -> dict[str, str]:
    def acc(p: Program) -> str:
        return f"{p.accuracy:.3f}" if p.accuracy is not None else p.status

    same_job = []
    for task, r in a.tasks.items():
        stop = ""
        if any(p.runs[next(iter(p.runs))].best_epoch for p in r.programs.values()):
            stop = "; stopped after " + "/".join(str(p.runs[next(iter(p.runs))].epochs_run)
                                                 for p in r.programs.values()) + " epochs"
        same_job.append(f"{task}: " + ", ".join(f"{STYLE_TITLES[s]} {acc(p)}" for s, p in r.programs.items())
                        + f" ({'comparable' if r.comparable else 'not comparable'}"
                        + ("" if all(p.same_hyperparameters for p in r.programs.values())
                           else ", hyper-parameters differ") + stop + ")")

    def metric(key: str, words: str) -> str:
        rows = [f"{task} " + " → ".join(str(getattr(r.programs[s].metrics, key)) for s in STYLES)
                for task, r in a.tasks.items()]
        return f"{words}, Keras fit → Keras custom loop → TensorFlow without Keras: " + "; ".join(rows) + "."

    hand = [f"{task} {r.programs['tf_core'].metrics.handwritten_lines}" for task, r in a.tasks.items()]
    concepts = [f"{task}: " + "; ".join(f"{STYLE_TITLES[s]} {p.metrics.concept_count} "
                                         f"({', '.join(p.metrics.concepts)})" for s, p in r.programs.items())
                for task, r in a.tasks.items()]
    backends = []
    for task, r in a.tasks.items():
        runs = r.programs["keras_fit"].runs
        backends.append(f"{task}: " + ", ".join(
            f"{KERAS_BACKEND[o]} {x.accuracy:.3f}" if x.accuracy is not None else f"{KERAS_BACKEND[o]} {x.status}"
            for o, x in runs.items()))
    costs = [f"{o} {c.cost:.1f} ({c.tasks_done} of {len(a.tasks)} tasks)" if c.cost is not None
             else f"{o} none" for o, c in a.costs.items()]
    findings = {
        "same_job": (f"Test accuracy, {a.mode} mode (floor {a.accuracy_floor}, tolerance "
                     f"{a.accuracy_tolerance} of Keras fit on TensorFlow): " + "; ".join(same_job) + "."),
        "code": metric("logical_lines", "Logical lines") + " " + metric("tokens", "Tokens")
        + f" Of TensorFlow-without-Keras's lines, the hand-written Adam: {', '.join(hand)}.",
        "api": metric("api_name_count", "Distinct framework API names"),
        "branching": metric("cyclomatic_total", "Total cyclomatic complexity") + " "
        + metric("branches", "Branches"),
        "concepts": "Concepts, counted by code (API surfaces: each class with its methods, each function): "
                    + " | ".join(concepts) + ".",
        "custom_loop": _custom_loop_text(a),
        "backends": "The Keras fit programs, unchanged, per backend: " + "; ".join(backends) + ".",
        "effort": ("Per option, the geometric mean over tasks of its cheapest working style's cost (geometric "
                   "mean of lines, API names, concepts): " + "; ".join(costs) + "."),
        "traceability": "Programs measured (sha256, first 12 hex digits): " + "; ".join(
            f"{p.program} {p.sha256[:12]}" for r in a.tasks.values() for p in r.programs.values()) + ".",
        "caveat": ("Code metrics measure the code to write, not the time to write it: 'faster to prototype' is "
                   "approximated by size, API surface and concepts. API names are resolved statically (a lower "
                   "bound for every style), and concepts come from API names only, so an idea written by hand "
                   "(an early-stopping rule) is not counted as a concept. tf.keras is Keras 3: a TensorFlow "
                   "user who writes model.fit writes the Keras fit program."),
    }
    if a.not_measured:
        findings["not_measured"] = "Subjects without a result: " + "; ".join(a.not_measured) + "."
    return findings


