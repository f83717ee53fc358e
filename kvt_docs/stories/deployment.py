"""The deployment claim's story: every option taken to every target, the lines each needs against TensorFlow
core's, and the artifacts' sizes (from :class:`~evidence.claims.deployment.assessment.DeploymentAssessment`)."""

from __future__ import annotations

from evidence.options import KERAS_OPTIONS, LABELS, OPTIONS, TF_CORE
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, table
from kvt_docs.stories import Story, reason, venue_caveat
from kvt_docs.svg import OPTION_COLORS, Bar, GridCell, Section, bar_chart, status_grid

OUTCOME = {"easier": "easier", "harder": "harder", "same": "same, within the margin", "only_keras": "only Keras",
           "only_core": "only TensorFlow core"}


def _targets(a, names) -> str:
    return fmt.listing([a.targets[t].label if t in a.targets else t for t in names])


class DeploymentStory(Story):
    """Keras models lighter and easier to deploy."""

    short = "Deployment"
    article = "Keras models are lighter and easier to deploy; TensorFlow needs extra steps."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        easier = [o for o, e in a.ease.items() if e.easier]
        margin = a.ease_margin_lines
        size = (f"; Keras's artifacts are {fmt.ratio(a.weight.median_ratio)} TensorFlow core's size"
                if a.weight.median_ratio is not None else "")
        lead = ("No Keras option is easier to deploy than TensorFlow core" if not easier else
                f"{len(easier)} of {len(a.ease)} Keras options are easier to deploy than TensorFlow core")
        return f"{lead} ({margin}+ fewer lines on more targets than more){size}."

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        margin = a.ease_margin_lines
        parts = []
        for o, e in a.ease.items():
            bits = []
            if e.easier_on:
                bits.append(f"easier on {_targets(a, e.easier_on)}")
            if e.harder_on:
                bits.append(f"harder on {_targets(a, e.harder_on)}")
            if e.same_on:
                bits.append(f"within {margin} lines on {len(e.same_on)}")
            said = ", ".join(bits) or "no target compared"
            parts.append(f"{LABELS.get(o, o)} {said}")
        out = ["Against TensorFlow core, target by target: " + "; ".join(parts) + "."]
        reach = "; ".join(f"{LABELS.get(o, o)} {len(a.reach(o))}" for o in OPTIONS
                          if any(c.option == o for c in a.cells))
        out.append(f"Targets each option reaches with an artifact that loads in a fresh process and answers like "
                   f"the original: {reach}.")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        options = [o for o in OPTIONS if any(c.option == o for c in a.cells)]
        targets = list(a.targets)
        cells = {}
        for c in a.cells:
            text = f"{c.lines} lines" if c.status == "works" and c.lines is not None else ""
            cells[(a.targets[c.target].label, LABELS.get(c.option, c.option))] = GridCell(c.status, text)
        unavailable = sorted({c.why_unavailable.split(":")[0] for c in a.cells if c.status == "unavailable"
                              and c.why_unavailable})
        charts = [Chart(
            "targets", "Each option on each deployment target: "
            + "; ".join(f"{LABELS.get(c.option, c.option)} on {a.targets[c.target].label}: {c.status}"
                        for c in a.cells) + ".",
            "Each option taken to each target: does the artifact load fresh and answer like the original?",
            status_grid([a.targets[t].label for t in targets], [LABELS.get(o, o) for o in options], cells,
                        title="Each option on each target",
                        column_colors={LABELS.get(o, o): OPTION_COLORS[o] for o in options}),
            "Lines: what a user writes to export, load and predict. "
            + (f"Could not try: {'; '.join(unavailable)}. " if unavailable else "") + venue_caveat(r))]
        rows: list[Bar | Section] = []
        compared = list(dict.fromkeys(t.target for e in a.ease.values() for t in e.targets))
        for target in compared:
            rows.append(Section(a.targets[target].label if target in a.targets else target))
            core = next((t.core_lines for e in a.ease.values() for t in e.targets if t.target == target
                         and t.core_lines is not None), None)
            for o in KERAS_OPTIONS:
                t = next((t for t in a.ease.get(o).targets if t.target == target), None) if o in a.ease else None
                if t is None:
                    continue
                worked = t.outcome != "only_core" and t.keras_lines is not None
                rows.append(Bar(LABELS[o], t.keras_lines if worked else None, color=OPTION_COLORS[o],
                                text=f"{t.keras_lines} lines ({OUTCOME[t.outcome]})" if worked else "did not work"))
            rows.append(Bar(LABELS[TF_CORE], core, color=OPTION_COLORS[TF_CORE],
                            text=f"{core} lines" if core is not None else "did not work"))
        if compared:
            charts.append(Chart(
                "lines", "Lines of code to deploy, per target both Keras and TensorFlow core reach: "
                + "; ".join(f"{b.label} {b.text}" for b in rows if isinstance(b, Bar)) + ".",
                "Lines a user writes to deploy to each target, Keras options against TensorFlow core",
                bar_chart(rows, title="Lines to deploy, per target", x_label="logical lines (export, load, predict)",
                          legend=[(LABELS[o], OPTION_COLORS[o]) for o in OPTIONS]),
                f"A difference counts from {a.ease_margin_lines} lines ({reason(r, 'ease_margin_lines')}). "
                "Counted in the programs that ran (deploy_*.py); the browser targets reuse the ONNX and LiteRT "
                "exports."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        lines = []
        for target, info in a.targets.items():
            works = [o for o in OPTIONS if (c := a.cell(o, target)) is not None and c.status == "works"]
            fails = [o for o in OPTIONS if (c := a.cell(o, target)) is not None and c.status == "fails"]
            if not works and not fails:
                continue
            text = f"- **{cell(info.label)}:** " + (", ".join(code(o) for o in works) or "no option") + " reach it"
            if fails:
                text += "; " + ", ".join(code(o) for o in fails) + " failed"
            lines.append(text + ".")
        outcomes = [t.outcome for e in a.ease.values() for t in e.targets]
        if outcomes and all(o == "same" for o in outcomes):
            lead = (f"Pick by the target you need: where both reach it, the Keras options and TensorFlow core "
                    f"differ by fewer than {a.ease_margin_lines} lines.")
        else:
            lead = "Pick by the target you need; which options reach it:"
        return lead + "\n\n" + "\n".join(lines) + "\n"

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        rows = []
        for c in a.cells:
            batch1 = next((x for x in c.latency if x.batch == 1), None)
            rows.append([code(c.option), cell(a.targets[c.target].label), cell(c.status),
                         cell(str(c.lines) if c.lines is not None else "—"),
                         cell(str(c.steps) if c.steps is not None else "—"), cell(fmt.size(c.artifact_bytes)),
                         cell(fmt.interval(c.cold_start_s, fmt.seconds) if c.cold_start_s else "—"),
                         cell(f"{fmt.number(batch1.p50_ms)} ms" if batch1 else "—"),
                         cell(fmt.number(c.parity_max_abs_diff, 2)),
                         cell((c.error.text(120) if c.error else "") or c.reason or c.why_unavailable or "")])
        out = [("Every cell", table(["option", "target", "outcome", "lines", "steps", "artifact", "cold start",
                                     "latency p50, batch 1", "largest difference", "error or reason"], rows))]
        if a.weight.pairs:
            out.append(("Artifact sizes, Keras on TensorFlow against TensorFlow core", table(
                ["target", "Keras on TensorFlow", "TensorFlow core", "ratio"],
                [[cell(a.targets[p.target].label), cell(fmt.size(p.keras_bytes)), cell(fmt.size(p.core_bytes)),
                  cell(fmt.ratio(p.keras_bytes / p.core_bytes))] for p in a.weight.pairs])))
        for o, e in a.ease.items():
            out.append((f"{LABELS.get(o, o)} against TensorFlow core", table(
                ["target", "outcome", "lines (Keras / core)", "steps (Keras / core)"],
                [[cell(a.targets[t.target].label), cell(t.outcome.replace("_", " ")),
                  cell(f"{t.keras_lines} / {t.core_lines}"), cell(f"{t.keras_steps} / {t.core_steps}")]
                 for t in e.targets])
                + ("\nNot compared: " + "; ".join(f"{cell(a.targets[t].label if t in a.targets else t)} ({cell(why)})"
                                                 for t, why in e.not_compared.items()) + ".\n"
                   if e.not_compared else "")))
        if a.corruption:
            out.append(("Damaged artifacts", table(
                ["target", "copy of", "damage", "what the loader did"],
                [[cell(a.targets[c.target].label), code(c.option), cell(x.kind),
                  cell(x.outcome + (" — silent corruption" if x.silent_corruption else "")
                       + (f" ({x.error.text(100)})" if x.error else ""))]
                 for c in a.corruption for x in c.outcomes])))
        if a.environments:
            out.append(("Virtual environments of their own", table(
                ["environment", "ready", "built", "why not"],
                [[code(k), "yes" if v.ok else "no", cell(fmt.date(v.created) if v.created else "—"),
                  cell(v.why or "")] for k, v in a.environments.items()])))
        return out


STORY = DeploymentStory()
