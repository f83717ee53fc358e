"""The deployment claim's prose for people: findings and the summary sentence, from its assessment and decision
(:func:`report`). Decides nothing; not in the code hash, so rewording it leaves the committed result fresh."""

from __future__ import annotations

from evidence.contract import Decision, Report
from evidence.options import KERAS_OPTIONS, LABELS, OPTIONS, TF_CORE

from .assessment import Cell, DeploymentAssessment, Ease

MODEL_LABELS = {"resnet50": "ResNet-50", "bert_base": "BERT-base", "mobilenet_v3_small": "MobileNetV3-Small"}


def report(a: DeploymentAssessment, decision: Decision) -> Report:
    """The summary and the findings per sub-claim and per target. An inconclusive decision says which targets
    each side reached instead of who is easier (:func:`inconclusive_summary`); the findings are the same either
    way."""
    text = inconclusive_summary(a) if decision.verdict == "inconclusive" else summary(a)
    return Report(text, findings(a))


def size_text(n: int | None) -> str:
    """Bytes as ``20 KB`` or ``1.3 MB``."""
    if n is None:
        return "?"
    return f"{n / 1024:.0f} KB" if n < 1024 ** 2 else f"{n / 1024 ** 2:.1f} MB"


def model_label(a: DeploymentAssessment, name: str) -> str:
    """``ResNet-50 (25.6 M weights)``: the model with its size, as built in the run."""
    info = a.model_info(name)
    label = MODEL_LABELS.get(name, name)
    if info is None:
        return label
    return f"{label}{' (tiny)' if info.tiny else ''} ({info.params / 1e6:.1f} M weights)"


def cell_text(a: DeploymentAssessment, c: Cell) -> str:
    """One cell in words: its cost and numbers when it works, else what happened. Every number names its
    model, batch and phase; the venue is the result's."""
    if c.status == "works":
        parts = [f"{len(c.extra_steps)} extra steps ({', '.join(c.extra_steps) or 'none'})",
                 f"{c.lines} lines/{c.steps} steps"]
        if c.direct_route_error:
            parts.append(f"via {c.route}, since the direct route failed: {c.direct_route_error.text(140)}")
        elif c.route and c.route not in ("export_keras", "export_tf_core"):
            parts.append(f"via {c.route}")
        if c.environment:
            parts.append(f"exported in the {c.environment} environment")
        if c.extra_packages:
            parts.append("+" + "+".join(c.extra_packages))
        parts.append(size_text(c.artifact_bytes))
        if c.static_batch:
            parts.append(f"static batch {c.static_batch}")
        if c.cold_start_s:
            parts.append(f"cold start {c.cold_start_s.estimate:.2f} s (import {c.import_s:.2f} s, load "
                         f"{c.load_s:.2f} s, first answer at batch 1)")
        for lat in c.latency:
            parts.append(f"inference p50/p99 {lat.p50_ms:.1f}/{lat.p99_ms:.1f} ms at batch {lat.batch}")
        if c.parity_max_abs_diff is not None:
            parts.append(f"max diff {c.parity_max_abs_diff:.1e}")
        return ", ".join(parts)
    if c.status == "unavailable":
        return f"unavailable ({c.why_unavailable or 'no reason recorded'})"
    if c.status == "not_applicable":
        return f"not applicable ({c.reason})"
    text = f"fails at {c.stage or '?'} ({c.error.text(200) if c.error else c.reason or 'no error recorded'})"
    if c.known_issue:
        text += f" [see {c.known_issue.url}: {c.known_issue.title}]"
    return text


def target_text(a: DeploymentAssessment, target: str, model: str) -> str:
    """Who takes ``model`` to ``target`` and at what cost; who does not, and why."""
    info = a.targets[target]
    cells = [c for c in a.cells if c.target == target and c.model == model]
    works = [f"{c.option} ({cell_text(a, c)})" for c in cells if c.status == "works"]
    others = [f"{c.option}: {cell_text(a, c)}" for c in cells if c.status != "works"]
    return (f"{model_label(a, model)} to {info.label} ({info.runtime}): reached by {'; '.join(works) or 'no option'}."
            + (f" Not reached: {'; '.join(others)}." if others else ""))


def _label(a: DeploymentAssessment, key: str) -> str:
    if "/" in key:
        model, target = key.split("/", 1)
        return f"{MODEL_LABELS.get(model, model)} {a.targets[target].label}"
    return a.targets[key].label


def _labels(a: DeploymentAssessment, keys: list[str]) -> str:
    return ", ".join(_label(a, k) for k in keys) or "none"


def ease_text(a: DeploymentAssessment, e: Ease) -> str:
    """One Keras option against TensorFlow core, with the (model, target) pairs that decided it."""
    details = "; ".join(f"{_label(a, f'{t.model}/{t.target}')} {len(t.keras_extra)} vs {len(t.core_extra)} "
                        f"({t.outcome.replace('_', ' ')})" for t in e.targets)
    return (f"{e.option}: {'easier' if e.easier else 'not easier'} (easier on {_labels(a, e.easier_on)}; harder "
            f"on {_labels(a, e.harder_on)}; within {a.ease_margin_steps} extra step on {_labels(a, e.same_on)}). "
            f"Extra steps, Keras vs TF core: {details or 'nothing compared'}.")


def findings(a: DeploymentAssessment) -> dict[str, str]:
    """Prose per sub-claim and per target."""
    out: dict[str, str] = {}
    reach = []
    for option in OPTIONS:
        cells = [c for c in a.cells if c.option == option]
        if not cells:
            continue
        applicable = [c for c in cells if c.status != "not_applicable"]
        works = [c for c in applicable if c.status == "works"]
        reach.append(f"{option} works on {len(works)}/{len(applicable)} (model, target) pairs")
    out["reach"] = "; ".join(reach) + "." if reach else "No option ran."
    out["effort"] = (" ".join(ease_text(a, e) for e in a.ease.values())
                     + " Only Keras options have a native format of their own to deploy (.keras). TensorFlow core's "
                       "module must declare a tf.function input signature before any export "
                       "(deploy_zoo_tfcore.py); a Keras model carries it in its Input.")
    w = a.weight
    out["weight"] = ("Artifact size, Keras on TensorFlow vs TensorFlow core, same target: "
                     + ("; ".join(f"{_label(a, f'{p.model}/{p.target}')} {size_text(p.keras_bytes)} vs "
                                  f"{size_text(p.core_bytes)}" for p in w.pairs) or "none")
                     + (f" (median ratio {w.median_ratio:.2f})." if w.median_ratio is not None else "."))
    cold = [c for c in a.cells if c.status == "works" and c.cold_start_s is not None]
    if cold:
        fastest = min(cold, key=lambda c: c.cold_start_s.estimate)
        slowest = max(cold, key=lambda c: c.cold_start_s.estimate)
        out["weight"] += (f" Cold start (fresh process to first answer at batch 1) ranges from "
                          f"{fastest.cold_start_s.estimate:.2f} s ({fastest.option}, "
                          f"{_label(a, f'{fastest.model}/{fastest.target}')}) to "
                          f"{slowest.cold_start_s.estimate:.2f} s ({slowest.option}, "
                          f"{_label(a, f'{slowest.model}/{slowest.target}')}).")
    diffs = [c for c in a.cells if c.status == "works" and c.parity_max_abs_diff is not None]
    if diffs:
        worst = max(diffs, key=lambda c: c.parity_max_abs_diff)
        out["serving"] = (f"Every working artifact answers like the original model: the largest max-abs difference "
                          f"is {worst.parity_max_abs_diff:.1e} ({worst.option}, "
                          f"{_label(a, f'{worst.model}/{worst.target}')}; tolerance {a.tolerance:g}).")
        for model in a.model_targets:
            best = {}
            for c in diffs:
                for lat in c.latency if c.model == model else []:
                    if lat.batch not in best or lat.p50_ms < best[lat.batch][0]:
                        best[lat.batch] = (lat.p50_ms, c)
            if best:
                out["serving"] += " " + model_label(a, model) + ", fastest inference p50: " + "; ".join(
                    f"batch {b} {ms:.1f} ms ({c.option}, {a.targets[c.target].label})"
                    for b, (ms, c) in sorted(best.items())) + "."
    else:
        out["serving"] = "No artifact was served."
    parts = []
    for check in a.corruption:
        words = [f"{o.kind}: {o.outcome}"
                 + (f" ({o.error.text(160)})" if o.error else f" (max diff {o.max_abs_diff:.2g})"
                    if o.max_abs_diff is not None else "")
                 + (" — silent corruption" if o.silent_corruption else "")
                 + (f" [see {o.known_issue.url}]" if o.known_issue else "") for o in check.outcomes]
        parts.append(f"{a.targets[check.target].label} (copy of {check.option}'s {MODEL_LABELS.get(check.model)}): "
                     f"{'; '.join(words)}.")
    out["corrupted"] = " ".join(parts) or "No corruption check ran."
    for model in a.model_targets:
        for target in a.targets:
            if any(c.target == target and c.model == model for c in a.cells):
                out[f"target_{model}_{target}"] = target_text(a, target, model)
    if a.environments:
        out["environments"] = " ".join(
            f"{e.name}: " + (f"{'reused' if e.reused else 'built in this run'}, build took {e.creation_s:.0f} s; "
                             f"{', '.join(f'{k} {v}' for k, v in e.versions.items())}."
                             if e.ok else f"not used ({e.why})" + (f"; its build took {e.creation_s:.0f} s"
                                                                   if e.creation_s else "") + ".")
            for e in a.environments.values())
    if a.browser is not None:
        b = a.browser
        npm = a.npm
        out["browser"] = (
            (f"Headless {b.chromium} driven by Playwright {b.playwright}" if b.ok else f"No browser ({b.why})")
            + (f"; npm packages {', '.join(f'{k} {v}' for k, v in npm.versions.items())} "
               f"({'reused' if npm.reused else 'installed in this run'}, install took {npm.install_s:.0f} s)"
               if npm is not None and npm.ok else f"; npm packages not installed ({npm.why})" if npm else "")
            + ". The page, the runtimes and the model are served from localhost; cold start is timed in the page.")
    first = next(iter(a.models.values()), [])
    out["models"] = ("; ".join(f"{model_label(a, m.name)}: {m.builder} {m.config}, input {m.input_shape} "
                               f"{m.input_dtype}, output {m.output_shape}, random weights" for m in first)
                     or "no model built") + ". Cut to fit the time budget: " + "; ".join(a.cuts) + "."
    blocked = [c for c in a.cells if c.blockers]
    if blocked:
        out["blockers"] = " ".join(
            f"{c.option}, {_label(a, f'{c.model}/{c.target}')}: blocked by {'; '.join(c.blockers)} — "
            + (f"got past by {c.got_past_by} ({c.route})." if c.status == "works" and c.got_past_by
               else f"{c.status}." if c.status != "works" else "works.")
            for c in blocked)
    if a.not_measured:
        out["not_measured"] = "Options without a complete result: " + "; ".join(a.not_measured) + "."
    return out


def inconclusive_summary(a: DeploymentAssessment) -> str:
    """The summary when Keras on TensorFlow and TensorFlow core share no working target."""
    missing = f" Not measured: {'; '.join(a.not_measured)}." if a.not_measured else ""
    return ("Keras on TensorFlow and TensorFlow core could not be compared on any target (Keras on TensorFlow "
            f"works on {_labels(a, a.reach('keras-tensorflow'))}; TensorFlow core on "
            f"{_labels(a, a.reach(TF_CORE))}).{missing}")


def summary(a: DeploymentAssessment) -> str:
    """One sentence: who is easier where, whether Keras is lighter, and what only some options reach."""
    parts = []
    for option in KERAS_OPTIONS:
        e = a.ease.get(option)
        if e is None:
            continue
        decided = []
        if e.easier_on:
            decided.append(f"easier on {_labels(a, e.easier_on)}")
        if e.harder_on:
            decided.append(f"harder on {_labels(a, e.harder_on)}")
        if e.same_on:
            decided.append(f"the same on {len(e.same_on)}")
        parts.append(f"{LABELS[option]} is {'' if e.easier else 'not '}easier to deploy than TensorFlow core "
                     f"({'; '.join(decided) or 'no target compared'})")
    w = a.weight
    parts.append(f"Keras artifacts are {'lighter' if w.lighter else 'not lighter'}"
                 + (f" (median size ratio {w.median_ratio:.2f} on the same targets)" if w.median_ratio is not None
                    else " (no target to compare sizes on)"))
    own = [t for t in ("torch_pt2", "executorch") if "keras-torch" in [c.option for c in a.cells
                                                                      if c.target == t and c.status == "works"]]
    if own:
        parts.append(f"Keras on PyTorch also reaches {_labels(a, own)}")
    in_browser = sorted({c.option for c in a.browser_cells() if c.status == "works"}, key=OPTIONS.index)
    if in_browser:
        parts.append(f"{len(in_browser)} of {len(OPTIONS)} options run in the browser")
    if a.not_measured:
        parts.append(f"not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)}")
    return "; ".join(parts) + "."
