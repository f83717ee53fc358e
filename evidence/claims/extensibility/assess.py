"""The extensibility claim's judge, first half: attempts -> cells (each judged against the declared
tolerances), builds and each option's coverage of the needs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evidence.claim import missing_subjects
from evidence.claims.extensibility.assessment import (
    BuildRecord,
    Cell,
    ExtensibilityAssessment,
    GradientCheck,
    coverage_of,
)
from evidence.claims.extensibility.routes import NOT_APPLICABLE, ROUTE_BY_ID, Route, is_own
from evidence.contract import ErrorInfo, SubjectResult
from evidence.options import FRAMEWORK

if TYPE_CHECKING:
    from evidence.claim import Claim

#: What a failed check of an attempt means (the checks the programs' ``attempt_*`` functions report).
CHECKS: dict[str, str] = {
    "trained": "the weights before or inside the extension did not change: no gradient flowed through it",
    "finite": "the training loss was not finite",
    "loss_decreased": "the loss did not go down",
    "reset": "the metric did not reset",
    "stable": "the gradient at x = 100 was not finite and equal to 1",
}



def assess(claim: Claim, results: Mapping[str, SubjectResult], quick: bool) -> ExtensibilityAssessment:
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
    for option in claim.subjects:
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
            cell = _cell(claim, option, route, record, builds, quick)
            (cells if cell.own else portability).append(cell)
        for (where, kind), why in NOT_APPLICABLE.items():
            if where == option:
                cells.append(Cell(option=option, kind=kind, route="not_applicable", mechanism="train_step override",
                                  framework=FRAMEWORK[option], own=True, status="not_applicable", lines=0,
                                  python_lines=0, program="", reason=why))
    return ExtensibilityAssessment(
        cells=cells, portability=portability, builds=builds,
        coverage={o: coverage_of(o, cells) for o in measured}, measured=measured,
        portability_tried=tried_portability, not_measured=missing_subjects(results, claim.subjects))

def _cell(claim: Claim, option: str, route: Route, record: dict[str, Any], builds: dict[str, BuildRecord],
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
    tol_v, tol_g = claim.threshold("value_tolerance", quick), claim.threshold("gradient_tolerance", quick)
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

