"""Helpers shared by the advisor's tests: synthetic assessments built from the claims' own assessment classes,
and results folders made on the spot, never the project's own.

Nothing here writes into ``evidence/results/``. A synthetic assessment is an instance of the claim's real
assessment class (validated by pydantic like any other), so a reader that asks for a field or query the class
does not have fails here, as it would on a real result. A result file is written with the claim's real
description, code hash and verdict (recomputed from the assessment by the claim), so it reads as a real one.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from evidence.registry import get_claim
from evidence.results import ClaimInfo, Provenance, ResultFile, SubjectResult, write_result
from tests.conftest import kvt, result_file

PROVENANCE = Provenance(
    date="2026-12-01T00:00:00+00:00", mode="full", duration_s=0.0, repeats=1, warmup=0, git_commit=None,
    git_dirty=None, python="3.11", platform="test", cpu_model="test", cpu_count=2, gpu=None, packages={},
    environment={}, subjects_run=[],
)


# -- results folders ------------------------------------------------------------------------------------------------
def make_community(directory: Path) -> Path:
    """Run the real ``community`` claim (no framework: it reads a dated listing) into ``directory``."""
    proc = kvt("evidence", "run", "community", "--results-dir", str(directory), timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert result_file(directory, "community").exists()
    return directory


def copy_results(source: Path, target: Path) -> Path:
    """Copy every result file of ``source`` into ``target`` (created); return ``target``."""
    target.mkdir(parents=True, exist_ok=True)
    for path in source.glob("*.json"):
        shutil.copy(path, target / path.name)
    return target


def result_of(claim_id: str, assessment: Any, venue: str = "cpu-2core") -> ResultFile:
    """A valid result file of ``claim_id`` holding ``assessment`` on ``venue``, its verdict from the claim."""
    claim = get_claim(claim_id)
    verdict = claim.verdict(assessment)
    return ResultFile[type(assessment)](
        schema_version=2, claim=ClaimInfo(**claim.describe()), code_hash=claim.code_hash(), venue=venue,
        verdict=verdict.verdict, summary=verdict.summary, findings=verdict.findings, assessment=assessment,
        subjects={"synthetic": SubjectResult(status="ok")}, provenance=PROVENANCE,
    )


def write_assessments(directory: Path, assessments: dict[str, Any]) -> Path:
    """Write each claim's assessment (or venue -> assessment mapping) as a result file into ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    for claim_id, value in assessments.items():
        per_venue = value if isinstance(value, dict) else {"cpu-2core": value}
        for venue, assessment in per_venue.items():
            write_result(result_of(claim_id, assessment, venue), directory)
    return directory


# -- synthetic assessments ----------------------------------------------------------------------------------------
def architecture(trains=("tensorflow", "jax", "torch")) -> Any:
    """An ``ArchitectureAssessment``: Keras trains on ``trains``, predicts only on numpy and openvino, and
    rejects theano and cntk at import."""
    from evidence.claims.architecture import ArchitectureAssessment, BackendTrial, TfKeras
    from evidence.contract import ErrorInfo

    backends = {}
    for name in ("tensorflow", "jax", "torch", "numpy", "openvino", "theano", "cntk"):
        if name in ("theano", "cntk"):
            backends[name] = BackendTrial(backend=name, status="rejected", error=ErrorInfo(
                type="ValueError", message=f"Unable to import backend : {name}"))
        elif name in trains:
            backends[name] = BackendTrial(backend=name, status="trains", keras_version="3.15.1")
        else:
            backends[name] = BackendTrial(backend=name, status="inference_only", keras_version="3.15.1",
                                          error=ErrorInfo(type="NotImplementedError", message="fit"))
    return ArchitectureAssessment(
        backends=backends, tf_keras=TfKeras(tensorflow_version="2.21.0", module="keras._tf_keras.keras",
                                            version="3.15.1", is_keras=True),
        last_release={}, listing="PyPI listing of 2026-11-25", discontinued=[], not_measured=[])


_COMMUNITY: Any = None


def community(**best_ranks: int) -> Any:
    """The real ``CommunityAssessment`` of the dated listing (the claim's own measure and assess, run in this
    process: they read a data file), with option best ranks overridden by ``best_ranks`` (``keras_torch=9000``)."""
    global _COMMUNITY
    from evidence.claim import Context
    from evidence.results import SubjectResult as Subject

    if _COMMUNITY is None:
        claim = get_claim("community")
        ctx = Context(subject="pypi-listing", stage="measure", quick=False, workdir=Path("."), repeats=1, warmup=0)
        _COMMUNITY = claim.assess({"pypi-listing": Subject(status="ok", measurements=claim.measure(ctx))}, False)
    if not best_ranks:
        return _COMMUNITY
    options = dict(_COMMUNITY.options)
    for key, rank in best_ranks.items():
        option = key.replace("_", "-")
        options[option] = options[option].model_copy(update={"best_rank": rank})
    return _COMMUNITY.model_copy(update={"options": options})


def portability(no_switch: tuple[tuple[str, str], ...] = (), corpus_works: dict[str, tuple[str, ...]] | None = None
                ) -> Any:
    """A ``PortabilityAssessment``: the model program trains on the three backends to ~0.92 and every file loads
    everywhere with equal predictions; every pair switches except ``no_switch``; a corpus of program -> backends
    it ran on (default: two Keras-only programs on all three, one with TensorFlow ops on tensorflow only)."""
    from evidence.claims.backend_portability.assessment import (
        CorpusProgram,
        CorpusRun,
        CrossLoad,
        FailureClass,
        PortabilityAssessment,
        Share,
        Switch,
        Training,
    )
    from evidence.contract import ErrorInfo
    from evidence.options import BACKEND_OPTION, KERAS_OPTIONS, TRAINING_BACKENDS

    corpus_works = corpus_works or {"corpus/custom_layer_ops.py": TRAINING_BACKENDS,
                                    "corpus/compute_loss_override.py": TRAINING_BACKENDS,
                                    "corpus/layer_tf_ops.py": ("tensorflow",)}
    trained = {b: Training(option=BACKEND_OPTION[b], backend=b, status="works", program="digits_mlp.py", epochs=3,
                           batch_size=32, test_accuracy=0.92 + 0.001 * i) for i, b in enumerate(TRAINING_BACKENDS)}
    loads = [CrossLoad(saved_under=s, loaded_by=lb, status="works", equal=True, max_abs_diff=1e-7)
             for s in TRAINING_BACKENDS for lb in TRAINING_BACKENDS]
    blocked = {frozenset(p) for p in no_switch}
    switches = [Switch(a=a, b=b, ok=frozenset((a, b)) not in blocked,
                       detail="accuracies 0.920/0.921; saved models predict within 1e-07 both ways"
                       if frozenset((a, b)) not in blocked else "its saved model predicts differently under the other")
                for i, a in enumerate(KERAS_OPTIONS) for b in KERAS_OPTIONS[i + 1:]]
    error = ErrorInfo(type="NotImplementedError", message="Cannot convert a symbolic tf.Tensor under this backend")
    corpus = []
    for program, works in corpus_works.items():
        runs = {b: CorpusRun(backend=b, status="works" if b in works else "fails",
                             failure_class=None if b in works else "tf_ops_in_model",
                             error=None if b in works else error) for b in TRAINING_BACKENDS}
        keras_only = "tf_ops" not in program
        corpus.append(CorpusProgram(program=program, title=program, modelled_on="keras.io", features=[],
                                    imports=["keras"] if keras_only else ["tensorflow"], runs=runs))

    def share(programs) -> Share:
        ok = sum(p.ported() for p in programs)
        return Share(ported=ok, tried=len(programs), share=ok / len(programs) if programs else 0.0)

    failed = [p for p in corpus if not p.ported()]
    classes = [FailureClass(id="tf_ops_in_model", title="TensorFlow ops in a model", why="tf ops need tf tensors",
                            reference="https://keras.io/guides/migrating_to_keras_3/", portable_route="keras.ops",
                            runs=2 * len(failed), share_of_runs=2 * len(failed) / (3 * len(corpus)),
                            programs=[p.program for p in failed], share_of_programs=len(failed) / len(corpus),
                            backends=["jax", "torch"], example=error, example_program=failed[0].program,
                            example_backend="jax")] if failed else []
    per_backend = {b: Share(ported=sum(b in p.worked_on() for p in corpus), tried=len(corpus),
                            share=sum(b in p.worked_on() for p in corpus) / len(corpus)) for b in TRAINING_BACKENDS}
    return PortabilityAssessment(
        quick=False, trained=trained, loads=loads, switches=switches, inference_only={}, corpus=corpus,
        shares=per_backend, share_overall=share(corpus), share_keras_only=share([p for p in corpus if p.keras_only]),
        failure_classes=classes, broken=[], not_measured=[])


def evidence(**overrides: Any) -> dict[str, Any]:
    """The synthetic evidence of every claim that has landed, claim id -> assessment; ``overrides`` replace one
    (None removes it)."""
    out: dict[str, Any] = {"architecture": architecture(), "community": community(),
                           "backend_portability": portability()}
    out.update(overrides)
    return {k: v for k, v in out.items() if v is not None}
