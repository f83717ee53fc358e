"""The deployment claim's prose: findings and the summary sentence, written from the assessment alone."""

from __future__ import annotations

from evidence.options import KERAS_OPTIONS, LABELS, OPTIONS, TF_CORE

from .assessment import Cell, DeploymentAssessment, Ease


def size_text(n: int | None) -> str:
    """Bytes as ``20 KB`` or ``1.3 MB``."""
    if n is None:
        return "?"
    return f"{n / 1024:.0f} KB" if n < 1024 ** 2 else f"{n / 1024 ** 2:.1f} MB"


def cell_text(a: DeploymentAssessment, c: Cell) -> str:
    """One cell in words: its cost and numbers when it works, else what happened."""
    if c.status == "works":
        parts = [f"{c.lines} lines/{c.steps} steps"]
        if c.direct_route_error:
            parts.append(f"via {c.route}, since the direct route failed: {c.direct_route_error.text(140)}")
        elif c.route and c.route not in ("export_keras", "export_tf_core"):
            parts.append(f"via {c.route}")
        if c.environment:
            parts.append(f"exported in the {c.environment} environment")
        if c.extra_packages:
            parts.append("+" + "+".join(c.extra_packages))
        parts.append(size_text(c.artifact_bytes))
        if c.cold_start_s:
            parts.append(f"cold start {c.cold_start_s.estimate:.2f} s (import {c.import_s:.2f} s)")
        for lat in c.latency:
            parts.append(f"p50/p99 {lat.p50_ms:.3f}/{lat.p99_ms:.3f} ms at batch {lat.batch}")
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


def target_text(a: DeploymentAssessment, target: str) -> str:
    """Who reaches ``target`` and at what cost; who does not, and why."""
    info = a.targets[target]
    cells = [c for c in a.cells if c.target == target]
    works = [f"{c.option} ({cell_text(a, c)})" for c in cells if c.status == "works"]
    others = [f"{c.option}: {cell_text(a, c)}" for c in cells if c.status != "works"]
    return (f"{info.label} ({info.runtime}): reached by {'; '.join(works) or 'no option'}."
            + (f" Not reached: {'; '.join(others)}." if others else ""))


def _labels(a: DeploymentAssessment, targets: list[str]) -> str:
    return ", ".join(a.targets[t].label for t in targets) or "none"


def ease_text(a: DeploymentAssessment, e: Ease) -> str:
    """One Keras option against TensorFlow core, with the targets that decided it."""
    details = "; ".join(f"{a.targets[t.target].label} {t.keras_lines}/{t.keras_steps} vs {t.core_lines}/"
                        f"{t.core_steps} ({t.outcome.replace('_', ' ')})" for t in e.targets)
    return (f"{e.option}: {'easier' if e.easier else 'not easier'} (easier on {_labels(a, e.easier_on)}; harder "
            f"on {_labels(a, e.harder_on)}; within {a.ease_margin_lines} lines on {_labels(a, e.same_on)}). "
            f"Lines/steps, Keras vs TF core: {details or 'no target compared'}.")


def findings(a: DeploymentAssessment) -> dict[str, str]:
    """Prose per sub-claim and per target."""
    out: dict[str, str] = {}
    reach = []
    for option in OPTIONS:
        cells = [c for c in a.cells if c.option == option]
        if not cells:
            continue
        applicable = [c for c in cells if c.status != "not_applicable"]
        reach.append(f"{option} works on {len(a.reach(option))}/{len(applicable)} "
                     f"({_labels(a, a.reach(option))})")
    out["reach"] = "; ".join(reach) + "." if reach else "No option ran."
    out["effort"] = (" ".join(ease_text(a, e) for e in a.ease.values())
                     + " Only Keras options have a native format of their own to deploy (.keras). TensorFlow core's "
                       "model must declare a tf.function input signature before any export "
                       "(digits_mlp_tf_core.py); a Keras model carries it in its Input.")
    w = a.weight
    out["weight"] = ("Artifact size, Keras on TensorFlow vs TensorFlow core, same target: "
                     + ("; ".join(f"{a.targets[p.target].label} {size_text(p.keras_bytes)} vs "
                                  f"{size_text(p.core_bytes)}" for p in w.pairs) or "none")
                     + (f" (median ratio {w.median_ratio:.2f})." if w.median_ratio is not None else "."))
    cold = [c for c in a.cells if c.status == "works" and c.cold_start_s is not None]
    if cold:
        fastest = min(cold, key=lambda c: c.cold_start_s.estimate)
        slowest = max(cold, key=lambda c: c.cold_start_s.estimate)
        out["weight"] += (f" Cold start ranges from {fastest.cold_start_s.estimate:.3f} s "
                          f"({fastest.option}, {a.targets[fastest.target].label}) to "
                          f"{slowest.cold_start_s.estimate:.2f} s ({slowest.option}, "
                          f"{a.targets[slowest.target].label}): the runtime, not the option, decides it.")
    diffs = [c for c in a.cells if c.status == "works" and c.parity_max_abs_diff is not None]
    if diffs:
        worst = max(diffs, key=lambda c: c.parity_max_abs_diff)
        out["serving"] = (f"Every working artifact answers like the original model: the largest max-abs difference "
                          f"of probabilities is {worst.parity_max_abs_diff:.1e} ({worst.option}, "
                          f"{a.targets[worst.target].label}; tolerance {a.tolerance:g}). Latencies are for a "
                          f"64-64-10 perceptron, where per-call overhead dominates: they rank runtimes' overheads, "
                          f"not their arithmetic.")
    else:
        out["serving"] = "No artifact was served."
    parts = []
    for check in a.corruption:
        words = [f"{o.kind}: {o.outcome}"
                 + (f" ({o.error.text(160)})" if o.error else f" (max diff {o.max_abs_diff:.2g})"
                    if o.max_abs_diff is not None else "")
                 + (" — silent corruption" if o.silent_corruption else "")
                 + (f" [see {o.known_issue.url}]" if o.known_issue else "") for o in check.outcomes]
        parts.append(f"{a.targets[check.target].label} (copy of {check.option}'s): {'; '.join(words)}.")
    out["corrupted"] = " ".join(parts) or "No corruption check ran."
    for target in a.targets:
        if any(c.target == target for c in a.cells):
            out[f"target_{target}"] = target_text(a, target)
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
    out["accuracy"] = "; ".join(f"{o} {m.test_accuracy:.3f} after {m.epochs} epochs"
                                for o, m in a.models.items()) or "no model trained"
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
            decided.append(f"within {a.ease_margin_lines} lines on {_labels(a, e.same_on)}")
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
