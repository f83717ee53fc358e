"""The platform claim's decision rule: its assessment -> a typed decision, no prose.

Supported when every Keras option runs wherever its engine does (by the code read); partly supported when some
engine-supported hardware is out of a Keras backend's reach (each counted); inconclusive when a code reading is
missing (the record alone cannot say what Keras selects). Imports only the contract and the assessment.
"""

from __future__ import annotations

from evidence.contract import Decision, Thresholds

from .assessment import PlatformAssessment


def decide(a: PlatformAssessment, thresholds: Thresholds) -> Decision:
    """The decision, with the counts of cells by status and the Keras gaps."""
    unavailable = sorted(k for k, c in a.code_checks.items() if c.status == "unavailable")
    failed = sorted(k for k, c in a.code_checks.items() if c.status == "failed")
    numbers: dict[str, int | float | bool | str | None] = {"keras_gaps": len(a.keras_gaps),
                                                          "code_checks_read": len(a.code_checks) - len(
                                                              unavailable) - len(failed)}
    for status in ("supported", "experimental", "unsupported", "unknown", "not_applicable"):
        numbers[f"cells_{status}"] = sum(1 for c in a.cells if c.status == status)
    if unavailable or failed:
        verdict, code = "inconclusive", "code_unread"
    elif a.keras_gaps:
        verdict, code = "partly supported", "keras_gaps"
    else:
        verdict, code = "supported", "keras_reaches_engine"
    return Decision(verdict=verdict, code=code, numbers=numbers, unavailable=unavailable, failed=failed)
