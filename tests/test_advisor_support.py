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


def community(**active: int) -> Any:
    """The real ``CommunityAssessment`` of the dated listing (the claim's own measure and assess, run in this
    process: they read a data file), with options' active package counts overridden by ``active``
    (``keras_torch=9``)."""
    global _COMMUNITY
    from evidence.claim import Context
    from evidence.results import SubjectResult as Subject

    if _COMMUNITY is None:
        claim = get_claim("community")
        ctx = Context(subject="pypi-listing", stage="measure", quick=False, workdir=Path("."), repeats=1, warmup=0)
        _COMMUNITY = claim.assess({"pypi-listing": Subject(status="ok", measurements=claim.measure(ctx))}, False)
    if not active:
        return _COMMUNITY
    options = dict(_COMMUNITY.options)
    for key, count in active.items():
        option = key.replace("_", "-")
        options[option] = options[option].model_copy(update={"active": count})
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
        shares_by_imports={fw: share([p for p in corpus if fw in p.imports]) for fw in ("keras", "tensorflow")},
        failure_classes=classes, broken=[], not_measured=[])


#: The deployment cells the deployment claim's probes lead one to expect: option -> target -> (status, lines,
#: steps). The torch backend's SavedModel export fails in torch.export; JAX's OpenVINO export fails
#: (XlaCallModule); jax2onnx needs an environment of its own (unavailable here); .pt2 and ExecuTorch are torch's.
DEPLOYMENT = {
    "keras-tensorflow": {"keras": ("works", 4, 2), "savedmodel": ("works", 6, 3), "onnx": ("works", 8, 4),
                         "litert": ("works", 9, 4), "openvino": ("works", 8, 4), "torch_pt2": ("not_applicable",),
                         "executorch": ("not_applicable",), "browser_onnx": ("works", 12, 5),
                         "browser_litert": ("works", 13, 5)},
    "keras-jax": {"keras": ("works", 4, 2), "savedmodel": ("works", 7, 3), "onnx": ("unavailable",),
                  "litert": ("works", 10, 5), "openvino": ("fails",), "torch_pt2": ("not_applicable",),
                  "executorch": ("not_applicable",), "browser_onnx": ("unavailable",),
                  "browser_litert": ("works", 14, 6)},
    "keras-torch": {"keras": ("works", 4, 2), "savedmodel": ("fails",), "onnx": ("works", 7, 3),
                    "litert": ("unavailable",), "openvino": ("works", 8, 4), "torch_pt2": ("works", 6, 3),
                    "executorch": ("works", 11, 5), "browser_onnx": ("works", 11, 5),
                    "browser_litert": ("unavailable",)},
    "tensorflow-core": {"keras": ("not_applicable",), "savedmodel": ("works", 9, 4), "onnx": ("works", 11, 5),
                        "litert": ("works", 12, 5), "openvino": ("works", 11, 5), "torch_pt2": ("not_applicable",),
                        "executorch": ("not_applicable",), "browser_onnx": ("works", 15, 6),
                        "browser_litert": ("works", 16, 6)},
}


def deployment(overrides: dict[tuple[str, str], tuple] | None = None) -> Any:
    """A ``DeploymentAssessment`` with the cells of :data:`DEPLOYMENT` (``overrides``: (option, target) -> cell
    tuple), its ease and weight comparisons made by the claim's own functions."""
    from evidence.claims.deployment.assess import compare_ease, compare_weight
    from evidence.claims.deployment.assessment import Cell, DeploymentAssessment, TargetInfo
    from evidence.contract import ErrorInfo, Interval
    from evidence.options import KERAS_OPTIONS
    from evidence.runtimes.targets import SPECS

    table = {o: dict(t) for o, t in DEPLOYMENT.items()}
    for (option, target), value in (overrides or {}).items():
        table[option][target] = value
    cells = []
    for option, targets in table.items():
        for target, (status, *cost) in targets.items():
            extra: dict[str, Any] = {}
            if status == "works":
                extra = {"lines": cost[0], "steps": cost[1], "artifact_bytes": 200_000 + 1000 * cost[0],
                         "cold_start_s": Interval(estimate=0.4, low=0.35, high=0.45, method="IQR"),
                         "import_s": 0.3, "load_s": 0.05, "first_answer_s": 0.05,
                         "parity_max_abs_diff": 3e-7}
            elif status == "fails":
                extra = {"stage": "export", "reason": "the export raised",
                         "error": ErrorInfo(type="torch._dynamo.exc.Unsupported", message="export failed")}
            elif status == "unavailable":
                extra = {"why_unavailable": "needs a package in an environment of its own, not built here"}
            else:
                extra = {"reason": "the target has no meaning for this option"}
            cells.append(Cell(option=option, model="resnet50", target=target, status=status, **extra))
    return DeploymentAssessment(
        cells=cells, targets={t: TargetInfo(label=s.label, kind=s.kind, runtime=s.runtime, reuses=s.reuses)
                              for t, s in SPECS.items()},
        models={}, model_targets={"resnet50": list(SPECS)}, settings={}, cuts=[],
        tolerance=1e-4, ease={o: compare_ease(cells, o, 1, 1) for o in KERAS_OPTIONS}, ease_margin_steps=1,
        weight=compare_weight(cells, 0.9), environments={}, npm=None, browser=None, corruption=[], not_measured=[])


def distributed(overrides: dict[str, dict[str, Any]] | None = None, routes: dict[str, Any] | None = None) -> Any:
    """A ``DistributedAssessment`` with the runs the distributed claim's probes lead one to expect
    (``overrides``: run id -> fields to replace; ``routes``: option -> model-parallel route status).

    keras-tensorflow: MirroredStrategy fit on 2 devices works, MultiWorker fit in 2 processes fails
    (keras-team/keras#20585); tensorflow-core: MirroredStrategy and MultiWorker custom loops work; keras-jax:
    DataParallel on 2 devices, across 2 processes, and ModelParallel with a sharded kernel work; keras-torch: DDP
    with 1 process (its reference) and with 2 processes work.
    """
    from evidence.claims.distributed_scaling.assessment import (
        DistributedAssessment,
        FaultReport,
        ModelParallelRoute,
        PathRun,
        Sharding,
        Source,
    )
    from evidence.contract import ErrorInfo, Interval, KnownIssue

    fails_fast = FaultReport(outcome="fails_fast", seconds_to_outcome=3.0, steps_lost=4, recovery_mechanism=None,
                             trials=[])
    recovers = FaultReport(outcome="recovers", seconds_to_outcome=12.0, steps_lost=2,
                           recovery_mechanism="torchrun --max-restarts=1", trials=[])
    spec = [("mirrored-fit-2", "mirrored-fit", "keras-tensorflow", "tf.distribute.MirroredStrategy", 2, 1, "works",
             "data_parallel", None),
            ("multiworker-fit-2", "multiworker-fit", "keras-tensorflow", "tf.distribute.MultiWorkerMirroredStrategy",
             2, 2, "fails", "data_parallel", None),
            ("mirrored-custom-2", "mirrored-custom", "tensorflow-core", "tf.distribute.MirroredStrategy", 2, 1,
             "works", "data_parallel", None),
            ("multiworker-custom-2", "multiworker-custom", "tensorflow-core",
             "tf.distribute.MultiWorkerMirroredStrategy", 2, 2, "works", "data_parallel", fails_fast),
            ("jax-dataparallel-2", "jax-dataparallel", "keras-jax", "keras.distribution.DataParallel", 2, 1, "works",
             "data_parallel", None),
            ("jax-multiprocess-2", "jax-multiprocess", "keras-jax", "keras.distribution.DataParallel", 2, 2, "works",
             "data_parallel", fails_fast),
            ("jax-modelparallel-2", "jax-modelparallel", "keras-jax", "keras.distribution.ModelParallel", 2, 1,
             "works", "model_parallel", None),
            ("torch-ddp-1", "torch-ddp", "keras-torch", "torch.nn.parallel.DistributedDataParallel", 1, 1, "works",
             "data_parallel", None),
            ("torch-ddp-2", "torch-ddp", "keras-torch", "torch.nn.parallel.DistributedDataParallel", 2, 2, "works",
             "data_parallel", recovers)]
    runs = {}
    for rid, path, option, api, devices, processes, status, kind, fault in spec:
        fields: dict[str, Any] = dict(
            id=rid, path=path, option=option, what=api, api=api, kind=kind, program=f"dist_{path}.py",
            devices=devices, processes=processes, simulated_devices=processes == 1 and devices > 1, status=status,
            loss_tolerance=1e-3, single_final_loss=0.5, fault=fault)
        if status == "works":
            fields.update(final_loss=0.5000001, loss_rel_diff=2e-7, speedup_vs_single=0.8,
                          samples_per_s=Interval(estimate=900.0, low=850.0, high=950.0, method="IQR"))
        else:
            fields.update(error=ErrorInfo(type="ValueError", message="Attempt to convert a value (PerReplica) to a "
                                                                     "Tensor"),
                          known_issues=[KnownIssue(url="https://github.com/keras-team/keras/issues/20585",
                                                   title="Keras 3 fit under MultiWorkerMirroredStrategy")])
        if kind == "model_parallel" and status == "works":
            fields["sharding"] = [Sharding(variable="sequential/d1/kernel", spec="PartitionSpec(None, 'model')",
                                           devices=2, shard_shape=[64, 32], global_shape=[64, 64], sharded=True)]
        fields.update((overrides or {}).get(rid, {}))
        runs[rid] = PathRun(**fields)
    guide = Source(url="https://keras.io/guides/distribution/", title="the distribution API is implemented for JAX")
    route_status = {"keras-jax": "works", "keras-tensorflow": "not_applicable", "keras-torch": "not_applicable",
                    "tensorflow-core": None} | (routes or {})
    model_parallel = [ModelParallelRoute(option=o, route="keras.distribution.ModelParallel" if o != "tensorflow-core"
                                         else "tf.experimental.dtensor", status=st,
                                         run="jax-modelparallel-2" if st == "works" else None,
                                         statement="shards variables over a device mesh" if st else
                                         "recorded from the public record only", sources=[guide])
                      for o, st in route_status.items()]
    return DistributedAssessment(runs=runs, single=dict.fromkeys(route_status, 0.5), model_parallel=model_parallel,
                                 loss_tolerance=1e-3, cpu_count=2, scope="correctness, overhead and faults",
                                 mode="full", not_measured=[])


def performance(speeds: dict[str, tuple[float, float, float]] | None = None, venue: str = "cpu-2core") -> Any:
    """A ``PerformanceAssessment`` on ``venue`` whose options' best-setting speeds are ``speeds`` (option ->
    (estimate, low, high); default: jax fastest, torch slowest)."""
    from evidence.claims.performance.assessment import OptionResult, PerformanceAssessment, PublicBenchmark
    from evidence.contract import Interval

    speeds = speeds or {"keras-tensorflow": (0.8, 0.7, 0.9), "keras-jax": (1.0, 0.95, 1.0),
                        "keras-torch": (0.5, 0.4, 0.6), "tensorflow-core": (0.85, 0.75, 0.95)}
    options = {o: OptionResult(option=o, status="works",
                               speed={"all": Interval(estimate=e, low=lo, high=hi, method="bootstrap")})
               for o, (e, lo, hi) in speeds.items()}
    return PerformanceAssessment(
        venue=venue, accelerator=None if venue.startswith("cpu") else venue, mode="full",
        models={"mlp": "dispatch-bound", "resnet50": "zoo"}, options=options,
        public_record=PublicBenchmark(url="https://keras.io/getting_started/benchmarks/", source="keras-io",
                                      title="Keras 3 benchmarks", hardware="A100", scope="out of the box",
                                      finding="no backend is fastest everywhere", tasks=[]))


def extensibility(broken: tuple[tuple[str, str], ...] = ()) -> Any:
    """An ``ExtensibilityAssessment``: on every option, Keras's portable layer, loss and metric, the option's own
    train step and custom gradient, and a compiled C++ op through its own framework's mechanism all work, except
    the (option, kind) pairs in ``broken``, which fail."""
    from evidence.claims.extensibility.assessment import Cell, ExtensibilityAssessment, GradientCheck, coverage_of
    from evidence.contract import ErrorInfo

    own = {"keras-tensorflow": ("tensorflow", "tf.custom_gradient", "tf.load_op_library"),
           "tensorflow-core": ("tensorflow", "tf.custom_gradient", "tf.load_op_library"),
           "keras-jax": ("jax", "jax.custom_vjp", "jax.ffi"),
           "keras-torch": ("torch", "torch.autograd.Function", "torch.utils.cpp_extension")}
    cells = []
    for option, (framework, gradient, compiled) in own.items():
        for kind, mechanism, fw in (("layer", "keras.layers.Layer", "keras"), ("loss", "keras.losses.Loss", "keras"),
                                    ("metric", "keras.metrics.Metric", "keras"),
                                    ("train_step", f"{framework} train_step", framework),
                                    ("custom_gradient", gradient, framework), ("compiled_op", compiled, framework)):
            if option == "tensorflow-core" and fw == "keras":
                fw, mechanism = "tensorflow", f"tf {kind}"
            bad = (option, kind) in broken
            cells.append(Cell(option=option, kind=kind, route=f"{framework}_{kind}", mechanism=mechanism,
                              framework=fw, own=True, status="fails" if bad else "works", lines=20, python_lines=12,
                              cpp_lines=8 if kind == "compiled_op" else 0,
                              build_steps=["g++ -shared ..."] if kind == "compiled_op" else [],
                              program=f"extensions_{framework}.py::{kind}",
                              gradient_check=GradientCheck(max_error=1e-6, tolerance=1e-3, passed=True, points=8,
                                                           step=1e-3) if kind == "custom_gradient" else None,
                              error=ErrorInfo(type="RuntimeError", message="the build broke") if bad else None))
    return ExtensibilityAssessment(cells=cells, portability=[], builds={},
                                   coverage={o: coverage_of(o, cells) for o in own}, measured=list(own),
                                   portability_tried=False, not_measured=[])


#: Per style, the (logical lines, API names, concepts) of the mlp task; cnn and early_stopping add to them.
EASE_COSTS = {"keras_fit": (20, 10, 6), "keras_gradienttape": (35, 16, 10), "tf_core": (50, 20, 14)}


def ease_of_use(failing: tuple[tuple[str, str, str], ...] = ()) -> Any:
    """An ``EaseOfUseAssessment``: three tasks in three styles, every run reaching the floor except the
    (task, style, option) triples in ``failing``; Keras's fit the cheapest (counts of :data:`EASE_COSTS`), the
    per-option costs made by the claim's own ``_option_cost``."""
    import statistics

    from evidence.claims.ease_of_use import (
        STYLE_OPTIONS,
        STYLE_SUFFIX,
        TASKS,
        EaseOfUseAssessment,
        EaseOfUseClaim,
        Metrics,
        Program,
        Run,
        TaskResult,
    )
    from evidence.options import KERAS_BACKEND

    tasks = {}
    for extra, task in enumerate(TASKS):
        programs = {}
        for style, (lines, apis, concepts) in EASE_COSTS.items():
            lines, apis, concepts = lines + 5 * extra, apis + extra, concepts + extra
            runs = {o: Run(option=o, status="fails" if (task, style, o) in failing else "works", accuracy=0.95,
                           epochs=3, epochs_run=3) for o in STYLE_OPTIONS[style]}
            metrics = Metrics(logical_lines=lines, framework_lines=lines // 2, tokens=lines * 8, api_names=[],
                              api_name_count=apis, concepts=[], concept_count=concepts, branches=1,
                              cyclomatic_total=2, cyclomatic_max=1)
            programs[style] = Program(task=task, style=style, program=f"evidence/programs/{task}_"
                                      f"{STYLE_SUFFIX[style]}.py", sha256="0" * 64, metrics=metrics,
                                      cost=statistics.geometric_mean([lines, apis, concepts]), runs=runs,
                                      status="works", accuracy=0.95,
                                      backends=[KERAS_BACKEND[o] for o, r in runs.items()
                                                if r.status == "works" and KERAS_BACKEND[o]],
                                      same_hyperparameters=True)
        base = programs["keras_fit"].metrics
        ratios = {st: {k: getattr(pr.metrics, k) / getattr(base, k) for k in (
            "logical_lines", "api_name_count", "concept_count", "cyclomatic_total", "tokens", "branches")}
            for st, pr in programs.items()}
        tasks[task] = TaskResult(task=task, programs=programs, comparable=True, accuracy_spread=0.0, ratios=ratios)
    options = sorted({o for opts in STYLE_OPTIONS.values() for o in opts})
    return EaseOfUseAssessment(mode="full", accuracy_floor=0.8, accuracy_tolerance=0.05, tasks=tasks,
                               costs={o: EaseOfUseClaim._option_cost(o, tasks) for o in options},
                               style_options={s: list(o) for s, o in STYLE_OPTIONS.items()}, not_measured=[])


def evidence(**overrides: Any) -> dict[str, Any]:
    """The synthetic evidence of every claim that has landed, claim id -> assessment; ``overrides`` replace one
    (None removes it)."""
    out: dict[str, Any] = {"architecture": architecture(), "community": community(),
                           "backend_portability": portability(), "deployment": deployment(),
                           "extensibility": extensibility(), "ease_of_use": ease_of_use(),
                           "performance": performance(), "distributed_scaling": distributed()}
    out.update(overrides)
    return {k: v for k, v in out.items() if v is not None}
