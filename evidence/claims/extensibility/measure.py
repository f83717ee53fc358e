"""What the extensibility claim's worker measures: this subject's library built, then each route attempted for
real (frameworks are imported by the programs, inside the worker)."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, Context, load_program
from evidence.claims.extensibility.build import library_for, run_build
from evidence.claims.extensibility.routes import BUILDERS, BUILDS, Route, is_own, routes_for
from evidence.errors import error_info
from evidence.options import KERAS_OPTIONS

if TYPE_CHECKING:
    from evidence.claim import Claim

#: Modules whose absence makes an attempt ``unavailable`` (we could not try) rather than ``fails``.
FRAMEWORK_MODULES = ("tensorflow", "jax", "jaxlib", "torch", "keras")


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


def measure(claim: Claim, ctx: Context) -> dict[str, Any]:
    """``measure``: build this subject's library (if it builds one) into the run's folder, then attempt its
    own routes. ``portability``: attempt the other backends' Keras-side routes."""
    if ctx.stage not in claim.stages:
        raise ValueError(f"Expected a stage in {claim.stages}; received: stage={ctx.stage!r}")
    out: dict[str, Any] = {}
    if ctx.stage == "measure" and ctx.subject in BUILDERS:
        build_id = BUILDERS[ctx.subject]
        out["builds"] = {build_id: run_build(build_id, ctx.workdir, claim.setting("build_timeout_s", ctx.quick))}
    if ctx.subject == "keras-torch":
        from evidence.claims.ease_of_use.measure import limit_torch_threads

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
        record = _attempt_route(route, programs, ctx)
        record.update(route_lines(route))
        attempts[route.id] = record
    out["attempts" if own else "portability_attempts"] = attempts
    return out

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

