"""The ``serve`` stage: each artifact the export stage wrote is loaded in fresh processes (or fresh browser pages),
answers, is timed and compared with the original model's outputs; then copies of some artifacts are damaged on
purpose (:mod:`.corruption`).

Cold start is split into import, load and first answer, over ``ctx.repeats`` fresh processes; the last one also
predicts every parity input (max abs difference from the reference) and times calls at each latency batch size,
within a time budget per batch (:func:`evidence.runtimes.serving.serve_artifact`).
"""

from __future__ import annotations

import json
import statistics
from pathlib import Path
from typing import Any

from evidence.contract import ErrorInfo
from evidence.options import KERAS_BACKEND
from evidence.runtimes import browser
from evidence.runtimes.serving import judge_parity, parity, run_serving_process, serve_artifact
from evidence.runtimes.targets import BROWSER, BROWSER_PROGRAMS, SERVED, SPECS, package_version

from . import corruption
from .metrics import js_route_metrics

#: The record key of the LiteRT file with a variable batch served by LiteRT.js (the direct route of browser_litert).
DIRECT_LITERT = "browser_litert_variable_batch"


def serve_settings(claim, ctx) -> dict[str, Any]:
    """The serving sizes of this mode."""
    q = ctx.quick
    return {"cold_start_processes": ctx.repeats,
            "cold_start_warmup_processes": claim.setting("cold_start_warmup_processes", q),
            "latency_calls": claim.setting("latency_calls", q),
            "latency_warmup_calls": claim.setting("latency_warmup_calls", q),
            "latency_budget_s": claim.setting("latency_budget_s", q),
            "batch_sizes": claim.setting("latency_batch_sizes", q),
            "browser_page_loads": claim.setting("browser_page_loads", q),
            "browser_latency_calls": claim.setting("browser_latency_calls", q)}


def serve_stage(claim, ctx) -> dict[str, Any]:
    """Serve every exported artifact of ``ctx.subject``; the record."""
    base = ctx.workdir / ctx.subject
    export_file = base / "export.json"
    if not export_file.exists():
        return {"status": "no export", "targets": {}, "corrupted": {},
                "reason": "the export stage left no record (it stopped before its first target)"}
    record = json.loads(export_file.read_text(encoding="utf-8"))
    settings = serve_settings(claim, ctx)
    out: dict[str, Any] = {"settings": settings, "targets": {}, "browser_targets": {}}
    plan = claim.model_targets(ctx.quick)
    for name, exported in record["targets"].items():
        out["targets"][name] = {}
        for target in SERVED:
            entry = exported.get(target)
            if entry is not None and entry["status"] == "exported":
                out["targets"][name][target] = serve_target(claim, ctx, name, target, base, entry, record, settings)
        browser_targets = [t for t in BROWSER if exported.get(SPECS[t].reuses or t, {}).get("status") == "exported"
                           and t in plan.get(name, ())]
        if browser_targets:
            served = serve_browser(claim, ctx, name, browser_targets, base, exported, settings)
            out["browser_targets"][name] = served.pop("browser_targets")
            out.update(served)
    owner_model = claim.setting("corruption_model", ctx.quick)
    out["corrupted"] = {t: corruption_checks(claim, ctx, m, t, base, record)
                        for m, t in claim.corrupted_cells(ctx.quick, owner_model)
                        if corruption_owner(claim, ctx.workdir, m, t) == ctx.subject}
    if any(e["status"] == "in progress" for targets in record["targets"].values() for e in targets.values()):
        out["export_record"] = record  # the export worker died mid-way: keep what it wrote
    return out


def serve_python(option: str, target: str, record: dict[str, Any]) -> str | None:
    """The interpreter that serves ``target``'s artifact: its own environment's, or None for this one."""
    env_name = SPECS[target].serve_env
    if env_name is None or SPECS[target].env.get(option) != env_name:
        return None
    return record["environments"].get(env_name, {}).get("python")


def runtime_name(option: str, target: str, record: dict[str, Any]) -> str:
    """What served the artifact, with its version."""
    spec = SPECS[target]
    env_name = spec.serve_env if serve_python(option, target, record) else None
    if target == "keras":
        backend = KERAS_BACKEND[option]
        return f"keras {package_version('keras')} on {backend} {package_version(backend)}"
    name = spec.serve_packages[0]
    version = record["environments"][env_name]["versions"].get(name) if env_name else package_version(name)
    return f"{name} {version}" + (f" (in the {env_name} environment)" if env_name else "")


def signature_ok(signature: dict[str, Any]) -> bool:
    """Every input and output of a serving signature has a variable batch (first) dimension."""
    specs = [*signature.get("inputs", {}).values(), *signature.get("outputs", {}).values()]
    return bool(specs) and all(s.get("shape") and s["shape"][0] is None for s in specs)


def serve_target(claim, ctx, name: str, target: str, base: Path, entry: dict[str, Any], record: dict[str, Any],
                 settings: dict[str, Any]) -> dict[str, Any]:
    """One artifact in fresh processes: cold starts, parity, latency."""
    static = entry.get("static_batch")
    batches = [b for b in settings["batch_sizes"] if static is None or b == static] or [static]
    out = serve_artifact(
        SPECS[target].program, base / name / entry["artifact"], ctx.workdir / f"inputs-{name}.npy",
        base / f"reference-{name}.npy", base / name / f"{target}-runs", processes=settings["cold_start_processes"],
        warmup_processes=settings["cold_start_warmup_processes"], latency_calls=settings["latency_calls"],
        latency_warmup=settings["latency_warmup_calls"], batch_sizes=batches,
        tolerance=claim.threshold("output_tolerance", ctx.quick), python=serve_python(ctx.subject, target, record),
        predict_batch=static or max(settings["batch_sizes"]), latency_budget_s=settings["latency_budget_s"],
        timeout_s=claim.serve_timeout_s)
    out["runtime"] = runtime_name(ctx.subject, target, record)
    if (out.get("status") == "works" and "signature" in out and static is None
            and not signature_ok(out["signature"])):
        out.update(status="fails", stage="signature",
                   reason=f"the serving signature has no variable batch dimension: {out['signature']}")
    return out


def serve_browser(claim, ctx, name: str, targets: list[str], base: Path, exported: dict[str, Any],
                  settings: dict[str, Any]) -> dict[str, Any]:
    """The browser targets of one model, served in one Chromium."""
    import numpy as np

    available = browser.browser_available()
    npm = browser.ensure_npm() if available["ok"] else None
    out: dict[str, Any] = {"browser": available, "npm": npm, "browser_targets": {}}
    missing = available.get("why") or (npm or {}).get("why")
    if missing:
        out["browser_targets"] = {t: {"status": "unavailable", "why": missing} for t in targets}
        return out
    runs = base / name / "browser-runs"
    runs.mkdir(parents=True, exist_ok=True)
    batch = max(settings["batch_sizes"])

    def batches(entry: dict[str, Any]) -> tuple[int, tuple[int, ...]]:
        return (1, (1,)) if entry.get("static_batch") else (batch, tuple(settings["batch_sizes"]))

    jobs = []
    for t in targets:
        entry = exported[SPECS[t].reuses or t]
        predict_batch, sizes = batches(entry)
        jobs.append(browser.Job(target=t, artifact=base / name / entry["artifact"], predict_batch=predict_batch,
                                batch_sizes=sizes))
    litert = exported.get("litert", {})
    if ("browser_litert" in targets and litert.get("status") == "exported"
            and exported["browser_litert"].get("artifact") != litert["artifact"]):
        # The direct route: the LiteRT file as the litert target wrote it (variable batch), which LiteRT.js may
        # refuse; the batch-1 export is the workaround. Both are recorded.
        jobs.append(browser.Job(target="browser_litert", artifact=base / name / litert["artifact"],
                                name=DIRECT_LITERT))
    records = browser.run_browser_process(
        jobs, ctx.workdir / f"inputs-{name}.npy", runs, "pages", npm=Path(npm["path"]),
        page_loads=settings["browser_page_loads"], latency_calls=settings["browser_latency_calls"],
        latency_warmup=settings["latency_warmup_calls"])
    reference = np.load(base / f"reference-{name}.npy")
    for target in targets:
        res = records[target]
        package = browser.NPM_RUNTIME[target]
        cell: dict[str, Any] = {"runtime": f"{package} {npm['versions'].get(package)} in Chromium "
                                           f"{res.get('browser_version') or available.get('chromium')}",
                                "code": {"serve": js_route_metrics(BROWSER_PROGRAMS[target])}}
        if not res.get("ok"):
            cell.update(status="fails", stage=res.get("phase") or "browser", error=res["error"],
                        reason=ErrorInfo(**res["error"]).text(300), console=res.get("console", []))
        else:
            predictions = np.asarray(res.pop("predictions"), dtype="float32").reshape(res["rows"], -1)
            agreement = parity(predictions, reference.reshape(len(reference), -1))
            status, why = judge_parity(agreement, claim.threshold("output_tolerance", ctx.quick))
            loads = res["loads"]
            from evidence.timing import summarize

            cell.update(agreement, status=status, stage="compare" if why else None, reason=why,
                        cold_start=summarize([r["cold_start_s"] for r in loads]),
                        import_s=statistics.median(r["import_s"] for r in loads),
                        load_s=statistics.median(r["load_s"] for r in loads),
                        first_answer_s=statistics.median(r["first_answer_s"] for r in loads),
                        latency=res["latency"], browser_launch_s=res["browser_launch_s"],
                        cross_origin_isolated=res.get("cross_origin_isolated"), console=res.get("console", []))
        direct = records.get(DIRECT_LITERT) if target == "browser_litert" else None
        if direct is not None:
            cell["direct_artifact"] = {"ok": bool(direct.get("ok")), "error": direct.get("error"),
                                       "phase": direct.get("phase")}
        out["browser_targets"][target] = cell
    return out


def corruption_owner(claim, workdir: Path, model: str, target: str) -> str | None:
    """The first option (in subject order) whose export of ``model`` to ``target`` succeeded: it runs the
    corruption checks of that artifact."""
    for option in claim.subjects:
        path = workdir / option / "export.json"
        if not path.exists():
            continue
        try:
            if json.loads(path.read_text(encoding="utf-8"))["targets"][model][target]["status"] == "exported":
                return option
        except (json.JSONDecodeError, KeyError):
            continue
    return None


def corruption_checks(claim, ctx, model: str, target: str, base: Path, record: dict[str, Any]) -> dict[str, Any]:
    """Damaged copies of one artifact, each loaded by a fresh serving process."""
    import numpy as np

    checks: dict[str, Any] = {"option": ctx.subject, "model": model}
    reference = np.load(base / f"reference-{model}.npy")
    entry = record["targets"][model][target]
    folder = base / model
    artifact_rel = Path(entry["artifact"]).relative_to(target)
    for kind in corruption.KINDS:
        dest = folder / f"{target}-{kind}"
        damage = corruption.corrupt_copy(folder / target, dest, SPECS[target].corrupt, kind)
        res = run_serving_process(SPECS[target].program, dest / artifact_rel, ctx.workdir / f"inputs-{model}.npy",
                                  folder, f"{target}-{kind}", predictions=True,
                                  predict_batch=entry.get("static_batch") or 8,
                                  python=serve_python(ctx.subject, target, record), timeout_s=claim.serve_timeout_s)
        checks[kind] = corruption.classify(res, damage, reference, claim.threshold("output_tolerance", ctx.quick),
                                           target, ctx.subject)
    return checks
