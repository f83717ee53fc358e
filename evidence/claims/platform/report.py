"""The platform claim's prose for people, from its assessment and decision (not in the code hash)."""

from __future__ import annotations

from evidence.contract import Decision, Report
from evidence.options import LABELS

from .assessment import PlatformAssessment


def report(a: PlatformAssessment, decision: Decision) -> Report:
    """Each code reading's finding, native Windows's GPU reach, and a summary that follows the decision."""
    read = {k: c for k, c in a.code_checks.items() if c.status == "ok"}
    findings = {"torch": a.code_checks["keras-torch-devices"].finding,
                "jax": a.code_checks["jax-platforms"].finding,
                "tensorflow": a.code_checks["tensorflow-platforms"].finding}
    windows = [f"{LABELS[c.option]}: {c.status}" for c in a.cells if (c.accelerator, c.system) == ("nvidia_gpu",
                                                                                          "windows")]
    findings["windows"] = "NVIDIA GPU on native Windows: " + ", ".join(windows) + "."
    if decision.code == "code_unread":
        return Report("Installed code could not be read for "
                      f"{', '.join(sorted(set(a.code_checks) - set(read)))}: {'; '.join(a.not_measured)}.", findings)
    if decision.code == "keras_gaps":
        return Report(f"Keras reaches its engines' hardware except: {'; '.join(a.keras_gaps)}.", findings)
    return Report("Every Keras option reaches every accelerator and system its engine reaches.", findings)
