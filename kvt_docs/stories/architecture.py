"""The architecture claim's story: which backend names Keras accepts and trains on, what tf.keras is, and when
Theano and CNTK last released (from :class:`~evidence.claims.architecture.ArchitectureAssessment`)."""

from __future__ import annotations

from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.assessment_tables import records_table
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, table
from kvt_docs.stories import Story, reason, threshold, venue_caveat
from kvt_docs.svg import OPTION_COLORS, Bar, GridCell, Reference, bar_chart, status_grid

#: The steps a backend name goes through, and the outcome of each for each trial status.
STEPS = ("import keras", "predict", "fit")
STEP_OUTCOMES = {
    "trains": ("works", "works", "works"),
    "inference_only": ("works", "works", "fails"),
    "broken": ("works", "fails", "not_reached"),
    "rejected": ("fails", "not_reached", "not_reached"),
    "unavailable": ("unavailable", "unavailable", "unavailable"),
    "failed": ("fails", "not_reached", "not_reached"),
}
OLD = ("theano", "cntk")
LABEL = {"tensorflow": "TensorFlow", "jax": "JAX", "torch": "PyTorch", "numpy": "NumPy", "openvino": "OpenVINO",
         "theano": "Theano", "cntk": "CNTK", "keras": "Keras"}


def _names(items) -> str:
    return fmt.listing([LABEL.get(i, i) for i in items])


class ArchitectureStory(Story):
    """Keras as a front end on TensorFlow, CNTK or Theano."""

    short = "Architecture"
    article = "Keras is a front end that runs on TensorFlow, CNTK or Theano."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        old = [n for n in OLD if a.last_release.get(n)]
        months = min((a.last_release[n].months_before_listing for n in old), default=None)
        gone = [n for n in OLD if a.backends.get(n) and a.backends[n].status in ("rejected", "ignored")]
        text = f"Keras trains on {_names(a.training_backends()) or 'no backend'}"
        if gone:
            text += f" and refuses {_names(gone)}"
        if months is not None:
            text += f", which have not released for {months}+ months"
        return text + "."

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        version = next((t.keras_version for t in a.backends.values() if t.keras_version), "?")
        out = []
        rejected = [b for b in OLD if b in a.rejected_backends()]
        first = ""
        if rejected and a.backends[rejected[0]].error:
            first = (f"Asked for {_names(rejected)}, Keras {version} stops at import "
                     f"(“{a.backends[rejected[0]].error.text()}”)")
        elif a.ignored_backends():
            first = f"Asked for {_names(a.ignored_backends())}, Keras {version} runs on another backend instead"
        old = [n for n in OLD if a.last_release.get(n)]
        if old:
            limit = int(threshold(r, "discontinued_after_months"))
            releases = fmt.listing([f"{LABEL[n]}'s last release was {a.last_release[n].version} in "
                                    f"{fmt.month(a.last_release[n].month)}" for n in old])
            months = fmt.listing([str(a.last_release[n].months_before_listing) for n in old])
            first += ("; " if first else "") + (f"{releases}, {months} months before the listing, past the "
                                                  f"{limit}-month line")
        if first:
            out.append(first[0].upper() + first[1:] + ".")
        if a.tf_keras:
            if a.tf_keras.is_keras:
                text = (f"In TensorFlow {a.tf_keras.tensorflow_version}, tf.keras is Keras {a.tf_keras.version} "
                        "itself, so TensorFlow is one of Keras's engines rather than the framework under it")
            else:
                text = (f"In TensorFlow {a.tf_keras.tensorflow_version}, tf.keras is not the standalone Keras "
                        f"({a.tf_keras.module}, version {a.tf_keras.version})")
            out.append(text + {"outdated": ": the claim described Keras 2, and is outdated now."}.get(r.verdict, "."))
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        charts = []
        rows = list(a.backends)
        cells = {}
        for b, t in a.backends.items():
            outcomes = STEP_OUTCOMES.get(t.status)
            if t.status == "ignored":
                cells[(LABEL.get(b, b), STEPS[0])] = GridCell("fails", f"ran on {t.active_backend}")
                continue
            for step, outcome in zip(STEPS, outcomes or (), strict=False):
                cells[(LABEL.get(b, b), step)] = GridCell(outcome)
        said = "; ".join(f"{LABEL.get(b, b)}: {t.status.replace('_', ' ')}" for b, t in a.backends.items())
        charts.append(Chart(
            "backends", f"What Keras does with each KERAS_BACKEND name: {said}.",
            "Each backend name given to KERAS_BACKEND: does Keras import, predict and train?",
            status_grid([LABEL.get(b, b) for b in rows], list(STEPS), cells,
                        title="What Keras does with each backend name"),
            "One small model per name, one fit epoch; a name Keras refuses at import reaches no later step. "
            + venue_caveat(r)))
        if a.last_release:
            limit = int(threshold(r, "discontinued_after_months"))
            bars = []
            for name, rel in sorted(a.last_release.items(), key=lambda kv: -(kv[1].months_before_listing
                                                                              if kv[1] else -1)):
                if rel is None:
                    bars.append(Bar(LABEL.get(name, name), None, text="not in the listing"))
                    continue
                color = "#8c8c8c" if name in OLD else OPTION_COLORS["keras-tensorflow"]
                bars.append(Bar(f"{LABEL.get(name, name)} {rel.version}", rel.months_before_listing, color=color,
                                text=f"{rel.months_before_listing} months ({fmt.month(rel.month)})"))
            charts.append(Chart(
                "last-releases", "Months from each package's last release to the listing: "
                + "; ".join(f"{b.label}: {b.text}" for b in bars) + f". The line marks {limit} months.",
                "How long since each engine's package last released",
                bar_chart(bars, title="Months since the last release",
                          x_label=f"months from the last release to the listing ({a.listing})",
                          references=[Reference(limit, f"{limit} months: no longer maintained")]),
                f"Release months from {a.listing}. The line: {reason(r, 'discontinued_after_months')}."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        lines = []
        if len(a.training_backends()) > 1:
            lines.append(f"- **The choice is the engine, not the front end.** Keras code trains on "
                         f"{_names(a.training_backends())}; which of them suits you is what the other claims measure "
                         "(speed, distribution, deployment), and whether your code moves between them is "
                         "[Backend portability](backend_portability.md).")
        if any(a.backends.get(n) and a.backends[n].status != "trains" for n in OLD):
            lines.append(f"- **{_names(OLD)} are not options.** Code or tutorials written for them need a port.")
        if a.tf_keras and a.tf_keras.is_keras:
            lines.append(f"- **tf.keras is Keras {a.tf_keras.version}.** Code that imports `tf.keras` gets Keras 3; "
                         "code that needs Keras 2 behaviour must say so (TensorFlow's release notes name the "
                         "`tf-keras` package and `TF_USE_LEGACY_KERAS`).")
        return "\n".join(lines) + "\n"

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        rows = []
        for b, t in a.backends.items():
            rows.append([f"**{cell(LABEL.get(b, b))}** ({code(b)})", cell(t.status.replace("_", " ")),
                         cell(t.keras_version or "—"), cell(t.active_backend or "—"),
                         cell(fmt.interval(t.cold_import_s, fmt.seconds) if t.cold_import_s else "—"),
                         cell(t.error.text() if t.error else t.reason or "")])
        out = [("Each backend name", table(["name", "outcome", "Keras", "ran on", "cold import keras (median, IQR)",
                                            "error or reason"], rows))]
        if a.history:
            out.append(("The article's era, from the public record", table(
                ["date", "fact", "source"],
                [[cell(h.date), cell(h.fact), f"[{cell(h.title)}]({h.source})"] for h in a.history])))
        if a.tf_keras:
            tk = a.tf_keras
            out.append(("What tf.keras is", table(["", ""], [
                ["TensorFlow", cell(tk.tensorflow_version)], ["tf.keras resolves to", code(tk.module)],
                ["its version", cell(tk.version or "—")],
                ["tf.keras.Model is keras.Model", "yes" if tk.is_keras else "no"]])))
        if a.last_release:
            out.append((f"Last releases ({a.listing})", records_table(
                {LABEL.get(k, k): v for k, v in a.last_release.items() if v}, "package")))
        if a.not_measured:
            out.append(("Not measured", "\n".join(f"- {cell(m)}" for m in a.not_measured) + "\n"))
        return out


STORY = ArchitectureStory()
