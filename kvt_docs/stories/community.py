"""The community claim's story: TensorFlow's and Keras's third-party ecosystems compared on three signals against a
noise band, the frameworks' own builds and first-party packages set apart, and what a package listing cannot say
(from :class:`~evidence.claims.community.CommunityAssessment`)."""

from __future__ import annotations

from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, table
from kvt_docs.stories import Story, reason, threshold
from kvt_docs.svg import NEUTRAL, OPTION_COLORS, Band, Bar, Reference, Section, bar_chart

#: The three signals, in words (the assessment's keys).
SIGNALS = {"packages": "third-party packages", "active": "third-party packages released in the last year",
           "widely_downloaded": "third-party packages among the most downloaded"}
ECOSYSTEMS = {"tensorflow": ("TensorFlow", OPTION_COLORS["tensorflow-core"]),
              "keras": ("Keras", OPTION_COLORS["keras-tensorflow"]),
              "torch": ("PyTorch", OPTION_COLORS["keras-torch"]), "jax": ("JAX", OPTION_COLORS["keras-jax"])}
SIDE = {"favours_tensorflow": "favours TensorFlow", "favours_keras": "favours Keras",
        "within_noise": "within the noise band", "too_few": "too few to compare"}
ORIGINS = {"framework": "the framework itself (builds, nightlies, stubs)", "first_party": "its organisation's",
           "third_party": "third party"}


def _signal_words(a, key: str) -> str:
    s = a.signals[key]
    return f"{SIGNALS.get(key, key)} {fmt.ratio(s.ratio.estimate)}"


class CommunityStory(Story):
    """TensorFlow's community against Keras's."""

    short = "Community"
    article = "TensorFlow's community is larger and more active than Keras's."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        if not a.signals:
            return "No listing was analysed."
        tf_side = [k for k, s in a.signals.items() if s.status == "favours_tensorflow"]
        p = a.signals.get("packages")
        lead = (f"TensorFlow has {fmt.ratio(p.ratio.estimate)} Keras's third-party packages ({p.tensorflow:,} to "
                f"{p.keras:,})" if p else "")
        return (f"{lead}; {len(tf_side)} of {len(a.signals)} signals favour TensorFlow beyond the "
                f"{fmt.ratio(a.noise_band)} noise band; a package listing cannot show the people of a community.")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        if not a.signals:
            return []
        said = "; ".join(f"{_signal_words(a, k)} ({SIDE[s.status]})" for k, s in a.signals.items())
        torch = a.ecosystems.get("torch")
        out = [f"TensorFlow over Keras in the {a.source}, third-party packages only: {said}; a ratio within "
               f"{fmt.ratio(1 / a.noise_band, 2)}–{fmt.ratio(a.noise_band)} is no difference, a signal with fewer "
               f"than {a.min_count} packages on a side is not read, and a verdict other than inconclusive needs "
               f"{int(threshold(r, 'min_signals_for_support'))} signals beyond the band."]
        tf = a.ecosystems.get("tensorflow")
        if tf is not None:
            fw, fp = tf.by_origin["framework"], tf.by_origin["first_party"]
            out.append(f"Set apart, not counted as a community: TensorFlow's {fw.packages} builds of itself "
                       f"(tensorflow-cpu, tf-nightly, types-tensorflow…; {fw.widely_downloaded} widely downloaded) "
                       f"and {fp.packages} packages of its own organisation (TFX, TF Hub, TF Datasets…; "
                       f"{fp.widely_downloaded} widely downloaded); Keras's likewise.")
        if a.cannot_say:
            out.append("A package listing cannot say " + "; ".join(a.cannot_say) + ": the verdict claims none of "
                       "it, so it is at most partly supported.")
        second = ("Download ranks cannot decide it, since "
                  + (f"{a.keras_is_a_tensorflow_dependency}: every TensorFlow install is also a Keras download"
                     if a.keras_is_a_tensorflow_dependency else
                     "keras is a dependency of tensorflow: every TensorFlow install is also a Keras download"))
        if torch:
            second += (f"; PyTorch's ecosystem, {torch.by_origin['third_party'].packages:,} third-party packages, is "
                       "larger than either")
        out.append(second + ".")
        return out

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        if not a.signals:
            return []
        band = a.noise_band
        rows = [Bar(SIGNALS.get(k, k), s.ratio.estimate, s.ratio.low, s.ratio.high, color=NEUTRAL,
                    text=f"{fmt.ratio(s.ratio.estimate)} ({fmt.ratio(s.ratio.low)}–{fmt.ratio(s.ratio.high)})")
                for k, s in a.signals.items()]
        low = min([b.low for b in rows if b.low] + [1 / band]) / 1.3
        high = max([b.high for b in rows if b.high and b.high != float("inf")] + [band]) * 1.3
        charts = [Chart(
            "signals", "TensorFlow's count over Keras's for each signal, on a log scale, with the noise band "
            f"from {fmt.ratio(1 / band, 2)} to {fmt.ratio(band)} shaded: "
            + "; ".join(f"{b.label} {b.text}" for b in rows) + ".",
            "TensorFlow over Keras: ratios outside the shaded band count as a difference",
            bar_chart(rows, title="TensorFlow over Keras, per signal", dots=True, log=True, domain=(low, high),
                      x_label="TensorFlow's count / Keras's (log scale; 1 = equal)",
                      references=[Reference(1.0, "equal")],
                      band=Band(1 / band, band, "noise band: no difference claimed")),
            f"The band: {reason(r, 'noise_band')}. Whiskers: how far the packages whose name alone ties them to a "
            "framework could move the ratio. "
            f"Counts from the {a.source}; a package not named after a framework is missing from every side.")]
        sections: list[Bar | Section] = []
        for key, label in SIGNALS.items():
            if key not in a.signals:
                continue
            sections.append(Section(label.capitalize()))
            for eco, (name, color) in ECOSYSTEMS.items():
                e = a.ecosystems.get(eco)
                if e is None:
                    continue
                value = getattr(e.by_origin["third_party"], key)
                upper = getattr(e.third_party_with_name_only, key)
                sections.append(Bar(name, value, value, upper, color=color,
                                    text=f"{value:,}" + (f" (up to {upper:,})" if upper != value else "")))
        charts.append(Chart(
            "ecosystems", "Classified third-party packages per ecosystem for each signal: "
            + "; ".join(f"{b.label} {b.text}" for b in sections if isinstance(b, Bar)) + ".",
            "Third-party packages per ecosystem, with PyTorch and JAX for scale",
            bar_chart(sections, title="Third-party packages per ecosystem", x_label="packages (count)",
                      legend=[(n, c) for n, c in ECOSYSTEMS.values()]),
            f"A package that belongs to both TensorFlow and Keras counts on each side ({len(a.both_sides)} do); "
            f"{len(a.excluded)} look-alikes (Terraform tools, TF-IDF, torchsummary…) are excluded, and each "
            "framework's own builds and first-party packages are set apart."))
        return charts

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        if not a.options:
            return ""
        rows = sorted(a.options.items(), key=lambda kv: -kv[1].packages)
        best = rows[0]
        return ("- **Community size does not separate Keras from TensorFlow:** they are one ecosystem (tf.keras is "
                "Keras, and TensorFlow installs keras), so choosing Keras on TensorFlow loses none of it.\n"
                "- **The packages an option's code can draw on** (Keras's and its engine's ecosystems): "
                + ", ".join(f"{o} {v.packages:,}" for o, v in rows)
                + f". {best[0]} reaches the most, because its engine's ecosystem is the largest.\n"
                "- **If community matters to you**, look at the add-ons you need by name rather than at totals.\n")

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        out = []
        if a.signals:
            out.append(("The three signals", table(
                ["signal", "TensorFlow", "Keras", "ratio (range)", "reading"],
                [[cell(SIGNALS.get(k, k)), f"{s.tensorflow:,}", f"{s.keras:,}",
                  cell(f"{fmt.ratio(s.ratio.estimate)} ({fmt.ratio(s.ratio.low)}–{fmt.ratio(s.ratio.high)})"),
                  cell(SIDE[s.status])] for k, s in a.signals.items()])))
        if a.ecosystems:
            out.append(("Each ecosystem", table(
                ["ecosystem", "packages", "released in the last year", "most downloaded", "best ranked",
                 "by name / summary / look-alike / placeholder / name only"],
                [[cell(ECOSYSTEMS.get(k, (k,))[0]), cell(f"{e.packages:,} (up to {e.packages_with_name_only:,})"),
                  cell(f"{e.active:,} (up to {e.active_with_name_only:,})"),
                  cell(f"{e.widely_downloaded:,} (up to {e.widely_downloaded_with_name_only:,})"),
                  cell(", ".join(f"{name} (#{rank:,})" for rank, name in e.best_ranked[:3]) or "—"),
                  cell(" / ".join(str(e.by_membership.get(m, 0)) for m in
                                  ("name", "summary", "look_alike", "placeholder", "name_only")))]
                 for k, e in a.ecosystems.items()])))
        if a.frameworks:
            out.append(("Download ranks of the frameworks' own packages", table(
                ["package", "version", "released", "download rank"],
                [[code(k), cell(v.version), cell(fmt.month(v.month)), cell(f"#{v.rank:,}" if v.rank else
                                                                              "outside the ranked packages")]
                 for k, v in a.frameworks.items() if v])
                + (f"\nRanks are reported, not weighed: {cell(a.keras_is_a_tensorflow_dependency)}.\n"
                   if a.keras_is_a_tensorflow_dependency else "")))
        if a.options:
            out.append(("What each option can draw on", table(
                ["option", "ecosystems", "packages", "released in the last year", "best download rank"],
                [[code(o), cell(", ".join(v.ecosystems)), f"{v.packages:,}", f"{v.active:,}",
                  cell(f"#{v.best_rank:,}" if v.best_rank else "—")] for o, v in a.options.items()])))
        if a.excluded:
            shown = a.excluded[:40]
            out.append((f"Look-alikes excluded ({len(a.excluded)})", table(
                ["name", "named after", "what it is"],
                [[code(x.name), cell(x.ecosystem), cell(x.why)] for x in shown])
                + (f"\nAnd {len(a.excluded) - len(shown)} more, listed in the raw result.\n"
                   if len(a.excluded) > len(shown) else "")))
        if a.set_apart:
            title = f"Set apart: the framework itself and its organisation's packages ({len(a.set_apart)})"
            out.append((title, table(
                ["name", "ecosystem", "origin", "why", "download rank"],
                [[code(x.name), cell(x.ecosystem), cell(ORIGINS[x.origin]), cell(x.why),
                  cell(f"#{x.rank:,}" if x.rank else "—")] for x in a.set_apart])))
        if a.listing is not None:
            out.append(("Where the listing came from, and what it cannot say",
                        f"Taken {cell(a.listing.taken)}. {cell(a.listing.where_from)} {cell(a.listing.how)} "
                        f"{cell(a.listing.rank_source)}\n\nIt does not hold: "
                        + "; ".join(cell(x) for x in a.listing.does_not_hold) + ".\n"))
        if a.both_sides:
            out.append((f"Packages on both sides ({len(a.both_sides)})",
                        cell(", ".join(a.both_sides)) + "\n"))
        return out


STORY = CommunityStory()
