"""The performance claim's story: TensorFlow's engine at its best against the other engines' best, per size class,
and each option's best and default speed relative to the fastest (from
:class:`~evidence.claims.performance.assessment.PerformanceAssessment`)."""

from __future__ import annotations

from evidence.options import LABELS, OPTIONS
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, inline, link, table
from kvt_docs.stories import Story, threshold, venue_caveat
from kvt_docs.svg import NEUTRAL, OPTION_COLORS, Bar, Reference, Section, bar_chart

CLASSES = ("dispatch-bound", "compute-bound")
PHASES = ("train", "inference")
CLASS_WORDS = {"dispatch-bound": "dispatch-bound (small models: per-step overhead)",
               "compute-bound": "compute-bound (larger models: arithmetic)", "all": "every model and phase"}


def _iv(iv) -> str:
    return f"{fmt.ratio(iv.estimate)} ({fmt.ratio(iv.low)}–{fmt.ratio(iv.high)})"


class PerformanceStory(Story):
    """TensorFlow's engine tuned for speed."""

    short = "Performance"
    article = "TensorFlow's own engine is tuned for performance."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        said = [f"{fmt.ratio(e.ratio.estimate)} {c}" for c in CLASSES if (e := a.engines.get(c))]
        if not said:
            return "TensorFlow's engine and the others were not both timed."
        return (f"TensorFlow's engine at its best runs {' and '.join(said)} the other engines' best "
                f"(throughput, on {r.venue}).")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        out = []
        parts = []
        for c in CLASSES:
            e = a.engines.get(c)
            if e is None:
                continue
            faster = sum(1 for x in e.cells if x.comparison == "faster")
            slower = sum(1 for x in e.cells if x.comparison == "slower")
            parts.append(f"{c}: {_iv(e.ratio)} over {len(e.models)} models, faster beyond the margin in {faster} of "
                         f"{len(e.cells)} model-phase cells, slower in {slower}")
        if parts:
            out.append(f"TensorFlow's best over the others' best, geometric mean with a "
                       f"{fmt.percent(threshold(r, 'bootstrap_level'))} interval: {'; '.join(parts)} (a cell counts "
                       f"from a {fmt.percent(threshold(r, 'faster_margin'))} difference).")
        fastest = [f"{c} {phase}: {LABELS.get(o, o)}" for c in CLASSES for phase in PHASES
                   if (o := a.fastest_option(c, phase))]
        if fastest:
            out.append(f"The fastest option at its best settings: {'; '.join(fastest)}.")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        charts = []
        rows = [Bar(CLASS_WORDS.get(c, c), e.ratio.estimate, e.ratio.low, e.ratio.high, color=NEUTRAL,
                    text=_iv(e.ratio)) for c in (*CLASSES, "all") if (e := a.engines.get(c))]
        if rows:
            margin = threshold(r, "engine_margin")
            low = min([b.low for b in rows if b.low is not None] + [1 - margin]) / 1.2
            high = max([b.high for b in rows if b.high is not None] + [1 + margin]) * 1.2
            charts.append(Chart(
                "engines", "TensorFlow's engine at its best over the other engines' best, per size class: "
                + "; ".join(f"{b.label} {b.text}" for b in rows) + ".",
                "TensorFlow's engine against the others: above 1 is faster",
                bar_chart(rows, title="TensorFlow's best over the others' best", dots=True, log=True,
                          domain=(low, high), x_label="throughput ratio (log scale; 1 = as fast, above 1 = TensorFlow "
                          "faster)", references=[Reference(1.0, "as fast")]),
                "Each side takes its fastest option and setting per model (XLA, steps per execution, torch.compile). "
                + venue_caveat(r)))
        option_rows: list[Bar | Section] = []
        for c in CLASSES:
            for phase in PHASES:
                cells = [(o, a.best(o, c, phase), a.default(o, c, phase)) for o in OPTIONS if o in a.options]
                cells = [x for x in cells if x[1] is not None]
                if not cells:
                    continue
                option_rows.append(Section(f"{c}, {phase}"))
                for o, best, default in cells:
                    iv = best.ratio_to_fastest
                    text = f"{fmt.ratio(iv.estimate, 2)} best" + (f", {fmt.ratio(default.ratio_to_fastest.estimate, 2)}"
                                                                  " default" if default else "")
                    option_rows.append(Bar(LABELS.get(o, o), iv.estimate, iv.low, iv.high, color=OPTION_COLORS[o],
                                           text=text))
        if option_rows:
            charts.append(Chart(
                "options", "Each option's throughput at its best settings relative to the fastest, per size class and "
                "phase: " + "; ".join(f"{b.label} {b.text}" for b in option_rows if isinstance(b, Bar)) + ".",
                "Each option at its best settings, relative to the fastest option of the run",
                bar_chart(option_rows, title="Throughput relative to the fastest", domain=(0.0, 1.0),
                          x_label="throughput / the fastest option's (1 = fastest; whisker: 90% interval)",
                          legend=[(LABELS[o], OPTION_COLORS[o]) for o in OPTIONS]),
                "Warm-up and compiling excluded; compile time is in the details. Ratios are of one run, each option "
                "in several interleaved worker processes."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        fastest = {(c, phase): o for c in CLASSES for phase in PHASES if (o := a.fastest_option(c, phase))}
        lines = []
        if len(set(fastest.values())) > 1:
            lines.append("- **The fastest option depends on the model and the phase:** " + "; ".join(
                f"{c} {phase}: {inline(LABELS.get(o, o))}" for (c, phase), o in fastest.items()) + ".")
        elif fastest:
            only = next(iter(fastest.values()))
            lines.append(f"- **{inline(LABELS.get(only, only))} was the fastest at its best settings in every size "
                         "class and phase measured.**")
        gains = []
        for o in OPTIONS:
            res = a.options.get(o)
            if res is None:
                continue
            for name, s in res.settings.items():
                for c, phases in s.classes.items():
                    for phase, cp in phases.items():
                        if cp.vs_default is not None and cp.vs_default.estimate >= 1.25:
                            gains.append(f"{inline(LABELS.get(o, o))} with {code(name)} "
                                         f"{fmt.ratio(cp.vs_default.estimate)} its default ({inline(c)}, "
                                         f"{inline(phase)})")
        if gains:
            lines.append("- **Ask for the documented settings**: " + "; ".join(gains[:6]) + ".")
        lines.append(f"- **These numbers hold for {r.venue}**; a GPU venue has results of its own when one was run.")
        return "\n".join(lines) + "\n"

    def caveats(self, r: ResultFile) -> list[str]:
        a = r.assessment
        out = []
        if a.steadiness:
            out.append(f"Machine steadiness during the run: {fmt.percent(a.steadiness.across_workers)} between the "
                       "slowest and fastest worker's NumPy matrix product.")
        if a.public_record:
            counts = a.public_record.fastest_counts()
            out.append(f"In the public record, {link(cell(a.public_record.title), a.public_record.url)} on "
                       f"{cell(a.public_record.hardware)}: fastest on "
                       + ", ".join(f"{inline(k)} {v} of {len(a.public_record.tasks)} tasks" for k, v in counts.items())
                       + " (context, not our number).")
        return out

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        out = []
        rows = []
        for o, res in a.options.items():
            for c in CLASSES:
                for phase in PHASES:
                    best, default = res.best.get(c, {}).get(phase), res.default.get(c, {}).get(phase)
                    if best is None and default is None:
                        continue
                    rows.append([cell(LABELS.get(o, o)), cell(c), cell(phase),
                                 cell(_iv(best.ratio_to_fastest) if best else "—"),
                                 cell(", ".join(f"{m}: {s}" for m, s in best.settings.items()) if best else "—"),
                                 cell(_iv(default.ratio_to_fastest) if default else "—"),
                                 cell(fmt.percent(best.roof_fraction) if best else "—"),
                                 cell(fmt.seconds(best.compile_s) if best and best.compile_s is not None else "—")])
        out.append(("Each option per size class and phase", table(
            ["option", "size class", "phase", "best (ratio to fastest)", "best settings", "default", "of the roof",
             "compile"], rows)))
        settings = []
        for o, res in a.options.items():
            for name, s in res.settings.items():
                run = s.run
                settings.append([cell(LABELS.get(o, o)), code(name), cell(s.status),
                                 cell(f"{run.compiler}, steps per execution {run.steps_per_execution}, oneDNN "
                                      f"{'on' if run.onednn else 'off' if run.onednn is False else 'n/a'}"
                                      if run else s.reason or "—"), cell(s.documented)])
        out.append(("The settings each option ran with", table(["option", "setting", "outcome", "ran with",
                                                                "what its documentation says"], settings)))
        cells = [[cell(x.model), cell(x.size_class), cell(x.phase), cell(x.tensorflow), cell(x.other),
                  cell(fmt.ratio(x.ratio)), cell(x.comparison)] for x in (a.engines.get("all").cells
                                                                          if a.engines.get("all") else [])]
        if cells:
            out.append(("TensorFlow's engine against the others, model by model", table(
                ["model", "size class", "phase", "TensorFlow's best", "the others' best", "ratio", "reading"], cells)))
        if a.roof:
            out.append(("The machine's measured roof", table(
                ["device", "GFLOP/s"], [[cell(k), cell(fmt.number(v))] for k, v in a.roof.gflops.items()])
                + f"\nA {a.roof.matmul_n}×{a.roof.matmul_n} float32 matrix product; drift within a worker "
                  f"{fmt.percent(a.roof.drift)}.\n"))
        if a.known_issues:
            out.append(("Public reports about the settings", "\n".join(
                f"- {link(cell(k.title), k.url)}" for k in a.known_issues) + "\n"))
        return out


STORY = PerformanceStory()
