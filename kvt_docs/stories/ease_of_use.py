"""The ease_of_use claim's story: the same tasks in Keras fit, Keras with a custom training loop and TensorFlow
without Keras, their code metrics against Keras fit's, at comparable accuracy (from
:class:`~evidence.claims.ease_of_use.EaseOfUseAssessment`)."""

from __future__ import annotations

from evidence.options import KERAS_BACKEND, LABELS
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, table
from kvt_docs.stories import Story, reason, threshold, venue_caveat
from kvt_docs.svg import OPTION_COLORS, Bar, Reference, Section, bar_chart

STYLE_TITLES = {"keras_fit": "Keras fit", "keras_gradienttape": "Keras with a custom training loop",
                "tf_core": "TensorFlow without Keras"}
STYLE_COLORS = {"keras_fit": OPTION_COLORS["keras-tensorflow"], "keras_gradienttape": OPTION_COLORS["keras-torch"],
                "tf_core": OPTION_COLORS["tensorflow-core"]}
TF_STYLES = ("keras_gradienttape", "tf_core")
#: The ratios the verdict compares, with the threshold each is held to.
METRICS = {"logical_lines": ("lines", "more_code_ratio"), "api_name_count": ("API names", "more_api_names_ratio"),
           "concept_count": ("concepts", "more_concepts_ratio"),
           "cyclomatic_total": ("complexity", "more_complexity_ratio")}


def _span(values: list[float]) -> str:
    lo, hi = min(values), max(values)
    return f"{lo:.1f}×" if round(lo, 1) == round(hi, 1) else f"{lo:.1f}–{hi:.1f}×"


class EaseStory(Story):
    """Keras simpler; TensorFlow more code for the same task."""

    short = "Ease of use"
    article = "Keras is simpler; TensorFlow needs more code for the same task."

    def _everywhere(self, a) -> list[str]:
        """The Keras backends every task's Keras fit program ran on unchanged."""
        return [b for o in ("keras-tensorflow", "keras-jax", "keras-torch") if (b := KERAS_BACKEND[o])
                and a.tasks and all(KERAS_BACKEND[o] in res.programs["keras_fit"].backends for res in a.tasks.values()
                                   if "keras_fit" in res.programs)]

    def _ratios(self, a, style: str, metric: str) -> list[float]:
        return [a.tasks[t].ratios[style][metric] for t in a.comparable_tasks() if style in a.tasks[t].ratios]

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        comparable = a.comparable_tasks()
        if not comparable:
            return "No task reached comparable accuracy in all three styles."
        core, tape = self._ratios(a, "tf_core", "logical_lines"), self._ratios(a, "keras_gradienttape",
                                                                                  "logical_lines")
        return (f"TensorFlow without Keras needs {_span(core)} the lines of Keras fit (Keras's own custom training "
                f"loop {_span(tape)}), on {len(comparable)} of {len(a.tasks)} tasks at comparable accuracy.")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        if not a.comparable_tasks():
            return [f"Accuracy floor {fmt.number(a.accuracy_floor)}, tolerance {fmt.number(a.accuracy_tolerance)} "
                    f"({a.mode} mode): programs that do not do the same job are not compared."]
        parts = []
        for style in TF_STYLES:
            said = ", ".join(f"{_span(self._ratios(a, style, m))} the {words}" for m, (words, _) in METRICS.items()
                             if m != "logical_lines")
            parts.append(f"{STYLE_TITLES[style]} {said}")
        rules = ", ".join(f"{words} {fmt.ratio(threshold(r, name))}" for words, name in METRICS.values())
        out = [f"Simplicity, against Keras fit: {'; '.join(parts)} (the verdict asks of TensorFlow without Keras, on "
               f"every task: {rules}; Keras's custom training loop is Keras, reported beside it)."]
        everywhere = self._everywhere(a)
        if everywhere:
            out.append(f"The same Keras fit programs ran unchanged on {fmt.listing(everywhere)}; the custom training "
                       "loop, written with tf.GradientTape, serves Keras on TensorFlow only, and TensorFlow without "
                       "Keras is its own option. Concepts are counted by code: each class a program uses, with its "
                       "methods, and each function.")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        rows: list[Bar | Section] = []
        for task, result in a.tasks.items():
            rows.append(Section(f"{task.replace('_', ' ')} task"
                                + ("" if result.comparable else " (accuracy not comparable)")))
            for style, program in result.programs.items():
                acc = f", accuracy {program.accuracy:.3f}" if program.accuracy is not None else f", {program.status}"
                rows.append(Bar(STYLE_TITLES.get(style, style), program.metrics.logical_lines,
                                color=STYLE_COLORS.get(style, "#888888"),
                                text=f"{program.metrics.logical_lines} lines{acc}"))
        charts = [Chart(
            "lines", "Logical lines of each task in each style: "
            + "; ".join(f"{b.label} {b.text}" for b in rows if isinstance(b, Bar)) + ".",
            "Lines of code for the same task, in each style",
            bar_chart(rows, title="Lines of code per task and style", x_label="logical lines of code "
                      "(docstrings and comments left out)",
                      legend=[(t, STYLE_COLORS[s]) for s, t in STYLE_TITLES.items()]),
            f"The programs reach comparable accuracy (within {fmt.number(a.accuracy_tolerance)} of Keras fit, all "
            f"above {fmt.number(a.accuracy_floor)}) with the same hyper-parameters. " + venue_caveat(r))]
        ratio_rows: list[Bar | Section] = []
        for metric, (words, name) in METRICS.items():
            ratio_rows.append(Section(f"{words[0].upper()}{words[1:]} (the verdict asks "
                                      f"{fmt.ratio(threshold(r, name))})"))
            for style in TF_STYLES:
                values = self._ratios(a, style, metric)
                if not values:
                    continue
                ratio_rows.append(Bar(STYLE_TITLES[style], min(values), min(values), max(values),
                                      color=STYLE_COLORS[style], text=f"{_span(values)} Keras fit's"))
        if any(isinstance(b, Bar) for b in ratio_rows):
            charts.append(Chart(
                "ratios", "Each TensorFlow style's metrics over Keras fit's, smallest to largest over the comparable "
                "tasks: " + "; ".join(f"{b.label} {b.text}" for b in ratio_rows if isinstance(b, Bar)) + ".",
                "How much more each TensorFlow style takes than Keras fit, on the four measures the verdict weighs",
                bar_chart(ratio_rows, title="TensorFlow styles over Keras fit", dots=False,
                          x_label="ratio to Keras fit (bar: the smallest over the tasks; whisker: smallest to largest)",
                          references=[Reference(1.0, "as much as Keras fit")],
                          legend=[(STYLE_TITLES[s], STYLE_COLORS[s]) for s in TF_STYLES]),
                f"Code metrics measure the code to write, not the time to write it. {reason(r, 'more_code_ratio')}."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        lines = []
        shortest = {t: min(res.programs, key=lambda s: res.programs[s].metrics.logical_lines)
                    for t, res in a.tasks.items() if res.programs}
        if shortest and all(s == "keras_fit" for s in shortest.values()):
            lines.append(f"- **Keras fit is the shortest code on every task measured** ({len(shortest)})"
                         + (", and the same program ran on every Keras backend." if self._everywhere(a) else "."))
        elif shortest:
            lines.append("- **The shortest code per task:** " + "; ".join(
                f"{t.replace('_', ' ')}: {STYLE_TITLES.get(s, s)}" for t, s in shortest.items()) + ".")
        costs = {o: c for o, c in a.costs.items() if c.cost is not None}
        if costs:
            lines.append("- **Effort per option** (geometric mean over the tasks of lines, API names and concepts "
                         "of its cheapest working style): "
                         + ", ".join(f"{code(o)} {fmt.number(c.cost)}" for o, c in sorted(costs.items(),
                                                                                  key=lambda kv: kv[1].cost)) + ".")
        tape = [res.ratios["keras_gradienttape"]["logical_lines"] for res in a.tasks.values()
                if "keras_gradienttape" in res.ratios]
        if tape:
            lines.append(f"- **A custom training loop costs code, within Keras too**: Keras's documented workflow "
                         f"for writing the step yourself (tf.GradientTape around Keras layers) took {_span(tape)} "
                         "the lines of Keras fit.")
        return "\n".join(lines) + "\n"

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        out = []
        for task, result in a.tasks.items():
            rows = []
            for style, p in result.programs.items():
                m = p.metrics
                rows.append([cell(STYLE_TITLES.get(style, style)), code(p.program), cell(p.status),
                             cell(fmt.number(p.accuracy)), str(m.logical_lines), str(m.api_name_count),
                             str(m.concept_count), str(m.cyclomatic_total), str(m.tokens),
                             cell(", ".join(p.backends) or "—")])
            out.append((f"The {task.replace('_', ' ')} task", table(
                ["style", "program", "outcome", "accuracy", "lines", "API names", "concepts", "complexity", "tokens",
                 "ran on"], rows)
                + f"\nComparable: {'yes' if result.comparable else 'no'}"
                + (f" (largest accuracy difference from Keras fit {fmt.number(result.accuracy_spread)})"
                   if result.accuracy_spread is not None else "") + ".\n"))
        concepts = []
        for task, result in a.tasks.items():
            for style, p in result.programs.items():
                concepts.append([cell(task), cell(STYLE_TITLES.get(style, style)), cell(", ".join(p.metrics.concepts))])
        if concepts:
            out.append(("What a beginner must know, per program", table(["task", "style", "concepts"], concepts)))
        if a.costs:
            out.append(("Effort per option", table(
                ["option", "styles that serve it", "effort", "tasks done"],
                [[cell(LABELS.get(o, o)), cell(", ".join(STYLE_TITLES.get(s, s) for s in c.styles)),
                  cell(fmt.number(c.cost)), str(c.tasks_done)] for o, c in a.costs.items()])))
        return out


STORY = EaseStory()
