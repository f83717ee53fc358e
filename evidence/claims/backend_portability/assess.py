"""``backend_portability``'s judge, first half: the subjects' raw results -> :class:`PortabilityAssessment`.

The switch rule, the cross-loads' equality, the corpus's outcomes, classes and shares (our own programs), and the
third-party architectures (:mod:`.assess_architectures`) are decided here, with the thresholds' values for the
run's mode; :mod:`.verdict` reads only the assessment.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from evidence.claim import missing_subjects
from evidence.claims.backend_portability.assess_architectures import assess_architectures, unavailable_why
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
from evidence.claims.backend_portability.measurement import CorpusEntry, CorpusRuns, ModelLoads, ModelTraining
from evidence.claims.backend_portability.subjects import BACKENDS, INFERENCE_ONLY, MODEL_PROGRAM
from evidence.contract import ErrorInfo
from evidence.options import BACKEND_OPTION, KERAS_BACKEND, KERAS_OPTIONS, TRAINING_BACKENDS
from evidence.timing import interval

if TYPE_CHECKING:
    from evidence.claim import Claim

T = TypeVar("T")


def threshold_values(claim: Claim, quick: bool) -> dict[str, float]:
    """Every threshold's value for the mode."""
    return {name: claim.threshold(name, quick) for name in claim.thresholds}


def assess(claim: Claim, results: Mapping[str, Any], quick: bool) -> PortabilityAssessment:
    """The typed assessment: training, cross-loads, the switch rule for every pair, the corpus (our own programs)
    and its classes, and the third-party architectures."""
    t = threshold_values(claim, quick)
    trained = {KERAS_BACKEND[o]: _training(o, results.get(o)) for o in KERAS_OPTIONS}
    loads = [load for s in claim.subjects for load in _loads(s, results.get(s), t)]
    switches = [_switch(a, b, trained, loads, t) for a, b in itertools.combinations(KERAS_OPTIONS, 2)]
    inference_only = {BACKENDS[s]: _inference_only(s, results.get(s)) for s in INFERENCE_ONLY}
    corpus = _corpus(results, list(claim.setting("corpus_programs", quick)))
    counted = [p for p in corpus if not p.broken()]
    shares = {}
    for backend in TRAINING_BACKENDS:
        tried = [p for p in counted if backend in p.tried()]
        ok = sum(1 for p in tried if backend in p.worked_on())
        shares[backend] = _share(ok, len(tried))
    multi = [p for p in counted if len(p.tried()) >= 2]
    architectures = assess_architectures(results, list(claim.setting("architecture_programs", quick)),
                                         t["architecture_tolerance"])
    counted_arch = [a for a in architectures if len(a.tried()) >= 2]
    keras_only = [p for p in multi if p.keras_only]
    return PortabilityAssessment(
        quick=quick, trained=trained, loads=loads, switches=switches, inference_only=inference_only,
        corpus=corpus, shares=shares,
        share_overall=_share(sum(p.ported() for p in multi), len(multi)),
        share_keras_only=_share(sum(p.ported() for p in keras_only), len(keras_only)),
        shares_by_imports=_shares_by_imports(multi),
        failure_classes=_failure_classes(counted), broken=[p.program for p in corpus if p.broken()],
        architectures=architectures, share_architectures=_share(sum(a.ported() for a in counted_arch),
                                                                len(counted_arch)),
        architectures_unavailable=[f"{a.program} ({unavailable_why(a)})" for a in architectures
                                   if len(a.tried()) < 2],
        not_measured=missing_subjects(results, claim.subjects))


def _measured(res, key: str, model: type[T]) -> T | None:
    """The typed measurement ``key`` of a subject's result, None when it has none."""
    raw = res.measurements.get(key) if res is not None else None
    return model.model_validate(raw) if raw is not None else None


def _training(option: str, res) -> Training:
    backend = KERAS_BACKEND[option]
    m = _measured(res, "train", ModelTraining)
    if m is None:
        status = "unavailable" if res is None or res.status == "unavailable" else "fails"
        return Training(option=option, backend=backend, status=status, program=MODEL_PROGRAM,
                        reason=res.short_reason() if res is not None else "not run")
    timing = m.epoch_time
    return Training(
        option=option, backend=backend, status="works", program=m.program, epochs=m.epochs,
        batch_size=m.batch_size, test_accuracy=m.test_accuracy, final_loss=m.final_loss,
        epoch_s=interval(timing) if timing.get("repeats", 0) >= 2 else None,
        first_epoch_s=(m.warmup_epoch_s or [None])[0], torch_threads=m.torch_threads,
        inputs_identical=m.inputs_identical)


def _loads(subject: str, res, t: Mapping[str, float]) -> list[CrossLoad]:
    loader = BACKENDS[subject]
    m = _measured(res, "load", ModelLoads)
    if m is None:
        status = "unavailable" if res is None or res.status == "unavailable" else "fails"
        why = res.short_reason() if res is not None else "not run"
        return [CrossLoad(saved_under=src, loaded_by=loader, status=status, equal=False,
                          reason=f"the {loader} loader did not run ({why})") for src in TRAINING_BACKENDS]
    out = []
    for src, entry in m.sources.items():
        if entry.status == "missing":
            out.append(CrossLoad(saved_under=src, loaded_by=loader, status="unavailable", equal=False,
                                 reason=entry.reason))
            continue
        if entry.status == "error" or entry.max_abs_diff is None or entry.class_agreement is None:
            out.append(CrossLoad(saved_under=src, loaded_by=loader, status="fails", equal=False,
                                 error=entry.error, reason=None if entry.error else "no difference was measured"))
            continue
        reduced = (entry.precision or "f32").lower() in ("bf16", "bfloat16", "f16", "float16")
        hinted = entry.f32_hint
        f32_diff = (hinted.max_abs_diff if hinted is not None else None) if reduced else entry.max_abs_diff
        tol = t["prediction_tolerance"]
        if reduced:
            equal = (entry.max_abs_diff <= t["reduced_precision_tolerance"]
                     and entry.class_agreement >= t["min_class_agreement"]
                     and f32_diff is not None and f32_diff <= tol)
        else:
            equal = entry.max_abs_diff <= tol
        out.append(CrossLoad(
            saved_under=src, loaded_by=loader, status="works", equal=equal, max_abs_diff=entry.max_abs_diff,
            class_agreement=entry.class_agreement, classes_differing=entry.classes_differing,
            precision=entry.precision, reduced_precision=reduced, f32_max_abs_diff=f32_diff,
            f32_error=hinted.error if hinted is not None else None, load_predict_s=entry.load_predict_s))
    return out


def _switch(a: str, b: str, trained: dict[str, Training], loads: list[CrossLoad], t: Mapping[str, float]) -> Switch:
    """The switch rule: both trained the same program unchanged to at least the floor, accuracies within the
    tolerance, and each one's saved model loads under the other and predicts within the prediction tolerance."""
    floor, tol, ptol = t["min_accuracy"], t["accuracy_tolerance"], t["prediction_tolerance"]
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


def _inference_only(subject: str, res) -> InferenceOnly:
    backend = BACKENDS[subject]
    m = _measured(res, "load", ModelLoads)
    attempt = m.train_attempt if m is not None else None
    if attempt is None:
        return InferenceOnly(backend=backend, status="unavailable",
                             reason=res.short_reason() if res is not None else "not run")
    if attempt.works:
        return InferenceOnly(backend=backend, status="works")
    return InferenceOnly(backend=backend, status="fails", error=attempt.error)


def _corpus(results: Mapping[str, Any], declared: list[str]) -> list[CorpusProgram]:
    measured: dict[str, dict[str, CorpusEntry]] = {}
    for option in KERAS_OPTIONS:
        m = _measured(results.get(option), "corpus", CorpusRuns)
        if m is not None:
            measured[KERAS_BACKEND[option]] = m.programs
    names = list(dict.fromkeys([*declared, *(n for progs in measured.values() for n in progs)]))
    out = []
    for name in names:
        entries = {b: progs[name] for b, progs in measured.items() if name in progs}
        if not entries:
            continue  # no worker reached it: nothing is known of it, not even what it is
        info = next(iter(entries.values())).info
        runs = {}
        for backend in TRAINING_BACKENDS:
            entry = entries.get(backend)
            if entry is None:
                res = results.get(BACKEND_OPTION[backend])
                runs[backend] = CorpusRun(backend=backend, status="unavailable",
                                          reason=res.short_reason() if res is not None else "not run")
                continue
            status, error = outcome(entry.model_dump(mode="json"))
            runs[backend] = CorpusRun(
                backend=backend, status=status, error=error,
                failure_class=classify(error, info.imports, backend) if error else None,
                loss_before=entry.loss_before, loss_after=entry.loss_after, checks=entry.checks,
                seconds=entry.seconds)
        out.append(CorpusProgram(program=name, title=info.title, modelled_on=info.modelled_on,
                                 features=info.features, imports=info.imports, runs=runs))
    return out


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
