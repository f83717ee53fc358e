"""The community claim's prose for people, from its assessment and decision. Not in the code hash: rewording it
leaves the committed result fresh."""

from __future__ import annotations

from evidence.contract import Decision, Report

from .assessment import CommunityAssessment, ExcludedPackage
from .constants import SIGNALS, SOURCE


def report(a: CommunityAssessment, decision: Decision) -> Report:
    """The summary and findings for people: each signal with its numbers, what was set apart and excluded, and
    what a listing cannot say. Follows the decision; decides nothing."""
    if not a.signals:
        return Report(f"No listing was analysed: {'; '.join(a.not_measured)}.")
    too_few = [k for k, s in a.signals.items() if s.status == "too_few"]
    tf, keras, torch = a.ecosystems["tensorflow"], a.ecosystems["keras"], a.ecosystems["torch"]

    def said(key: str) -> str:
        s = a.signals[key]
        if s.status == "too_few":
            return (f"{SIGNALS[key]}: TensorFlow {s.tensorflow}, Keras {s.keras}: too few to compare (under "
                    f"{a.min_count} on a side)")
        return (f"{SIGNALS[key]}: TensorFlow {s.tensorflow}, Keras {s.keras} ({s.ratio.estimate:.2f}x, "
                f"{s.ratio.low:.2f}-{s.ratio.high:.2f}x with the unclassifiable ones)")

    def apart(eco: str) -> str:
        e = a.ecosystems[eco].by_origin
        return (f"{e['framework'].packages} builds of the framework itself ({e['framework'].widely_downloaded} "
                f"widely downloaded) and {e['first_party'].packages} of its organisation's packages "
                f"({e['first_party'].widely_downloaded} widely downloaded)")

    looks: dict[str, list[ExcludedPackage]] = {}
    for x in a.excluded:
        looks.setdefault(x.ecosystem, []).append(x)
    terraform = sum(1 for x in a.excluded if x.ecosystem == "tensorflow" and "Terraform" in x.why)
    compared = sorted(x.name for x in a.excluded if x.ecosystem == "keras" and "compare" in x.why)
    fw = a.frameworks
    findings = {
        "ecosystem": said("packages") + f"; third-party torch {torch.by_origin['third_party'].packages}, jax "
                                        f"{a.ecosystems['jax'].by_origin['third_party'].packages}.",
        "activity": said("active") + f" (released in the {a.active_window_months} months before the listing).",
        "reach": said("widely_downloaded") + f" (among the {a.top_n:,} most downloaded).",
        "set_apart": (f"Not counted as a community: TensorFlow's {apart('tensorflow')}; Keras's "
                      f"{apart('keras')}. First-party packages come from a reviewed list with the repository of "
                      "each; builds are told by name (platform, nightly, types-) or by the framework's own "
                      "summary."),
        "downloads": (f"tensorflow ranks {fw['tensorflow'].rank} and keras {fw['keras'].rank}, torch "
                      f"{fw['torch'].rank}; not weighed: "
                      + (f"{a.keras_is_a_tensorflow_dependency}, so every TensorFlow install is a Keras "
                         "download." if a.keras_is_a_tensorflow_dependency else
                         "keras is a dependency of tensorflow, so every TensorFlow install is a Keras download.")),
        "overlap": (f"{len(a.both_sides)} packages belong to both TensorFlow and Keras (among them "
                    f"{', '.join(a.both_sides[:4])}) and count once on each side; tf.keras is Keras."),
        "look_alikes": (f"Excluded: {len(looks.get('tensorflow', []))} TensorFlow-named look-alikes or "
                        f"placeholders ({terraform} of them Terraform tools), "
                        f"{len(looks.get('keras', []))} Keras-named or Keras-mentioning (among them "
                        f"{', '.join(compared[:4]) or 'none'}: another framework's tools that name Keras only "
                        f"to compare), {len(looks.get('jax', []))} JAX-named, {len(looks.get('torch', []))} "
                        "torch-named."),
        "scope": (f"A package listing decides {a.decides}. It cannot say {'; '.join(a.cannot_say)}; the "
                  "verdict claims none of that."),
        "caveat": (f"The listing holds packages whose name contains a framework's name ({a.source}); a package "
                   "named otherwise is missing from every side. Download ranks are a rough signal: mirrors, "
                   "caches and CI reinstalls distort them"
                   + (f"; {a.listing.rank_source}" if a.listing else ".")),
    }
    if decision.code == "tensorflow_larger":
        lead = (f"In third-party packages TensorFlow's ecosystem is larger beyond the {a.noise_band}x noise band, "
                "the half of the claim a package listing can show")
    elif decision.code == "keras_larger":
        lead = (f"In third-party packages Keras's ecosystem is larger beyond the {a.noise_band}x noise "
                "band, against the claim, though a package listing cannot refute a claim about people")
    elif decision.code == "within_noise":
        lead = (f"In third-party packages no signal differs beyond the {a.noise_band}x noise band"
                + (f" ({len(too_few)} too few to compare)" if too_few else ""))
    else:
        lead = "The third-party signals disagree or too few favour one side"
    tp_tf, tp_k = tf.by_origin["third_party"], keras.by_origin["third_party"]
    summary = (f"{lead}: TensorFlow has {tp_tf.packages} third-party packages to Keras's {tp_k.packages} "
               f"({a.signals['packages'].ratio.estimate:.2f}x), {tp_tf.active} to {tp_k.active} released in "
               f"the last {a.active_window_months} months, {tp_tf.widely_downloaded} to "
               f"{tp_k.widely_downloaded} widely downloaded; each framework's own builds and its organisation's "
               "packages are counted apart, and contributors, questions and issue traffic are not in a package "
               f"listing — {SOURCE}.")
    return Report(summary, findings)
