"""The ``export`` job of a ``kvt check`` trial (:mod:`evidence.check.trial`): the saved model taken to each
target through the deployment claim's routes, each artifact served and its answers compared with the model's."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.check.arrays import load_arrays
from evidence.check.trial_common import NEEDS_USER_CODE, Record, custom_objects, import_user_module, predict


def run_export(rec: Record, job: dict[str, Any]) -> None:
    """The ``export`` job: load the saved model and take it to each target with the deployment claim's own
    routes (:mod:`evidence.claims.deployment.targets`), then serve each artifact in a fresh process (or a
    browser page) and compare its answers with the model's on the same inputs."""
    import numpy as np

    from evidence.claim_parts import (
        BROWSER,
        BROWSER_BATCHES,
        DEPLOYMENT,
        KNOWN_ISSUES,
        NOT_APPLICABLE,
        ROUTES,
        SPECS,
        browser,
        export_in_env,
        export_to,
        judge_parity,
        parity,
        serve_artifact,
    )
    from evidence.errors import known_issues
    from evidence.options import BACKEND_OPTION

    backend, here = job["backend"], Path(job["dir"]) / "export"
    option = BACKEND_OPTION[backend]
    here.mkdir(parents=True, exist_ok=True)
    with rec.step("import") as entry:
        import keras

        entry.update(keras_version=keras.__version__, backend=keras.backend.backend())
    if rec.data["steps"]["import"]["status"] != "works":
        return
    objects: dict[str, Any] = {}
    if job.get("module"):
        with rec.step("module"):
            objects = custom_objects(import_user_module(Path(job["module"])))
        if rec.data["steps"]["module"]["status"] != "works":
            return
    model = None
    with rec.step("model"):
        model = keras.saving.load_model(job["model_file"], custom_objects=objects or None, compile=False,
                                        safe_mode=True)
        x = load_arrays(job["inputs"])
        reference = predict(model, x)
    if rec.data["steps"]["model"]["status"] != "works":
        return
    servable = isinstance(x, np.ndarray) and isinstance(reference, np.ndarray)
    if servable:
        np.save(here / "inputs.npy", np.asarray(x, dtype="float32"))
        np.save(here / "reference.npy", reference)
    tolerance = DEPLOYMENT.threshold("output_tolerance")
    artifacts: dict[str, Path] = {}
    pages: list[str] = []
    for target in job["targets"]:
        spec = SPECS[target]
        with rec.step(target, group="exports") as entry:
            entry["target"] = target
            source = spec.same_artifact.get(option) or spec.reuses
            route_of = source if spec.reuses else target  # a browser target serves another target's artifact
            if (target, option) in NOT_APPLICABLE or (route_of, option) not in ROUTES:
                entry.update(status="not_applicable",
                             reason=NOT_APPLICABLE.get((target, option), f"no route to {target} from {backend}"))
                continue
            routes = ROUTES[(route_of, option)]
            python = None
            if source and source in artifacts:
                artifacts[target] = artifacts[source]
                entry["reused"] = source
            else:
                folder = here / route_of
                env_name = spec.env.get(option)
                if env_name:
                    out = export_in_env(route_of, env_name, Path(job["model_file"]), folder, backend=backend,
                                        routes=routes, build=False)
                    python = (out.get("environment") or {}).get("python")
                    if not (out.get("environment") or {}).get("ok"):
                        out["reason"] = (f"the {env_name} environment this route needs is not built here "
                                         "(`kvt evidence run deployment` builds it)")
                    elif out["status"] == "fails" and objects and NEEDS_USER_CODE.search(str(out.get("error"))):
                        out = {"status": "unavailable", "reason": f"the export runs in the {env_name} environment "
                               "from the saved .keras file, where the module's custom classes cannot be imported"}
                else:
                    out = export_to(route_of, model, folder, routes)
                    if out["status"] == "fails":  # the static-shape route, before the target is called failed
                        out = _static_shape_retry(out, route_of, model, folder, routes, export_to, entry)
                if out["status"] != "exported":
                    entry.update(status="unavailable" if out["status"] == "unavailable" else "fails",
                                 reason=out.get("reason"), error=out.get("error"))
                    issues = known_issues(str(out.get("reason")), KNOWN_ISSUES, target=target, option=option)
                    if issues:
                        entry["known_issue"] = issues[0].model_dump()
                    continue
                artifacts[target] = artifacts[route_of] = folder.parent / out["artifact"]
                entry["artifact_bytes"] = out.get("artifact_bytes")
            if not servable:
                entry["reason"] = "exported; parity not measured (the serving harness takes one input and one output)"
            elif target in BROWSER:
                pages.append(target)
            else:
                served = serve_artifact(spec.program, artifacts[target], here / "inputs.npy", here / "reference.npy",
                                        here / f"{target}-runs", processes=1, warmup_processes=0, latency_calls=1,
                                        latency_warmup=0, batch_sizes=(1,), tolerance=tolerance,
                                        python=python if spec.serve_env else None)
                if served["status"] == "fails" and objects and NEEDS_USER_CODE.search(str(served.get("error"))):
                    served = {"status": "unavailable", "reason": "exported; the serving process loads the artifact "
                              "without the module's custom classes, so its answers could not be compared"}
                entry.update(status=served["status"], parity=served.get("max_abs_diff"),
                             reason=served.get("reason"), error=served.get("error"))
    if pages:
        _serve_pages(rec, pages, artifacts, here, tolerance, browser, BROWSER_BATCHES, parity, judge_parity)


def _static_shape_retry(failed: dict[str, Any], target: str, model, folder: Path, routes: tuple[str, ...],
                        export_to, entry: dict[str, Any]) -> dict[str, Any]:
    """Export again through the target program's static-shape routes (``export_keras_batch1``: a fixed batch of
    1), where it has them, after the dynamic-shape export failed; the record says it was tried and how it went.
    Returns the static export's record when it worked, else the first failure's."""
    from evidence.claim import load_program
    from evidence.claim_parts import SPECS

    program = load_program(SPECS[target].program)
    static = tuple(f"{r}_batch1" for r in routes if hasattr(program, f"{r}_batch1"))
    if not static or len(getattr(model, "inputs", None) or []) != 1:
        return failed
    out = export_to(target, model, folder, static)
    entry["static_shape"] = ("exported with a static input shape (batch 1) only: the dynamic-shape export failed"
                             if out["status"] == "exported" else "the static-shape route (batch 1) failed too")
    return out if out["status"] == "exported" else failed


def _serve_pages(rec: Record, pages: list[str], artifacts: dict[str, Path], here: Path, tolerance: float,
                 browser, batches, parity, judge_parity) -> None:
    """Serve the browser targets' artifacts in headless Chromium (one driver process) and judge their answers."""
    import numpy as np

    entries = rec.data["steps"]["exports"]
    available = browser.browser_available()
    npm = browser.ensure_npm() if available["ok"] else None
    missing = available.get("why") or (npm or {}).get("why")
    if missing:
        for target in pages:
            entries[target].update(status="unavailable", reason=f"exported; no browser to serve it: {missing}")
        rec.write()
        return
    jobs = [browser.Job(target=t, artifact=artifacts[t], predict_batch=batches[t][0], batch_sizes=batches[t][1])
            for t in pages]
    records = browser.run_browser_process(jobs, here / "inputs.npy", here, "pages", npm=Path(npm["path"]),
                                          page_loads=1, latency_calls=0, latency_warmup=0)
    reference = np.load(here / "reference.npy")
    for target in pages:
        res = records[target]
        if not res.get("ok"):
            entries[target].update(status="fails", error=res.get("error"), reason=res.get("phase"))
            continue
        predictions = np.asarray(res["predictions"], dtype="float32").reshape(res["rows"], -1)
        agreement = parity(predictions, reference.reshape(len(reference), -1))
        status, why = judge_parity(agreement, tolerance)
        entries[target].update(status=status, parity=agreement.get("max_abs_diff"), reason=why)
    rec.write()
