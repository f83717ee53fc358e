"""Claim ``ease_of_use``: Keras is simpler and faster to prototype with; TensorFlow needs more code for the same task.

Method: three tasks, each written twice as a real program under ``evidence/programs/``: once with Keras 3's
high-level API (``Sequential``, ``compile``, ``fit``, callbacks) and once with TensorFlow core (``tf.Module``,
``tf.Variable``, ``tf.GradientTape``, ``tf.function``, ``tf.data`` and a hand-written loop), with the same data
(scikit-learn's bundled digits), model, optimizer settings and seed:

``mlp``
    a multilayer perceptron classifier;
``cnn``
    a small convolutional network on the 8x8 digit images;
``early_stopping``
    training with a validation split, early stopping on the validation loss, and a checkpoint of the best
    weights restored at the end.

Every program runs for real: the Keras programs under the tensorflow, jax and torch backends (unchanged), the
TensorFlow-core programs under TensorFlow, each in its own worker. Each records its test accuracy, so that the
comparison is between programs that do the same job: a pair counts only when both sides reach the declared
accuracy floor and lie within the declared tolerance of each other. Quick mode trains for fewer epochs.

Each program is measured with :mod:`evidence.code_metrics` (the standard library's ``ast`` and ``tokenize``):
logical lines, distinct framework API names resolved through the imports, branches and cyclomatic complexity,
and the concepts a newcomer must learn, derived from the API names by a declared table. The result names each
program file with its sha256, so every number traces to the file that produced it. TensorFlow has no optimizer
outside Keras (``tf.keras.optimizers`` is Keras 3), so the TensorFlow-core programs write Adam themselves, as
TensorFlow's own Core API guides do; its lines are reported separately.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path
from typing import Any, ClassVar

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR, Claim, Context, Verdict, load_program, missing_subjects

#: The options, and the Keras backend each Keras option runs under.
KERAS_SUBJECTS: dict[str, str] = {"keras-tensorflow": "tensorflow", "keras-jax": "jax", "keras-torch": "torch"}
TFCORE_SUBJECT = "tensorflow-core"

#: Task -> (Keras program, TensorFlow-core program). The docs site shows each pair side by side.
PAIRS: dict[str, tuple[str, str]] = {
    "mlp": ("mlp_keras.py", "mlp_tfcore.py"),
    "cnn": ("cnn_keras.py", "cnn_tfcore.py"),
    "early_stopping": ("early_stopping_keras.py", "early_stopping_tfcore.py"),
}
#: Epochs in quick mode (full mode uses each program's own ``EPOCHS``, the same on both sides); for
#: ``early_stopping`` the most epochs, before the stopping rule ends training.
QUICK_EPOCHS: dict[str, int] = {"mlp": 8, "cnn": 6, "early_stopping": 20}
#: Code the TensorFlow-core programs write because TensorFlow has no public equivalent outside Keras.
HANDWRITTEN: tuple[str, ...] = ("Adam",)
#: The hyper-parameter that quick mode overrides; every other module constant must match across a pair.
EPOCHS_CONSTANT = "EPOCHS"

_ANSI = re.compile(r"\x1b\[[0-9;]*m")



def error_text(exc: BaseException) -> str:
    """``Type: first informative line`` of an exception, with the innermost error it wraps when different.

    Keras wraps an error raised in a layer's ``call`` in a header line and ANSI codes, and re-raises errors
    ``from None``; the hidden error is still in ``__context__``, and it is usually the telling one.
    """

    def first_line(e: BaseException) -> str:
        lines = [ln.strip() for ln in _ANSI.sub("", str(e)).splitlines() if ln.strip()]
        if lines and lines[0].startswith("Exception encountered when calling"):
            lines = lines[1:]
        return lines[0] if lines else ""

    chain, seen, current = [], set(), exc
    while current is not None and id(current) not in seen and len(chain) < 8:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    text = f"{type(exc).__name__}: {first_line(exc)}"
    root = chain[-1]
    root_text = f"{type(root).__name__}: {first_line(root)}"
    if root is not exc and root_text != text:
        text += f" (wrapping {root_text})"
    return text


def limit_torch_threads() -> int:
    """One intra-op thread for torch; returns the count used.

    Why: on a shared 2-core machine torch's two threads spin against each other and against other
    processes; measured here, an epoch of the MLP took 3-6 s with 2 threads and 0.2 s with 1. This claim
    does not judge speed, and the setting is recorded with the result.
    """
    import torch

    torch.set_num_threads(1)
    return torch.get_num_threads()


def ratio(tfcore: float, keras: float) -> float:
    """``tfcore / keras``; infinite when Keras needs none of it and TensorFlow core some."""
    if keras == 0:
        return math.inf if tfcore else 1.0
    return tfcore / keras


class EaseOfUseClaim(Claim):
    """Paired Keras / TensorFlow-core programs: accuracy first, then code metrics."""

    id = "ease_of_use"
    dimension = "Ease of use"
    title = "Keras is simpler; TensorFlow needs more code for the same task"
    statement = ("Keras is the easier and quicker tool for building a model, while TensorFlow makes you write "
                 "more code to get the same result.")
    sub_claims = {
        "same_job": "Both versions of each task reach comparable test accuracy (declared floor and tolerance).",
        "code": "Lines of code each version needs (logical lines; tokens and lines naming the framework too).",
        "api": "How many distinct framework API names each version uses.",
        "branching": "Branches and cyclomatic complexity of each version.",
        "concepts": "The concepts a newcomer must learn for each version, derived from its API names.",
        "backends": "The Keras programs run unchanged on the tensorflow, jax and torch backends.",
    }
    subjects = (*KERAS_SUBJECTS, TFCORE_SUBJECT)
    pairs: ClassVar[dict[str, tuple[str, str]]] = PAIRS
    programs = tuple(name for pair in PAIRS.values() for name in pair)
    thresholds = {
        # Test accuracies of the two versions of a task within this of each other count as "the same job".
        # Both sides start from different random weights, so they differ by training noise; quick mode trains
        # a few epochs and is noisier, hence the looser value.
        "accuracy_tolerance_full": 0.03,
        "accuracy_tolerance_quick": 0.08,
        # Each version must also learn: a floor, so that two equally broken programs do not count as equal.
        "min_accuracy_full": 0.9,
        "min_accuracy_quick": 0.75,
        # "TensorFlow needs more code": TensorFlow core's logical lines at least this multiple of Keras's, on
        # every comparable task.
        "more_code_ratio": 1.5,
        # "Keras is simpler": TensorFlow core needs at least these multiples of Keras's distinct API names,
        # concepts and cyclomatic complexity, on every comparable task.
        "more_api_names_ratio": 1.5,
        "more_concepts_ratio": 1.25,
        "more_complexity_ratio": 1.5,
    }
    repeats = (1, 1)  # one seeded training run per program: accuracy is judged, speed is not
    warmup = 0
    timeout_s = (300, 900)

    # -- runner hooks ---------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """A Keras option runs under its backend; TensorFlow core imports no Keras."""
        return KERAS_SUBJECTS.get(subject)

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras and the backend's framework; TensorFlow core needs tensorflow only."""
        return ("keras", KERAS_SUBJECTS[subject]) if subject in KERAS_SUBJECTS else ("tensorflow",)

    # -- measurement ----------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """Run this option's side of every pair, and measure each program file."""
        side = 0 if ctx.subject in KERAS_SUBJECTS else 1
        out: dict[str, Any] = {"api": "keras" if side == 0 else "tensorflow-core",
                               "mode": "quick" if ctx.quick else "full"}
        if ctx.subject == "keras-torch":
            out["torch_threads"] = limit_torch_threads()
        if side == 0:
            import keras

            out["backend"] = keras.backend.backend()
        runs: dict[str, Any] = {}
        metrics: dict[str, Any] = {}
        hyperparameters: dict[str, Any] = {}
        handwritten: dict[str, Any] = {}
        for task, pair in self.pairs.items():
            name = pair[side]
            record = measure_program(PROGRAMS_DIR / name)
            metrics[name] = record["metrics"]
            hyperparameters[name] = record["hyperparameters"]
            if "handwritten" in record:
                handwritten[name] = record["handwritten"]
            runs[task] = self._run(name, task, ctx.quick, record["metrics"])
        out.update(runs=runs, metrics=metrics, hyperparameters=hyperparameters)
        if handwritten:
            out["handwritten"] = handwritten
        return out

    @staticmethod
    def _run(name: str, task: str, quick: bool, metrics: dict[str, Any]) -> dict[str, Any]:
        """Train one program; a program that raises is recorded with its error, not a crashed worker."""
        entry: dict[str, Any] = {"program": metrics["file"], "sha256": metrics["sha256"]}
        start = time.perf_counter()
        try:
            module = load_program(name)
            epochs = QUICK_EPOCHS[task] if quick else int(module.EPOCHS)
            entry["epochs"] = epochs
            result = module.run(epochs=epochs, seed=module.SEED)
            entry.update(status="ran", **{k: v for k, v in result.items()})
        except Exception as exc:  # the failure is the measurement
            entry.update(status="error", error=error_text(exc))
        entry["seconds"] = round(time.perf_counter() - start, 3)
        return entry

    # -- verdict --------------------------------------------------------------------------------------------------
    def judge(self, results) -> Verdict:
        """Per task: comparable accuracy first (floor and tolerance of the run's mode); then the ratios
        TensorFlow core / Keras of logical lines, API names, concepts and cyclomatic complexity against the
        declared thresholds. Supported when every task is comparable and TensorFlow core needs more code and
        more of the rest on every task; partly supported when only code or only simplicity holds, or not
        every task is comparable; refuted when neither holds; inconclusive without a comparable task."""
        t = self.thresholds
        missing = missing_subjects(results, self.subjects)
        ok = {s: r.measurements for s, r in results.items() if r.status == "ok"}
        keras_ok = [s for s in KERAS_SUBJECTS if s in ok]
        findings: dict[str, Any] = {}
        if missing:
            findings["not_measured"] = "Subjects without a result: " + "; ".join(missing) + "."
        if TFCORE_SUBJECT not in ok or not keras_ok:
            lacking = [s for s in (TFCORE_SUBJECT, *KERAS_SUBJECTS) if s not in ok]
            return Verdict("inconclusive", f"Nothing to compare: no result for {', '.join(lacking)} "
                                           f"({'; '.join(missing) or 'not run'}).", findings)
        tf_m = ok[TFCORE_SUBJECT]
        ref = keras_ok[0]  # keras-tensorflow when it ran: the same engine as TensorFlow core
        k_m = ok[ref]
        mode = "quick" if "quick" in {m.get("mode") for m in ok.values()} else "full"
        tol, floor = t[f"accuracy_tolerance_{mode}"], t[f"min_accuracy_{mode}"]

        rows = {}
        for task, (k_name, tf_name) in self.pairs.items():
            rows[task] = self._task_row(task, k_name, tf_name, ok, keras_ok, tf_m, k_m, tol, floor)
        comparable = [task for task, row in rows.items() if row["comparable"]]

        findings["same_job"] = self._same_job_text(rows, ref, tol, floor, mode)
        findings["code"] = self._metric_text(rows, comparable, "logical_lines", "logical lines",
                                             t["more_code_ratio"])
        findings["code"] += " " + self._code_extras(rows)
        findings["api"] = self._metric_text(rows, comparable, "api_name_count", "distinct framework API names",
                                            t["more_api_names_ratio"])
        findings["branching"] = (self._metric_text(rows, comparable, "cyclomatic_total",
                                                   "total cyclomatic complexity", t["more_complexity_ratio"])
                                 + " Branches (decision points): "
                                 + "; ".join(f"{task} {r['keras']['branches']} vs {r['tfcore']['branches']}"
                                             for task, r in rows.items()) + ".")
        findings["concepts"] = self._concepts_text(rows, comparable, t["more_concepts_ratio"])
        findings["backends"] = self._backends_text(rows, keras_ok, tf_m, tol)
        findings["traceability"] = ("Programs measured (sha256, first 12 hex digits): " + "; ".join(
            f"{r['keras']['file']} {r['keras']['sha256'][:12]}, {r['tfcore']['file']} {r['tfcore']['sha256'][:12]}"
            for r in rows.values()) + ".")
        findings["caveat"] = ("Code metrics measure the code to write, not the time to write it: 'faster to "
                              "prototype' is approximated by size, API surface and concepts. API names are "
                              "resolved statically (a lower bound on both sides: methods of untyped values are "
                              "not counted), and concepts come from API names only, so an idea written by hand "
                              "(the early-stopping rule in TensorFlow core) is not counted as a concept. "
                              "tf.keras is Keras 3: a TensorFlow user who writes model.fit writes the Keras side.")

        if not comparable:
            return Verdict("inconclusive", "No task reached comparable accuracy on both sides, so the code "
                                           f"metrics compare programs that do not do the same job ({mode} mode: "
                                           f"floor {floor}, tolerance {tol}).", findings)
        more_code = all(rows[task]["ratios"]["logical_lines"] >= t["more_code_ratio"] for task in comparable)
        simpler = all(rows[task]["ratios"]["api_name_count"] >= t["more_api_names_ratio"]
                      and rows[task]["ratios"]["concept_count"] >= t["more_concepts_ratio"]
                      and rows[task]["ratios"]["cyclomatic_total"] >= t["more_complexity_ratio"]
                      for task in comparable)
        all_tasks = len(comparable) == len(self.pairs)
        if more_code and simpler and all_tasks:
            verdict = "supported"
        elif more_code or simpler:
            verdict = "partly supported"
        else:
            verdict = "refuted"
        summary = self._summary(rows, comparable, more_code, simpler, keras_ok, tol, missing)
        return Verdict(verdict, summary, findings)

    # -- judge helpers --------------------------------------------------------------------------------------------
    @staticmethod
    def _task_row(task, k_name, tf_name, ok, keras_ok, tf_m, k_m, tol, floor) -> dict[str, Any]:
        k_metrics, tf_metrics = k_m["metrics"][k_name], tf_m["metrics"][tf_name]
        tf_run = tf_m["runs"][task]
        k_runs = {s: ok[s]["runs"][task] for s in keras_ok}
        ref_run = k_runs[keras_ok[0]]
        ran = tf_run["status"] == "ran" and ref_run["status"] == "ran"
        diff = abs(ref_run["accuracy"] - tf_run["accuracy"]) if ran else None
        learned = ran and min(ref_run["accuracy"], tf_run["accuracy"]) >= floor
        hp_k = {k: v for k, v in k_m["hyperparameters"][k_name].items() if k != EPOCHS_CONSTANT}
        hp_tf = {k: v for k, v in tf_m["hyperparameters"][tf_name].items() if k != EPOCHS_CONSTANT}
        same_hp = hp_k == hp_tf and (k_m["hyperparameters"][k_name].get(EPOCHS_CONSTANT)
                                     == tf_m["hyperparameters"][tf_name].get(EPOCHS_CONSTANT))
        keys = ("logical_lines", "tokens", "framework_lines", "api_name_count", "concept_count", "branches",
                "cyclomatic_total")
        return {
            "keras": k_metrics, "tfcore": tf_metrics, "keras_runs": k_runs, "tfcore_run": tf_run,
            "accuracy_diff": diff, "learned": learned, "same_hyperparameters": same_hp,
            "comparable": bool(ran and learned and diff is not None and diff <= tol and same_hp),
            "ratios": {k: ratio(tf_metrics[k], k_metrics[k]) for k in keys},
            "handwritten": tf_m.get("handwritten", {}).get(tf_name, {"logical_lines": 0, "symbols": ""}),
        }

    @staticmethod
    def _same_job_text(rows, ref, tol, floor, mode) -> str:
        parts = []
        for task, r in rows.items():
            k, tf = r["keras_runs"][ref], r["tfcore_run"]
            if k["status"] != "ran" or tf["status"] != "ran":
                parts.append(f"{task}: did not run ({k.get('error') or tf.get('error')})")
                continue
            stop = ""
            if "best_epoch" in k:
                stop = (f"; stopped after {k['epochs_run']} and {tf['epochs_run']} epochs, best at "
                        f"{k['best_epoch']} and {tf['best_epoch']}")
            parts.append(f"{task}: Keras ({ref}) {k['accuracy']:.3f} vs TensorFlow core {tf['accuracy']:.3f} "
                         f"(|Δ| {r['accuracy_diff']:.3f}; {'comparable' if r['comparable'] else 'not comparable'}"
                         f"{'' if r['same_hyperparameters'] else ', hyper-parameters differ'}{stop})")
        return (f"Test accuracy, {mode} mode (floor {floor}, tolerance {tol}): " + "; ".join(parts) + ".")

    @staticmethod
    def _metric_text(rows, comparable, key, words, threshold) -> str:
        parts = [f"{task} {r['keras'][key]} → {r['tfcore'][key]} ({r['ratios'][key]:.2f}×"
                 f"{'' if task in comparable else ', not comparable'})" for task, r in rows.items()]
        held = [task for task in comparable if rows[task]["ratios"][key] >= threshold]
        return (f"{words[0].upper()}{words[1:]}, Keras → TensorFlow core: " + "; ".join(parts)
                + f". At least {threshold}× on {len(held)} of {len(comparable)} comparable task(s).")

    @staticmethod
    def _code_extras(rows) -> str:
        parts = []
        for task, r in rows.items():
            hand = r["handwritten"]["logical_lines"]
            rest = r["tfcore"]["logical_lines"] - hand
            parts.append(f"{task}: tokens {r['keras']['tokens']} → {r['tfcore']['tokens']}, lines naming the "
                         f"framework {r['keras']['framework_lines']} → {r['tfcore']['framework_lines']}"
                         + (f", of TensorFlow core's lines {hand} are the hand-written "
                            f"{r['handwritten']['symbols']} "
                            f"(without it {ratio(rest, r['keras']['logical_lines']):.2f}×)" if hand else ""))
        return "; ".join(parts) + "."

    @staticmethod
    def _concepts_text(rows, comparable, threshold) -> str:
        parts = []
        for task, r in rows.items():
            parts.append(f"{task}: Keras {r['keras']['concept_count']} ({', '.join(r['keras']['concepts'])}) vs "
                         f"TensorFlow core {r['tfcore']['concept_count']} ({', '.join(r['tfcore']['concepts'])})")
        held = [task for task in comparable if rows[task]["ratios"]["concept_count"] >= threshold]
        unmapped = sorted({n for r in rows.values() for side in ("keras", "tfcore")
                           for n in r[side]["unmapped_api_names"]})
        return ("Concepts: " + "; ".join(parts) + f". At least {threshold}× on {len(held)} of {len(comparable)} "
                f"comparable task(s)." + (f" API names no concept covers: {', '.join(unmapped)}." if unmapped
                                          else ""))

    @staticmethod
    def _backends_text(rows, keras_ok, tf_m, tol) -> str:
        parts = []
        for task, r in rows.items():
            accs = {s.removeprefix("keras-"): run.get("accuracy") for s, run in r["keras_runs"].items()}
            ran = {b: a for b, a in accs.items() if a is not None}
            errors = {s.removeprefix("keras-"): run.get("error") for s, run in r["keras_runs"].items()
                      if run["status"] != "ran"}
            tf_acc = r["tfcore_run"].get("accuracy")
            within = [b for b, a in ran.items() if tf_acc is not None and abs(a - tf_acc) <= tol]
            parts.append(f"{task}: " + ", ".join(f"{b} {a:.3f}" for b, a in ran.items())
                         + (f" (within {tol} of TensorFlow core on {len(within)} of {len(ran)})" if tf_acc is not None
                            else "")
                         + ("; failed on " + ", ".join(f"{b} ({e})" for b, e in errors.items()) if errors else ""))
        names = ", ".join(s.removeprefix("keras-") for s in keras_ok)
        return f"The Keras programs ran unchanged on {names}: " + "; ".join(parts) + "."

    def _summary(self, rows, comparable, more_code, simpler, keras_ok, tol, missing) -> str:
        def span(key):
            values = [rows[task]["ratios"][key] for task in comparable]
            return f"{min(values):.1f}×" if min(values) == max(values) else f"{min(values):.1f}–{max(values):.1f}×"

        lines = "; ".join(f"{task} {rows[task]['keras']['logical_lines']} vs {rows[task]['tfcore']['logical_lines']}"
                          for task in comparable)
        lead = ("TensorFlow core needed" if more_code else "TensorFlow core needed only")
        text = (f"{lead} {span('logical_lines')} the logical lines of Keras ({lines}), {span('api_name_count')} "
                f"the API names, {span('concept_count')} the concepts and {span('cyclomatic_total')} the cyclomatic "
                f"complexity, on {len(comparable)} of {len(rows)} task(s) where both reached comparable accuracy "
                f"(within {tol})")
        if not simpler:
            text += "; by the declared thresholds Keras is not simpler on every task"
        backends = [s.removeprefix("keras-") for s in keras_ok
                    if all(rows[task]["keras_runs"][s]["status"] == "ran" for task in rows)]
        if backends:
            text += f"; the same Keras programs ran unchanged on {', '.join(backends)}"
        if missing:
            text += f" (not measured: {', '.join(m.split(' ')[0] for m in missing)})"
        return text + "."


def measure_program(path: Path) -> dict[str, Any]:
    """The static record of one program: its code metrics (named by file and sha256), its module-level
    hyper-parameters, and, for a TensorFlow-core program, the lines of what it writes by hand for want of a
    TensorFlow equivalent (:data:`HANDWRITTEN`). Needs no framework."""
    record: dict[str, Any] = {"metrics": code_metrics.analyse_file(path).to_dict(),
                              "hyperparameters": code_metrics.module_constants(path)}
    present = [s for s in HANDWRITTEN if _defines(path, s)]
    if present:
        record["handwritten"] = {"symbols": ", ".join(present),
                                 "logical_lines": code_metrics.analyse_symbols(path, present).logical_lines}
    return record


def _defines(path: Path, symbol: str) -> bool:
    try:
        code_metrics.symbol_source(path, symbol)
    except LookupError:
        return False
    return True


CLAIM = EaseOfUseClaim()
