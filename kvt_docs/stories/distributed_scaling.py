"""The distributed_scaling claim's story: every distributed run against its single-device program, what a killed
worker does to a multi-process job, and the model-parallel routes (from
:class:`~evidence.claims.distributed_scaling.assessment.DistributedAssessment`)."""

from __future__ import annotations

from evidence.options import LABELS, OPTIONS
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, inline, link, table
from kvt_docs.stories import Story, venue_caveat
from kvt_docs.svg import OPTION_COLORS, Bar, GridCell, bar_chart, status_grid

FAULT_WORDS = {"fails_fast": "fails fast", "hangs": "hangs", "recovers": "recovers",
               "not_reached": "fails before training"}


def _label(run) -> str:
    where = f"{run.processes} processes" if run.multi_process else f"{run.devices} devices"
    return f"{run.what} · {where}"


class DistributedStory(Story):
    """TensorFlow distributes robustly; the better fit for large-scale work."""

    short = "Distributed scaling"
    article = "TensorFlow distributes robustly across devices; better for large-scale work."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        multi = [x for x in a.runs.values() if x.multi_process]
        if not multi:
            return "No multi-process run was measured."
        ok = [x for x in multi if x.status == "works"]
        options = [o for o in OPTIONS if a.multi_process_ok(o)]
        return (f"{len(ok)} of {len(multi)} multi-process runs trained to the single-device loss, for "
                f"{len(options)} of {len(OPTIONS)} options ({', '.join(options) or 'none'}).")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        out = []
        if not a.scale_decided and a.venue_needs:
            needs = a.venue_needs.split(":", 1)[-1].split(";")[0].strip()
            out.append(f"The article's claim is about large-scale work, which needs {needs}: "
                       f"this venue ({a.hosts} machine, {a.cpu_count} CPU cores, {a.accelerators or 'no'} "
                       "accelerators) cannot decide it, so the verdict is inconclusive and what it does show "
                       "(correctness, overhead, fault behaviour) follows as findings.")
        multi_device = [o for o in OPTIONS if a.multi_device_ok(o)]
        sharded = [o for o in OPTIONS if a.model_parallel_ok(o)]
        failing = [x for x in a.runs.values() if x.status == "fails"]
        first = (f"Across devices, {len(multi_device)} of {len(OPTIONS)} options trained correctly (final loss within "
                 f"a relative {fmt.number(a.loss_tolerance)} of the single-device program's); with weights really "
                 f"sharded, {fmt.listing(sharded) or 'none'}")
        if failing:
            first += f"; {len(failing)} runs failed ({fmt.listing(sorted({x.what for x in failing}))})"
        out.append(first + ".")
        faults = [f"{LABELS.get(o, o)} {FAULT_WORDS[f.outcome]}"
                  + (f" ({f.recovery_mechanism})" if f.recovery_mechanism else "")
                  for o in OPTIONS if (f := a.fault_outcome(o)) is not None]
        if faults:
            out.append(f"With one worker killed part-way through training: {'; '.join(faults)}.")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        charts = []
        if a.runs:
            options = [o for o in OPTIONS if any(x.option == o for x in a.runs.values())]
            rows = [_label(x) for x in a.runs.values()]
            cells = {}
            for x in a.runs.values():
                text = (f"loss Δ {fmt.number(x.loss_rel_diff, 2)}" if x.status == "works"
                        and x.loss_rel_diff is not None else "")
                cells[(_label(x), LABELS.get(x.option, x.option))] = GridCell(x.status, text)
            charts.append(Chart(
                "runs", "Each distributed run, under its option: "
                + "; ".join(f"{_label(x)} ({x.option}): {x.status}" for x in a.runs.values()) + ".",
                "Each distributed run against its single-device program: does it train to the same loss?",
                status_grid(rows, [LABELS.get(o, o) for o in options], cells, title="Distributed runs",
                            column_colors={LABELS.get(o, o): OPTION_COLORS[o] for o in options}),
                f"{a.scope} " + venue_caveat(r)))
        faulty = [x for x in a.runs.values() if x.fault is not None]
        if faulty:
            bars = []
            for x in faulty:
                f = x.fault
                text = FAULT_WORDS[f.outcome] + (f" in {fmt.seconds(f.seconds_to_outcome)}"
                                                 if f.seconds_to_outcome is not None else "")
                if f.steps_lost is not None:
                    text += f", {f.steps_lost} steps lost"
                bars.append(Bar(_label(x), f.seconds_to_outcome, color=OPTION_COLORS[x.option], text=text))
            charts.append(Chart(
                "faults", "What each multi-process job did when one worker was killed part-way through training: "
                + "; ".join(f"{b.label}: {b.text}" for b in bars) + ".",
                "A worker killed part-way through training: what the job does, and how long it takes",
                bar_chart(bars, title="A killed worker", x_label="seconds from the kill to the outcome",
                          legend=[(LABELS[o], OPTION_COLORS[o]) for o in OPTIONS]),
                "A job that hangs is called hung at the declared timeout and killed then; recovery runs only in full "
                "mode."))
        if len(charts) < 2 and a.model_parallel:
            options = [o for o in OPTIONS if any(m.option == o for m in a.model_parallel)]
            routes = list(dict.fromkeys(m.route for m in a.model_parallel))
            cells = {(m.route, LABELS.get(m.option, m.option)): GridCell(m.status or "not_run")
                     for m in a.model_parallel}
            charts.append(Chart(
                "model-parallel", "The model-parallel routes each option offers: "
                + "; ".join(f"{m.option}, {m.route}: {m.status or 'not run here'} ({m.statement})"
                            for m in a.model_parallel) + ".",
                "Sharding a model's weights over devices: the routes each option offers",
                status_grid(routes, [LABELS.get(o, o) for o in options], cells, title="Model-parallel routes",
                            column_colors={LABELS.get(o, o): OPTION_COLORS[o] for o in options}),
                "A route not run here rests on its public record (the sources in the details)."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        lines = []
        for o in OPTIONS:
            paths = a.paths_for(o)
            if not paths:
                continue
            works = [x.what for x in paths if x.status == "works"]
            said = f"works with {inline(fmt.listing(sorted(set(works))))}" if works else "no distributed run worked"
            lines.append(f"- **{inline(LABELS.get(o, o))}:** " + said
                         + ("; across processes" if a.multi_process_ok(o) else "; not across processes")
                         + ("; sharded weights" if a.model_parallel_ok(o) else "") + ".")
        return ("Pick by the scale you need and the recovery you want; on one machine these runs prove "
                "correctness and fault behaviour, not speed-up.\n\n" + "\n".join(lines) + "\n")

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        out = []
        rows = [[code(x.id), cell(LABELS.get(x.option, x.option)), cell(x.what), cell(x.kind.replace("_", " ")),
                 str(x.devices), str(x.processes), cell(x.status),
                 cell(fmt.number(x.loss_rel_diff, 2) if x.loss_rel_diff is not None else "—"),
                 cell(fmt.interval(x.samples_per_s) if x.samples_per_s else "—"),
                 cell(fmt.number(x.scaling_efficiency) if x.scaling_efficiency is not None else "—"),
                 cell(str(x.lines.added) if x.lines else "—"),
                 cell(x.error.text(100) if x.error else x.reason or "")] for x in a.runs.values()]
        out.append(("Every run", table(["run", "option", "what", "kind", "devices", "processes", "outcome",
                                        "loss difference", "samples/s", "scaling efficiency", "lines added",
                                        "error or reason"], rows)))
        trials = [[code(x.id), cell(t.mechanism), cell(FAULT_WORDS[t.outcome]),
                   cell(fmt.seconds(t.seconds_to_outcome)), cell(str(t.steps_lost) if t.steps_lost is not None
                                                                 else "—"),
                   cell(t.error.text(100) if t.error else t.note)]
                  for x in a.runs.values() if x.fault for t in x.fault.trials]
        if trials:
            out.append(("Fault trials", table(["run", "recovery mechanism", "outcome", "time to outcome",
                                               "steps lost", "error"], trials)))
        if a.model_parallel:
            out.append(("Model parallelism, per option", table(
                ["option", "route", "status", "what it does", "sources"],
                [[cell(LABELS.get(m.option, m.option)), code(m.route), cell(m.status or "not run here"),
                  cell(m.statement), ", ".join(link(cell(s.title), s.url) for s in m.sources) or "—"]
                 for m in a.model_parallel])))
        issues = {k.url: k for x in a.runs.values() for k in x.known_issues}
        if issues:
            out.append(("Public reports the errors match", "\n".join(f"- {link(cell(k.title), k.url)}"
                                                                      for k in issues.values()) + "\n"))
        return out


STORY = DistributedStory()
