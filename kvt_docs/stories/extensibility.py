"""The extensibility claim's story: what each option extended through its own tools, need by need, what a
compiled op costs, and portability kept apart (from
:class:`~evidence.claims.extensibility.assessment.ExtensibilityAssessment`)."""

from __future__ import annotations

from evidence.options import LABELS, OPTIONS
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, inline, table
from kvt_docs.stories import Story, venue_caveat
from kvt_docs.svg import OPTION_COLORS, Bar, GridCell, bar_chart, status_grid

NEED_STATUS = {"met": "works", "unmet": "fails", "not_tried": "unavailable"}


class ExtensibilityStory(Story):
    """Keras limited beyond its building blocks."""

    short = "Extensibility"
    article = "TensorFlow extends through low-level APIs; Keras is limited to its blocks."

    def _needs(self, a) -> list[str]:
        return list(dict.fromkeys(n for c in a.coverage.values() for n in [*c.met, *c.unmet, *c.not_tried]))

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        needs = self._needs(a)
        keras = [o for o in a.coverage if o != "tensorflow-core"]
        full = [o for o in keras if not a.coverage[o].unmet and not a.coverage[o].not_tried]
        return (f"{len(full)} of {len(keras)} Keras options met all {len(needs)} extension needs through their own "
                "tools, a compiled C++ op included.")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        grads = [c.gradient_check for c in a.cells if c.gradient_check is not None]
        passed = sum(1 for g in grads if g.passed)
        out = []
        compiled = [f"{LABELS.get(o, o)} by {c.mechanism}" for o in a.coverage if (c := a.compiled_op(o)) and c.works]
        if compiled:
            out.append(f"The compiled C++ op ran inside a model on {fmt.listing(compiled)}"
                       + (f"; {passed} of {len(grads)} gradients matched finite differences." if grads else "."))
        if a.portability_tried:
            moved = {fw: ok for fw in ("tensorflow", "jax", "torch") if (ok := a.ported(fw))}
            text = "; ".join(f"{fw} code ran on {sum(v.values())} of {len(v)} other backends"
                             for fw, v in moved.items())
            out.append(f"Portability is reported apart: code written with one framework's API ({text}) measures "
                       "portability, not extensibility.")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        options = [o for o in OPTIONS if o in a.coverage]
        needs = self._needs(a)
        cells = {}
        for o in options:
            cov = a.coverage[o]
            for need in needs:
                status = "met" if need in cov.met else "unmet" if need in cov.unmet else "not_tried" \
                    if need in cov.not_tried else None
                if status is None:
                    continue
                text = f"{len(cov.met[need])} routes" if status == "met" and len(cov.met[need]) > 1 else ""
                cells[(need, LABELS.get(o, o))] = GridCell(NEED_STATUS[status], text)
        charts = [Chart(
            "needs", "Each extension need against each option, met through the option's own tools or not: "
            + "; ".join(f"{LABELS.get(o, o)} met {', '.join(a.coverage[o].met) or 'none'}" for o in options) + ".",
            "Each extension need, met through each option's own tools?",
            status_grid(needs, [LABELS.get(o, o) for o in options], cells, title="Extension needs met",
                        column_colors={LABELS.get(o, o): OPTION_COLORS[o] for o in options}),
            "Met: the extension trained inside a model and its checks passed (values against NumPy, gradients "
            "against finite differences). " + venue_caveat(r))]
        rows = []
        for o in options:
            c = a.compiled_op(o)
            if c is None:
                continue
            build = a.builds.get(c.build) if c.build else None
            seconds = f", built in {fmt.seconds(build.seconds)}" if build and build.seconds is not None else ""
            rows.append(Bar(LABELS.get(o, o), c.lines if c.works else None, color=OPTION_COLORS[o],
                            text=(f"{c.lines} lines ({c.cpp_lines} C++){seconds}" if c.works
                                  else f"{c.status}: {c.reason or ''}"[:60])))
        if rows:
            charts.append(Chart(
                "compiled-op", "Lines of code of each option's compiled C++ op: "
                + "; ".join(f"{b.label} {b.text}" for b in rows) + ".",
                "What a compiled C++ op costs through each option's own mechanism",
                bar_chart(rows, title="Lines of a compiled op", x_label="logical lines (Python and C++)"),
                "The same swish function everywhere; build times are of one build with nothing cached."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        keras = [o for o in a.coverage if o != "tensorflow-core"]
        full = [o for o in keras if not a.coverage[o].unmet and not a.coverage[o].not_tried]
        lines = []
        if keras and full == keras:
            lines.append("- **Keras is not a ceiling here.** Each Keras option met every need through its own tools, "
                         "its framework's mechanisms included, from inside a Keras model; what code written with one "
                         "framework's API gives up is portability to the other backends.")
        for o in keras:
            if a.coverage[o].unmet:
                unmet = inline(", ".join(a.coverage[o].unmet))
                lines.append(f"- **{inline(LABELS.get(o, o))} did not meet:** {unmet}.")
        portable = a.portable_keras_backends()
        everywhere = [route for route, opts in portable.items() if len(opts) >= 3]
        if everywhere:
            lines.append(f"- **For code that must run on every backend**, Keras's own API did it: "
                         f"{len(everywhere)} of {len(portable)} portable routes ran on all three Keras options.")
        kernels = [f"{code(o)} ({inline(c.mechanism)})" for o in a.coverage if (c := a.compiled_op(o)) and c.works]
        if kernels:
            lines.append("- **Compiled kernels** are reachable from " + ", ".join(kernels) + ".")
        return "\n".join(lines) + "\n"

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment

        def rows(cells):
            return [[code(c.option), cell(c.kind.replace("_", " ")), cell(c.mechanism), cell(c.status),
                     cell(str(c.lines)), cell(fmt.number(c.gradient_check.max_error, 2) if c.gradient_check else "—"),
                     cell(c.program), cell(c.error.text(120) if c.error else c.reason or "")] for c in cells]

        header = ["option", "kind", "mechanism", "outcome", "lines", "gradient error", "program", "error or reason"]
        out = [("Every route on its own option", table(header, rows(a.cells)))]
        if a.portability:
            out.append(("Portability: one framework's code on another backend", table(header, rows(a.portability))))
        if a.builds:
            out.append(("Compiled libraries", table(
                ["build", "source", "outcome", "tool", "seconds", "C++ lines", "library"],
                [[code(b.id), code(b.source), cell(b.status), cell(b.tool), cell(fmt.seconds(b.seconds)),
                  str(b.cpp_lines), cell(fmt.size(b.library_bytes))] for b in a.builds.values()])))
        return out


STORY = ExtensibilityStory()
