"""Raw subject results -> :class:`~.assessment.DeploymentAssessment` (the judge's first half).

One :class:`~.assessment.Cell` per (option, model, target) from the option's export and serve records; the
"easier" comparison (:func:`compare_ease`, by the extra steps each route asks of a user: :func:`extra_steps`) and
the "lighter" one (:func:`compare_weight`). Module-level functions, unit-testable without a run.
"""

from __future__ import annotations

import json
import math
import re
import statistics
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidence.claim import missing_subjects
from evidence.contract import ErrorInfo
from evidence.errors import known_issues
from evidence.options import KERAS_OPTIONS, OPTIONS, TF_CORE
from evidence.runtimes import browser
from evidence.runtimes.targets import (
    BASE_PACKAGES,
    BROWSER_PROGRAMS,
    KNOWN_ISSUES,
    NOT_APPLICABLE,
    NOT_INSTALLED_WHY,
    SERVED,
    SPECS,
    TARGETS,
    VIA_TENSORFLOW,
)
from evidence.timing import interval

from . import corruption
from .assessment import (
    BrowserRecord,
    Cell,
    CorruptionCheck,
    CorruptionOutcome,
    DeploymentAssessment,
    Ease,
    EaseOnTarget,
    EnvironmentRecord,
    Latency,
    ModelInfo,
    NpmRecord,
    SizePair,
    TargetInfo,
    Weight,
)

#: What a route asks of a user beyond the export call, by its export function (the "easier" rule counts these
#: with each extra package and environment; see the claim's ``ease_margin_steps`` threshold for why).
ROUTE_STEPS: dict[str, tuple[str, ...]] = {
    "export_keras_batch1": ("shape signature",),
    "export_keras_signature": ("shape signature",),
    "export_keras_jax": ("intermediate format",),
    "export_keras_jax_batch1": ("intermediate format", "shape signature"),
    # TensorFlow core: the module's tf.function needs an input signature before anything can be exported.
    "export_tf_core": ("shape signature",),
    "export_tf_core_batch1": ("shape signature",),
}
CROSS_BACKEND_STEP = "reload under the TensorFlow backend"
BLOCKERS_FILE = Path(__file__).with_name("data") / "blockers.json"
#: What blocks a route, by a pattern of its error (the op or construct, in words), read from ``data/blockers.json``.
BLOCKERS: tuple[tuple[re.Pattern, str], ...] = tuple(
    (re.compile(b["pattern"]), b["construct"])
    for b in json.loads(BLOCKERS_FILE.read_text(encoding="utf-8"))["blockers"])


def blockers_of(errors: list[dict[str, Any]]) -> list[str]:
    """The constructs the errors of failed attempts name, each once, in order."""
    found: list[str] = []
    for err in errors:
        text = f"{err.get('type', '')}: {err.get('message', '')} {err.get('root') or ''}"
        found += [c for pattern, c in BLOCKERS if pattern.search(text) and c not in found]
    return found


def got_past_by(route: str) -> str | None:
    """What a workaround route does to get past a blocker."""
    if route.startswith(VIA_TENSORFLOW):
        return CROSS_BACKEND_STEP
    if route.endswith(("_batch1", "_signature")):
        return "static shape" if route.endswith("_batch1") else "an explicit input signature"
    if "_jax" in route:
        return "intermediate format"
    return None


#: Targets left out of the ease comparison, with why.
EASE_EXCLUDED: dict[str, str] = {
    "browser_onnx": "it serves the ONNX export, compared on that target; the JavaScript that loads it is the same "
                    "for every option",
    "browser_litert": "its export is the LiteRT export with a fixed batch of 1, compared on that target; the "
                      "JavaScript that loads it is the same for every option",
}


def extra_steps(route: str | None, extra_packages: list[str], environment: str | None) -> list[str]:
    """What a user must do beyond the call for a route: each extra package, an environment of its own, a shape
    signature written by hand, a detour through another format or another Keras backend."""
    steps = [f"package:{p}" for p in extra_packages]
    if environment:
        steps.append(f"environment:{environment}")
    if route and route.startswith(VIA_TENSORFLOW):
        steps.append(CROSS_BACKEND_STEP)
    steps += ROUTE_STEPS.get((route or "").removeprefix(VIA_TENSORFLOW), ())
    return steps


def _error(raw: dict[str, Any] | None) -> ErrorInfo | None:
    return ErrorInfo(**raw) if raw else None


def _issue(target: str, option: str, *errors: ErrorInfo | None):
    text = " ".join(e.text(500) + " " + (e.root or "") for e in errors if e is not None)
    found = known_issues(text, KNOWN_ISSUES, target=target, option=option) if text.strip() else []
    return found[0] if found else None


def _code_fields(exported: dict[str, Any], option: str, target: str,
                 serve_code: dict[str, Any] | None = None) -> dict[str, Any]:
    """Lines, steps and packages of a route; a browser target adds its JavaScript serving code to the export,
    and its runtime is an npm package instead of the Python runtime of the target whose export it serves."""
    code = exported.get("code")
    if not code:
        return {}
    if serve_code is None:
        lines, steps = code["total"]["lines"], code["total"]["steps"]
        extra = exported["packages"]["extra"]
    else:
        lines = code["export"]["lines"] + serve_code["lines"]
        steps = code["export"]["steps"] + serve_code["steps"]
        extra = sorted(set(exported["packages"].get("export", ())) - set(BASE_PACKAGES[option]))
        extra.append(browser.NPM_RUNTIME[target])
    return {"lines": lines, "steps": steps, "export_lines": code["export"]["lines"], "extra_packages": extra}


def _measured_fields(served: dict[str, Any]) -> dict[str, Any]:
    if "cold_start" not in served:
        return {}
    return {"cold_start_s": interval(served["cold_start"]), "import_s": served["import_s"],
            "load_s": served["load_s"], "first_answer_s": served["first_answer_s"],
            "latency": [Latency(batch=int(b), p50_ms=v["p50_ms"], p90_ms=v["p90_ms"], p99_ms=v["p99_ms"],
                                calls=v["calls"]) for b, v in served.get("latency", {}).items()],
            "parity_max_abs_diff": served.get("max_abs_diff"), "class_agreement": served.get("class_agreement"),
            "serving_distributions": (len(served["serving_distributions"]) if "serving_distributions" in served
                                      else None)}


def _export_record(res) -> dict[str, Any]:
    return res.measurements.get("export") or res.measurements.get("serve", {}).get("export_record") or {}


def build_cell(res, option: str, model: str, target: str) -> Cell | None:
    """One (option, model, target) cell from the option's export and serve records (None for an option not
    run)."""
    if res is None:
        return None
    spec = SPECS[target]
    base = {"option": option, "model": model, "target": target, "program": spec.program}
    if (target, option) in NOT_APPLICABLE:
        return Cell(**base, status="not_applicable", reason=NOT_APPLICABLE[(target, option)])
    export = _export_record(res)
    serve = res.measurements.get("serve", {})
    source = spec.reuses or target
    exported = export.get("targets", {}).get(model, {}).get(source)
    if exported is None:
        if res.status == "unavailable":
            return Cell(**base, status="unavailable", stage="export", why_unavailable=res.short_reason())
        # Never tried: the export worker stopped before this target ("worker": left out of the ease comparison).
        if res.status == "ok":
            return Cell(**base, status="fails", stage="worker",
                        reason="the export stage left no record of this target (its worker stopped before it)")
        return Cell(**base, status="fails", stage="worker", reason=f"{option} {res.status}: {res.short_reason()}")
    env_name = SPECS[source].env.get(option) if exported.get("environment") or SPECS[source].env else None
    env_name = env_name if env_name and exported.get("function", "").startswith("export_keras") else None
    fields: dict[str, Any] = {**base, "environment": env_name, **_code_fields(exported, option, target)}
    attempts = exported.get("attempts", [])
    fields["attempts"] = [f"{a['function']}: {'works' if a['ok'] else 'fails'}" for a in attempts]
    failed = [a for a in attempts if not a["ok"] and not a.get("unavailable") and not a.get("skipped")]
    fields["blockers"] = blockers_of([a["error"] for a in failed if a.get("error")])
    if exported["status"] == "in progress":
        return Cell(**fields, status="fails", stage="export",
                    reason=f"the export worker died during this target ({res.short_reason()})")
    if exported["status"] != "exported":
        error = _error(exported.get("error"))
        prefix = f"the {SPECS[source].label} export it serves " if spec.reuses else ""
        if exported["status"] == "unavailable":
            missing = error.missing_module if error else None
            why = NOT_INSTALLED_WHY.get(missing or "") or exported.get("reason")
            return Cell(**fields, status="unavailable", stage="export", error=error,
                        why_unavailable=prefix + (why or "not installed"), known_issue=_issue(target, option, error))
        return Cell(**fields, status="fails", stage="export", error=error,
                    reason=prefix + (exported.get("reason") or "the export failed"),
                    known_issue=_issue(source, option, error, *(_error(a.get("error")) for a in failed)))
    route = exported["function"]
    fields.update(route=route, artifact_bytes=exported["artifact_bytes"], export_s=exported["export_s"],
                  static_batch=exported.get("static_batch"),
                  direct_route_error=_error(failed[0]["error"]) if failed else None,
                  got_past_by=got_past_by(route) if failed else None)
    if spec.kind == "browser":
        served = serve.get("browser_targets", {}).get(model, {}).get(target)
        if served is not None and served.get("code"):
            fields.update(_code_fields(exported, option, target, served["code"]["serve"]))
            fields["program"] = BROWSER_PROGRAMS[target]
    else:
        served = serve.get("targets", {}).get(model, {}).get(target)
    fields["extra_steps"] = extra_steps(route, fields.get("extra_packages", []), env_name)
    direct = (served or {}).get("direct_artifact")
    if direct and not direct["ok"] and direct.get("error") and fields["direct_route_error"] is None:
        fields["direct_route_error"] = _error(direct["error"])
    if served is None:
        return Cell(**fields, status="fails", stage="serve",
                    reason=f"the serve stage did not run for {option} ({res.short_reason()})")
    error = _error(served.get("error"))
    if served.get("status") == "fails" and (served.get("error") or served.get("stderr_tail")):
        serving_errors = [{**(served.get("error") or {}), "root": served.get("stderr_tail") or ""}]
        fields["blockers"] = [*fields["blockers"], *(b for b in blockers_of(serving_errors)
                                                     if b not in fields["blockers"])]
    fields.update(runtime=served.get("runtime"), **_measured_fields(served))
    if served["status"] == "unavailable":
        return Cell(**fields, status="unavailable", stage=served.get("stage"), error=error,
                    why_unavailable=served.get("why") or served.get("reason"))
    diff = served.get("max_abs_diff")
    if served["status"] == "works" and "max_abs_diff" in served and (diff is None or not math.isfinite(diff)):
        # NaN compares false with the tolerance (and is stored as null): answers that are not numbers are no
        # agreement.
        return Cell(**fields, status="fails", stage="compare", error=error,
                    reason=f"the artifact answers {diff} (not a number) where the original model answers numbers")
    return Cell(**fields, status=served["status"], stage=served.get("stage"), error=error,
                reason=served.get("reason"),
                known_issue=_issue(source, option, error, fields["direct_route_error"]))


def compare_ease(cells: list[Cell], option: str, margin: int, min_net: int) -> Ease:
    """``option`` against TensorFlow core, model by model and target by target.

    On a (model, target) both reach, the option is easier when its route needs at least ``margin`` fewer extra
    steps (:attr:`Cell.extra_steps`), harder when it needs at least ``margin`` more, else the same. A pair only
    one reaches counts for that one when the other was tried and failed; an unavailable cell (not tried) is left
    out. The option is easier overall when ``len(easier_on) - len(harder_on) >= min_net``.
    """
    by = {(c.option, c.model, c.target): c for c in cells}
    models = list(dict.fromkeys(c.model for c in cells))
    easier_on, harder_on, same_on, compared = [], [], [], []
    not_compared: dict[str, str] = {}
    for model in models:
        for target in TARGETS:
            k, c = by.get((option, model, target)), by.get((TF_CORE, model, target))
            key = f"{model}/{target}"
            if k is None or c is None:
                continue
            if target in EASE_EXCLUDED:
                not_compared[key] = EASE_EXCLUDED[target]
                continue
            if "not_applicable" in (k.status, c.status):
                side = "TensorFlow core" if c.status == "not_applicable" else option
                not_compared[key] = f"not applicable to {side}"
                continue
            if "worker" in (k.stage, c.stage):
                not_compared[key] = "not tried: an export worker stopped before this target"
                continue
            if "unavailable" in (k.status, c.status):
                side, cell = (option, k) if k.status == "unavailable" else ("TensorFlow core", c)
                not_compared[key] = f"{side} could not be tried: {cell.why_unavailable}"
                continue
            entry = {"model": model, "target": target, "keras_lines": k.lines, "core_lines": c.lines,
                     "keras_steps": k.steps, "core_steps": c.steps, "keras_extra": k.extra_steps,
                     "core_extra": c.extra_steps}
            if k.status == "works" and c.status == "works":
                diff = len(k.extra_steps) - len(c.extra_steps)
                outcome = "easier" if diff <= -margin else "harder" if diff >= margin else "same"
            elif k.status == "works":
                outcome = "only_keras"
            elif c.status == "works":
                outcome = "only_core"
            else:
                not_compared[key] = "fails for both"
                continue
            compared.append(EaseOnTarget(outcome=outcome, **entry))
            {"easier": easier_on, "only_keras": easier_on, "harder": harder_on, "only_core": harder_on,
             "same": same_on}[outcome].append(key)
    return Ease(option=option, easier=len(easier_on) - len(harder_on) >= min_net, easier_on=easier_on,
                harder_on=harder_on, same_on=same_on, not_compared=not_compared, targets=compared)


def compare_weight(cells: list[Cell], max_ratio: float) -> Weight:
    """Artifact sizes of Keras on TensorFlow against TensorFlow core's on the (model, target) pairs both reach."""
    by = {(c.option, c.model, c.target): c for c in cells}
    pairs = []
    for model in dict.fromkeys(c.model for c in cells):
        for target in SERVED:  # the browser's artifacts repeat the ONNX and LiteRT ones
            k, c = by.get(("keras-tensorflow", model, target)), by.get((TF_CORE, model, target))
            if k and c and k.status == c.status == "works" and k.artifact_bytes and c.artifact_bytes:
                pairs.append(SizePair(model=model, target=target, keras_bytes=k.artifact_bytes,
                                      core_bytes=c.artifact_bytes))
    ratio = statistics.median(p.keras_bytes / p.core_bytes for p in pairs) if pairs else None
    return Weight(pairs=pairs, median_ratio=ratio, lighter=ratio is not None and ratio <= max_ratio)


def environment_record(env: dict[str, Any]) -> EnvironmentRecord:
    """An environment's build record (:func:`evidence.runtimes.envs.ensure`) as an :class:`EnvironmentRecord`."""
    return EnvironmentRecord(name=env["name"], ok=bool(env.get("ok")), requirements=env.get("steps", []),
                             versions=env.get("versions", {}), reused=bool(env.get("reused")),
                             creation_s=env.get("creation_s"), created=env.get("created"), why=env.get("why"))


def corruption_check(target: str, check: dict[str, Any]) -> CorruptionCheck:
    """One target's corruption record as a :class:`CorruptionCheck`."""
    outcomes = []
    for kind in corruption.KINDS:
        c = check.get(kind)
        if not c:
            continue
        outcomes.append(CorruptionOutcome(
            kind=kind, outcome=c["outcome"], silent_corruption=bool(c.get("silent_corruption")),
            file=c["damage"]["file"], max_abs_diff=c.get("max_abs_diff"), error=_error(c.get("error")),
            known_issue=c.get("issue")))
    return CorruptionCheck(target=target, model=check["model"], option=check["option"], outcomes=outcomes)


def model_info(raw: dict[str, Any]) -> ModelInfo:
    """A model's build record as a :class:`ModelInfo`."""
    return ModelInfo(**{k: raw[k] for k in ModelInfo.model_fields})


def assess(claim, results: Mapping[str, Any], quick: bool) -> DeploymentAssessment:
    """Cells from the options' export and serve records; the ease and weight comparisons on them."""
    plan: dict[str, list[str]] = claim.model_targets(quick)
    cells = [build_cell(results[o], o, m, t) for o in OPTIONS if o in results for m, ts in plan.items()
             for t in TARGETS if t in ts]
    cells = [c for c in cells if c is not None]
    margin = int(claim.threshold("ease_margin_steps", quick))
    net = int(claim.threshold("ease_min_net_targets", quick))
    ease = {o: compare_ease(cells, o, margin, net) for o in KERAS_OPTIONS if o in results and TF_CORE in results}
    models: dict[str, list[ModelInfo]] = {}
    environments, npm, browser_record, checks = {}, None, None, []
    for option, res in results.items():
        export = _export_record(res)
        if export.get("models"):
            models[option] = [model_info(m) for m in export["models"].values()]
        for name, env in export.get("environments", {}).items():
            environments[name] = environment_record(env)
        serve = res.measurements.get("serve", {})
        if serve.get("npm") and npm is None:
            npm = NpmRecord(**{k: serve["npm"][k] for k in ("ok", "packages", "versions", "reused", "install_s",
                                                             "why") if k in serve["npm"]})
        if serve.get("browser") and browser_record is None:
            browser_record = BrowserRecord(**serve["browser"])
        for target, check in serve.get("corrupted", {}).items():
            checks.append(corruption_check(target, check))
    return DeploymentAssessment(
        cells=cells,
        targets={t: TargetInfo(label=s.label, kind=s.kind, runtime=s.runtime, reuses=s.reuses)
                 for t, s in SPECS.items()},
        models=models, model_targets=plan, settings=claim.run_settings(quick), cuts=claim.cuts(quick),
        tolerance=claim.threshold("output_tolerance", quick), ease=ease, ease_margin_steps=margin,
        weight=compare_weight(cells, claim.threshold("lighter_max_size_ratio", quick)),
        environments=environments, npm=npm, browser=browser_record, corruption=checks,
        not_measured=missing_subjects(results, claim.subjects))
