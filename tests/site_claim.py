"""A framework-free claim for the site's tests: paired programs, several subjects, numbers to chart.

Registered only by the site tests, through ``KVT_EXTRA_CLAIMS=toy_pair=tests.site_claim``. Its programs live
in ``tests/site_programs/`` (its :meth:`code_files` says so, and the site shows the files that are hashed), so
the tests can check the Keras | TensorFlow core tabs before any real claim declares a pair.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from evidence.claim import Claim, Context, Verdict, missing_subjects

PROGRAMS = Path(__file__).parent / "site_programs"

#: Made-up but fixed measurements per subject, so the site's numbers are known to the tests.
TOY_ACCURACY = {"keras-tensorflow": 0.912, "keras-jax": 0.925, "tensorflow-core": 0.903}


class ToyPairClaim(Claim):
    """Reports a fixed accuracy per subject; nothing is trained."""

    id = "toy_pair"
    dimension = "Test"
    title = "Toy claim with paired programs"
    statement = "The same toy task written with Keras and with TensorFlow core reaches similar accuracy."
    sub_claims = {"accuracy": "Accuracy of each subject on the toy task."}
    subjects = tuple(TOY_ACCURACY)
    programs = ("toy_mlp_keras.py", "toy_mlp_tfcore.py", "toy_notes.py")
    thresholds = {
        # Accuracies within this of each other count as similar.
        "accuracy_tolerance": 0.05,
    }
    repeats = (1, 1)
    timeout_s = (60, 60)
    reruns = (2, 2)  # so that the page shows its table of runs

    def code_files(self) -> list[Path]:
        """The module and the programs under tests/site_programs/."""
        return [Path(__file__)] + [PROGRAMS / name for name in self.programs]

    def measure(self, ctx: Context) -> dict[str, Any]:
        """The subject's fixed accuracy and a fake timing summary."""
        acc = TOY_ACCURACY[ctx.subject]
        return {"accuracy": acc, "epochs": 3,
                "train_s": {"median_s": acc * 2, "iqr_s": 0.01, "min_s": acc * 2, "max_s": acc * 2,
                            "repeats": 1, "samples_s": [acc * 2]}}

    def judge(self, results) -> Verdict:
        """Supported when every subject's accuracy is within the tolerance of the best."""
        missing = missing_subjects(results, self.subjects)
        if missing:
            return Verdict("inconclusive", f"Not measured: {'; '.join(missing)}.")
        accs = {s: r.measurements["accuracy"] for s, r in results.items()}
        spread = max(accs.values()) - min(accs.values())
        verdict = "supported" if spread <= self.thresholds["accuracy_tolerance"] else "refuted"
        return Verdict(verdict, f"Accuracies differ by {spread:.3f} at most.",
                       {"accuracy": ", ".join(f"{s} {a}" for s, a in accs.items()),
                        "caveat": "A toy claim: its numbers are fixed by the test."})


CLAIM = ToyPairClaim()
