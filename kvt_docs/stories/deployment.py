"""The deployment claim's story: the zoo's models (ResNet-50, a BERT-base encoder, MobileNetV3-Small) taken by every
option to every target, the extra steps each route asks of a user against TensorFlow core's, the artifacts' sizes,
cold starts and latencies (from :class:`~evidence.claims.deployment.assessment.DeploymentAssessment`). Every number
shown names its model, batch, phase and venue."""

from __future__ import annotations

from evidence.options import LABELS, OPTIONS
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, error_details, table
from kvt_docs.stories import Story, reason, venue_caveat
from kvt_docs.svg import OPTION_COLORS, Bar, GridCell, Section, bar_chart, status_grid

OUTCOME = {"easier": "easier", "harder": "harder", "same": "same, within the margin", "only_keras": "only Keras",
           "only_core": "only TensorFlow core"}
MODEL_LABELS = {"resnet50": "ResNet-50", "bert_base": "BERT-base", "mobilenet_v3_small": "MobileNetV3-Small"}


def _model(a, name: str) -> str:
    info = a.model_info(name)
    label = MODEL_LABELS.get(name, name)
    return f"{label}{' (tiny)' if info and info.tiny else ''}"


def _pair(a, key: str) -> str:
    model, target = key.split("/", 1) if "/" in key else ("", key)
    label = a.targets[target].label if target in a.targets else target
    return f"{_model(a, model)} {label}" if model else label


def _pairs(a, keys) -> str:
    return fmt.listing([_pair(a, k) for k in keys])


class DeploymentStory(Story):
    """Keras models lighter and easier to deploy."""

    short = "Deployment"
    article = "Keras models are lighter and easier to deploy; TensorFlow needs extra steps."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        easier = [o for o, e in a.ease.items() if e.easier]
        size = (f"; Keras's artifacts are {fmt.ratio(a.weight.median_ratio)} TensorFlow core's size"
                if a.weight.median_ratio is not None else "")
        lead = ("No Keras option is easier to deploy than TensorFlow core" if not easier else
                f"{len(easier)} of {len(a.ease)} Keras options are easier to deploy than TensorFlow core")
        return (f"{lead} (fewer extra steps beyond the export call on more model-target pairs than more, "
                f"ResNet-50, BERT-base and MobileNetV3-Small){size}.")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        parts = []
        for o, e in a.ease.items():
            bits = []
            if e.easier_on:
                bits.append(f"easier on {_pairs(a, e.easier_on)}")
            if e.harder_on:
                bits.append(f"harder on {_pairs(a, e.harder_on)}")
            if e.same_on:
                bits.append(f"the same on {len(e.same_on)}")
            parts.append(f"{LABELS.get(o, o)} {', '.join(bits) or 'nothing compared'}")
        out = ["Against TensorFlow core, counting what a user must do beyond the export call (packages, "
               "environments, shape signatures, detours): " + "; ".join(parts) + "."]
        reach = []
        for o in OPTIONS:
            cells = [c for c in a.cells if c.option == o and c.status != "not_applicable"]
            if cells:
                reach.append(f"{LABELS.get(o, o)} {sum(c.status == 'works' for c in cells)} of {len(cells)}")
        out.append("Model-target pairs where the artifact loads in a fresh process and answers like the original: "
                   + "; ".join(reach) + f" ({r.venue}).")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        options = [o for o in OPTIONS if any(c.option == o for c in a.cells)]
        rows_order = [f"{_model(a, m)} {a.targets[t].label}" for m, ts in a.model_targets.items() for t in a.targets
                      if t in ts]
        cells = {}
        for c in a.cells:
            text = f"{len(c.extra_steps)} extra" if c.status == "works" else ""
            cells[(f"{_model(a, c.model)} {a.targets[c.target].label}", LABELS.get(c.option, c.option))] = GridCell(
                c.status, text)
        unavailable = sorted({c.why_unavailable.split(":")[0] for c in a.cells if c.status == "unavailable"
                              and c.why_unavailable})
        charts = [Chart(
            "targets", "Each option taking each model to each deployment target: "
            + "; ".join(f"{LABELS.get(c.option, c.option)}, {_model(a, c.model)} on {a.targets[c.target].label}: "
                        f"{c.status}" for c in a.cells) + ".",
            "Each option taking each model to each target: does the artifact load fresh and answer like the original?",
            status_grid(rows_order, [LABELS.get(o, o) for o in options], cells,
                        title="Each model on each target, per option",
                        column_colors={LABELS.get(o, o): OPTION_COLORS[o] for o in options}),
            "Extra: steps a user takes beyond the export call (packages, environments, shape signatures, "
            "detours). " + (f"Could not try: {'; '.join(unavailable)}. " if unavailable else "") + venue_caveat(r))]
        bars: list[Bar | Section] = []
        for model in a.model_targets:
            lat = [(c, x) for c in a.cells if c.model == model and c.status == "works" for x in c.latency]
            if not lat:
                continue
            batch = max(x.batch for _, x in lat)
            for b in sorted({1, batch}):
                bars.append(Section(f"{_model(a, model)}, inference, batch {b}"))
                for c, x in sorted((p for p in lat if p[1].batch == b), key=lambda p: p[1].p50_ms):
                    bars.append(Bar(f"{LABELS.get(c.option, c.option)} · {a.targets[c.target].label}", x.p50_ms,
                                    color=OPTION_COLORS[c.option], text=f"{fmt.number(x.p50_ms)} ms"))
        if bars:
            charts.append(Chart(
                "latency", "Inference latency p50 per model, batch and target: "
                + "; ".join(f"{b.label} {b.text}" for b in bars if isinstance(b, Bar)) + ".",
                "Inference latency (p50) of each working artifact, per model and batch size",
                bar_chart(bars, title="Inference latency p50", x_label=f"milliseconds per call ({r.venue})",
                          legend=[(LABELS[o], OPTION_COLORS[o]) for o in OPTIONS]),
                "Each call timed in a fresh serving process after warm-up calls. " + venue_caveat(r)))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        lines = []
        for model, targets in a.model_targets.items():
            for target in targets:
                cells = [c for c in a.cells if c.model == model and c.target == target]
                works = [c.option for c in cells if c.status == "works"]
                fails = [c for c in cells if c.status == "fails"]
                if not works and not fails:
                    continue
                text = (f"- **{cell(_model(a, model))} to {cell(a.targets[target].label)}:** "
                        + (", ".join(code(o) for o in works) or "no option")
                        + (" reaches it" if len(works) <= 1 else " reach it"))
                if fails:
                    why = {c.option: c.error.text(90) if c.error else c.reason or "" for c in fails}
                    text += "; " + ", ".join(f"{code(o)} failed: {error_details(w)}" for o, w in why.items())
                lines.append(text + ".")
        return "Pick by the model and the target you need; which options reach it:\n\n" + "\n".join(lines) + "\n"

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        rows = []
        for c in a.cells:
            lat = {x.batch: x for x in c.latency}
            big = max(lat) if lat else None
            rows.append([code(c.option), cell(_model(a, c.model)), cell(a.targets[c.target].label), cell(c.status),
                         cell(c.route or "—"), cell(", ".join(c.extra_steps) or "—"),
                         cell(fmt.size(c.artifact_bytes)),
                         cell(fmt.interval(c.cold_start_s, fmt.seconds) if c.cold_start_s else "—"),
                         cell(f"{fmt.number(lat[1].p50_ms)} ms" if 1 in lat else "—"),
                         cell(f"{fmt.number(lat[big].p50_ms)} ms (batch {big})" if big and big != 1 else "—"),
                         cell(fmt.number(c.parity_max_abs_diff, 2)),
                         cell("; ".join(c.blockers) + (f" (got past by {c.got_past_by})" if c.got_past_by else "")
                              or "—"),
                         error_details((c.error.text(120) if c.error else "") or c.reason or c.why_unavailable or "")])
        out = [(f"Every cell ({r.venue})", table(
            ["option", "model", "target", "outcome", "route", "extra steps", "artifact",
             "cold start (fresh process, batch 1)", "inference p50, batch 1", "inference p50, larger batch",
             "largest difference", "blocked by", "error or reason"], rows))]
        first: list = next(iter(a.models.values()), [])
        if first:
            out.append(("Models (random weights, built from their configurations)", table(
                ["model", "builder", "weights", "input", "output", "configuration"],
                [[cell(_model(a, m.name)), code(m.builder), cell(f"{m.params:,}"),
                  cell(f"{m.input_shape} {m.input_dtype}"), cell(str(m.output_shape)), cell(str(m.config))]
                 for m in first])
                + "\nCut to fit the time budget: " + cell("; ".join(a.cuts)) + ".\n"))
        if a.weight.pairs:
            out.append(("Artifact sizes, Keras on TensorFlow against TensorFlow core", table(
                ["model", "target", "Keras on TensorFlow", "TensorFlow core", "ratio"],
                [[cell(_model(a, p.model)), cell(a.targets[p.target].label), cell(fmt.size(p.keras_bytes)),
                  cell(fmt.size(p.core_bytes)), cell(fmt.ratio(p.keras_bytes / p.core_bytes))]
                 for p in a.weight.pairs])))
        for o, e in a.ease.items():
            out.append((f"{LABELS.get(o, o)} against TensorFlow core", table(
                ["model", "target", "outcome", "extra steps (Keras)", "extra steps (core)", "lines (Keras / core)"],
                [[cell(_model(a, t.model)), cell(a.targets[t.target].label), cell(OUTCOME[t.outcome]),
                  cell(", ".join(t.keras_extra) or "none"), cell(", ".join(t.core_extra) or "none"),
                  cell(f"{t.keras_lines} / {t.core_lines}")] for t in e.targets])
                + (f"\nA difference counts from {a.ease_margin_steps} extra step "
                   f"({cell(reason(r, 'ease_margin_steps'))}).\n")
                + ("\nNot compared: " + "; ".join(f"{cell(_pair(a, k))} ({cell(why)})"
                                                  for k, why in e.not_compared.items()) + ".\n"
                   if e.not_compared else "")))
        if a.corruption:
            out.append(("Damaged artifacts", table(
                ["model", "target", "copy of", "damage", "what the loader did"],
                [[cell(_model(a, c.model)), cell(a.targets[c.target].label), code(c.option), cell(x.kind),
                  cell(x.outcome + (" — silent corruption" if x.silent_corruption else ""))
                  + (" " + error_details(x.error.text(100)) if x.error else "")]
                 for c in a.corruption for x in c.outcomes])))
        if a.environments:
            out.append(("Virtual environments of their own", table(
                ["environment", "ready", "built", "why not"],
                [[code(k), "yes" if v.ok else "no", cell(fmt.date(v.created) if v.created else "—"),
                  cell(v.why or "")] for k, v in a.environments.items()])))
        return out


STORY = DeploymentStory()
