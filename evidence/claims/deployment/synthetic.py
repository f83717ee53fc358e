"""Made-up export and serve records for the family test (:func:`evidence.testing.check_claim`), shaped as the
workers record them (:mod:`.measure`, :mod:`.measure_serve`), so that they are judged through :mod:`.assess` as a
real run's are. No worker runs and no framework is imported. Not in the code hash.

Every option takes every model of the zoo to every target it applies to, through its direct route, and every
artifact answers like the original. What is made up to sit on either side of a threshold is what a user must do
beyond the export call (each extra package is one step: :func:`.assess.extra_steps`) and the artifacts' sizes:

- by default every Keras option needs ``ease_margin_steps`` fewer steps than TensorFlow core on every (model,
  target) both reach, and Keras on TensorFlow's artifacts are half the size that counts as lighter: supported;
- around ``ease_margin_steps``: every pair differs by one step fewer than the margin (below: the same everywhere)
  or by the margin (above: easier everywhere);
- around ``ease_min_net_targets``: the Keras options are easier on one pair fewer than that (below) or on that
  many (above), the same on the others;
- around ``lighter_max_size_ratio``: the sizes' ratio lies just under it (below: lighter) or just over it.
"""

from __future__ import annotations

from typing import Any, ClassVar, Protocol

from evidence.claim import Side
from evidence.contract import SubjectResult
from evidence.options import TF_CORE
from evidence.runtimes.targets import BASE_PACKAGES, BROWSER, NOT_APPLICABLE, ROUTES, SPECS

from .assess import EASE_EXCLUDED, extra_steps


class Deployment(Protocol):
    """What this module asks of the deployment claim (named here, not imported: the claim's module imports this
    one)."""

    subjects: ClassVar[tuple[str, ...]]
    unguarded_thresholds: ClassVar[dict[str, str]]

    def threshold(self, name: str, quick: bool = False) -> int | float:
        """A threshold's value for the mode."""

    def model_targets(self, quick: bool) -> dict[str, list[str]]:
        """The models of the mode with the targets each is taken to."""


#: TensorFlow core's artifact size on every target (Keras on TensorFlow's is this times the made-up ratio).
CORE_BYTES = 1_000_000
#: How far from a ratio threshold a made-up ratio lies, relatively.
MARGIN = 0.01
#: The made-up models' records (what the export worker writes per model).
MODELS: dict[str, dict[str, Any]] = {
    "resnet50": {"builder": "keras.applications.ResNet50", "input_shape": [None, 224, 224, 3],
                 "input_dtype": "float32", "output_shape": [None, 1000], "params": 25_636_712},
    "bert_base": {"builder": "keras_hub.models.BertBackbone", "input_shape": [None, 128], "input_dtype": "int32",
                  "output_shape": [None, 768], "params": 109_482_240},
    "mobilenet_v3_small": {"builder": "keras.applications.MobileNetV3Small", "input_shape": [None, 224, 224, 3],
                           "input_dtype": "float32", "output_shape": [None, 1000], "params": 2_554_968},
}


def _route(option: str, target: str) -> str:
    """The direct route of ``option`` to ``target`` (the first one the worker tries; a browser target without an
    export of its own serves the one of the target it reuses)."""
    return ROUTES[(SPECS[target].reuses or target, option)][0]


def _environment(option: str, target: str) -> str | None:
    """The environment of its own the export runs in, as :func:`.assess.build_cell` reads it."""
    env = SPECS[SPECS[target].reuses or target].env.get(option)
    return env if env and _route(option, target).startswith("export_keras") else None


def _base_steps(option: str, target: str) -> int:
    """The steps the route asks of a user with no extra package (an environment, a shape signature)."""
    return len(extra_steps(_route(option, target), [], _environment(option, target)))


def _compared(plan: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The (model, target) pairs on which a Keras option is compared with TensorFlow core, in plan order."""
    return [(m, t) for m, targets in plan.items() for t in targets
            if t not in EASE_EXCLUDED and (t, TF_CORE) not in NOT_APPLICABLE]


def _differences(claim: Deployment, quick: bool, name: str | None, side: Side | None,
                 pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """TensorFlow core's steps minus a Keras option's on each compared pair (positive: Keras needs fewer)."""
    margin = int(claim.threshold("ease_margin_steps", quick))
    if name == "ease_margin_steps":
        return dict.fromkeys(pairs, margin - (1 if side == "below" else 0))
    if name == "ease_min_net_targets":
        net = int(claim.threshold(name, quick)) - (1 if side == "below" else 0)
        if abs(net) > len(pairs):
            raise ValueError(f"ease_min_net_targets {net} needs more than the {len(pairs)} pairs compared")
        step = margin if net >= 0 else -margin
        return {p: step if i < abs(net) else 0 for i, p in enumerate(pairs)}
    return dict.fromkeys(pairs, margin)


def _exported(option: str, target: str, extra: int, size: int) -> dict[str, Any]:
    """The export worker's record of one target: the direct route worked, with ``extra`` made-up packages."""
    packages = [f"synthetic-package-{i + 1}" for i in range(extra)]
    env = _environment(option, target)
    return {"status": "exported", "function": _route(option, target), "environment": env,
            "attempts": [{"function": _route(option, target), "ok": True}], "artifact_bytes": size, "export_s": 2.0,
            "static_batch": 1 if _route(option, target).endswith("_batch1") else None,
            "code": {"export": {"lines": 3, "steps": 2}, "total": {"lines": 7, "steps": 5}},
            "packages": {"extra": packages, "export": [*BASE_PACKAGES[option], *packages]}}


def _served(target: str) -> dict[str, Any]:
    """The serve worker's record of one artifact: it loads, answers like the original and is timed."""
    record: dict[str, Any] = {
        "status": "works", "runtime": f"{SPECS[target].runtime} (synthetic)",
        "cold_start": {"median_s": 1.0, "samples_s": [0.9, 1.0, 1.1]}, "import_s": 0.5, "load_s": 0.3,
        "first_answer_s": 0.2, "max_abs_diff": 1e-6, "class_agreement": 1.0,
        "latency": {"1": {"p50_ms": 5.0, "p90_ms": 6.0, "p99_ms": 7.0, "calls": 20},
                    "8": {"p50_ms": 30.0, "p90_ms": 33.0, "p99_ms": 35.0, "calls": 20}}}
    if target in BROWSER:
        record["code"] = {"serve": {"lines": 4, "steps": 3}}
    else:
        record["serving_distributions"] = list(SPECS[target].serve_packages)
    return record


def synthetic_results(claim: Deployment, quick: bool, around: tuple[str, Side] | None
                      ) -> dict[str, SubjectResult] | None:
    """Every option ``ok`` (see the module docstring); None around ``output_tolerance``, which the serving
    worker applies (the claim's ``unguarded_thresholds``)."""
    name, side = around if around is not None else (None, None)
    if name is not None and name in claim.unguarded_thresholds:
        return None
    plan = claim.model_targets(quick)
    ratio = claim.threshold("lighter_max_size_ratio", quick)
    ratio *= (1 - MARGIN if side == "below" else 1 + MARGIN) if name == "lighter_max_size_ratio" else 0.5
    diff = _differences(claim, quick, name, side, _compared(plan))
    # TensorFlow core's steps on a pair: enough for every Keras option to be ``diff`` steps under it with a step
    # of its own at least (no route asks more than one of a Keras option with no extra package).
    core_steps = {p: max(_base_steps(TF_CORE, p[1]), 1 + d) for p, d in diff.items()}
    results = {}
    for option in claim.subjects:
        exports: dict[str, dict[str, Any]] = {}
        served: dict[str, dict[str, Any]] = {}
        in_browser: dict[str, dict[str, Any]] = {}
        for model, targets in plan.items():
            for target in targets:
                if (target, option) in NOT_APPLICABLE:
                    continue
                if option == TF_CORE:
                    steps, size = core_steps.get((model, target), _base_steps(option, target)), CORE_BYTES
                else:
                    steps = (core_steps[(model, target)] - diff[(model, target)] if (model, target) in diff
                             else _base_steps(option, target))
                    size = round(CORE_BYTES * ratio)
                extra = steps - _base_steps(option, target)
                assert extra >= 0, (option, model, target, steps)
                if SPECS[target].reuses is None:
                    exports.setdefault(model, {})[target] = _exported(option, target, extra, size)
                (in_browser if target in BROWSER else served).setdefault(model, {})[target] = _served(target)
        models = {m: {"name": m, **MODELS[m], "config": {"synthetic": True}, "tiny": quick, "parity_rows": 4,
                      "build_s": 1.0} for m in plan}
        results[option] = SubjectResult(status="ok", measurements={
            "export": {"targets": exports, "models": models, "environments": {}},
            "serve": {"targets": served, "browser_targets": in_browser, "corrupted": {}}})
    return results
