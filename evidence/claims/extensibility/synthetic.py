"""Made-up attempts for the family test (:func:`evidence.testing.check_claim`): every option's own routes, as its
worker records them, each working unless the case asked for puts a number on the wrong side of a threshold.
Not in the code hash: it decides nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from evidence.claim import Side
from evidence.claims.extensibility.routes import is_own, routes_for
from evidence.contract import SubjectResult

if TYPE_CHECKING:
    from evidence.claim import Claim

#: How far from a tolerance a made-up error lies, relatively.
MARGIN = 0.01
#: The option and need made to fall short for the coverage threshold's lower side.
SHORT = ("keras-jax", "loss")


def _record(value_error: float, gradient_error: float, ok: bool = True) -> dict[str, Any]:
    return {"status": "ran", "seconds": 0.1, "program": "synthetic.py::Synthetic", "python_lines": 5, "cpp_lines": 0,
            "result": {"checks": {"trained": ok, "finite": True}, "errors": {"value": value_error},
                       "gradient_check": {"max_error": gradient_error, "points": 8, "step": 0.01}}}


def synthetic_results(claim: Claim, quick: bool, around: tuple[str, Side] | None
                      ) -> dict[str, SubjectResult] | None:
    """Every subject ``ok`` with its own routes attempted; around ``value_tolerance`` or ``gradient_tolerance``
    every route's error lies just under (below) or just over (above) it; around ``not_limited_min_coverage``
    keras-jax's loss routes fail (below: its coverage just under 1) or work (above)."""
    name, side = around if around is not None else (None, None)
    if name is not None and name not in claim.thresholds:
        return None
    value = claim.threshold("value_tolerance", quick) / 10
    gradient = claim.threshold("gradient_tolerance", quick) / 10
    factor = 1 - MARGIN if side == "below" else 1 + MARGIN
    if name == "value_tolerance":
        value = claim.threshold(name, quick) * factor
    elif name == "gradient_tolerance":
        gradient = claim.threshold(name, quick) * factor
    results = {}
    for option in claim.subjects:
        attempts = {}
        for route in routes_for(option, portability=False):
            if not is_own(route, option):
                continue
            short = name == "not_limited_min_coverage" and side == "below" and (option, route.kind) == SHORT
            attempts[route.id] = _record(value, gradient, ok=not short)
        results[option] = SubjectResult(status="ok", measurements={"attempts": attempts})
    return results
