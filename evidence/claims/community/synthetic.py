"""Made-up listings for the family test (:func:`evidence.testing.check_claim`): packages named so the claim's own
rules classify them as third-party TensorFlow or Keras packages, with counts chosen around each threshold, read
by the claim's own analysis. Not in the code hash: it decides nothing."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from evidence.claim import Side
from evidence.contract import SubjectResult

from .constants import LISTING_DATE, SOURCE
from .measure_listing import analyse

if TYPE_CHECKING:
    from evidence.claim import Claim

#: Third-party Keras packages in every made-up listing (above every threshold's minimum).
KERAS = 20


def _rows(eco: str, summary: str, packages: int, active: int, ranked: int, first_rank: int) -> list[dict[str, Any]]:
    """``packages`` third-party packages of ``eco``, the first ``active`` released this month, the first ``ranked``
    ranked (from ``first_rank``)."""
    return [{"name": f"{eco}-synthetic-addon-{i}", "version": "1.0", "summary": summary,
             "month": LISTING_DATE[:7] if i < active else "2015-01",
             "rank": first_rank + i if i < ranked else None} for i in range(packages)]


def listing(tf: tuple[int, int, int], keras: tuple[int, int, int]) -> list[dict[str, Any]]:
    """A listing with the frameworks' own packages and (packages, active, ranked) third-party packages per side."""
    own = [{"name": name, "version": "1.0", "summary": f"The {name} framework", "month": LISTING_DATE[:7],
            "rank": rank} for rank, name in enumerate(("tensorflow", "keras", "torch", "jax"), start=1)]
    return (own + _rows("tensorflow", "Layers and utilities for TensorFlow", *tf, first_rank=100)
            + _rows("keras", "Layers and utilities for Keras", *keras, first_rank=1000))


def counts(claim: Claim, quick: bool, around: tuple[str, Side] | None
           ) -> tuple[tuple[int, int, int], tuple[int, int, int]] | None:
    """(TensorFlow, Keras) third-party (packages, active, ranked) for the case asked."""
    above = around is not None and around[1] == "above"
    if around is None:
        return (2 * KERAS,) * 3, (KERAS,) * 3
    name = around[0]
    if name == "noise_band":  # every signal's ratio just at the band (favours) or just under it (within noise)
        tf = math.ceil(claim.threshold(name, quick) * KERAS) - (0 if above else 1)
        return (tf,) * 3, (KERAS,) * 3
    if name == "min_count":  # Keras's side at the minimum count (read) or one under it (too few)
        k = int(claim.threshold(name, quick)) - (0 if above else 1)
        return (4 * k,) * 3, (k,) * 3
    if name == "min_signals_for_support":  # as many signals favouring TensorFlow as needed, or one fewer
        favour = int(claim.threshold(name, quick)) - (0 if above else 1)
        sides = [2 * KERAS if i < favour else KERAS for i in range(3)]
        return (sides[0], min(sides[1], sides[0]), min(sides[2], sides[0])), (KERAS,) * 3
    return None


def synthetic_results(claim: Claim, quick: bool, around: tuple[str, Side] | None
                      ) -> dict[str, SubjectResult] | None:
    """The listing subject's result on a made-up listing (see the module docstring); None for a threshold that
    guards no decision."""
    found = counts(claim, quick, around)
    if found is None:
        return None
    tf, keras = found
    measured = analyse(listing(tf, keras), listing_month=LISTING_DATE[:7],
                       active_months=int(claim.threshold("active_window_months")),
                       top_n=int(claim.threshold("top_n")), first_party={})
    measured["source"] = f"{SOURCE} (made up for the family test)"
    measured["listing"] = {"taken": LISTING_DATE, "where_from": "made up", "how": "made up",
                           "rank_source": "made up", "holds": [], "does_not_hold": []}
    measured["tensorflow_requires_keras"] = None
    return {"pypi-listing": SubjectResult(status="ok", measurements=measured)}
