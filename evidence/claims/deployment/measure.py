"""What a worker measures for one option: the ``export`` stage (build each model of the zoo, export it through
every route) and the ``serve`` stage (:mod:`.measure_serve`).

The export stage builds each model with random weights (``evidence/programs/deploy_zoo.py``; TensorFlow core holds
the same layers in a ``tf.Module``, ``deploy_zoo_tfcore.py``), keeps its outputs on fixed inputs as the reference,
then runs each planned target's routes (:func:`evidence.runtimes.targets.export_routes`: the direct call, the
documented workaround, the static-shape route, the reload under the TensorFlow backend). Per target: the route
that worked, every attempt with its error, seconds, files and bytes, the packages it needs, and the lines and
steps of the code a user writes (:mod:`.metrics`). The record is written to the run's workdir after every target,
so a worker that dies mid-way still leaves what it did. Frameworks are imported inside functions only.
"""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path
from typing import Any

from evidence.claim import load_program
from evidence.options import KERAS_BACKEND, TF_CORE
from evidence.runtimes import envs
from evidence.runtimes.child import write_json
from evidence.runtimes.targets import (
    BASE_PACKAGES,
    EXPORT_PACKAGES,
    EXPORT_PACKAGES_BY_BACKEND,
    NOT_APPLICABLE,
    ROUTES,
    SPECS,
    VIA_TENSORFLOW,
    export_routes,
    package_version,
)

from .metrics import route_metrics

ZOO = "deploy_zoo.py"
SHARED_ZOO = "zoo.py"
ZOO_TF_CORE = "deploy_zoo_tfcore.py"


def save_npy(path: Path, array) -> None:
    """Write ``array`` to ``path`` atomically."""
    import numpy as np

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
    os.replace(tmp, path)


def route_facts(option: str, target: str, function: str) -> dict[str, Any]:
    """Code metrics of a route (export function + load + predict) and the packages it needs where the model is
    exported and where it is served."""
    program = SPECS[target].program
    plain = function.removeprefix(VIA_TENSORFLOW)
    if function.startswith(VIA_TENSORFLOW):
        needs_export: tuple[str, ...] = ("tensorflow", *EXPORT_PACKAGES_BY_BACKEND.get((target, "keras-tensorflow"),
                                                                                   ()))
    elif plain.startswith("export_keras") and not plain.startswith("export_keras_jax"):
        needs_export = EXPORT_PACKAGES_BY_BACKEND.get((target, option)) or EXPORT_PACKAGES.get((target, plain), ())
    else:
        needs_export = EXPORT_PACKAGES.get((target, plain), ())
    needs_serve = SPECS[target].serve_packages or BASE_PACKAGES[option]
    extra = sorted({*needs_export, *needs_serve} - set(BASE_PACKAGES[option]))
    return {
        "code": {"export": route_metrics(program, [plain]),
                 "serve": route_metrics(program, ["load", "predict"]),
                 "total": route_metrics(program, [plain, "load", "predict"])},
        "packages": {"export": list(needs_export), "serve": list(needs_serve), "extra": extra,
                     "versions": {p: package_version(p) for p in sorted({*needs_export, *needs_serve})}},
    }


def build_model(option: str, name: str, quick: bool, rows: int, workdir: Path, base: Path) -> tuple[Any, Any, dict]:
    """The zoo's model ``name`` as ``option`` holds it (a Keras model; for TensorFlow core also its ``tf.Module``),
    with its reference outputs on the shared inputs written next to the record. Returns (model, module, info)."""
    import numpy as np

    zoo = load_program(ZOO)
    start = time.perf_counter()
    model = zoo.build(name, quick)
    x = zoo.inputs(name, rows, quick)
    inputs = workdir / f"inputs-{name}.npy"
    if not inputs.exists():
        save_npy(inputs, x)
    same = bool(np.array_equal(np.load(inputs), x))
    reference = np.asarray(model.predict_on_batch(x), dtype="float32")
    save_npy(base / f"reference-{name}.npy", reference)
    module = load_program(ZOO_TF_CORE).module_for(model) if option == TF_CORE else None
    cfg = zoo.config(name, quick)
    info = {"name": name, "builder": cfg.pop("builder"), "config": cfg, "tiny": quick,
            "params": int(model.count_params()), "input_shape": list(model.input_shape),
            "input_dtype": str(model.inputs[0].dtype), "output_shape": list(model.output_shape),
            "parity_rows": rows, "inputs_identical": same, "build_s": time.perf_counter() - start}
    return model, module, info


def export_stage(claim, ctx) -> dict[str, Any]:
    """Every model of the plan to every target it is taken to, for ``ctx.subject``; the record."""
    base = ctx.workdir / ctx.subject
    base.mkdir(parents=True, exist_ok=True)
    record: dict[str, Any] = {"models": {}, "targets": {}, "environments": {}}
    rows = int(claim.setting("parity_rows", ctx.quick))
    for name, targets in claim.model_targets(ctx.quick).items():
        model, module, info = build_model(ctx.subject, name, ctx.quick, rows, ctx.workdir, base)
        record["models"][name] = info
        record["targets"][name] = {}
        for target in claim.exported_targets(targets):
            record["targets"][name][target] = {"status": "in progress"}
            write_json(base / "export.json", record)
            record["targets"][name][target] = export_target(claim, ctx, name, target, model, module, base, record)
            write_json(base / "export.json", record)
        del model, module
        gc.collect()
    return record


def export_target(claim, ctx, name: str, target: str, model: Any, module: Any, base: Path,
                  record: dict[str, Any]) -> dict[str, Any]:
    """One model to one target through the option's routes."""
    option = ctx.subject
    if (target, option) in NOT_APPLICABLE:
        return {"status": "not applicable", "reason": NOT_APPLICABLE[(target, option)]}
    routes = ROUTES[(target, option)]
    env_name = SPECS[target].env.get(option)
    same = SPECS[target].same_artifact.get(option)
    folder = base / name / target
    keras_file = base / name / "keras" / SPECS["keras"].artifact
    if same is not None:
        out = {**record["targets"][name].get(same, {"status": "fails", "reason": f"no {same} export"}),
               "same_artifact_as": same}
        out.pop("code", None)
        out.pop("packages", None)
    elif env_name is not None and not claim.setting("environment_targets", ctx.quick):
        spec = envs.ENVS[env_name]
        built = envs.read_marker(envs.env_path(spec))
        record["environments"][env_name] = {"name": env_name, "ok": False, "steps": [list(s) for s in spec.steps],
                                            "why": claim.settings["environment_targets"].reason,
                                            **({"creation_s": built["creation_s"]} if built else {})}
        out = {"status": "unavailable", "attempts": [], "reason": claim.settings["environment_targets"].reason}
    else:
        if option != TF_CORE and not keras_file.exists() and (
                env_name or any(r.startswith(VIA_TENSORFLOW) for r in routes)):
            keras_file.parent.mkdir(parents=True, exist_ok=True)
            model.save(keras_file)  # the file the other process loads (the keras target writes it first)
        out = export_routes(target, module if option == TF_CORE else model, folder, routes, keras_file=keras_file,
                            backend=KERAS_BACKEND[option], env_name=env_name, timeout_s=claim.export_timeout_s)
        if "environment" in out:
            record["environments"][env_name] = out.pop("environment")
    function = out.get("function") or routes[-1]
    return {**out, **route_facts(option, target, function)}
