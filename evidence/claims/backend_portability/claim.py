"""The ``backend_portability`` claim: its declarations, its runner hooks, ``assess`` (the switch rule and the corpus
shares live here) and ``verdict``."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import Any

from evidence.claim import Claim, Context, Verdict, missing_subjects
from evidence.claims.backend_portability import measure
from evidence.claims.backend_portability.assessment import (
    CorpusProgram,
    CorpusRun,
    CrossLoad,
    FailureClass,
    InferenceOnly,
    PortabilityAssessment,
    Share,
    Switch,
    Training,
)
from evidence.claims.backend_portability.corpus import RULES_BY_ID, classify, outcome
from evidence.contract import DecisionChange, ErrorInfo, Setting, Threshold
from evidence.options import BACKEND_OPTION, KERAS_BACKEND, KERAS_OPTIONS, TRAINING_BACKENDS
from evidence.timing import interval

INFERENCE_ONLY: tuple[str, ...] = ("keras-numpy", "keras-openvino")
#: The Keras backend of every subject: the three options and the two inference-only engines.
BACKENDS: dict[str, str] = {**{o: KERAS_BACKEND[o] for o in KERAS_OPTIONS}, "keras-numpy": "numpy",
                            "keras-openvino": "openvino"}
#: The framework each subject needs besides keras (numpy comes with keras).
REQUIRES: dict[str, str | None] = {**{o: KERAS_BACKEND[o] for o in KERAS_OPTIONS}, "keras-numpy": None,
                                   "keras-openvino": "openvino"}

#: The corpus, in the order its table shows: programs written to the Keras API alone, then programs that import a
#: framework (TensorFlow, JAX or PyTorch) as that framework's users write them.
CORPUS: tuple[str, ...] = (
    # Written to the Keras API alone.
    "corpus/cnn_augment.py",
    "corpus/text_lstm.py",
    "corpus/transformer_block.py",
    "corpus/two_inputs.py",
    "corpus/custom_layer_ops.py",
    "corpus/custom_loss_metric.py",
    "corpus/pydataset_generator.py",
    "corpus/callbacks_checkpoint.py",
    "corpus/save_resume.py",
    "corpus/mixed_precision.py",
    "corpus/compute_loss_override.py",
    "corpus/train_step_keras_ops.py",
    # Importing a framework: TensorFlow and PyTorch for data pipelines (which Keras presents as usable with every
    # backend), TensorFlow for model and training code, JAX and PyTorch for their own training steps and modules.
    "corpus/tf_data_pipeline.py",
    "corpus/feature_space_tf_data.py",
    "corpus/torch_dataloader.py",
    "corpus/text_vectorization_in_model.py",
    "corpus/layer_tf_ops.py",
    "corpus/lambda_tf.py",
    "corpus/train_step_tensorflow.py",
    "corpus/gradient_tape_loop.py",
    "corpus/train_step_jax.py",
    "corpus/train_step_torch.py",
    "corpus/torch_module_wrapper.py",
)
#: The quick run's subset: a Keras-only program that ports and two that do not, so that every stage of the
#: corpus's judging (works, fails, classified) runs in CI.
CORPUS_QUICK: tuple[str, ...] = (
    "corpus/custom_layer_ops.py",
    "corpus/layer_tf_ops.py",
    "corpus/train_step_jax.py",
)


class BackendPortabilityClaim(Claim):
    """The same Keras code on five backends: train, cross-load, and a corpus of Keras programs."""

    id = "backend_portability"
    dimension = "Backend support"
    title = "Keras switches backend engines without code changes"
    statement = ("Keras lets you change the engine it runs on without rewriting the model, whereas TensorFlow "
                 "comes with one engine of its own, optimised for speed (that half is tested by the "
                 "`performance` claim).")
    sub_claims = {
        "a": "One model program, unchanged, trains on the tensorflow, jax and torch backends to test accuracies "
             "within a declared tolerance of each other.",
        "b": "A .keras file saved under one backend loads under every other backend, the inference-only numpy "
             "and openvino included, and predicts the same probabilities.",
        "c": "A corpus of programs of the kinds Keras users write (keras.io's model families, layers, "
             "preprocessing, custom training and data pipelines) runs unchanged on the three training backends; "
             "what does not port, by class, with its share and a real error (distribution code is measured by the "
             "distributed_scaling claim).",
    }
    subjects = (*KERAS_OPTIONS, *INFERENCE_ONLY)
    stages = ("train", "load", "corpus")
    programs = (measure.MODEL_PROGRAM, *CORPUS)
    assessment_type = PortabilityAssessment
    thresholds = {
        "accuracy_tolerance": Threshold(
            value=0.03, quick=0.06,
            reason="largest spread of test accuracy across training backends that counts as the same: each backend "
                   "draws other initial weights from one seed, so accuracies differ by training noise, more in the "
                   "shorter quick run"),
        "min_accuracy": Threshold(
            value=0.9, quick=0.8,
            reason="every backend must also learn (digits: ~0.96 after 20 epochs, ~0.94 after 8), so that equally "
                   "broken runs do not count as agreement"),
        "prediction_tolerance": Threshold(
            value=1e-4,
            reason="largest absolute difference of predicted probabilities for a cross-backend load computed in "
                   "float32 (probes: below 5e-7)"),
        "reduced_precision_tolerance": Threshold(
            value=2e-2,
            reason="for an engine computing in bfloat16 by default (OpenVINO on bf16 CPUs): bfloat16 keeps 8 bits "
                   "of mantissa (~4e-3 per rounding); this model's probabilities moved by 3e-3 to 8e-3 in probes"),
        "min_class_agreement": Threshold(
            value=0.99, reason="share of predicted classes a reduced-precision engine must keep"),
        "supported_share": Threshold(
            value=0.9,
            reason="'without code changes' holds when at least nine in ten corpus programs written to the Keras API "
                   "alone run unchanged on every training backend"),
        "refuted_share": Threshold(
            value=0.5,
            reason="below half of the Keras-only corpus programs running unchanged on every backend, switching "
                   "engines is the exception, not the rule"),
    }
    settings = {
        "epochs": Setting(full=20, quick=8, reason="digits_mlp reaches ~0.96 test accuracy in 20 epochs, ~0.94 in "
                                                   "8; at least warm-up + repeats epochs run, to time them"),
        "batch_size": Setting(full=32),
        "corpus_epochs": Setting(full=3, quick=2, reason="each corpus program's easy task shows a falling loss "
                                                         "within two epochs; porting, not accuracy, is measured"),
        "corpus_programs": Setting(full=list(CORPUS), quick=list(CORPUS_QUICK),
                                   reason="quick mode runs a subset that still holds a working and two failing "
                                          "programs, to stay within CI's budget"),
    }
    decision_rule_fixed = "2026-12-01"
    decision_log = (
        DecisionChange(
            date="2026-12-01",
            change="The verdict also needs the corpus: supported needs (a), (b) and at least supported_share of the "
                   "Keras-only corpus programs running unchanged on every training backend; refuted below "
                   "refuted_share. Thresholds declared with reasons; the quick/full pairs became one threshold each.",
            reason="Issue 13: a verdict resting on one MLP says nothing of the code Keras users write.",
            affects="The schema-1 result (supported on the MLP and two non-portable programs alone), replaced by "
                    "this claim's rerun."),
    )
    repeats = (2, 10)
    warmup = 1  # the first epoch traces and compiles the train step
    timeout_s = (180, 600)

    # -- runner hooks ---------------------------------------------------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """Each subject is one Keras backend."""
        return BACKENDS[subject]

    def requirements(self, subject: str) -> tuple[str, ...]:
        """keras, and the subject's framework (numpy needs nothing more)."""
        framework = REQUIRES[subject]
        return ("keras", framework) if framework else ("keras",)

    def stage_subjects(self, stage: str) -> tuple[str, ...]:
        """Training and the corpus on the three training backends; loading on all five."""
        return self.subjects if stage == "load" else KERAS_OPTIONS

    # -- measurement ----------------------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """Dispatch to the stage; each stage returns its measurements under a key of its own name."""
        import keras

        # A measurement under the wrong backend would be silently meaningless: the runner sets KERAS_BACKEND from
        # keras_backend(), and a KERAS_BACKEND that Keras ignored would show here.
        if keras.backend.backend() != BACKENDS[ctx.subject]:
            raise RuntimeError(f"Expected Keras backend {BACKENDS[ctx.subject]!r} for {ctx.subject}; keras runs "
                               f"{keras.backend.backend()!r}")
        if keras.backend.backend() == "torch":
            # One intra-op thread for torch. On this 2-core machine, shared with the runner and often with other
            # processes, torch's default two-thread pool slows by up to 50x as soon as a core is busy (measured:
            # 0.35 s per digits epoch with one thread, 3-7 s with two, under a load average of 6; 0.1 s vs 0.1 s on
            # an idle machine). Results are unchanged; speed is the performance claim's subject, and this is
            # recorded.
            import torch

            torch.set_num_threads(1)
        if ctx.stage == "train":
            return {"train": measure.train(ctx, self.setting("epochs", ctx.quick), self.setting("batch_size",
                                                                                                  ctx.quick))}
        if ctx.stage == "load":
            return {"load": measure.load(ctx, inference_only=ctx.subject in INFERENCE_ONLY)}
        if ctx.stage == "corpus":
            return {"corpus": measure.corpus(ctx, list(self.setting("corpus_programs", ctx.quick)),
                                             self.setting("corpus_epochs", ctx.quick))}
        raise ValueError(f"Expected a stage of {self.stages}; received: stage={ctx.stage!r}")

    # -- assessment -----------------------------------------------------------------------------------------------
    def assess(self, results: Mapping[str, Any], quick: bool) -> PortabilityAssessment:
        """The typed assessment: training, cross-loads, the switch rule for every pair, the corpus and its classes."""
        trained = {KERAS_BACKEND[o]: self._training(o, results.get(o)) for o in KERAS_OPTIONS}
        loads = [load for s in self.subjects for load in self._loads(s, results.get(s))]
        switches = [self._switch(a, b, trained, loads, quick) for a, b in itertools.combinations(KERAS_OPTIONS, 2)]
        inference_only = {BACKENDS[s]: self._inference_only(s, results.get(s)) for s in INFERENCE_ONLY}
        corpus = self._corpus(results, quick)
        counted = [p for p in corpus if not p.broken()]
        shares = {}
        for backend in TRAINING_BACKENDS:
            tried = [p for p in counted if backend in p.tried()]
            ok = sum(1 for p in tried if backend in p.worked_on())
            shares[backend] = _share(ok, len(tried))
        multi = [p for p in counted if len(p.tried()) >= 2]
        keras_only = [p for p in multi if p.keras_only]
        return PortabilityAssessment(
            quick=quick, trained=trained, loads=loads, switches=switches, inference_only=inference_only,
            corpus=corpus, shares=shares,
            share_overall=_share(sum(p.ported() for p in multi), len(multi)),
            share_keras_only=_share(sum(p.ported() for p in keras_only), len(keras_only)),
            shares_by_imports=_shares_by_imports(multi),
            failure_classes=_failure_classes(counted), broken=[p.program for p in corpus if p.broken()],
            not_measured=missing_subjects(results, self.subjects))

    @staticmethod
    def _training(option: str, res) -> Training:
        backend = KERAS_BACKEND[option]
        m = (res.measurements.get("train") if res is not None else None) or None
        if m is None:
            status = "unavailable" if res is None or res.status == "unavailable" else "fails"
            return Training(option=option, backend=backend, status=status, program=measure.MODEL_PROGRAM,
                            reason=res.short_reason() if res is not None else "not run")
        timing = m["epoch_time"]
        return Training(
            option=option, backend=backend, status="works", program=m["program"], epochs=m["epochs"],
            batch_size=m["batch_size"], test_accuracy=m["test_accuracy"], final_loss=m["final_loss"],
            epoch_s=interval(timing) if timing.get("repeats", 0) >= 2 else None,
            first_epoch_s=(m["warmup_epoch_s"] or [None])[0], torch_threads=m.get("torch_threads"),
            inputs_identical=m.get("inputs_identical"))

    def _loads(self, subject: str, res) -> list[CrossLoad]:
        loader = BACKENDS[subject]
        m = res.measurements.get("load") if res is not None else None
        if m is None:
            status = "unavailable" if res is None or res.status == "unavailable" else "fails"
            why = res.short_reason() if res is not None else "not run"
            return [CrossLoad(saved_under=src, loaded_by=loader, status=status, equal=False,
                              reason=f"the {loader} loader did not run ({why})") for src in TRAINING_BACKENDS]
        out = []
        for src, entry in m["sources"].items():
            if entry["status"] == "missing":
                out.append(CrossLoad(saved_under=src, loaded_by=loader, status="unavailable", equal=False,
                                     reason=entry.get("reason")))
                continue
            if entry["status"] == "error":
                out.append(CrossLoad(saved_under=src, loaded_by=loader, status="fails", equal=False,
                                     error=entry["error"]))
                continue
            precision = entry.get("precision")
            reduced = (precision or "f32").lower() in ("bf16", "bfloat16", "f16", "float16")
            hinted = entry.get("f32_hint") or {}
            f32_diff = hinted.get("max_abs_diff") if reduced else entry["max_abs_diff"]
            tol = self.threshold("prediction_tolerance")
            if reduced:
                equal = (entry["max_abs_diff"] <= self.threshold("reduced_precision_tolerance")
                         and entry["class_agreement"] >= self.threshold("min_class_agreement")
                         and f32_diff is not None and f32_diff <= tol)
            else:
                equal = entry["max_abs_diff"] <= tol
            out.append(CrossLoad(
                saved_under=src, loaded_by=loader, status="works", equal=equal, max_abs_diff=entry["max_abs_diff"],
                class_agreement=entry["class_agreement"], classes_differing=entry["classes_differing"],
                precision=precision, reduced_precision=reduced, f32_max_abs_diff=f32_diff,
                f32_error=hinted.get("error"), load_predict_s=entry.get("load_predict_s")))
        return out

    def _switch(self, a: str, b: str, trained: dict[str, Training], loads: list[CrossLoad], quick: bool) -> Switch:
        """The switch rule: both trained the same program unchanged to at least the floor, accuracies within the
        tolerance, and each one's saved model loads under the other and predicts within the prediction tolerance."""
        floor, tol = self.threshold("min_accuracy", quick), self.threshold("accuracy_tolerance", quick)
        ptol = self.threshold("prediction_tolerance")
        runs = {o: trained[KERAS_BACKEND[o]] for o in (a, b)}

        def no(detail: str) -> Switch:
            return Switch(a=a, b=b, ok=False, detail=detail)

        for option, run in runs.items():
            if run.status != "works":
                return no(f"{option} did not train ({run.status}: {run.reason})")
        if runs[a].program != runs[b].program:
            return no(f"{a} and {b} trained different programs ({runs[a].program}, {runs[b].program})")
        acc = {o: r.test_accuracy for o, r in runs.items()}
        low = [o for o, v in acc.items() if v < floor]
        if low:
            return no(f"{', '.join(low)} trained to {min(acc.values()):.3f}, below the floor {floor}")
        if abs(acc[a] - acc[b]) > tol:
            return no(f"test accuracies {acc[a]:.3f} and {acc[b]:.3f} differ by more than {tol}")
        diffs = []
        for saved, loader in ((a, b), (b, a)):
            cl = next((c for c in loads if c.saved_under == KERAS_BACKEND[saved]
                       and c.loaded_by == KERAS_BACKEND[loader]), None)
            if cl is None or cl.status != "works":
                why = cl.error.text() if cl is not None and cl.error else (cl.reason if cl is not None else "not run")
                return no(f"{saved}'s saved model did not load under {loader} ({why})")
            if not cl.equal:
                return no(f"{saved}'s saved model under {loader} predicts {cl.max_abs_diff:.1e} apart "
                          f"(tolerance {ptol})")
            diffs.append(cl.f32_max_abs_diff or 0.0)
        return Switch(a=a, b=b, ok=True,
                      detail=f"both trained {runs[a].program} unchanged ({acc[a]:.3f}, {acc[b]:.3f}; tolerance {tol}) "
                             f"and each one's saved model predicts the same under the other (worst difference "
                             f"{max(diffs):.1e}; tolerance {ptol})")

    @staticmethod
    def _inference_only(subject: str, res) -> InferenceOnly:
        backend = BACKENDS[subject]
        attempt = ((res.measurements.get("load") or {}).get("train_attempt") if res is not None else None)
        if attempt is None:
            return InferenceOnly(backend=backend, status="unavailable",
                                 reason=res.short_reason() if res is not None else "not run")
        if attempt["works"]:
            return InferenceOnly(backend=backend, status="works")
        return InferenceOnly(backend=backend, status="fails", error=attempt["error"])

    def _corpus(self, results: Mapping[str, Any], quick: bool) -> list[CorpusProgram]:
        measured = {}
        for option in KERAS_OPTIONS:
            res = results.get(option)
            m = res.measurements.get("corpus") if res is not None else None
            if m is not None:
                measured[KERAS_BACKEND[option]] = m["programs"]
        names = list(dict.fromkeys([*self.setting("corpus_programs", quick),
                                    *(n for progs in measured.values() for n in progs)]))
        out = []
        for name in names:
            entries = {b: progs[name] for b, progs in measured.items() if name in progs}
            if not entries:
                continue  # no worker reached it: nothing is known of it, not even what it is
            info = next(iter(entries.values()))["info"]
            runs = {}
            for backend in TRAINING_BACKENDS:
                entry = entries.get(backend)
                if entry is None:
                    res = results.get(BACKEND_OPTION[backend])
                    runs[backend] = CorpusRun(backend=backend, status="unavailable",
                                              reason=res.short_reason() if res is not None else "not run")
                    continue
                status, error = outcome(entry)
                runs[backend] = CorpusRun(
                    backend=backend, status=status, error=error,
                    failure_class=classify(error, info["imports"], backend) if error else None,
                    loss_before=entry.get("loss_before"), loss_after=entry.get("loss_after"),
                    checks=entry.get("checks") or {}, seconds=entry.get("seconds"))
            out.append(CorpusProgram(program=name, title=info["title"], modelled_on=info["modelled_on"],
                                     features=info["features"], imports=info["imports"], runs=runs))
        return out

    # -- verdict --------------------------------------------------------------------------------------------------
    def verdict(self, a: PortabilityAssessment) -> Verdict:
        """From the assessment and the thresholds: (a) accuracies agree, (b) cross-loads equal, (c) the Keras-only
        corpus share.

        supported: (a), (b), and at least ``supported_share`` of the Keras-only corpus ported; refuted: below
        ``refuted_share``, or neither (a) nor (b); partly supported: otherwise; inconclusive: fewer than two
        backends trained, no cross-backend load was evaluated, or no Keras-only corpus program ran on two backends.
        """
        t = {name: self.threshold(name, a.quick) for name in self.thresholds}
        mode = "quick" if a.quick else "full"
        works = {b: r for b, r in a.trained.items() if r.status == "works"}
        accs = {b: r.test_accuracy for b, r in works.items()}
        spread = max(accs.values()) - min(accs.values()) if accs else 0.0
        holds_a = len(accs) >= 2 and spread <= t["accuracy_tolerance"] and min(accs.values()) >= t["min_accuracy"]
        cross = [c for c in a.loads if c.saved_under != c.loaded_by and c.status != "unavailable"]
        passed = sum(c.equal for c in cross)
        holds_b = bool(cross) and passed == len(cross)
        share = a.share_keras_only

        findings = {"a": _finding_a(a, accs, spread, t, mode, holds_a), "b": _finding_b(a, cross, passed, t, holds_b),
                    "c": _finding_c(a), "switches": "; ".join(f"{s.a} ↔ {s.b}: {'yes' if s.ok else 'no'}, {s.detail}"
                                                              for s in a.switches) + "."}
        if a.not_measured:
            findings["missing"] = "Subjects without a complete result: " + "; ".join(a.not_measured) + "."

        if len(accs) < 2:
            return Verdict("inconclusive", f"Fewer than two backends trained ({', '.join(accs) or 'none'}), so there "
                                           f"is nothing to compare{_missing(a)}.", findings)
        if not cross:
            return Verdict("inconclusive", f"No cross-backend load could be evaluated{_missing(a)}.", findings)
        if share.tried == 0:
            return Verdict("inconclusive", f"No Keras-only corpus program ran on two backends{_missing(a)}.",
                           findings)
        if share.share < t["refuted_share"] or not (holds_a or holds_b):
            verdict = "refuted"
        elif holds_a and holds_b and share.share >= t["supported_share"]:
            verdict = "supported"
        else:
            verdict = "partly supported"
        lead = (f"{share.ported} of {share.tried} corpus programs written to the Keras API alone ran unchanged on "
                f"{', '.join(TRAINING_BACKENDS)} ({share.share:.0%}; supported from {t['supported_share']:.0%}), and "
                f"{a.share_overall.ported} of {a.share_overall.tried} of the whole corpus "
                f"({a.share_overall.share:.0%}) with the programs that import a framework")
        runs = sum(len(p.tried()) for p in a.corpus if not p.broken())
        classes = ", ".join(f"{_in_sentence(f.title)} ({f.runs} of {runs} runs)" for f in a.failure_classes)
        mlp = (f"; {next(iter(works.values())).program} trained to {'/'.join(f'{v:.3f}' for v in accs.values())} "
               f"({'within' if spread <= t['accuracy_tolerance'] else 'beyond'} the {mode}-mode tolerance "
               f"{t['accuracy_tolerance']}) and {passed} of {len(cross)} cross-backend loads predicted the same")
        summary = f"{lead}{mlp}{f'; what did not port: {classes}' if classes else ''}{_missing(a)}."
        return Verdict(verdict, summary, findings)


def _share(ok: int, tried: int) -> Share:
    return Share(ported=ok, tried=tried, share=ok / tried if tried else 0.0)


def _shares_by_imports(programs: list[CorpusProgram]) -> dict[str, Share]:
    """Per framework imported (``keras``: none), the programs of ``programs`` that ported, over those counted."""
    out = {}
    for framework in ("keras", *TRAINING_BACKENDS):
        group = [p for p in programs if framework in p.imports]
        if group:
            out[framework] = _share(sum(p.ported() for p in group), len(group))
    return out


def _in_sentence(title: str) -> str:
    """``title`` inside a sentence: its first letter lowercased unless its first word is a name (``TensorFlow``)."""
    first = title.split(" ", 1)[0]
    return title[0].lower() + title[1:] if first[1:] == first[1:].lower() else title


def _failure_classes(programs: list[CorpusProgram]) -> list[FailureClass]:
    """Every failed run of ``programs`` grouped by class, most runs first; shares over the runs and programs tried."""
    total_runs = sum(len(p.tried()) for p in programs)
    groups: dict[str, list[tuple[CorpusProgram, CorpusRun]]] = {}
    for p in programs:
        for run in p.runs.values():
            if run.status == "fails":
                groups.setdefault(run.failure_class or "unclassified", []).append((p, run))
    out = []
    for class_id, members in groups.items():
        rule = RULES_BY_ID[class_id]
        names = list(dict.fromkeys(p.program for p, _ in members))
        first_program, first_run = members[0]
        out.append(FailureClass(
            id=class_id, title=rule.title, why=rule.why, reference=rule.reference, portable_route=rule.portable_route,
            runs=len(members), share_of_runs=len(members) / total_runs if total_runs else 0.0, programs=names,
            share_of_programs=len(names) / len(programs) if programs else 0.0,
            backends=list(dict.fromkeys(r.backend for _, r in members)),
            example=first_run.error or ErrorInfo(type="unknown", message="no error recorded"),
            example_program=first_program.program, example_backend=first_run.backend))
    return sorted(out, key=lambda f: -f.runs)


def _said(error: ErrorInfo) -> str:
    """An error for prose: ``Type: message``, and the error it wraps when Keras or TensorFlow re-raised it."""
    return error.text(160) + (f" (wrapping {error.root[:160]})" if error.root else "")


def _missing(a: PortabilityAssessment) -> str:
    return f"; not measured: {'; '.join(a.not_measured)}" if a.not_measured else ""


def _difference(c) -> str:
    """How far a load that is not equal is from the saving backend's predictions (none: nothing to compare)."""
    if c.max_abs_diff is not None:
        return f"{c.max_abs_diff:.1e}"
    return c.reason or "its predictions could not be compared (no difference measured)"


def _finding_a(a: PortabilityAssessment, accs: dict[str, float], spread: float, t: dict[str, float], mode: str,
               holds: bool) -> str:
    if not accs:
        return "No training backend produced a result."
    run = next(r for r in a.trained.values() if r.status == "works")
    timing = ", ".join(
        f"{b} {r.epoch_s.estimate * 1e3:.0f} ms (IQR {r.epoch_s.low * 1e3:.0f}–{r.epoch_s.high * 1e3:.0f} ms; first "
        f"epoch {r.first_epoch_s * 1e3:.0f} ms{f'; {r.torch_threads} intra-op thread' if r.torch_threads else ''})"
        for b, r in a.trained.items() if r.status == "works" and r.epoch_s and r.first_epoch_s is not None)
    return (f"{run.program} trained unchanged for {run.epochs} epochs to test accuracy "
            f"{', '.join(f'{b} {v:.3f}' for b, v in accs.items())}: spread {spread:.3f} against the {mode}-mode "
            f"tolerance {t['accuracy_tolerance']}, lowest {min(accs.values()):.3f} against the floor "
            f"{t['min_accuracy']} ({'holds' if holds else 'does not hold'}). Median epoch time after the compiling "
            f"epoch: {timing or 'not measured'}; speed is the performance claim's subject.")


def _finding_b(a: PortabilityAssessment, cross: list[CrossLoad], passed: int, t: dict[str, float],
               holds: bool) -> str:
    f32 = [c.f32_max_abs_diff for c in cross if c.f32_max_abs_diff is not None]
    saved = [b for b in TRAINING_BACKENDS if any(c.saved_under == b for c in cross)]
    text = (f"{passed} of {len(cross)} cross-backend loads (saved under {', '.join(saved) or 'none'}, loaded under "
            f"{', '.join(dict.fromkeys(c.loaded_by for c in cross)) or 'none'}) reproduced the saving backend's "
            f"probabilities: worst float32 difference {max(f32, default=float('nan')):.1e} against the tolerance "
            f"{t['prediction_tolerance']}")
    trips = [c.max_abs_diff for c in a.loads if c.saved_under == c.loaded_by and c.max_abs_diff is not None]
    if trips:
        text += f"; same-backend round trips within {max(trips):.1e}"
    text += "."
    reduced = [c for c in cross if c.reduced_precision]
    if reduced:
        text += (f" Computed below float32 by default, so judged at {t['reduced_precision_tolerance']} with "
                 f"{t['min_class_agreement']:.0%} of classes agreeing, and at {t['prediction_tolerance']} with the f32 "
                 f"inference-precision hint: " + "; ".join(
                     f"{c.saved_under}→{c.loaded_by} at {c.precision} {c.max_abs_diff:.1e} ({c.classes_differing} "
                     f"of the classes differ), with the hint "
                     + (f"{c.f32_max_abs_diff:.1e}" if c.f32_max_abs_diff is not None
                        else c.f32_error.text() if c.f32_error else "not measured") for c in reduced) + ".")
    bad = [c for c in cross if not c.equal]
    if bad:
        text += " Not equal: " + "; ".join(
            f"{c.saved_under}→{c.loaded_by}: " + (_said(c.error) if c.error else _difference(c)) for c in bad) + "."
    no_file = sorted({c.saved_under for c in a.loads if c.status == "unavailable" and c.saved_under != c.loaded_by})
    if no_file:
        text += f" Not tried: files of {', '.join(no_file)} (or their loaders) were missing."
    inference = [i for i in a.inference_only.values() if i.status != "unavailable"]
    if inference:
        text += " Inference-only backends: " + "; ".join(
            f"{i.backend} "
            + ("trained (unexpected)" if i.status == "works" else f"refused to train ({i.error.text()})")
            for i in inference) + "."
    return text + f" ({'holds' if holds else 'does not hold'})"


def _finding_c(a: PortabilityAssessment) -> str:
    if not a.corpus:
        return "No corpus program ran."
    per_backend = ", ".join(f"{b} {s.ported}/{s.tried}" for b, s in a.shares.items())
    groups = "; ".join(f"{'importing no framework' if f == 'keras' else f'importing {f}'} {s.ported} of {s.tried}"
                       for f, s in a.shares_by_imports.items())
    text = (f"{len(a.corpus)} corpus programs, each run unchanged for a few epochs under every training backend: "
            f"ran under {per_backend}; on every backend {a.share_overall.ported} of {a.share_overall.tried} "
            f"({a.share_overall.share:.0%}); by what they import: {groups}. The corpus is ours, written after "
            f"keras.io's guides and examples, and its mix of Keras-only programs and programs importing a framework "
            f"sets the overall share: it is not an estimate over all Keras code, which is why the verdict reads the "
            f"Keras-only share.")
    for f in a.failure_classes:
        text += (f" {f.title}: {f.runs} runs ({f.share_of_runs:.0%} of runs; {', '.join(f.programs)} on "
                 f"{', '.join(f.backends)}), e.g. {f.example_program} on {f.example_backend}: {_said(f.example)}"
                 + (f" at {f.example.at}" if f.example.at else "") + (f"; ports instead: {f.portable_route}"
                                                                      if f.portable_route else "") + ".")
    held = []
    for p in a.corpus:
        ran = [r for r in p.runs.values() if r.status != "unavailable" and r.checks]
        names = [name for name in (ran[0].checks if ran else {}) if all(r.checks.get(name) for r in ran)]
        if names and len(ran) == len(p.tried()):
            held.append(f"{p.program.rsplit('/', 1)[-1]} ({'; '.join(names)}, on {', '.join(r.backend for r in ran)})")
    if held:
        text += " Checks that held wherever the program ran: " + "; ".join(held) + "."
    if a.broken:
        text += f" Worked under no backend (left out of the shares): {', '.join(a.broken)}."
    return text


CLAIM = BackendPortabilityClaim()
