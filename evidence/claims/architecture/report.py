"""Prose for people from the assessment and the decision: the summary sentence and the findings per sub-claim."""

from __future__ import annotations

from evidence.contract import Decision, Report

from .assessment import ArchitectureAssessment
from .verdict import backends


def report(a: ArchitectureAssessment, decision: Decision) -> Report:
    """The summary sentence and the findings."""
    return Report(summary(a, decision), findings(a, decision))


def findings(a: ArchitectureAssessment, decision: Decision) -> dict[str, str]:
    """The findings per sub-claim, the release history, the cited era and what was not measured."""
    d = backends(a)
    version = keras_version(a)
    out: dict[str, str] = {
        "a": (f"Keras {version} trains on {', '.join(d.training) or 'no backend'}; predicts only on "
              f"{', '.join(d.inference_only) or 'none'}; rejects "
              f"{', '.join(f'{b} ({a.backends[b].error.text()})' for b in d.rejected) or 'none'}"
              + (f"; ignores {', '.join(d.ignored)} (it ran on {a.backends[d.ignored[0]].active_backend} "
                 "whatever the name)" if d.ignored else "") + "."),
        "c": "Tested by the extensibility claim (custom layers, losses, training steps, gradients, C++ ops).",
    }
    if a.tf_keras:
        out["b"] = (f"In TensorFlow {a.tf_keras.tensorflow_version}, tf.keras is {a.tf_keras.module} "
                    f"(version {a.tf_keras.version}); tf.keras.Model is keras.Model: {a.tf_keras.is_keras}.")
    if a.last_release:
        out["release_history"] = "Last releases: " + ", ".join(
            f"{n} {v.version} ({v.month})" for n, v in a.last_release.items() if v) + "."
    if a.history:
        out["history"] = "From the public record: " + "; ".join(
            f"{h.date}: {h.fact} ({h.title}, {h.source})" for h in a.history) + "."
    if a.not_measured:
        out["not_measured"] = "; ".join(a.not_measured)
    return out


def keras_version(a: ArchitectureAssessment) -> str:
    """The Keras version the trials ran ("?" when none imported)."""
    return next((t.keras_version for t in a.backends.values() if t.keras_version), "?")


def summary(a: ArchitectureAssessment, decision: Decision) -> str:
    """The one-sentence summary of ``decision`` on ``a``."""
    d = backends(a)
    version = keras_version(a)
    if decision.verdict == "inconclusive":
        if not d.training:
            return ("Keras could not be shown training on any backend here"
                    + (f" ({'; '.join(a.not_measured)})" if a.not_measured else "") + ".")
        return (f"Keras {version} trains on {', '.join(d.training)}, but neither theano nor cntk could be tried "
                f"here ({'; '.join(a.not_measured)}).")
    if decision.verdict == "outdated":
        how = (f"rejects theano and cntk at import ('{a.backends['theano'].error.text()}')"
               if all(b in d.rejected for b in d.old_gone) else
               f"ignores the theano and cntk backend names and runs on "
               f"{a.backends[d.old_gone[0]].active_backend or 'another backend'}"
               if all(b in d.ignored for b in d.old_gone) else "no longer runs on theano or cntk")
        text = (f"Outdated: Keras {version} {how}, trains on {', '.join(d.training)} "
                f"and runs inference on {', '.join(d.inference_only) or 'no other backend'}" + _era(a))
    elif decision.verdict == "partly supported":
        text = f"Keras trains on {', '.join(d.training)} but no longer runs on {', '.join(d.old_gone)}"
    else:
        untried = [b for b in d.untried if b in ("tensorflow", "theano", "cntk")]
        text = (f"Supported here: Keras {version} selects {' and '.join(d.old_training)} by its KERAS_BACKEND name "
                f"and trains on {', '.join(d.training)}"
                + (f"; {' and '.join(untried)} could not be tried here (see what was not measured)"
                   if untried else "") + ".")
        return text
    if a.tf_keras and a.tf_keras.is_keras:
        text += f"; tf.keras is Keras {a.tf_keras.version}"
    stale = [f"{n} {a.last_release[n].version} ({a.last_release[n].month})" for n in a.discontinued]
    if stale:
        text += f"; their last releases were {' and '.join(stale)}"
    if a.not_measured:
        text += f" (not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)})"
    return text + "."


def _era(a: ArchitectureAssessment) -> str:
    """The article's era in one clause, from the cited facts (empty without them)."""
    by = {h.source.rsplit("/", 1)[-1]: h for h in a.history}
    last, tf_only = by.get("2.3.0"), by.get("2.4.0")
    if not (last and tf_only):
        return ""
    return (f"; in the article's era the claim held for multi-backend Keras 2.1-2.3, which ran on TensorFlow, "
            f"Theano and CNTK until Keras 2.3.0 ({last.date}, its last multi-backend release), while Keras 2.4.0 "
            f"({tf_only.date}) ran on TensorFlow only (release notes)")
