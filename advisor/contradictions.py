"""Answers that no option can meet together, named in one line each before the ranking.

Three kinds, each from a declared source:

- ``nature``: two answers that exclude each other whatever the evidence (:data:`EXCLUSIVE`: a model whose
  variables must be sharded across devices does not fit in one browser tab or phone), and a platform that does
  not exist (TPUs under Windows: the platform evidence's ``not_applicable`` cells);
- ``evidence``: two active hard requirements whose sets of options that could meet them (not ``failed``) are
  both non-empty and disjoint;
- ``preference``: a framework the user's code is written for (``--ecosystem``) whose options all fail a hard
  requirement (PyTorch code and TPUs: Keras's torch backend has no TPU device).

The same rules run in the browser advisor (``docs/javascripts/advisor.js``, ``contradictions``), from the
exported checks and :data:`EXCLUSIVE`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from advisor.options import ECOSYSTEM_FRAMEWORK
from advisor.profile import Profile
from advisor.questions import BY_ID, requirement_label, values_of
from evidence.options import FRAMEWORK, OPTIONS

#: Pairs of answers that exclude each other by what they are, with why.
EXCLUSIVE: tuple[tuple[str, str, str], ...] = tuple(
    ("model_size=needs_sharding", f"deploy_target={target}",
     f"a model whose variables must be sharded across devices does not fit on the one {where} it must run on")
    for target, where in (("browser", "browser tab"), ("android", "phone"), ("ios", "phone")))


def contradictions(p: Profile, checks: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The contradictions among ``p``'s answers (see the module docstring), in the order nature, evidence,
    preference; ``checks`` is requirement id -> option -> :class:`~advisor.constraints.Check`."""
    out: list[dict[str, Any]] = []
    active = list(p.requirements)
    for first, second, why in EXCLUSIVE:
        if first in active and second in active:
            out.append({"kind": "nature", "requirements": [first, second],
                        "text": f"{requirement_label(first)} and {requirement_label(second)}: {why}"})
    for req in active:
        states = [checks[req][o] for o in OPTIONS]
        if req.startswith("platform=") and all(c.state == "failed" and c.reason.startswith("not applicable")
                                               for c in states):
            out.append({"kind": "nature", "requirements": [req],
                        "text": f"{requirement_label(req)}: {states[0].reason.removeprefix('not applicable: ')}"})
    could = {r: [o for o in OPTIONS if checks[r][o].state != "failed"] for r in active}
    for i, first in enumerate(active):
        for second in active[i + 1:]:
            a, b = could[first], could[second]
            if a and b and not set(a) & set(b):
                out.append({"kind": "evidence", "requirements": [first, second], "text": (
                    f"no option meets both '{requirement_label(first)}' (only {', '.join(a)} can) and "
                    f"'{requirement_label(second)}' (only {', '.join(b)} can)")})
    for eco in values_of(BY_ID["ecosystem"], p.answers["ecosystem"]):
        if eco == "none":
            continue
        mine = [o for o in OPTIONS if FRAMEWORK[o] == ECOSYSTEM_FRAMEWORK[eco]]
        for req in active:
            if mine and all(checks[req][o].state == "failed" for o in mine):
                out.append({"kind": "preference", "requirements": [req], "text": (
                    f"your {eco} code and '{requirement_label(req)}': no option on {ECOSYSTEM_FRAMEWORK[eco]} "
                    f"meets it ({mine[0]}: {checks[req][mine[0]].reason})")})
    return out
