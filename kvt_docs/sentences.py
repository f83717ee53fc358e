"""The plain first sentence of each claim: one sentence a tech lead can repeat, from templates a person wrote.

Every claim page and its row on Home open with it, before the verdict and the chart. A sentence is one of
:data:`TEMPLATES` with its placeholders filled (:func:`say`); the values are numbers, names and short listings
read from the claim's typed assessment (the fields its judge wrote: counts, ratios, lists of options), never a
verdict worked out again here, and never a clause glued to another: ``tests/test_site_sentences.py`` checks that
every sentence the site shows matches one template.

A machine-dependent claim's sentence starts with its venue in words ("On a 2-core CPU, ..."); a claim that holds
on any machine (its venue scope says so) names none.
"""

from __future__ import annotations

import re
import string

from evidence.labels import FRAMEWORKS, label, venue_words
from evidence.options import OPTIONS
from evidence.results import ResultFile
from kvt_docs import formatting as fmt

#: The templates, by name: what each sentence may say. ``{venue}`` is the venue in words (:func:`venue_words`).
TEMPLATES: dict[str, str] = {
    "quick": "On {venue}, only a quick run at tiny sizes has been made so far: it checks the experiment, and its "
             "numbers are not a finding.",
    "architecture": "Keras 3 trains on {backends} and refuses {old}, which have made no release for {months} months.",
    "architecture.no_dates": "Keras 3 trains on {backends} and refuses {old}.",
    "backend_portability": "On {venue}, {n} of {total} programs written with the Keras API alone ran unchanged on "
                           "{backends}.",
    "performance.two": "On {venue}, TensorFlow's engine at its native best ran at {ratio_a} the speed of {engine_a}'s "
                       "and at {ratio_b} the speed of {engine_b}'s, averaged over {cells} model and phase cells of "
                       "{models}.",
    "performance.one": "On {venue}, TensorFlow's engine at its native best ran at {ratio_a} the speed of {engine_a}'s, "
                       "averaged over {cells} model and phase cells of {models}.",
    "performance.none": "On {venue}, TensorFlow's engine and the others were not both timed.",
    "performance.unsteady": "On {venue}, no verdict (the machine was not steady): TensorFlow's native best ran "
                            "{ratio} as fast as the faster of JAX and PyTorch on {models}.",
    "distributed_scaling": "On {venue}, {ok} of {total} training runs across several processes reached the loss of "
                           "one-device training, on {options}.",
    "distributed_scaling.none": "On {venue}, no training run across several processes was measured.",
    "ease_of_use": "TensorFlow without Keras took {core} the lines of code of Keras's fit for the same task, and "
                   "Keras's own custom training loop {tape}, on {n} of {total} tasks at comparable accuracy.",
    "ease_of_use.none": "No task reached comparable accuracy in all three styles, so no line counts are compared.",
    "community": "TensorFlow and Keras count {tf_count} to {keras_count} maintained third-party packages ({ratio}); "
                 "{n} of {total} signals favour TensorFlow beyond the {band} noise band.",
    "community.none": "No package listing was analysed.",
    "deployment": "On {venue}, {n} of {total} Keras options needed fewer steps beyond the export call than "
                  "TensorFlow core, and "
                  "Keras's saved models were {size} the size of TensorFlow core's.",
    "deployment.no_size": "On {venue}, {n} of {total} Keras options needed fewer steps beyond the export call than "
                          "TensorFlow core.",
    "extensibility": "On {venue}, {n} of {total} Keras options met all {needs} extension needs with their own tools, "
                     "a compiled C++ op included.",
    "platform": "Keras runs wherever its engine runs, except {cases}.",
    "platform.all": "Keras runs on every accelerator and operating system its engine runs on.",
    "generic": "{summary}",
}

#: A value that fills a placeholder is a name, a number or a short listing, never a clause of its own; the
#: judge's whole summary (the generic story's only sentence) is the one exception.
MAX_VALUE = 90
LONG_VALUES = {"summary"}


def say(name: str, **values: object) -> str:
    """Template ``name`` with ``values`` in its placeholders.

    Raises:
        KeyError: an unknown template, or a placeholder without a value.
        ValueError: a value too long to be a name, number or listing.

    Examples:
        >>> say("performance.none", venue="a 2-core CPU")
        "On a 2-core CPU, TensorFlow's engine and the others were not both timed."
    """
    template = TEMPLATES[name]
    for key, value in values.items():
        if key not in LONG_VALUES and len(str(value)) > MAX_VALUE:
            raise ValueError(f"template {name!r}: the value of {key!r} is {len(str(value))} characters, over "
                             f"{MAX_VALUE}: a placeholder takes a name, a number or a short listing")
    return template.format(**values)


def template_pattern(template: str) -> re.Pattern[str]:
    """A regular expression that matches any sentence made from ``template``."""
    out = []
    for literal, field, _, _ in string.Formatter().parse(template):
        out.append(re.escape(literal))
        if field is not None:
            out.append("(.+?)" if field not in LONG_VALUES else "(.+)")
    return re.compile("".join(out), re.DOTALL)


def matching_template(sentence: str) -> str | None:
    """The name of the template ``sentence`` was made from, None when it matches none."""
    return next((name for name, t in TEMPLATES.items() if template_pattern(t).fullmatch(sentence)), None)


def short_venue(venue: str) -> str:
    """A venue in words without its article, for a table cell: ``cpu-2core`` -> "2-core CPU"."""
    return venue_words(venue).split(" ", 1)[1] if venue_words(venue).startswith(("a ", "an ")) else venue


def _names(ids) -> str:
    return fmt.listing([label(i) for i in ids])


# -- one filler per claim: (template name, values) from its typed assessment -------------------------------------
def _architecture(r: ResultFile) -> tuple[str, dict]:
    a = r.assessment
    old = [n for n in ("theano", "cntk") if a.backends.get(n) and a.backends[n].status in ("rejected", "ignored")]
    months = min((a.last_release[n].months_before_listing for n in old if a.last_release.get(n)), default=None)
    values = {"backends": fmt.listing([FRAMEWORKS.get(b, b) for b in a.training_backends()]) or "no engine",
              "old": fmt.listing([FRAMEWORKS.get(b, b) for b in old]) or "no retired engine"}
    if months is None:
        return "architecture.no_dates", values
    return "architecture", {**values, "months": f"{months}+"}


def _backend_portability(r: ResultFile) -> tuple[str, dict]:
    a = r.assessment
    share = a.share_keras_only
    return "backend_portability", {"n": share.ported, "total": share.tried,
                                   "backends": fmt.listing([FRAMEWORKS.get(b, b) for b in a.trained])}


#: The engines TensorFlow's is set against, in words.
ENGINES = {"jax": "JAX", "torch": "PyTorch"}


def _performance(r: ResultFile) -> tuple[str, dict]:
    a = r.assessment
    against = [e for e in a.engine_summary if e.against in ENGINES]
    if not against:
        return "performance.none", {}
    compared = {e.model for e in a.engines}  # the engine cells' models, not the dispatch-bound small ones
    models = fmt.listing([label(m) for m in a.models if m in compared])
    either = next((e for e in a.engine_summary if e.against == "all"), None)
    if r.decision is not None and r.decision.code == "unsteady" and either is not None:
        # numbers from a run the claim's own steadiness rule refused: said as measured, never as a finding
        return "performance.unsteady", {"ratio": fmt.ratio(either.mean.estimate), "models": models}
    values = {"ratio_a": fmt.ratio(against[0].mean.estimate), "engine_a": ENGINES[against[0].against],
              "cells": against[0].cells, "models": models}
    if len(against) == 1:
        return "performance.one", values
    return "performance.two", {**values, "ratio_b": fmt.ratio(against[1].mean.estimate),
                               "engine_b": ENGINES[against[1].against]}


def _distributed_scaling(r: ResultFile) -> tuple[str, dict]:
    a = r.assessment
    multi = [x for x in a.runs.values() if x.multi_process]
    if not multi:
        return "distributed_scaling.none", {}
    options = [o for o in OPTIONS if a.multi_process_ok(o)]
    return "distributed_scaling", {"ok": sum(1 for x in multi if x.status == "works"), "total": len(multi),
                                   "options": _names(options) or "no option"}


def _ease_of_use(r: ResultFile) -> tuple[str, dict]:
    from kvt_docs.stories.ease_of_use import STORY, _span

    a = r.assessment
    comparable = a.comparable_tasks()
    if not comparable:
        return "ease_of_use.none", {}
    return "ease_of_use", {"core": _span(STORY._ratios(a, "tf_core", "logical_lines")),
                           "tape": _span(STORY._ratios(a, "keras_gradienttape", "logical_lines")),
                           "n": len(comparable), "total": len(a.tasks)}


def _community(r: ResultFile) -> tuple[str, dict]:
    a = r.assessment
    p = a.signals.get("packages")
    if p is None:
        return "community.none", {}
    return "community", {"tf_count": f"{p.tensorflow:,}", "keras_count": f"{p.keras:,}",
                         "ratio": fmt.ratio(p.ratio.estimate),
                         "n": sum(1 for s in a.signals.values() if s.status == "favours_tensorflow"),
                         "total": len(a.signals), "band": fmt.ratio(a.noise_band)}


def _deployment(r: ResultFile) -> tuple[str, dict]:
    a = r.assessment
    values = {"n": sum(1 for e in a.ease.values() if e.easier), "total": len(a.ease)}
    if a.weight.median_ratio is None:
        return "deployment.no_size", values
    return "deployment", {**values, "size": fmt.ratio(a.weight.median_ratio)}


def _extensibility(r: ResultFile) -> tuple[str, dict]:
    from kvt_docs.stories.extensibility import STORY

    a = r.assessment
    keras = [o for o in a.coverage if o != "tensorflow-core"]
    full = [o for o in keras if not a.coverage[o].unmet and not a.coverage[o].not_tried]
    return "extensibility", {"n": len(full), "total": len(keras), "needs": len(STORY._needs(a))}


def _platform(r: ResultFile) -> tuple[str, dict]:
    from kvt_docs.stories.platform import _gaps, platform_words

    gaps = _gaps(r.assessment)
    if not gaps:
        return "platform.all", {}
    return "platform", {"cases": fmt.listing([f"{label(c.option)} on {platform_words(c.accelerator, c.system)}"
                                              for c in gaps])}


FILLERS = {"architecture": _architecture, "backend_portability": _backend_portability, "performance": _performance,
           "distributed_scaling": _distributed_scaling, "ease_of_use": _ease_of_use, "community": _community,
           "deployment": _deployment, "extensibility": _extensibility, "platform": _platform}


def plain_sentence(claim_id: str, r: ResultFile) -> str:
    """The plain first sentence of ``claim_id``'s page and Home row, for one venue's result ``r``."""
    filler = FILLERS.get(claim_id)
    if r.provenance.mode == "quick":  # tiny sizes for tests: no number of theirs is a finding to repeat
        name, values = "quick", {}
    elif filler is None:
        name, values = "generic", {"summary": " ".join(r.summary.split())}
    else:
        name, values = filler(r)
    if "{venue}" in TEMPLATES[name]:
        values["venue"] = venue_words(r.venue)
    return say(name, **values)


__all__ = ["TEMPLATES", "matching_template", "plain_sentence", "say", "short_venue", "template_pattern",
           "venue_words"]
