"""``backend_portability``'s report: prose for people (a summary sentence and findings per sub-claim) from the
assessment and the :class:`~evidence.contract.Decision`. It decides nothing: every number it states is in the assessment
or the decision's numbers. Not part of the claim's code hash.
"""

from __future__ import annotations

from evidence.claims.backend_portability.assessment import Architecture, CrossLoad, PortabilityAssessment
from evidence.contract import Decision, ErrorInfo, Report
from evidence.options import TRAINING_BACKENDS


def report(a: PortabilityAssessment, decision: Decision) -> Report:
    """The summary sentence and the findings (``a``, ``b``, ``c``, ``d``, ``switches``, ``missing``)."""
    return Report(*_prose(a, decision))


def _prose(a: PortabilityAssessment, decision: Decision) -> tuple[str, dict[str, str]]:
    t = decision.numbers
    mode = "quick" if a.quick else "full"
    works = {b: r for b, r in a.trained.items() if r.status == "works" and r.test_accuracy is not None}
    accs = {b: r.test_accuracy for b, r in works.items()}
    spread = float(t["accuracy_spread"] or 0.0)
    cross = [c for c in a.loads if c.saved_under != c.loaded_by and c.status != "unavailable"]
    passed = sum(c.equal for c in cross)
    share, arch = a.share_keras_only, a.share_architectures

    findings = {"a": _finding_a(a, accs, spread, t, mode, bool(t["holds_a"])),
                "b": _finding_b(a, cross, passed, t, bool(t["holds_b"])), "c": _finding_c(a),
                "d": _finding_d(a, t),
                "switches": "; ".join(f"{s.a} ↔ {s.b}: {'yes' if s.ok else 'no'}, {s.detail}"
                                      for s in a.switches) + "."}
    if a.not_measured:
        findings["missing"] = "Subjects without a complete result: " + "; ".join(a.not_measured) + "."

    if decision.code == "fewer_than_two_backends_trained":
        return (f"Fewer than two backends trained ({', '.join(accs) or 'none'}), so there is nothing to "
                f"compare{_missing(a)}.", findings)
    if decision.code == "no_cross_backend_load":
        return f"No cross-backend load could be evaluated{_missing(a)}.", findings
    if decision.code == "no_keras_only_corpus_program_on_two_backends":
        return f"No Keras-only corpus program ran on two backends{_missing(a)}.", findings
    lead = (f"{share.ported} of {share.tried} corpus programs written to the Keras API alone ran unchanged on "
            f"{', '.join(TRAINING_BACKENDS)} ({share.share:.0%}; supported from {t['supported_share']:.0%}), and "
            f"{a.share_overall.ported} of {a.share_overall.tried} of the whole corpus "
            f"({a.share_overall.share:.0%}) with the programs that import a framework (our own programs)")
    if arch.tried:
        lead += (f"; {arch.ported} of {arch.tried} architectures from the field's libraries (code nobody here "
                 f"wrote: {_names(a.architectures)}) trained under each and loaded under each other backend with "
                 f"the same predictions ({arch.share:.0%})")
    else:
        lead += "; no architecture from the field's libraries could be tried, so code nobody here wrote did not decide"
    runs = sum(len(p.tried()) for p in a.corpus if not p.broken())
    classes = ", ".join(f"{_in_sentence(f.title)} ({f.runs} of {runs} runs)" for f in a.failure_classes)
    mlp = (f"; {next(iter(works.values())).program} trained to {'/'.join(f'{v:.3f}' for v in accs.values())} "
           f"({'within' if spread <= t['accuracy_tolerance'] else 'beyond'} the {mode}-mode tolerance "
           f"{t['accuracy_tolerance']}) and {passed} of {len(cross)} cross-backend loads predicted the same")
    summary = f"{lead}{mlp}{f'; what did not port: {classes}' if classes else ''}{_missing(a)}."
    return summary, findings


def _names(architectures: list[Architecture]) -> str:
    return ", ".join(x.program.rsplit("/", 1)[-1].removesuffix(".py") for x in architectures if len(x.tried()) >= 2)


def _in_sentence(title: str) -> str:
    """``title`` inside a sentence: its first letter lowercased unless its first word is a name (``TensorFlow``)."""
    first = title.split(" ", 1)[0]
    return title[0].lower() + title[1:] if first[1:] == first[1:].lower() else title


def _said(error: ErrorInfo) -> str:
    """An error for prose: ``Type: message``, and the error it wraps when Keras or TensorFlow re-raised it."""
    return error.text(160) + (f" (wrapping {error.root[:160]})" if error.root else "")


def _missing(a: PortabilityAssessment) -> str:
    return f"; not measured: {'; '.join(a.not_measured)}" if a.not_measured else ""


def _difference(c) -> str:
    """How far a load that is not equal is from the saving backend's predictions (none: nothing to compare)."""
    if c.max_abs_diff is not None:
        return f"{c.max_abs_diff:.1e}"
    return c.reason or "its predictions could not be compared (no difference measured)"


def _finding_a(a: PortabilityAssessment, accs: dict[str, float], spread: float, t: dict, mode: str,
               holds: bool) -> str:
    if not accs:
        return "No training backend produced a result."
    run = next(r for r in a.trained.values() if r.status == "works")
    timing = ", ".join(
        f"{b} {r.epoch_s.estimate * 1e3:.0f} ms (IQR {r.epoch_s.low * 1e3:.0f}–{r.epoch_s.high * 1e3:.0f} ms; first "
        f"epoch {r.first_epoch_s * 1e3:.0f} ms{f'; {r.torch_threads} intra-op thread' if r.torch_threads else ''})"
        for b, r in a.trained.items() if r.status == "works" and r.epoch_s and r.first_epoch_s is not None)
    return (f"{run.program} trained unchanged for {run.epochs} epochs to test accuracy "
            f"{', '.join(f'{b} {v:.3f}' for b, v in accs.items())}: spread {spread:.3f} against the {mode}-mode "
            f"tolerance {t['accuracy_tolerance']}, lowest {min(accs.values()):.3f} against the floor "
            f"{t['min_accuracy']} ({'holds' if holds else 'does not hold'}). Median epoch time after the compiling "
            f"epoch: {timing or 'not measured'}; speed is the performance claim's subject.")


def _finding_b(a: PortabilityAssessment, cross: list[CrossLoad], passed: int, t: dict,
               holds: bool) -> str:
    f32 = [c.f32_max_abs_diff for c in cross if c.f32_max_abs_diff is not None]
    saved = [b for b in TRAINING_BACKENDS if any(c.saved_under == b for c in cross)]
    text = (f"{passed} of {len(cross)} cross-backend loads (saved under {', '.join(saved) or 'none'}, loaded under "
            f"{', '.join(dict.fromkeys(c.loaded_by for c in cross)) or 'none'}) reproduced the saving backend's "
            f"probabilities: worst float32 difference {max(f32, default=float('nan')):.1e} against the tolerance "
            f"{t['prediction_tolerance']}")
    trips = [c.max_abs_diff for c in a.loads if c.saved_under == c.loaded_by and c.max_abs_diff is not None]
    if trips:
        text += f"; same-backend round trips within {max(trips):.1e}"
    text += "."
    reduced = [c for c in cross if c.reduced_precision]
    if reduced:
        text += (f" Computed below float32 by default, so judged at {t['reduced_precision_tolerance']} with "
                 f"{t['min_class_agreement']:.0%} of classes agreeing, and at {t['prediction_tolerance']} with the f32 "
                 f"inference-precision hint: " + "; ".join(
                     f"{c.saved_under}→{c.loaded_by} at {c.precision} {c.max_abs_diff:.1e} ({c.classes_differing} "
                     f"of the classes differ), with the hint "
                     + (f"{c.f32_max_abs_diff:.1e}" if c.f32_max_abs_diff is not None
                        else c.f32_error.text() if c.f32_error else "not measured") for c in reduced) + ".")
    bad = [c for c in cross if not c.equal]
    if bad:
        text += " Not equal: " + "; ".join(
            f"{c.saved_under}→{c.loaded_by}: " + (_said(c.error) if c.error else _difference(c)) for c in bad) + "."
    no_file = sorted({c.saved_under for c in a.loads if c.status == "unavailable" and c.saved_under != c.loaded_by})
    if no_file:
        text += f" Not tried: files of {', '.join(no_file)} (or their loaders) were missing."
    inference = [i for i in a.inference_only.values() if i.status != "unavailable"]
    if inference:
        text += " Inference-only backends: " + "; ".join(
            f"{i.backend} "
            + ("trained (unexpected)" if i.status == "works" else f"refused to train ({i.error.text()})")
            for i in inference) + "."
    return text + f" ({'holds' if holds else 'does not hold'})"


def _finding_c(a: PortabilityAssessment) -> str:
    if not a.corpus:
        return "No corpus program ran."
    per_backend = ", ".join(f"{b} {s.ported}/{s.tried}" for b, s in a.shares.items())
    groups = "; ".join(f"{'importing no framework' if f == 'keras' else f'importing {f}'} {s.ported} of {s.tried}"
                       for f, s in a.shares_by_imports.items())
    text = (f"{len(a.corpus)} corpus programs, each run unchanged for a few epochs under every training backend: "
            f"ran under {per_backend}; on every backend {a.share_overall.ported} of {a.share_overall.tried} "
            f"({a.share_overall.share:.0%}); by what they import: {groups}. The corpus is ours, written after "
            f"keras.io's guides and examples, and its mix of Keras-only programs and programs importing a framework "
            f"sets the overall share: it is not an estimate over all Keras code, which is why the verdict reads the "
            f"Keras-only share.")
    for f in a.failure_classes:
        text += (f" {f.title}: {f.runs} runs ({f.share_of_runs:.0%} of runs; {', '.join(f.programs)} on "
                 f"{', '.join(f.backends)}), e.g. {f.example_program} on {f.example_backend}: {_said(f.example)}"
                 + (f" at {f.example.at}" if f.example.at else "") + (f"; ports instead: {f.portable_route}"
                                                                      if f.portable_route else "") + ".")
    held = []
    for p in a.corpus:
        ran = [r for r in p.runs.values() if r.status != "unavailable" and r.checks]
        names = [name for name in (ran[0].checks if ran else {}) if all(r.checks.get(name) for r in ran)]
        if names and len(ran) == len(p.tried()):
            held.append(f"{p.program.rsplit('/', 1)[-1]} ({'; '.join(names)}, on {', '.join(r.backend for r in ran)})")
    if held:
        text += " Checks that held wherever the program ran: " + "; ".join(held) + "."
    if a.broken:
        text += f" Worked under no backend (left out of the shares): {', '.join(a.broken)}."
    return text




def _finding_d(a: PortabilityAssessment, t: dict) -> str:
    if not a.architectures:
        return "No architecture from the field's libraries ran."
    arch = a.share_architectures
    parts = []
    for x in a.architectures:
        cut = ", ".join(f"{k} {v}" for k, v in x.inputs.items())
        runs = "; ".join(
            f"{b} " + (f"trained ({len(r.losses)} steps, loss {r.losses[0]:.3g} → {r.losses[-1]:.3g}, "
                       f"{r.variables_changed} of {r.variables} variables changed)" if r.status == "works" and r.losses
                       else f"{r.status}" + (f" ({_said(r.error)})" if r.error else f" ({r.reason})" if r.reason
                                            else ""))
            for b, r in x.runs.items())
        cross = x.cross_loads()
        equal = [c for c in cross if c.equal]
        worst = max((c.relative_diff for c in cross if c.relative_diff is not None), default=None)
        loads = f"{len(equal)} of {len(cross)} cross-backend loads equal"
        if worst is not None:
            loads += f" (worst relative difference {worst:.1e})"
        bad = [c for c in cross if not c.equal]
        if bad:
            loads += "; not equal: " + "; ".join(
                f"{c.saved_under}→{c.loaded_by}: " + (_said(c.error) if c.error else f"{c.relative_diff:.1e}"
                                                      if c.relative_diff is not None else c.reason or "no result")
                for c in bad)
        params = f"{x.params:,} parameters" if x.params else "parameters not counted"
        parts.append(f"{x.title} ({x.source}; {params}; {f'preset {x.preset} configuration, ' if x.preset else ''}"
                     f"fed {cut}): {runs}; {loads}; {'ported' if x.ported() else 'did not port'}")
    text = (f"{arch.ported} of {arch.tried} architectures from the field's libraries ported: trained a few steps "
            f"under every training backend, saved as .keras under each and loaded under each with predictions "
            f"within {t['architecture_tolerance']} of the saving backend's, relative to their scale. "
            + ". ".join(parts) + ".")
    if a.architectures_unavailable:
        text += f" Could not be tried: {'; '.join(a.architectures_unavailable)}."
    return text
