"""The deployment claim: the runs (``export`` and ``serve`` stages), :meth:`assess` and :meth:`verdict`."""

from __future__ import annotations

import contextlib
import importlib
import json
import os
import statistics
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from evidence.claim import Claim, Context, FrameworkUnavailable, Verdict, load_program, missing_subjects
from evidence.contract import DecisionChange, ErrorInfo, Setting, Threshold
from evidence.errors import known_issues
from evidence.options import KERAS_BACKEND, KERAS_OPTIONS, OPTIONS, TF_CORE
from evidence.timing import interval

from . import browser, corruption, envs, report
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
    NpmRecord,
    SizePair,
    TargetInfo,
    TrainedModel,
    Weight,
)
from .child import write_json
from .metrics import js_route_metrics, route_metrics
from .serving import judge_parity, parity, run_serving_process, serve_artifact
from .targets import (
    BASE_PACKAGES,
    BROWSER,
    BROWSER_PROGRAMS,
    EXPORT_PACKAGES,
    EXPORT_PACKAGES_BY_BACKEND,
    EXPORTED,
    KNOWN_ISSUES,
    NOT_APPLICABLE,
    NOT_INSTALLED_WHY,
    ROUTES,
    SERVED,
    SPECS,
    TARGETS,
    export_in_env,
    export_to,
    package_version,
)

KERAS_MODEL = "digits_mlp.py"
TF_CORE_MODEL = "digits_mlp_tf_core.py"
#: Browser targets: rows per call when predicting the test set, and the batch sizes timed. LiteRT models keep
#: the batch size they were converted with in their input tensor (1: Keras's LiteRT export from torch takes
#: static shapes only, keras/src/export/litert.py), so LiteRT.js is asked one row at a time.
BROWSER_BATCHES: dict[str, tuple[int, tuple[int, ...]]] = {"browser_onnx": (32, (1, 32)), "browser_litert": (1, (1,))}
#: The record key of the LiteRT file with a variable batch served by LiteRT.js (the direct route of browser_litert).
DIRECT_LITERT = "browser_litert_variable_batch"


def _save_npy(path: Path, array) -> None:
    import numpy as np

    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "wb") as fh:
        np.save(fh, array)
    os.replace(tmp, path)


class DeploymentClaim(Claim):
    """Every option x every target: export, load in a fresh process or page, answer, time, compare, corrupt."""

    id = "deployment"
    dimension = "Deployment"
    title = "Keras models are lighter and easier to deploy"
    statement = ("A Keras model is smaller and simpler to put into production than a TensorFlow one, which "
                 "needs additional steps before it can be served.")
    sub_claims = {
        "reach": "Which options get the same trained model to each target (native .keras, SavedModel, ONNX, "
                 "LiteRT, OpenVINO IR, torch.export .pt2, ExecuTorch, and ONNX and LiteRT in a browser) as an "
                 "artifact that loads in a fresh process and answers like the original model.",
        "effort": "The steps and lines of code each route takes, and the extra packages it needs.",
        "weight": "Artifact size, cold start (import, load, first answer) and the packages a server imports.",
        "serving": "Latency at batch 1 and 32 (p50/p99) and agreement with the original model's outputs.",
        "corrupted": "What each loader does with a truncated or garbled artifact: a clear error, a crash, or "
                     "silently wrong answers.",
    }
    subjects = OPTIONS
    stages = ("export", "serve")
    programs = (KERAS_MODEL, TF_CORE_MODEL, *sorted({s.program for s in SPECS.values()}),
                *BROWSER_PROGRAMS.values())
    assessment_type = DeploymentAssessment
    thresholds = {
        "output_tolerance": Threshold(
            value=1e-4, reason="float32 everywhere (OpenVINO is asked for f32 arithmetic): the differences observed "
                               "are ~1e-7, and 1e-4 in a probability changes no decision"),
        "ease_margin_lines": Threshold(
            value=3, reason="the routes are 6 to 11 logical lines; one or two lines come from how a program is "
                            "written (a variable, an import inside a function), while three mark a whole extra "
                            "step (a converter object, a temporary folder, a file write)"),
        "ease_min_net_targets": Threshold(
            value=1, reason="a Keras option is easier when it is easier on at least one more target than it is "
                            "harder on; a tie is not 'easier'"),
        "lighter_max_size_ratio": Threshold(
            value=0.9, reason="'lighter' needs artifacts at least 10% smaller; the same weights in another "
                              "container differ by a few percent"),
    }
    settings = {
        "epochs": Setting(full=10, quick=3, reason="the artifact only has to be a trained model; accuracy is "
                                                   "recorded, not judged"),
        "batch_size": Setting(full=32),
        "latency_calls": Setting(full=1000, quick=100, reason="timed calls per batch size, after the warm-up"),
        "latency_warmup_calls": Setting(full=20),
        "latency_batch_sizes": Setting(full=[1, 32]),
        "cold_start_warmup_processes": Setting(
            full=1, quick=0, reason="in quick mode the export stage of the same run has just read the same "
                                    "libraries from disk"),
        "browser_page_loads": Setting(full=3, quick=1, reason="timed page loads, each in a fresh browser context"),
        "browser_latency_calls": Setting(full=300, quick=50),
        "corrupted_targets": Setting(
            full=["keras", "savedmodel", "onnx", "litert", "openvino", "torch_pt2", "executorch"],
            quick=["onnx", "litert", "openvino"],
            reason="quick mode damages the artifacts of the framework-free runtimes only (the other loaders "
                   "import TensorFlow or torch: seconds per damaged copy)"),
        "environment_targets": Setting(
            full=True, quick=False, reason="quick mode (CI) skips the targets that need a virtual environment of "
                                           "their own (litert-torch, ExecuTorch): building one takes about a minute"),
    }
    decision_rule_fixed = "2026-12-01"
    decision_log = (
        DecisionChange(
            date="2026-12-01",
            change=("'easier' per target now needs a difference of ease_margin_lines (3) logical lines instead of "
                    "a lines ratio of 0.9, and a Keras option is easier overall when it is easier on "
                    "ease_min_net_targets (1) more targets than it is harder on, instead of 'better on half the "
                    "shared targets and worse on none'; 'partly supported' also when a Keras option other than "
                    "Keras on TensorFlow is easier."),
            reason=("the old rule flipped on one-line differences (ONNX 6 vs 7 lines counted as 'fewer'), and new "
                    "targets (torch .pt2, ExecuTorch, the browser) were added"),
            affects=("the schema-1 result of 2026-11 (partly supported: Keras on TensorFlow 'easier' on ONNX 6 vs 7 "
                     "and LiteRT 7 vs 9 lines); it is rerun under the new rule"),
        ),
    )
    repeats = (1, 5)  # timed cold starts (fresh processes) per cell
    warmup = 1
    timeout_s = (420, 900)

    # -- runner hooks -------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """Keras options run under their backend; TensorFlow core leaves ``KERAS_BACKEND`` unset."""
        return KERAS_BACKEND[subject]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """None for the runner to import: the export stage checks the option's framework itself
        (:meth:`framework_modules`), so that a serve-stage worker, which only starts fresh processes, does not
        spend seconds importing a framework it never uses. Each target's converters and runtimes are checked per
        cell."""
        return ()

    @staticmethod
    def framework_modules(subject: str) -> tuple[str, ...]:
        """The modules the option's export stage needs: its framework."""
        return ("tensorflow",) if subject == TF_CORE else ("keras", KERAS_BACKEND[subject])

    # -- measurement --------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """``export``: train and export to every target; ``serve``: load, answer, time and corrupt."""
        if ctx.stage == "export":
            for module in self.framework_modules(ctx.subject):
                try:
                    importlib.import_module(module)
                except ImportError as exc:
                    raise FrameworkUnavailable(f"{module} cannot be imported ({type(exc).__name__}: {exc}); "
                                               f"install the evidence extra: pip install -e '.[evidence]'") from exc
            return {"export": self._export(ctx)}
        if ctx.stage == "serve":
            return {"serve": self._serve(ctx)}
        raise ValueError(f"Unknown stage {ctx.stage!r}; expected one of {self.stages}")

    def _train(self, ctx: Context) -> tuple[Any, dict[str, Any], dict[str, Any]]:
        epochs, batch = self.setting("epochs", ctx.quick), self.setting("batch_size", ctx.quick)
        name = TF_CORE_MODEL if ctx.subject == TF_CORE else KERAS_MODEL
        program = load_program(name)
        model = program.DigitsMLP(seed=program.SEED) if ctx.subject == TF_CORE else program.build_model(program.SEED)
        data = program.load_data(program.SEED)
        start = time.perf_counter()
        trained = program.train(model, data, epochs=epochs, batch_size=batch, seed=program.SEED)
        info = {"program": name, "epochs": epochs, "train_s": time.perf_counter() - start,
                "test_accuracy": trained["test_accuracy"], "test_samples": len(data["x_test"])}
        return model, data, {"info": info, "reference": trained["test_probabilities"]}

    def _export(self, ctx: Context) -> dict[str, Any]:
        import numpy as np

        base = ctx.workdir / ctx.subject
        base.mkdir(parents=True, exist_ok=True)
        model, data, trained = self._train(ctx)
        inputs = ctx.workdir / "inputs.npy"
        if inputs.exists():
            same_inputs = bool(np.array_equal(np.load(inputs), data["x_test"]))
        else:
            _save_npy(inputs, data["x_test"])
            same_inputs = True
        _save_npy(base / "reference.npy", np.asarray(trained["reference"], dtype="float32"))
        record: dict[str, Any] = {"model": {**trained["info"], "inputs_identical": same_inputs}, "targets": {},
                                  "environments": {}}
        for target in EXPORTED:
            record["targets"][target] = {"status": "in progress"}
            write_json(base / "export.json", record)
            record["targets"][target] = self._export_target(ctx, target, model, base, record)
            write_json(base / "export.json", record)
        return record

    def _export_target(self, ctx: Context, target: str, model: Any, base: Path,
                       record: dict[str, Any]) -> dict[str, Any]:
        option = ctx.subject
        environments = record["environments"]
        if (target, option) in NOT_APPLICABLE:
            return {"status": "not applicable", "reason": NOT_APPLICABLE[(target, option)]}
        routes = ROUTES[(target, option)]
        env_name = SPECS[target].env.get(option)
        same = SPECS[target].same_artifact.get(option)
        if same is not None:
            out = {**record["targets"][same], "same_artifact_as": same}
            out.pop("code", None)
            out.pop("packages", None)
        elif env_name is None:
            out = export_to(target, model, base / target, routes)
        elif not self.setting("environment_targets", ctx.quick):
            spec = envs.ENVS[env_name]
            built = envs.read_marker(envs.env_path(spec))
            environments[env_name] = {"name": env_name, "ok": False, "steps": [list(s) for s in spec.steps],
                                      "why": self.settings["environment_targets"].reason,
                                      **({"creation_s": built["creation_s"]} if built else {})}
            out = {"status": "unavailable", "attempts": [], "reason": self.settings["environment_targets"].reason}
        else:
            keras_file = base / "keras" / SPECS["keras"].artifact
            out = export_in_env(target, env_name, keras_file, base / target, backend=KERAS_BACKEND[option],
                                routes=routes)
            environments[env_name] = out.pop("environment")
        function = out.get("function") or routes[-1]
        return {**out, **self._route_facts(option, target, function)}

    def _route_facts(self, option: str, target: str, function: str) -> dict[str, Any]:
        """Code metrics of the route (export function + load + predict) and the packages it needs."""
        program = SPECS[target].program
        needs_export = EXPORT_PACKAGES_BY_BACKEND.get((target, option)) if function == "export_keras" else None
        if needs_export is None:
            needs_export = EXPORT_PACKAGES.get((target, function), ())
        needs_serve = SPECS[target].serve_packages or BASE_PACKAGES[option]
        extra = sorted({*needs_export, *needs_serve} - set(BASE_PACKAGES[option]))
        return {
            "code": {"export": route_metrics(program, [function]),
                     "serve": route_metrics(program, ["load", "predict"]),
                     "total": route_metrics(program, [function, "load", "predict"])},
            "packages": {"export": list(needs_export), "serve": list(needs_serve), "extra": extra,
                         "versions": {p: package_version(p) for p in sorted({*needs_export, *needs_serve})}},
        }

    def _serve(self, ctx: Context) -> dict[str, Any]:
        base = ctx.workdir / ctx.subject
        export_file = base / "export.json"
        if not export_file.exists():
            return {"status": "no export", "targets": {}, "corrupted": {},
                    "reason": "the export stage left no record (it stopped before its first target)"}
        record = json.loads(export_file.read_text(encoding="utf-8"))
        exported = record["targets"]
        q = ctx.quick
        settings = {
            "cold_start_processes": ctx.repeats,
            "cold_start_warmup_processes": self.setting("cold_start_warmup_processes", q),
            "latency_calls": self.setting("latency_calls", q),
            "latency_warmup_calls": self.setting("latency_warmup_calls", q),
            "batch_sizes": self.setting("latency_batch_sizes", q),
            "browser_page_loads": self.setting("browser_page_loads", q),
            "browser_latency_calls": self.setting("browser_latency_calls", q),
        }
        targets: dict[str, Any] = {}
        for target in SERVED:
            entry = exported.get(target)
            if entry is not None and entry["status"] == "exported":
                targets[target] = self._serve_target(ctx, target, base, entry, record, settings)
        out: dict[str, Any] = {"settings": settings, "targets": targets}
        browser_targets = [t for t in BROWSER
                           if exported.get(SPECS[t].reuses or t, {}).get("status") == "exported"]
        if browser_targets:
            out.update(self._serve_browser(ctx, browser_targets, base, exported, settings))
        out["corrupted"] = {t: self._corruption_checks(ctx, t, base, record)
                            for t in self.corrupted_targets(ctx.quick)
                            if corruption_owner(ctx.workdir, t) == ctx.subject}
        if any(e["status"] == "in progress" for e in exported.values()):
            # The export worker died mid-way, so its measurements are lost to the runner: keep what it wrote.
            out["export_record"] = record
        return out

    @staticmethod
    def _serve_python(option: str, target: str, record: dict[str, Any]) -> str | None:
        env_name = SPECS[target].serve_env
        if env_name is None or SPECS[target].env.get(option) != env_name:
            return None
        return record["environments"].get(env_name, {}).get("python")

    def corrupted_targets(self, quick: bool) -> list[str]:
        """The targets whose artifacts are damaged on purpose in this mode (see the ``corrupted_targets``
        setting)."""
        return list(self.setting("corrupted_targets", quick))

    def _runtime(self, option: str, target: str, record: dict[str, Any]) -> str:
        spec = SPECS[target]
        env_name = spec.serve_env if self._serve_python(option, target, record) else None
        if target == "keras":
            backend = KERAS_BACKEND[option]
            return f"keras {package_version('keras')} on {backend} {package_version(backend)}"
        name = spec.serve_packages[0]
        version = (record["environments"][env_name]["versions"].get(name) if env_name
                   else package_version(name))
        return f"{name} {version}" + (f" (in the {env_name} environment)" if env_name else "")

    def _serve_target(self, ctx: Context, target: str, base: Path, entry: dict[str, Any], record: dict[str, Any],
                      settings: dict[str, Any]) -> dict[str, Any]:
        out = serve_artifact(
            SPECS[target].program, base / entry["artifact"], ctx.workdir / "inputs.npy", base / "reference.npy",
            base / f"{target}-runs", processes=settings["cold_start_processes"],
            warmup_processes=settings["cold_start_warmup_processes"], latency_calls=settings["latency_calls"],
            latency_warmup=settings["latency_warmup_calls"], batch_sizes=settings["batch_sizes"],
            tolerance=self.threshold("output_tolerance", ctx.quick),
            python=self._serve_python(ctx.subject, target, record))
        out["runtime"] = self._runtime(ctx.subject, target, record)
        if out.get("status") == "works" and "signature" in out and not signature_ok(out["signature"]):
            out.update(status="fails", stage="signature",
                       reason=f"the serving signature has no variable batch dimension: {out['signature']}")
        return out

    def _serve_browser(self, ctx: Context, targets: list[str], base: Path, exported: dict[str, Any],
                       settings: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        available = browser.browser_available()
        npm = browser.ensure_npm() if available["ok"] else None
        out: dict[str, Any] = {"browser": available, "npm": npm, "browser_targets": {}}
        missing = available.get("why") or (npm or {}).get("why")
        if missing:
            out["browser_targets"] = {t: {"status": "unavailable", "why": missing} for t in targets}
            return out
        runs = base / "browser-runs"
        runs.mkdir(exist_ok=True)
        jobs = [browser.Job(target=t, artifact=base / exported[SPECS[t].reuses or t]["artifact"],
                            predict_batch=BROWSER_BATCHES[t][0], batch_sizes=BROWSER_BATCHES[t][1]) for t in targets]
        litert = exported.get("litert", {})
        if ("browser_litert" in targets and litert.get("status") == "exported"
                and exported["browser_litert"].get("artifact") != litert["artifact"]):
            # The direct route: the LiteRT file as the litert target wrote it (variable batch), which LiteRT.js
            # may refuse; the batch-1 export is the workaround. Both are recorded.
            jobs.append(browser.Job(target="browser_litert", artifact=base / litert["artifact"], name=DIRECT_LITERT))
        records = browser.run_browser_process(
            jobs, ctx.workdir / "inputs.npy", runs, "pages", npm=Path(npm["path"]),
            page_loads=settings["browser_page_loads"], latency_calls=settings["browser_latency_calls"],
            latency_warmup=settings["latency_warmup_calls"])
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
                reference = np.load(base / "reference.npy")
                predictions = np.asarray(res.pop("predictions"), dtype="float32").reshape(res["rows"], -1)
                agreement = parity(predictions, reference)
                status, why = judge_parity(agreement, self.threshold("output_tolerance", ctx.quick))
                loads = res["loads"]
                cell.update(agreement, status=status, stage="compare" if why else None, reason=why,
                            cold_start=summarize_loads(loads),
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

    def _corruption_checks(self, ctx: Context, target: str, base: Path, record: dict[str, Any]) -> dict[str, Any]:
        import numpy as np

        checks: dict[str, Any] = {"option": ctx.subject}
        reference = np.load(base / "reference.npy")
        entry = record["targets"][target]
        artifact_rel = Path(entry["artifact"]).relative_to(target)
        for kind in corruption.KINDS:
            dest = base / f"{target}-{kind}"
            damage = corruption.corrupt_copy(base / target, dest, SPECS[target].corrupt, kind)
            res = run_serving_process(SPECS[target].program, dest / artifact_rel, ctx.workdir / "inputs.npy", base,
                                      f"{target}-{kind}", predictions=True,
                                      python=self._serve_python(ctx.subject, target, record))
            checks[kind] = corruption.classify(res, damage, reference, self.threshold("output_tolerance", ctx.quick),
                                               target, ctx.subject)
        return checks

    # -- judgement ----------------------------------------------------------------------------------------
    def assess(self, results: Mapping[str, Any], quick: bool) -> DeploymentAssessment:
        """Cells from the options' export and serve records; the ease and weight comparisons on them."""
        cells = [build_cell(results[o], o, t) for o in OPTIONS if o in results for t in TARGETS]
        cells = [c for c in cells if c is not None]
        margin = int(self.threshold("ease_margin_lines", quick))
        net = int(self.threshold("ease_min_net_targets", quick))
        ease = {o: compare_ease(cells, o, margin, net) for o in KERAS_OPTIONS if o in results and TF_CORE in results}
        models, environments, npm, browser_record, checks = {}, {}, None, None, []
        for option, res in results.items():
            export = res.measurements.get("export") or res.measurements.get("serve", {}).get("export_record") or {}
            if export.get("model"):
                m = export["model"]
                models[option] = TrainedModel(program=m["program"], epochs=m["epochs"],
                                              test_accuracy=m["test_accuracy"], test_samples=m["test_samples"])
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
            models=models, tolerance=self.threshold("output_tolerance", quick), ease=ease, ease_margin_lines=margin,
            weight=compare_weight(cells, self.threshold("lighter_max_size_ratio", quick)),
            environments=environments, npm=npm, browser=browser_record, corruption=checks,
            not_measured=missing_subjects(results, self.subjects))

    def verdict(self, a: DeploymentAssessment) -> Verdict:
        """``supported`` when every Keras option is easier and Keras is lighter; ``partly supported`` when some
        Keras option is easier or Keras is lighter; ``refuted`` when neither; ``inconclusive`` when Keras on
        TensorFlow and TensorFlow core share no working target."""
        findings = report.findings(a)
        kt = a.ease.get("keras-tensorflow")
        shared = [t for t in a.reach("keras-tensorflow") if t in a.reach(TF_CORE)]
        if kt is None or not shared:
            return Verdict("inconclusive", report.inconclusive_summary(a), findings)
        easier = [o for o, e in a.ease.items() if e.easier]
        if len(easier) == len(KERAS_OPTIONS) and a.weight.lighter:
            verdict = "supported"
        elif easier or a.weight.lighter:
            verdict = "partly supported"
        else:
            verdict = "refuted"
        return Verdict(verdict, report.summary(a), findings)


# -- building the assessment (module level: unit-testable without a run) ---------------------------------------
def summarize_loads(loads: list[dict[str, Any]]) -> dict[str, Any]:
    """The cold starts of browser page loads as :func:`evidence.timing.summarize` gives them."""
    from evidence.timing import summarize

    return summarize([r["cold_start_s"] for r in loads])


def signature_ok(signature: dict[str, Any]) -> bool:
    """Every input and output of a serving signature has a variable batch (first) dimension."""
    specs = [*signature.get("inputs", {}).values(), *signature.get("outputs", {}).values()]
    return bool(specs) and all(s.get("shape") and s["shape"][0] is None for s in specs)


def corruption_owner(workdir: Path, target: str) -> str | None:
    """The first option (in subject order) whose export of ``target`` succeeded: it runs the corruption checks."""
    for option in OPTIONS:
        path = workdir / option / "export.json"
        if not path.exists():
            continue
        with contextlib.suppress(json.JSONDecodeError, KeyError):
            if json.loads(path.read_text(encoding="utf-8"))["targets"][target]["status"] == "exported":
                return option
    return None


def _error(raw: dict[str, Any] | None) -> ErrorInfo | None:
    return ErrorInfo(**raw) if raw else None


def _issue(target: str, option: str, *errors: ErrorInfo | None):
    text = " ".join(e.text(500) + " " + (e.root or "") for e in errors if e is not None)
    found = known_issues(text, KNOWN_ISSUES, target=target, option=option) if text.strip() else []
    return found[0] if found else None


def environment_record(env: dict[str, Any]) -> EnvironmentRecord:
    """An environment's build record (:func:`.envs.ensure`) as an :class:`EnvironmentRecord`."""
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
    return CorruptionCheck(target=target, option=check["option"], outcomes=outcomes)


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


def build_cell(res, option: str, target: str) -> Cell | None:
    """One (option, target) cell from the option's export and serve records (None for an option not run)."""
    if res is None:
        return None
    spec = SPECS[target]
    base = {"option": option, "target": target, "program": spec.program}
    if (target, option) in NOT_APPLICABLE:
        return Cell(**base, status="not_applicable", reason=NOT_APPLICABLE[(target, option)])
    export = res.measurements.get("export") or res.measurements.get("serve", {}).get("export_record") or {}
    serve = res.measurements.get("serve", {})
    source = spec.reuses or target
    exported = export.get("targets", {}).get(source)
    if exported is None:
        if res.status == "unavailable":
            return Cell(**base, status="unavailable", stage="export", why_unavailable=res.short_reason())
        if res.status == "ok":
            return Cell(**base, status="fails", stage="export",
                        reason="the export stage left no record of this target (its worker stopped before it)")
        return Cell(**base, status="fails", stage="export", reason=f"{option} {res.status}: {res.short_reason()}")
    env_name = SPECS[source].env.get(option)
    fields: dict[str, Any] = {**base, "environment": env_name, **_code_fields(exported, option, target)}
    attempts = exported.get("attempts", [])
    failed = [a for a in attempts if not a["ok"]]
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
                    known_issue=_issue(source, option, error))
    fields.update(route=exported["function"], artifact_bytes=exported["artifact_bytes"],
                  export_s=exported["export_s"], direct_route_error=_error(failed[0]["error"]) if failed else None)
    if spec.kind == "browser":
        served = serve.get("browser_targets", {}).get(target)
        if served is not None and served.get("code"):
            fields.update(_code_fields(exported, option, target, served["code"]["serve"]))
            fields["program"] = BROWSER_PROGRAMS[target]
    else:
        served = serve.get("targets", {}).get(target)
    direct = (served or {}).get("direct_artifact")
    if direct and not direct["ok"] and direct.get("error") and fields["direct_route_error"] is None:
        fields["direct_route_error"] = _error(direct["error"])
    if served is None:
        return Cell(**fields, status="fails", stage="serve",
                    reason=f"the serve stage did not run for {option} ({res.short_reason()})")
    error = _error(served.get("error"))
    fields.update(runtime=served.get("runtime"), **_measured_fields(served))
    if served["status"] == "unavailable":
        return Cell(**fields, status="unavailable", stage=served.get("stage"), error=error,
                    why_unavailable=served.get("why") or served.get("reason"))
    return Cell(**fields, status=served["status"], stage=served.get("stage"), error=error,
                reason=served.get("reason"),
                known_issue=_issue(source, option, error, fields["direct_route_error"]))


#: Targets left out of the ease comparison, with why.
EASE_EXCLUDED: dict[str, str] = {
    "browser_onnx": "it serves the ONNX export, whose code is compared on that target; the JavaScript that loads "
                    "it is the same for every option",
    "browser_litert": "its export is the LiteRT export with a fixed batch of 1, compared on that target; the "
                      "JavaScript that loads it is the same for every option",
}


def compare_ease(cells: list[Cell], option: str, margin: int, min_net: int) -> Ease:
    """``option`` against TensorFlow core, target by target (see :class:`~.assessment.EaseOnTarget`).

    On a target both reach, the option is easier when it needs at least ``margin`` fewer lines and no more
    steps, harder when it needs at least ``margin`` more lines and no fewer steps, else the same. A target only
    one reaches counts for that one when the other was tried and failed; an unavailable cell (not tried) is left
    out. The option is easier overall when ``len(easier_on) - len(harder_on) >= min_net``.
    """
    by = {(c.option, c.target): c for c in cells}
    easier_on, harder_on, same_on, compared = [], [], [], []
    not_compared: dict[str, str] = {}
    for target in TARGETS:
        k, c = by.get((option, target)), by.get((TF_CORE, target))
        if target in EASE_EXCLUDED:
            not_compared[target] = EASE_EXCLUDED[target]
            continue
        if k is None or c is None:
            continue
        if "not_applicable" in (k.status, c.status):
            side = "TensorFlow core" if c.status == "not_applicable" else option
            not_compared[target] = f"not applicable to {side}"
            continue
        if "unavailable" in (k.status, c.status):
            side, cell = (option, k) if k.status == "unavailable" else ("TensorFlow core", c)
            not_compared[target] = f"{side} could not be tried: {cell.why_unavailable}"
            continue
        entry = {"target": target, "keras_lines": k.lines, "core_lines": c.lines, "keras_steps": k.steps,
                 "core_steps": c.steps}
        if k.status == "works" and c.status == "works":
            dl, ds = (k.lines or 0) - (c.lines or 0), (k.steps or 0) - (c.steps or 0)
            outcome = "easier" if dl <= -margin and ds <= 0 else "harder" if dl >= margin and ds >= 0 else "same"
        elif k.status == "works":
            outcome = "only_keras"
        elif c.status == "works":
            outcome = "only_core"
        else:
            not_compared[target] = "fails for both"
            continue
        compared.append(EaseOnTarget(outcome=outcome, **entry))
        {"easier": easier_on, "only_keras": easier_on, "harder": harder_on, "only_core": harder_on,
         "same": same_on}[outcome].append(target)
    return Ease(option=option, easier=len(easier_on) - len(harder_on) >= min_net, easier_on=easier_on,
                harder_on=harder_on, same_on=same_on, not_compared=not_compared, targets=compared)


def compare_weight(cells: list[Cell], max_ratio: float) -> Weight:
    """Artifact sizes of Keras on TensorFlow against TensorFlow core's on the exported targets both reach."""
    by = {(c.option, c.target): c for c in cells}
    pairs = []
    for target in SERVED:  # the browser's artifacts repeat the ONNX and LiteRT ones
        k, c = by.get(("keras-tensorflow", target)), by.get((TF_CORE, target))
        if k and c and k.status == c.status == "works" and k.artifact_bytes and c.artifact_bytes:
            pairs.append(SizePair(target=target, keras_bytes=k.artifact_bytes, core_bytes=c.artifact_bytes))
    ratio = statistics.median(p.keras_bytes / p.core_bytes for p in pairs) if pairs else None
    return Weight(pairs=pairs, median_ratio=ratio, lighter=ratio is not None and ratio <= max_ratio)


if __name__ == "__main__":  # pragma: no cover
    sys.exit("run the claim with: python -m kvt evidence run deployment")
