"""The performance claim's story: engine against engine at native best, and what Keras costs or gains on each
backend, on real architectures (from :class:`~evidence.claims.performance.assessment.PerformanceAssessment`).

Every comparison word on the page is the claim's own (each ratio's ``comparison``, the assessment's
``decision``): the story renders decisions and never judges again. Every number names its model, batch, phase and
venue.
"""

from __future__ import annotations

from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, inline, link, table
from kvt_docs.stories import Story, threshold, venue_caveat
from kvt_docs.svg import NEUTRAL, Bar, Reference, Section, bar_chart

PHASE_WORDS = {"train": "training step", "inference": "inference", "generate_b1": "generation, batch 1",
               "generate_batch": "generation, larger batch"}
ENGINE_WORDS = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch"}
OPTION_WORDS = {"keras-tensorflow": "Keras · TensorFlow", "keras-jax": "Keras · JAX", "keras-torch": "Keras · PyTorch",
                "tensorflow-core": "TensorFlow (native)", "jax-native": "JAX (native)",
                "torch-native": "PyTorch (native)"}
REASON_WORDS = {"quick_mode": "quick mode (tiny models) gives no verdict",
                "too_few_cells": "too few cells were timed on both sides",
                "unsteady": "the machine was not steady during the run",
                "side_missing": "one side has no timings"}


def _iv(iv) -> str:
    return f"{fmt.ratio(iv.estimate)} ({fmt.ratio(iv.low)}–{fmt.ratio(iv.high)})"


def _where(x, venue: str) -> str:
    from evidence.labels import label

    return f"{label(x.model)}, {PHASE_WORDS.get(x.phase, x.phase)}, batch {x.batch}, {venue}"


def _side(name: str) -> str:
    option, _, setting = name.partition("/")
    return f"{OPTION_WORDS.get(option, option)} ({setting})" if setting else OPTION_WORDS.get(option, option)


class PerformanceStory(Story):
    """TensorFlow's engine tuned for speed."""

    short = "Performance"
    article = "TensorFlow's own engine is tuned for performance."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        d = a.decision
        if d is None or d.engine_mean is None:
            return "TensorFlow's native program and the other engines' were not both timed."
        return (f"TensorFlow's engine at its native best runs at {fmt.ratio(d.engine_mean.estimate)} the faster of "
                f"JAX's and PyTorch's native best, over {d.cells} model-phase cells of ResNet-50, BERT-base and "
                f"GPT-2 small (throughput, on {r.venue}).")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        d = a.decision
        out = []
        if d is not None and d.engine_mean is not None:
            reading = (f"the claim's decision: {inline(d.verdict)}" if d.reason == "decided"
                       else f"no verdict: {REASON_WORDS.get(d.reason, d.reason)}")
            out.append(f"Geometric mean of TensorFlow's native best over the other engines' native best: "
                       f"{_iv(d.engine_mean)} ({fmt.percent(threshold(r, 'bootstrap_level'))} interval); faster "
                       f"beyond the {fmt.percent(threshold(r, 'faster_margin'))} margin in {d.faster} of {d.cells} "
                       f"cells, slower in {d.slower}; {reading}.")
        for s in a.engine_summary:
            if s.against != "all":
                engine = ENGINE_WORDS.get(s.against) or inline(s.against)
                out.append(f"Against {engine} alone: {_iv(s.mean)} over {s.cells} cells.")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        charts = []
        for title, rows_of, key in (
                ("TensorFlow's native best over each other engine's native best",
                 [(f"{x.model} {PHASE_WORDS[x.phase]} (b{x.batch}) vs {_side(x.denominator)}", x) for x in a.engines],
                 "engines"),
                ("Keras at its best over the same engine's native best",
                 [(f"{x.model} {PHASE_WORDS[x.phase]} (b{x.batch}): {_side(x.numerator)}", x)
                  for x in a.keras_overhead], "keras_overhead")):
            if not rows_of:
                continue
            bars = [Bar(label, x.ratio.estimate, x.ratio.low, x.ratio.high, color=NEUTRAL,
                        text=f"{_iv(x.ratio)} {x.comparison}") for label, x in rows_of]
            low = min([b.low for b in bars if b.low is not None] or [1.0]) / 1.3
            high = max([b.high for b in bars if b.high is not None] or [1.0]) * 1.3
            charts.append(Chart(
                key, f"{title}: " + "; ".join(f"{b.label} {b.text}" for b in bars) + ".", title,
                bar_chart(bars, title=title, dots=True, log=True, domain=(min(low, 0.7), max(high, 1.4)),
                          x_label="throughput ratio (log scale; above 1 the first side is faster)",
                          references=[Reference(1.0, "as fast")]),
                "Each side at its fastest setting on that model and phase; whiskers: 90% bootstrap intervals. "
                + venue_caveat(r)))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        lines = []
        for engine in ("tensorflow", "jax", "torch"):
            rows = a.overhead(engine)
            gains = [x for x in rows if x.comparison == "faster"]
            costs = [x for x in rows if x.comparison == "slower"]
            if rows:
                lines.append(f"- **Keras on {ENGINE_WORDS[engine]}**: faster than the native program in "
                             f"{len(gains)} of {len(rows)} cells, slower in {len(costs)}"
                             + (": " + "; ".join(f"{inline(_where(x, r.venue))} {_iv(x.ratio)}" for x in costs[:3])
                                if costs else "") + ".")
        lines.append(f"- **These numbers hold for {r.venue}**; a GPU venue has results of its own when one was run.")
        return "\n".join(lines) + "\n"

    def caveats(self, r: ResultFile) -> list[str]:
        a = r.assessment
        out = []
        if a.steadiness:
            out.append(f"Machine steadiness during the run: {fmt.percent(a.steadiness.across_workers)} between the "
                       "slowest and fastest worker's NumPy matrix product.")
        if a.cpu:
            out.append(cell(a.cpu.bf16_settings[0].upper() + a.cpu.bf16_settings[1:]) + ".")
        out += [cell(c[0].upper() + c[1:]) + "." for c in a.cuts[:1]]
        if a.public_record:
            counts = a.public_record.fastest_counts()
            out.append(f"In the public record, {link(cell(a.public_record.title), a.public_record.url)} on "
                       f"{cell(a.public_record.hardware)}: fastest on "
                       + ", ".join(f"{inline(k)} {v} of {len(a.public_record.tasks)} tasks" for k, v in counts.items())
                       + " (context, not our number).")
        return out

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        v = r.venue
        out = []
        overhead = [[cell(ENGINE_WORDS[e]), cell(x.model), cell(PHASE_WORDS[x.phase]), cell(str(x.batch)), cell(v),
                     cell(_side(x.numerator)), cell(_side(x.denominator)), cell(_iv(x.ratio)), cell(x.comparison)]
                    for e in ("tensorflow", "jax", "torch") for x in a.overhead(e)]
        if overhead:
            out.append(("Keras overhead per backend", table(
                ["backend", "model", "phase", "batch", "venue", "Keras at its best", "native at its best",
                 "Keras / native throughput (90% interval)", "the claim's reading"], overhead)
                + "\nAbove 1 Keras is faster than the engine's native program; the reading is the claim's own "
                  f"(faster or slower when the whole interval clears a {fmt.percent(threshold(r, 'faster_margin'))} "
                  "margin).\n"))
        engines = [[cell(x.model), cell(PHASE_WORDS[x.phase]), cell(str(x.batch)), cell(v), cell(_side(x.numerator)),
                    cell(_side(x.denominator)), cell(_iv(x.ratio)), cell(x.comparison)] for x in a.engines]
        if engines:
            out.append(("Engine against engine at native best", table(
                ["model", "phase", "batch", "venue", "TensorFlow's best", "the other's best", "ratio (90% interval)",
                 "the claim's reading"], engines)))
        rows = []
        for c in a.cells:
            if c.size_class != "zoo":
                continue
            timed = c.throughput is not None
            rows.append([cell(OPTION_WORDS.get(c.option, c.option)), code(c.setting), cell(c.model),
                         cell(PHASE_WORDS[c.phase]), cell(str(c.batch)), cell(c.status),
                         cell(f"{fmt.number(c.throughput.estimate)} {c.unit}" if timed else
                              (c.error.text(80) if c.error else c.reason or "—")),
                         cell(fmt.seconds(c.step_s) if timed else "—"),
                         cell(fmt.seconds(c.compile_s) if c.compile_s is not None else "—"),
                         cell(f"{c.peak_rss_gib:.1f} GiB" if c.peak_rss_gib is not None else "—"),
                         cell(fmt.percent(c.roof_fraction) if c.roof_fraction is not None else "—")])
        if rows:
            out.append((f"Every option, setting, model and phase ({v})", table(
                ["option", "setting", "model", "phase", "batch", "outcome", "throughput", "step", "compile",
                 "peak memory", "of the roof"], rows)))
        if a.model_info:
            out.append(("The models", table(
                ["model", "implementations", "weights", "FLOPs counted once", "same function?", "cut for the budget"],
                [[cell(m.model), cell(m.architecture),
                  cell(", ".join(f"{k} {n:,}" for k, n in m.parameters.items())),
                  cell(", ".join(f"{k} {fmt.number(n / 1e9)} G" for k, n in m.flops.items())),
                  cell(m.same_function), cell(m.cut or "—")] for m in a.model_info.values()])))
        if a.parity:
            out.append(("Outputs compared after a weight copy", table(
                ["model", "outcome", "largest difference", "output scale"],
                [[cell(p.model), cell(p.status), cell(f"{p.max_abs_diff:.1e}" if p.max_abs_diff is not None else "—"),
                  cell(fmt.number(p.scale) if p.scale is not None else "—")] for p in a.parity])))
        if a.roof:
            out.append(("The machine's measured roof", table(
                ["framework", "GFLOP/s"], [[cell(k), cell(fmt.number(g))] for k, g in a.roof.gflops.items()])
                + f"\nA {a.roof.matmul_n}×{a.roof.matmul_n} float32 matrix product; drift within a worker "
                  f"{fmt.percent(a.roof.drift)}.\n"))
        small = [Section("dispatch-bound models")] if any(c.size_class == "dispatch-bound" for c in a.cells) else []
        if small:
            out.append(("Small models (dispatch-bound)", table(
                ["option", "best setting over the fastest (geometric mean)"],
                [[cell(OPTION_WORDS.get(o, o)), cell(_iv(res.speed["dispatch-bound"]))]
                 for o, res in a.options.items() if "dispatch-bound" in res.speed])))
        return out


STORY = PerformanceStory()
