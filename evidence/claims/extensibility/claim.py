"""The extensibility claim: measure each option's extension routes, assess them, and reach the verdict."""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any, ClassVar

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, Claim, Context, Verdict, load_program, missing_subjects
from evidence.claims.extensibility.assessment import (
    BuildRecord,
    Cell,
    ExtensibilityAssessment,
    GradientCheck,
    coverage_of,
)
from evidence.claims.extensibility.build import library_for, run_build
from evidence.claims.extensibility.routes import (
    BUILDS,
    CHECK_PROGRAM,
    JAX_PROGRAM,
    KERAS_PROGRAM,
    KIND_TITLES,
    NEEDS,
    NOT_APPLICABLE,
    ROUTE_BY_ID,
    TF_PROGRAM,
    TFCORE_PROGRAM,
    TORCH_PROGRAM,
    Route,
    is_own,
    routes_for,
)
from evidence.contract import DecisionChange, ErrorInfo, Setting, Threshold
from evidence.errors import error_info
from evidence.options import FRAMEWORK, KERAS_BACKEND, KERAS_OPTIONS, OPTIONS, TF_CORE

#: Modules whose absence makes an attempt ``unavailable`` (we could not try) rather than ``fails``.
FRAMEWORK_MODULES = ("tensorflow", "jax", "jaxlib", "torch", "keras")

#: What a failed check of an attempt means (the checks the programs' ``attempt_*`` functions report).
CHECKS: dict[str, str] = {
    "trained": "the weights before or inside the extension did not change: no gradient flowed through it",
    "finite": "the training loss was not finite",
    "loss_decreased": "the loss did not go down",
    "reset": "the metric did not reset",
    "stable": "the gradient at x = 100 was not finite and equal to 1",
}


def attempt(fn, program: str) -> dict[str, Any]:
    """Run one attempt; return its record (never raises).

    ``ran`` with the attempt's result; ``raised`` with the error and the program line where it arose;
    ``unavailable`` when a framework it imports is not installed.
    """
    start = time.perf_counter()
    try:
        record: dict[str, Any] = {"status": "ran", "result": fn()}
    except ModuleNotFoundError as exc:
        root = (exc.name or "").split(".")[0]
        record = {"status": "unavailable" if root in FRAMEWORK_MODULES else "raised",
                  "error": error_info(exc, program).model_dump()}
    except Exception as exc:  # the failure is the measurement
        record = {"status": "raised", "error": error_info(exc, program).model_dump()}
    record["seconds"] = round(time.perf_counter() - start, 3)
    return record


def route_lines(route: Route) -> dict[str, Any]:
    """Logical lines of a route's own code: its symbols (with the calls that complete them) and its C++ source."""
    python = code_metrics.analyse_symbols(PROGRAMS_DIR / route.program, route.symbols, completions=True)
    cpp = 0
    if route.build:
        cpp = code_metrics.cpp_logical_lines((PROGRAMS_DIR / BUILDS[route.build].source).read_text(encoding="utf-8"))
    return {"program": f"{route.program}::{'+'.join(route.symbols)}", "python_lines": python.logical_lines,
            "cpp_lines": cpp}


class ExtensibilityClaim(Claim):
    """Each option's own extension routes, attempted for real; other backends' code reported as portability."""

    id = "extensibility"
    dimension = "Extensibility"
    title = "TensorFlow is extensible through low-level APIs; Keras is limited"
    statement = ("TensorFlow's low-level APIs let you add custom operations and other extensions, whereas Keras "
                 "offers little beyond the building blocks it ships with.")
    sub_claims = {
        "layers": "A custom layer on every option, with Keras's API and with the option's own framework.",
        "losses_metrics": "A custom loss and a custom metric on every option.",
        "training": "Custom training: a train_step override per backend, and a hand-written loop per framework.",
        "gradients": "A custom gradient through each option's own mechanism (keras.ops.custom_gradient, "
                     "tf.custom_gradient, jax.custom_vjp, torch.autograd.Function), checked against finite "
                     "differences.",
        "compiled_ops": "A C++ op compiled with g++ through each option's own mechanism (tf.load_op_library, "
                        "jax.ffi, torch.utils.cpp_extension), used inside a model, gradient checked.",
        "kernels": "Other routes of the backends' own: torch.library.custom_op, a Pallas kernel.",
        "portability": "Whether extension code written with one backend's framework runs on the others.",
        "lines": "Lines of code and build steps each route needs.",
    }
    subjects = OPTIONS
    stages = ("measure", "portability")
    assessment_type = ExtensibilityAssessment
    programs = (KERAS_PROGRAM, TFCORE_PROGRAM, TF_PROGRAM, JAX_PROGRAM, TORCH_PROGRAM, CHECK_PROGRAM,
                *(b.source for b in BUILDS.values()))
    thresholds = {
        "gradient_tolerance": Threshold(
            value=2e-3,
            reason="central differences in float32 with step 1e-2 are off by ~1e-5 on these smooth functions; a "
                   "backward wrong by 1% of a unit slope is 5 times over"),
        "value_tolerance": Threshold(
            value=1e-5, reason="float32 rounding of values up to 4 is ~5e-7; a wrong formula is off by far more"),
        "not_limited_min_coverage": Threshold(
            value=1.0,
            reason="an option is not limited when every need (layer, loss, metric, custom training, custom "
                   "gradient, compiled op) is met through its own tools"),
    }
    settings = {
        "portability": Setting(
            full=True, quick=False,
            reason="other backends' routes cost each worker a foreign framework import; quick mode (CI) attempts "
                   "each option's own routes only"),
        "build_timeout_s": Setting(full=240, reason="the torch build is the slowest, ~10 s on 2 cores"),
        "training_steps": Setting(full=12, reason="3 epochs of 16-sample batches over 64 samples (the programs' "
                                                  "STEPS_EPOCHS): enough to see weights move, not a benchmark"),
        "finite_difference_step": Setting(full=1e-2, reason="extensions_check.FD_STEP"),
    }
    decision_rule_fixed = "2026-12-01"
    decision_log = (DecisionChange(
        date="2026-12-01",
        change="Each option is judged on its own routes (Keras's API plus its framework's mechanisms: jax.custom_vjp, "
               "jax.ffi, Pallas; torch.autograd.Function, torch.library, cpp_extension); TensorFlow-specific code on "
               "JAX and torch is reported as portability and no longer counts against them; every gradient is "
               "checked against finite differences.",
        reason="Issue 13: code written with one framework's API and run on another measures portability, not "
               "capability.",
        affects="The schema-1 result (partly supported: 'TensorFlow is more extensible where code calls TensorFlow "
                "itself'), which scored keras-jax and keras-torch on TensorFlow code."),)
    repeats = (1, 1)  # each cell is one attempt: works or not is judged, not speed
    warmup = 0
    timeout_s = (300, 600)

    #: Options whose worker builds a library, and which.
    BUILDERS: ClassVar[dict[str, str]] = {b.built_by: b.id for b in BUILDS.values()}

    # -- runner hooks ---------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """A Keras option runs under its backend; TensorFlow core imports no Keras."""
        return KERAS_BACKEND[subject]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras and the backend's framework; TensorFlow core needs tensorflow.

        Other frameworks are not required: the routes that use them record their own ``unavailable``.
        """
        return ("keras", FRAMEWORK[subject]) if subject in KERAS_OPTIONS else ("tensorflow",)

    def stages_for(self, quick: bool) -> tuple[str, ...]:
        """``measure`` (each option's own routes, its library built first); then, when the ``portability``
        setting says so, ``portability`` (the other backends' routes, once every library is built)."""
        return self.stages if self.setting("portability", quick) else ("measure",)

    def stage_subjects(self, stage: str) -> tuple[str, ...]:
        """TensorFlow core measures first, since it builds the TensorFlow op that keras-tensorflow loads too;
        TensorFlow core has no other backend to port to."""
        if stage == "measure":
            return (TF_CORE, *KERAS_OPTIONS)
        return KERAS_OPTIONS

    # -- measurement ----------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """``measure``: build this subject's library (if it builds one) into the run's folder, then attempt its
        own routes. ``portability``: attempt the other backends' Keras-side routes."""
        if ctx.stage not in self.stages:
            raise ValueError(f"Expected a stage in {self.stages}; received: stage={ctx.stage!r}")
        out: dict[str, Any] = {}
        if ctx.stage == "measure" and ctx.subject in self.BUILDERS:
            build_id = self.BUILDERS[ctx.subject]
            out["builds"] = {build_id: run_build(build_id, ctx.workdir, self.setting("build_timeout_s", ctx.quick))}
        if ctx.subject == "keras-torch":
            from evidence.claims.ease_of_use import limit_torch_threads

            out[f"{ctx.stage}_torch_threads"] = limit_torch_threads()
        if ctx.subject in KERAS_OPTIONS:
            import keras

            out[f"{ctx.stage}_backend"] = keras.backend.backend()
        programs: dict[str, Any] = {}
        attempts: dict[str, Any] = {}
        own = ctx.stage == "measure"
        for route in routes_for(ctx.subject, portability=not own):
            if is_own(route, ctx.subject) != own:
                continue
            record = self._attempt_route(route, programs, ctx)
            record.update(route_lines(route))
            attempts[route.id] = record
        out["attempts" if own else "portability_attempts"] = attempts
        return out

    @staticmethod
    def _attempt_route(route: Route, programs: dict[str, Any], ctx: Context) -> dict[str, Any]:
        """Load the route's program (once per worker) and run its attempt; a program that cannot load is the
        route's own outcome."""
        if route.program not in programs:
            programs[route.program] = attempt(lambda: load_program(route.program), route.program)
        loaded = programs[route.program]
        if loaded["status"] != "ran":
            return {k: v for k, v in loaded.items() if k != "result"}
        fn = loaded["result"].ATTEMPTS[route.attempt]
        if route.build is None:
            return attempt(fn, route.program)
        library, instead = library_for(route.build, ctx.workdir)
        if library is None:
            return {**instead, "seconds": 0.0}
        return attempt(lambda: fn(library), route.program)

    # -- assessment -----------------------------------------------------------------------------------------------
    def assess(self, results: Mapping[str, Any], quick: bool) -> ExtensibilityAssessment:
        """Cells from the attempts (own routes and portability apart), the builds, and each option's coverage."""
        builds: dict[str, BuildRecord] = {}
        for res in results.values():
            if res.status == "ok":
                for build_id, info in res.measurements.get("builds", {}).items():
                    fields = {k: v for k, v in info.items() if k in BuildRecord.model_fields}
                    builds[build_id] = BuildRecord(**fields)
        cells: list[Cell] = []
        portability: list[Cell] = []
        measured: list[str] = []
        tried_portability = False
        for option in self.subjects:
            res = results.get(option)
            if res is None or res.status != "ok" or "attempts" not in res.measurements:
                continue
            measured.append(option)
            tried_portability |= "portability_attempts" in res.measurements
            records = {**res.measurements["attempts"], **res.measurements.get("portability_attempts", {})}
            for route_id, record in records.items():
                route = ROUTE_BY_ID.get(route_id)
                if route is None:
                    continue
                cell = self._cell(option, route, record, builds, quick)
                (cells if cell.own else portability).append(cell)
            for (where, kind), why in NOT_APPLICABLE.items():
                if where == option:
                    cells.append(Cell(option=option, kind=kind, route="not_applicable", mechanism="train_step override",
                                      framework=FRAMEWORK[option], own=True, status="not_applicable", lines=0,
                                      python_lines=0, program="", reason=why))
        return ExtensibilityAssessment(
            cells=cells, portability=portability, builds=builds,
            coverage={o: coverage_of(o, cells) for o in measured}, measured=measured,
            portability_tried=tried_portability, not_measured=missing_subjects(results, self.subjects))

    def _cell(self, option: str, route: Route, record: dict[str, Any], builds: dict[str, BuildRecord],
              quick: bool) -> Cell:
        """One :class:`Cell` from an attempt's record, judged against the declared tolerances."""
        base = {"option": option, "kind": route.kind, "route": route.id, "mechanism": route.mechanism,
                "framework": route.framework, "own": is_own(route, option), "program": record["program"],
                "python_lines": record["python_lines"], "cpp_lines": record["cpp_lines"],
                "lines": record["python_lines"] + record["cpp_lines"], "build": route.build,
                "build_steps": list(builds[route.build].steps) if route.build in builds else [],
                "seconds": record.get("seconds")}
        raw = record["status"]
        error = ErrorInfo(**record["error"]) if record.get("error") else None
        if raw == "unavailable":
            return Cell(**base, status="unavailable", error=error,
                        reason=record.get("reason") or (error.text() if error else None))
        if raw in ("raised", "build_failed"):
            return Cell(**base, status="fails", error=error,
                        reason=record.get("reason") or (error.text() if error else None))
        result = record["result"]
        checks: dict[str, bool] = result.get("checks", {})
        failed = [f"{name}: {CHECKS.get(name, 'see the record')}" for name, ok in checks.items() if not ok]
        tol_v, tol_g = self.threshold("value_tolerance", quick), self.threshold("gradient_tolerance", quick)
        value_error = result.get("errors", {}).get("value")
        if value_error is not None and value_error > tol_v:
            failed.append(f"value: {value_error:.2g} from NumPy's (tolerance {tol_v:g})")
        gradient = None
        if result.get("gradient_check"):
            gc = result["gradient_check"]
            passed = gc["max_error"] is not None and gc["max_error"] <= tol_g
            gradient = GradientCheck(max_error=gc["max_error"], tolerance=tol_g, passed=passed, points=gc["points"],
                                     step=gc["step"])
            if not passed:
                seen = "not finite" if gc["max_error"] is None else f"off by {gc['max_error']:.2g}"
                failed.append(f"gradient: {seen} from finite differences (tolerance {tol_g:g})")
        if not checks:
            failed.append("the attempt reported no checks")
        return Cell(**base, status="fails" if failed else "works", failed_checks=failed, value_error=value_error,
                    gradient_check=gradient, reason="; ".join(failed) or None)

    # -- verdict --------------------------------------------------------------------------------------------------
    def verdict(self, a: ExtensibilityAssessment) -> Verdict:
        """From what each option extends with its own tools (its coverage of the needs).

        Refuted when every Keras option that ran meets every need it could try through its own tools (Keras is
        not limited beyond its blocks); supported when TensorFlow core meets them all and no Keras option does;
        partly supported in between; inconclusive without a TensorFlow-core result or any Keras result.
        Portability is reported in the findings and does not enter the verdict.
        """
        need = self.threshold("not_limited_min_coverage")
        findings = self._findings(a)
        keras = [o for o in a.measured if o in KERAS_OPTIONS]
        if TF_CORE not in a.measured or not keras:
            lacking = [o for o in OPTIONS if o not in a.measured]
            return Verdict("inconclusive", f"No comparison possible: no result for {', '.join(lacking)} "
                                           f"({'; '.join(a.not_measured) or 'not run'}).", findings)
        full = {o: a.coverage[o].fraction >= need for o in a.measured}
        limited = [o for o in keras if not full[o]]
        if not limited:
            verdict = "refuted"
        elif len(limited) == len(keras) and full[TF_CORE]:
            verdict = "supported"
        else:
            verdict = "partly supported"
        return Verdict(verdict, self._summary(a, keras, limited, full), findings)

    @staticmethod
    def _option_text(a: ExtensibilityAssessment, option: str) -> str:
        cov = a.coverage[option]
        tried = len(cov.met) + len(cov.unmet)
        text = f"{option} met {len(cov.met)} of {tried} needs"
        native = {need: [m for m in mechs if any(c.mechanism == m and c.framework != "keras"
                                                  for c in a.cells_for(option))]
                  for need, mechs in cov.met.items()}
        shown = [f"{need} by {' and '.join(mechs)}" for need, mechs in native.items()
                 if need in ("custom gradient", "compiled op") and mechs]
        if shown:
            text += f" ({'; '.join(shown)})"
        if cov.unmet:
            text += f", not {', '.join(cov.unmet)}"
        if cov.not_tried:
            text += f" (not tried: {', '.join(cov.not_tried)})"
        return text

    def _summary(self, a: ExtensibilityAssessment, keras: list[str], limited: list[str], full: dict) -> str:
        options = "; ".join(self._option_text(a, o) for o in a.measured)
        checked = [c for c in a.cells if c.gradient_check is not None]
        passed = sum(c.gradient_check.passed for c in checked)
        if not limited:
            head = ("TensorFlow's low-level APIs do extend it, but Keras is not limited beyond its blocks: every Keras "
                    "option extended every kind of component through its own tools")
        elif len(limited) == len(keras):
            head = "Every Keras option fell short of what its own tools should extend"
        else:
            head = f"{', '.join(limited)} fell short of what its own tools should extend, the other Keras options not"
        text = (f"{head} — {options}; {passed} of {len(checked)} gradients matched finite differences")
        if a.portability_tried:
            moved = []
            for framework in ("tensorflow", "jax", "torch"):
                ported = a.ported(framework)
                if ported:
                    moved.append(f"{framework} code ran on {sum(ported.values())} of {len(ported)} other backends")
            text += "; as portability, " + ", ".join(moved)
        if a.not_measured:
            text += f" (not measured: {', '.join(m.split(' ')[0] for m in a.not_measured)})"
        return text + "."

    @staticmethod
    def _cell_text(c: Cell) -> str:
        grad = ""
        if c.gradient_check is not None:
            err = c.gradient_check.max_error
            grad = f", gradient {'ok' if c.gradient_check.passed else 'wrong'} ({'∞' if err is None else f'{err:.1g}'})"
        lines = f"{c.lines} lines" + (f" incl. {c.cpp_lines} C++" if c.cpp_lines else "")
        text = f"{c.option} {c.mechanism}: {c.status}, {lines}{grad}"
        if c.status not in ("works",) and c.reason:
            text += f" [{c.reason[:160]}]"
        return text

    def _findings(self, a: ExtensibilityAssessment) -> dict[str, str]:
        def kinds(*names: str) -> str:
            rows = [self._cell_text(c) for c in a.cells if c.kind in names]
            return "; ".join(rows) + "." if rows else "Not measured."

        findings = {
            "layers": kinds("layer"),
            "losses_metrics": kinds("loss", "metric"),
            "training": kinds("train_step", "training_loop"),
            "gradients": kinds("custom_gradient"),
            "compiled_ops": kinds("compiled_op"),
            "kernels": kinds("custom_op", "custom_kernel"),
        }
        built = [f"{b.id} {b.status}" + (f" in {b.seconds:.1f} s" if b.seconds is not None else "")
                 + f" ({b.cpp_lines} lines of C++, {b.tool}" + (f"; {b.reason}" if b.reason else "") + ")"
                 for b in a.builds.values()]
        findings["builds"] = ("Built in this run, nothing cached: " + "; ".join(built) + ".") if built else \
            "No library was built."
        keras_api = a.portable_keras_backends()
        keras_ran = [o for o in a.measured if o in KERAS_OPTIONS]
        port = [f"the same Keras-API code ran unchanged on {min(len(o) for o in keras_api.values())} of "
                f"{len(keras_ran)} Keras backends ({', '.join(keras_api)})" if keras_api else "no Keras-API code ran"]
        if a.portability_tried:
            for framework in ("tensorflow", "jax", "torch"):
                tried = [c for c in a.portability if c.framework == framework]
                if not tried:
                    continue
                per = {o: [c for c in tried if c.option == o] for o in dict.fromkeys(c.option for c in tried)}
                example = next((c for c in tried if not c.works and c.reason), None)
                port.append(f"{framework} code on " + ", ".join(
                    f"{o} {sum(c.works for c in cs)} of {len(cs)} routes" for o, cs in per.items())
                    + (f" (e.g. {example.route} on {example.option}: {example.reason[:140]})" if example else ""))
        else:
            port.append("other backends' code was not tried in this run (quick mode)")
        findings["portability"] = ("Portability, reported apart (it does not enter the verdict): " + "; ".join(port)
                                   + ".")
        findings["sources"] = ("Each route follows its framework's own documentation: TensorFlow's \"Create an op\" "
                               "guide (https://www.tensorflow.org/guide/create_op) and tf.custom_gradient; JAX's "
                               "\"Custom derivative rules\" (https://docs.jax.dev/en/latest/notebooks/"
                               "Custom_derivative_rules_for_Python_code.html), \"Foreign function interface\" "
                               "(https://docs.jax.dev/en/latest/ffi.html: JAX cannot differentiate a foreign function, "
                               "so the kernel gets a custom_vjp rule) and the Pallas quickstart; PyTorch's \"Extending "
                               "PyTorch\" (torch.autograd.Function), \"Python Custom Operators\" and \"Custom C++ and "
                               "CUDA Operators\" (https://docs.pytorch.org/tutorials/advanced/cpp_custom_ops.html); "
                               "Keras's per-backend guides \"Customizing what happens in fit()\" and \"Writing a "
                               "training loop from scratch\" (https://keras.io/guides/).")
        per = {}
        for c in a.cells:
            if c.status != "not_applicable":
                per.setdefault(c.option, []).append(
                    f"{c.route} {c.lines}" + (f" (+{len(c.build_steps)} build step)" if c.build_steps else ""))
        findings["lines"] = ("Logical lines of each route's own code (C++ included), and build steps: "
                             + "; ".join(f"{o}: {', '.join(rows)}" for o, rows in per.items()) + ".")
        findings["needs"] = ("Needs judged: " + ", ".join(f"{n} ({'/'.join(KIND_TITLES[k] for k in ks)})"
                                                          for n, ks in NEEDS.items()) + ".")
        findings["caveat"] = ("Each attempt trains a tiny model for a few steps: it shows that an extension works and "
                              "is differentiated right, not how fast it runs. The Pallas kernel runs in interpret "
                              "mode, the only mode on a CPU; Pallas compiles for GPUs and TPUs.")
        if a.not_measured:
            findings["not_measured"] = "Subjects without a result: " + "; ".join(a.not_measured) + "."
        return findings


CLAIM = ExtensibilityClaim()
