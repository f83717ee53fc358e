"""The typed assessment of the distributed_scaling claim: one entry per distributed run, and what was tried.

Readers (the advisor, the site) read these models, never the raw measurements. An entry is one *run
configuration* of a path (``mirrored-fit-2``: MirroredStrategy with ``fit`` on 2 devices; ``torch-ddp-2``:
torch DDP in 2 processes), so that its ``devices`` and ``processes`` are its own and never merged with another
run's: a 2-process torch DDP run is a multi-process entry whatever its 1-process reference run did.

Each entry holds: the option, what it is, its kind (data- or model-parallel), devices and processes, its status
(``works`` / ``fails`` / ``unavailable`` / ``not_applicable``), its final loss against the single-device
program's and the tolerance, throughput, scaling efficiency, the lines of code going distributed added, the
public reports its error matches, and for every multi-process entry what a killed worker did to the job
(:class:`FaultReport`). ``model_parallel`` records, per option, which model-parallel routes exist, which were
run here, and what the public record says of the others.

On a machine with two CPU cores the replicas share the cores one device already used: these runs prove that
each path trains correctly, measure its overhead and its behaviour under a fault, not a speed-up.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from evidence.contract import OUTCOMES, Assessment, ContractModel, ErrorInfo, Interval, KnownIssue, Option, Outcome

PathName = Literal[
    "mirrored-fit", "mirrored-custom", "multiworker-fit", "multiworker-custom", "tfcore-dtensor", "jax-dataparallel",
    "jax-multiprocess", "jax-modelparallel", "torch-keras-distribution", "torch-keras-modelparallel",
    "tf-keras-modelparallel", "torch-ddp",
]
Kind = Literal["data_parallel", "model_parallel"]
#: What a killed worker did to a job. ``fails_fast``: the survivors exited with an error within the hang
#: timeout; ``hangs``: a survivor was still running at the hang timeout (it was killed then); ``recovers``: the
#: job was restarted by its recovery mechanism and finished with the right loss; ``not_reached``: the path fails
#: before its first training step, so no worker could be killed part-way through training.
FaultKind = Literal["fails_fast", "hangs", "recovers", "not_reached"]
#: Fault outcomes from best to worst, for comparisons between options.
FAULT_RANK: dict[str, int] = {"recovers": 3, "fails_fast": 2, "hangs": 1, "not_reached": 0}


class LinesAdded(ContractModel):
    """The logical lines going distributed added to the single-device program (Python's ``tokenize``; comments,
    blank lines and docstrings left out)."""

    single_lines: int
    """Logical lines of the single-device program."""
    distributed_lines: int
    """Logical lines of the distributed program, simulation and measurement lines left out."""
    added: int
    """Lines of the distributed program that ``difflib`` does not match in the single-device one (new or
    rewritten)."""
    removed: int
    """Lines of the single-device program not matched in the distributed one (rewritten or dropped)."""
    simulation_lines: int
    """Lines marked ``# simulation`` (splitting a CPU into devices; not needed on real devices), counted apart."""
    against: str
    """The program these lines are counted against (the single-device program, or for a recovery program the
    distributed program it extends)."""


class Sharding(ContractModel):
    """How a variable was actually laid out over the devices, read back from the trained model."""

    variable: str
    """The variable's path (``sequential/dense/kernel``)."""
    spec: str
    """Its sharding as the framework prints it (``PartitionSpec(None, 'model')``)."""
    devices: int
    """Devices the variable spans."""
    shard_shape: list[int]
    """The shape of one device's shard."""
    global_shape: list[int]
    """The variable's full shape."""
    sharded: bool
    """Whether one device holds only part of it (``shard_shape != global_shape``)."""


class Source(ContractModel):
    """A public document that a statement rests on."""

    url: str
    """Its address."""
    title: str
    """What it says, in our words."""


class FaultTrial(ContractModel):
    """One run of a multi-process path with one worker killed part-way through training."""

    mechanism: str
    """The recovery mechanism in force (``none``: the job's own launcher, no restart; ``torchrun
    --max-restarts=1``; ``BackupAndRestore callback, job restarted``; ``tf.train.CheckpointManager, job
    restarted``)."""
    program: str
    """The program that ran (a recovery program extends the path's program with its checkpoint code)."""
    outcome: FaultKind
    """What the job did (see :data:`FaultKind`)."""
    killed_worker: int
    """The worker killed (``SIGKILL`` to its process group)."""
    killed_at_step: int | None
    """Training steps the killed worker had finished when it was killed (None: it never reached training)."""
    planned_steps: int
    """Training steps of the whole job."""
    seconds_to_outcome: float | None
    """Seconds from the kill to the outcome: the last survivor's exit (``fails_fast``), the hang timeout
    (``hangs``), the end of the restarted job (``recovers``)."""
    error_after_s: float | None = None
    """Seconds from the kill until a survivor first wrote an error to its stderr (it may still hang after)."""
    error: ErrorInfo | None = None
    """The survivor's error (or, for ``not_reached``, the path's own error)."""
    steps_lost: int | None = None
    """Steps trained that the job lost: all steps trained when it failed, the steps re-done after a restart
    when it recovered."""
    hang_timeout_s: float
    """How long the survivors were given after the kill before the job was called hung (declared)."""
    restarts: int = 0
    """Times the job was restarted."""
    final_loss_rel_diff: float | None = None
    """For a recovered job: its final loss against the single-device program's (relative)."""
    recovery_lines: LinesAdded | None = None
    """The lines the recovery mechanism added to the path's program."""
    processes_left: int
    """Processes of the run still alive after its clean-up (must be 0)."""
    note: str = ""
    """What else was seen (a survivor that printed its error at once but then hung in its shutdown)."""


class FaultReport(ContractModel):
    """What one worker killed part-way through training does to a multi-process job."""

    outcome: FaultKind
    """The best outcome of its trials: ``recovers`` when its recovery mechanism recovered the job, else what the
    job did on its own."""
    seconds_to_outcome: float | None
    """Seconds from the kill to that outcome."""
    steps_lost: int | None
    """Steps lost in that outcome."""
    recovery_mechanism: str | None
    """The mechanism that recovered the job, None when nothing did."""
    trials: list[FaultTrial]
    """Each fault run: without recovery first, then with the path's recovery mechanism where it has one."""
    sources: list[Source] = []
    """What the framework's documentation says of a lost worker and of its recovery mechanism."""


class PathRun(ContractModel):
    """One distributed run configuration (a path on so many devices and processes) against its single-device
    program."""

    id: str
    """The entry's id: the path and its device or process count (``torch-ddp-2``)."""
    path: PathName
    """The distributed path it runs."""
    option: Option
    """The option it belongs to."""
    what: str
    """What it is, in words (``MultiWorkerMirroredStrategy with a custom loop``)."""
    api: str
    """The API that distributes (``tf.distribute.MultiWorkerMirroredStrategy``, ``keras.distribution.ModelParallel``,
    ``torch.nn.parallel.DistributedDataParallel``)."""
    kind: Kind
    """``data_parallel`` (weights replicated, batches split) or ``model_parallel`` (weights sharded)."""
    program: str
    """The program under ``evidence/programs/`` that ran."""
    devices: int
    """Devices (replicas or shards) the run spans in all."""
    processes: int
    """Operating-system processes it ran in (more than 1: a multi-process run, each process a worker)."""
    simulated_devices: bool
    """Whether several devices were made from one CPU (TensorFlow logical devices, XLA host devices)."""
    status: Outcome
    """``works``: it finished and its final loss is within the tolerance of the single-device program's (and a
    model-parallel run's weights were really sharded); ``fails``: it raised, timed out, lost its loss, or did
    not shard (``error`` or ``reason`` says which); ``unavailable``: we could not try (``reason``);
    ``not_applicable``: the option has no such path."""
    reason: str | None = None
    """Why it does not work, when ``error`` alone does not say (a loss out of tolerance, weights not sharded)."""
    error: ErrorInfo | None = None
    """The error of a run that failed."""
    known_issues: list[KnownIssue] = []
    """Public reports that its error matches."""
    final_loss: float | None = None
    """Its final training loss (last epoch's mean)."""
    single_final_loss: float | None = None
    """The single-device program's final loss, the reference."""
    loss_rel_diff: float | None = None
    """``|final_loss - single_final_loss| / |single_final_loss|``."""
    loss_tolerance: float
    """The largest ``loss_rel_diff`` a working run may have (the claim's threshold)."""
    workers_loss_spread: float | None = None
    """For a multi-process run: the largest difference between the workers' final losses (0: they agree)."""
    samples_per_s: Interval | None = None
    """Training throughput over all devices (samples per second; median and interquartile range of the timed
    epochs)."""
    speedup_vs_single: float | None = None
    """Its throughput over the single-device program's (below 1: slower)."""
    scaling_efficiency: float | None = None
    """Throughput over ``devices`` times a one-device throughput of the same loop (1: perfect scaling)."""
    efficiency_reference: str | None = None
    """What ``scaling_efficiency`` is measured against (its own 1-device run, or the single-device program)."""
    startup_overhead_s: float | None = None
    """Set-up plus first-epoch tracing beyond the single-device program's, in seconds."""
    launch_s: float | None = None
    """For a multi-process run: seconds to start each process (interpreter and framework imports)."""
    exit_hang: str | None = None
    """A worker that trained but hung on its way out and was killed, with the public report it may match."""
    lines: LinesAdded | None = None
    """The lines going distributed added (None for a run of an API tried where the option has no program)."""
    sharding: list[Sharding] = []
    """For a model-parallel run: the layout of each variable its ``LayoutMap`` names, read back after training."""
    fault: FaultReport | None = None
    """For a multi-process run: what a worker killed part-way through training did to the job."""

    @property
    def multi_process(self) -> bool:
        """Whether the run spans more than one process."""
        return self.processes > 1

    @property
    def multi_device(self) -> bool:
        """Whether the run spans more than one device."""
        return self.devices > 1


class ModelParallelRoute(ContractModel):
    """A way to shard a model's weights over devices that an option offers (or is said to)."""

    option: Option
    """The option."""
    route: str
    """The API (``keras.distribution.ModelParallel``, ``tf.experimental.dtensor``,
    ``torch.distributed.tensor.parallel``)."""
    status: Outcome | None
    """``works`` / ``fails`` when it was run here (``run`` names the entry); ``not_applicable`` when the option
    has no such route; None when it was not run here and the statement rests on ``sources`` only."""
    run: str | None = None
    """The :class:`PathRun` id that measured it, when it ran here."""
    statement: str
    """What the route does for this option, from the run or the public record."""
    sources: list[Source] = []
    """The public record behind ``statement``."""


class DistributedAssessment(Assessment):
    """Every option's distributed runs against its single-device program, their fault behaviour, and the
    model-parallel routes each option offers."""

    STATUSES: ClassVar[tuple[str, ...]] = OUTCOMES

    runs: dict[str, PathRun]
    """One entry per run configuration, keyed by its id (``mirrored-fit-2``, ``torch-ddp-2``)."""
    single: dict[Option, float | None]
    """Each option's single-device final loss (None: its single-device run failed or did not run)."""
    model_parallel: list[ModelParallelRoute]
    """The model-parallel routes of every option: run here, or recorded from the public record."""
    loss_tolerance: float
    """The relative loss tolerance every run was judged with."""
    cpu_count: int | None
    """CPU cores of the machine the runs shared."""
    scope: str
    """What these runs can and cannot show on this machine (correctness, overhead and fault behaviour, not
    speed-up)."""
    hosts: int = 1
    """Machines the runs used (every worker of every run here starts on one machine, on loopback)."""
    accelerators: int = 0
    """Accelerators (GPUs) the machine had, as ``nvidia-smi -L`` lists them (0: none, or no nvidia-smi)."""
    venue_needs: str = ""
    """What a venue must have to decide the claim as the article states it ("large-scale": several machines or
    several accelerators), from the claim's venue scope."""
    scale_decided: bool = False
    """Whether this venue has what :attr:`venue_needs` asks; when False the verdict is ``inconclusive`` for the
    claim as stated, and what the venue does decide (correctness, overhead, fault behaviour) are findings."""
    mode: Literal["quick", "full"]
    """``quick``: tiny sizes, fewer runs (no recovery runs); ``full``: the published sizes."""
    not_measured: list[str]
    """Subjects that did not run ok, each with its status and reason."""

    # -- queries ------------------------------------------------------------------------------------------------
    def paths_for(self, option: str) -> list[PathRun]:
        """Every run of ``option``, in run order."""
        return [r for r in self.runs.values() if r.option == option]

    def multi_process_ok(self, option: str) -> bool:
        """Whether ``option`` trained correctly across more than one process."""
        return any(r.status == "works" and r.multi_process for r in self.paths_for(option))

    def multi_device_ok(self, option: str) -> bool:
        """Whether ``option`` trained correctly across more than one device (in one process or several)."""
        return any(r.status == "works" and r.multi_device for r in self.paths_for(option))

    def model_parallel_ok(self, option: str) -> bool:
        """Whether ``option`` trained correctly with its weights really sharded over devices."""
        return any(r.status == "works" and r.kind == "model_parallel" for r in self.paths_for(option))

    def fault_outcome(self, option: str) -> FaultReport | None:
        """The best fault report among ``option``'s working multi-process runs (or among all its multi-process
        runs when none works); None when it has none."""
        reports = [r for r in self.paths_for(option) if r.fault is not None]
        working = [r for r in reports if r.status == "works"] or reports
        if not working:
            return None
        return max((r.fault for r in working), key=lambda f: FAULT_RANK[f.outcome])

    def recovers(self, option: str) -> bool:
        """Whether a job of ``option`` recovered from a killed worker and finished with the right loss."""
        report = self.fault_outcome(option)
        return report is not None and report.outcome == "recovers"

    def model_parallel_routes(self, option: str) -> list[ModelParallelRoute]:
        """The model-parallel routes recorded for ``option``."""
        return [m for m in self.model_parallel if m.option == option]
