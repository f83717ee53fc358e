"""The backend_portability claim's story: the share of a corpus of Keras programs that ran unchanged on every
backend, the model program trained and cross-loaded, and what did not port (from
:class:`~evidence.claims.backend_portability.assessment.PortabilityAssessment`)."""

from __future__ import annotations

from evidence.options import BACKEND_OPTION
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, link, table
from kvt_docs.stories import Story, reason, threshold, venue_caveat
from kvt_docs.svg import NEUTRAL, OPTION_COLORS, Bar, GridCell, Reference, bar_chart, status_grid

LABEL = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch", "numpy": "NumPy", "openvino": "OpenVINO"}


def _share(s) -> str:
    return f"{s.ported} of {s.tried} ({fmt.percent(s.share)})"


class PortabilityStory(Story):
    """Keras switching between backends."""

    short = "Backend portability"
    article = "Keras switches easily between engines; TensorFlow has one engine."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        backends = fmt.listing([LABEL.get(b, b) for b in a.trained])
        text = (f"{_share(a.share_keras_only)} of our own corpus programs written to the Keras API alone ran unchanged "
                f"on {backends}")
        arch = a.share_architectures
        if arch.tried:
            text += (f"; {_share(arch)} architectures from the field's libraries (code nobody here wrote) trained "
                     "under each and loaded under each other backend with the same predictions")
        return text + "."

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        supported, refuted = threshold(r, "supported_share"), threshold(r, "refuted_share")
        first = (f"“Switches easily” needs {fmt.percent(supported)} and is refuted below {fmt.percent(refuted)}; "
                 f"with the programs that import a framework themselves, {_share(a.share_overall)} ran everywhere")
        accs = [f"{LABEL.get(b, b)} {t.test_accuracy:.3f}" for b, t in a.trained.items() if t.test_accuracy is not None]
        equal = [c for c in a.loads if c.saved_under != c.loaded_by and c.status == "works" and c.equal]
        cross = [c for c in a.loads if c.saved_under != c.loaded_by]
        program = next((t.program for t in a.trained.values()), "the model program")
        if accs:
            first += (f", the model program {program} trained unchanged on each backend ({', '.join(accs)}) and "
                      f"{len(equal)} of {len(cross)} models saved under one backend predicted the same under another")
        out = [first + "."]
        if a.architectures:
            names = fmt.listing([x.title.split(":")[0] for x in a.architectures if len(x.tried()) >= 2])
            out.append(f"Counted apart, code nobody here wrote: {_share(a.share_architectures)} of the architectures "
                       f"from KerasHub and keras.applications ({names}), built from their configurations with random "
                       "weights, ported (trained a few steps under each backend, saved under each, loaded under each "
                       f"other within {fmt.number(threshold(r, 'architecture_tolerance'))} of the saving backend's "
                       "predictions).")
        if a.failure_classes:
            classes = "; ".join(f"{f.title[0].lower()}{f.title[1:]} ({f.runs} of the corpus runs)"
                                for f in a.failure_classes[:3])
            out.append(f"What did not port: {classes}.")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        charts = []
        if a.corpus:
            backends = list(dict.fromkeys(b for p in a.corpus for b in p.runs))
            cells = {}
            for p in a.corpus:
                for b, run in p.runs.items():
                    text = "" if run.status == "works" else (run.failure_class or "").replace("_", " ")[:18]
                    cells[(_program(p), LABEL.get(b, b))] = GridCell(run.status, text)
            charts.append(Chart(
                "corpus", "Each corpus program run unchanged under each training backend: "
                + "; ".join(f"{_program(p)}: " + ", ".join(f"{LABEL.get(b, b)} {run.status}"
                                                           for b, run in p.runs.items()) for p in a.corpus) + ".",
                "Each program of the corpus, unchanged, on each backend",
                status_grid([_program(p) for p in a.corpus], [LABEL.get(b, b) for b in backends], cells,
                            title="The corpus on each backend",
                            column_colors={LABEL.get(b, b): OPTION_COLORS[BACKEND_OPTION[b]] for b in backends}),
                "Programs marked * import a framework besides Keras themselves (not code written to the Keras API "
                "alone). " + venue_caveat(r)))
        rows = [Bar(f"on {LABEL.get(b, b)}", s.share, color=OPTION_COLORS[BACKEND_OPTION[b]],
                    text=_share(s)) for b, s in a.shares.items()]
        rows += [Bar("on every backend", a.share_overall.share, color=NEUTRAL, text=_share(a.share_overall)),
                 Bar("on every backend, Keras API alone", a.share_keras_only.share, color="#2e7d32",
                     text=_share(a.share_keras_only))]
        for framework, s in a.shares_by_imports.items():  # by what the programs import besides Keras
            if framework != "keras":
                rows.append(Bar(f"on every backend, importing {LABEL.get(framework, framework)}", s.share,
                                color="#8c8c8c", text=_share(s)))
        supported, refuted = threshold(r, "supported_share"), threshold(r, "refuted_share")
        charts.append(Chart(
            "shares", "Share of the corpus programs that ran unchanged: "
            + "; ".join(f"{b.label} {b.text}" for b in rows)
            + f". Lines at {fmt.percent(supported)} (supported) and {fmt.percent(refuted)} (refuted).",
            "Share of the corpus that ran unchanged, against the decision lines",
            bar_chart(rows, title="Share of the corpus that ran unchanged", domain=(0.0, 1.0),
                      x_label="share of the corpus programs (programs broken on every backend left out)",
                      references=[Reference(supported, f"supported from {fmt.percent(supported)}"),
                                  Reference(refuted, f"refuted below {fmt.percent(refuted)}")],
                      tick_format=fmt.percent),
            f"The corpus is small ({len(a.corpus)} programs in this run); the verdict counts the programs written to "
            "the Keras API alone, as the claim is about switching without code changes."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        share = a.share_keras_only
        lines = [f"- **Code written to the Keras API alone**: {_share(share)} of such corpus programs ran unchanged "
                 "on every training backend" + (", and every model saved as a `.keras` file loaded under every "
                                                "backend." if a.loads and all(c.status == "works" and c.equal
                                                                            for c in a.loads) else ".")]
        for f in a.failure_classes:
            lines.append(f"- **{cell(f.title)} ties you to one engine.** {cell(f.portable_route.capitalize())}.")
        oks = [s for s in a.switches if s.ok]
        if a.switches:
            lines.append(f"- **Switching between Keras options**: {len(oks)} of {len(a.switches)} pairs passed the "
                         "switch rule (same program, comparable accuracy, saved models loading both ways).")
        return "\n".join(lines) + "\n"

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        out = []
        if a.trained:
            out.append(("The model program on each backend", table(
                ["backend", "outcome", "test accuracy", "epochs", "seconds per epoch (median, IQR)", "first epoch"],
                [[cell(LABEL.get(b, b)), cell(t.status), cell(fmt.number(t.test_accuracy)), cell(str(t.epochs or "—")),
                  cell(fmt.interval(t.epoch_s, fmt.seconds) if t.epoch_s else "—"),
                  cell(fmt.seconds(t.first_epoch_s))] for b, t in a.trained.items()])
                + f"\nSpread allowed: {fmt.number(threshold(r, 'accuracy_tolerance'))} "
                  f"({cell(reason(r, 'accuracy_tolerance'))}).\n"))
        if a.loads:
            savers = list(dict.fromkeys(c.saved_under for c in a.loads))
            loaders = list(dict.fromkeys(c.loaded_by for c in a.loads))
            rows = []
            for saver in savers:
                row = [f"saved under **{LABEL.get(saver, saver)}**"]
                for loader in loaders:
                    c = a.load(saver, loader)
                    if c is None:
                        row.append("—")
                    elif c.status != "works":
                        row.append(cell(f"{c.status}: {c.error.text(80) if c.error else c.reason or ''}"))
                    else:
                        text = f"{'✓' if c.equal else '✗'} {fmt.number(c.max_abs_diff, 2)}"
                        if c.reduced_precision:
                            text += f" ({c.precision}; f32 hint {fmt.number(c.f32_max_abs_diff, 2)})"
                        row.append(cell(text))
                rows.append(row)
            out.append(("Saved under one backend, loaded under another", table(
                ["largest difference in predictions"] + [f"loaded by {LABEL.get(x, x)}" for x in loaders], rows)
                + f"\nEqual means within {fmt.number(threshold(r, 'prediction_tolerance'))} "
                  f"({cell(reason(r, 'prediction_tolerance'))}).\n"))
        if a.switches:
            out.append(("Switching between Keras options", table(
                ["between", "passes the switch rule", "detail"],
                [[f"{code(s.a)} and {code(s.b)}", "yes" if s.ok else "no", cell(s.detail)] for s in a.switches])))
        if a.failure_classes:
            out.append(("What did not port, by class", table(
                ["class", "runs", "programs", "where", "one real error", "ports instead", "public record"],
                [[cell(f.title), cell(f"{f.runs} ({fmt.percent(f.share_of_runs)})"), cell(", ".join(f.programs)),
                  cell(", ".join(LABEL.get(b, b) for b in f.backends)),
                  cell(f"{f.example.text(160)} ({f.example_program} on {LABEL.get(f.example_backend)})"),
                  cell(f.portable_route), link("source", f.reference)] for f in a.failure_classes])))
        if a.architectures:
            out.append(("Architectures from the field's libraries (code nobody here wrote)", _architectures(r)))
        if a.corpus:
            out.append(("The corpus", table(
                ["program", "what it is", "modelled on", "imports"] + [LABEL.get(b, b) for b in a.trained],
                [[code(p.program), cell(p.title), cell(p.modelled_on), cell(", ".join(p.imports))]
                 + [cell(p.runs[b].status + (f" ({p.runs[b].failure_class})" if p.runs[b].failure_class else ""))
                    if b in p.runs else "—" for b in a.trained] for p in a.corpus])))
        if a.inference_only:
            out.append(("Inference-only backends", table(
                ["backend", "training attempt", "what fit raised"],
                [[cell(LABEL.get(b, b)), cell(i.status), cell(i.error.text() if i.error else i.reason or "")]
                 for b, i in a.inference_only.items()])))
        return out


def _architectures(r: ResultFile) -> str:
    """The third-party architectures: what each is, how it was built, and how it fared under each backend."""
    a = r.assessment
    rows = []
    for x in a.architectures:
        config = ", ".join(f"{k}={v}" for k, v in x.config.items())
        runs = []
        for run in x.runs.values():
            text = run.status
            if run.status == "works" and run.losses:
                text += f" (loss {run.losses[0]:.3g} → {run.losses[-1]:.3g})"
            elif run.error:
                text += f" ({run.error.text(80)})"
            runs.append(cell(text))
        cross = x.cross_loads()
        worst = max((c.relative_diff for c in cross if c.relative_diff is not None), default=None)
        rows.append([cell(x.title), code(x.program), cell((f"preset {x.preset}: " if x.preset else "") + config),
                     cell(f"{x.params:,}" if x.params else "—"),
                     cell(", ".join(f"{k} {v}" for k, v in x.inputs.items())), *runs,
                     cell(f"{sum(c.equal for c in cross)} of {len(cross)}"
                          + (f" (worst {fmt.number(worst, 2)})" if worst is not None else "")),
                     "yes" if x.ported() else "no"])
    backends = list(dict.fromkeys(b for x in a.architectures for b in x.runs))
    return table(["architecture", "program", "configuration (random weights)", "parameters", "fed"]
                 + [f"on {LABEL.get(b, b)}" for b in backends] + ["cross-backend loads equal", "ported"], rows) + (
        f"\nEqual means a relative difference within {fmt.number(threshold(r, 'architecture_tolerance'))} "
        f"({cell(reason(r, 'architecture_tolerance'))}). {venue_caveat(r)}\n")


def _program(p) -> str:
    name = p.program.rsplit("/", 1)[-1].removesuffix(".py")
    return name + ("" if p.keras_only else " *")


STORY = PortabilityStory()
