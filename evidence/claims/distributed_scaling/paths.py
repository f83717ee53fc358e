"""What the distributed_scaling experiment runs: its paths, their fault trials, and the public record it cites.

No framework here: the claim and its parts import this (the parts read shared declarations here, never from the
claim that wires them in).
"""

from __future__ import annotations

from dataclasses import dataclass

from evidence.errors import IssuePattern

SINGLE_KERAS = "dist_single_keras.py"
SINGLE_TFCORE = "dist_single_tfcore.py"
#: The single-device program of each option, the reference of all its distributed runs.
SINGLE: dict[str, str] = {"keras-tensorflow": SINGLE_KERAS, "tensorflow-core": SINGLE_TFCORE,
                          "keras-jax": SINGLE_KERAS, "keras-torch": SINGLE_KERAS}


SCOPE = ("On a machine with {cores} CPU cores the replicas share the cores one device already uses: these runs "
         "prove that each path trains correctly, and measure its overhead and what a killed worker does to it; "
         "they do not show a speed-up. The workers run on one machine, where a killed process's sockets are "
         "closed at once, so its peers learn of its death immediately; a machine that loses power or network "
         "closes nothing, and its peers wait for their framework's own timeouts (not measured here). Multi-GPU "
         "and multi-machine scaling needs a run on such hardware.")


#: JAX's documented heartbeat timeout: ``jax.distributed.initialize(heartbeat_timeout_seconds=100)``, "the time
#: (in seconds) after which a process is considered dead if it hasn't successfully sent any heartbeats"; Keras's
#: ``keras.distribution.initialize`` calls it with the default.
JAX_HEARTBEAT_TIMEOUT_S = 100


def fault_step(steps: int, epochs: int) -> int:
    """The training step after which worker 1 is killed: the middle of the middle epoch (``steps`` per epoch)."""
    return (epochs // 2) * steps + steps // 2


@dataclass(frozen=True)
class Path:
    """One distributed path.

    Attributes:
        option: the option (subject) it belongs to.
        program: the program that runs it, under ``evidence/programs/`` (None for an API attempt made inside
            the worker, where the option has no program of its own).
        runner: how it runs: ``devices`` (one fresh process per device count, TensorFlow logical devices;
            one device runs in the worker), ``logical-devices`` (one fresh process, the CPU split in two),
            ``host-devices`` (one fresh process with 2 XLA host devices), ``workers`` (one process per worker,
            started by ``dist_launch.py``), ``in-worker`` (an API attempt inside the subject's worker).
        cluster: for ``workers``: how the workers find each other (``tf_config``, ``torch``, ``jax``).
        what: what it is, in words.
        api: the API that distributes.
        kind: ``data_parallel`` or ``model_parallel``.
        own_one_device_run: scaling is measured against the path's own one-device (one-process) run, because
            its loop is not the single-device program's (torch DDP's hand-written loop).
    """

    option: str
    program: str | None
    runner: str
    what: str
    api: str
    kind: str = "data_parallel"
    cluster: str | None = None
    own_one_device_run: bool = False

    @property
    def single(self) -> str:
        """The single-device program this path is compared with."""
        return SINGLE[self.option]


PATHS: dict[str, Path] = {
    "mirrored-fit": Path("keras-tensorflow", "dist_mirrored_keras.py", "devices",
                         "MirroredStrategy with model.fit", "tf.distribute.MirroredStrategy"),
    "multiworker-fit": Path("keras-tensorflow", "dist_multiworker_keras.py", "workers",
                            "MultiWorkerMirroredStrategy with model.fit",
                            "tf.distribute.MultiWorkerMirroredStrategy", cluster="tf_config"),
    "tf-keras-modelparallel": Path("keras-tensorflow", None, "in-worker",
                                   "keras.distribution.ModelParallel on TensorFlow",
                                   "keras.distribution.ModelParallel", kind="model_parallel"),
    "mirrored-custom": Path("tensorflow-core", "dist_mirrored_tfcore.py", "devices",
                            "MirroredStrategy with a custom loop", "tf.distribute.MirroredStrategy"),
    "multiworker-custom": Path("tensorflow-core", "dist_multiworker_tfcore.py", "workers",
                               "MultiWorkerMirroredStrategy with a custom loop",
                               "tf.distribute.MultiWorkerMirroredStrategy", cluster="tf_config"),
    "tfcore-dtensor": Path("tensorflow-core", "dist_dtensor_tfcore.py", "logical-devices",
                           "DTensor (tf.experimental, experimental) with a custom loop, weights sharded over 2 "
                           "devices",
                           "tf.experimental.dtensor (Mesh, Layout, DVariable)", kind="model_parallel"),
    "jax-dataparallel": Path("keras-jax", "dist_jax_dataparallel.py", "host-devices",
                             "keras.distribution.DataParallel on JAX, 2 devices in one process",
                             "keras.distribution.DataParallel"),
    "jax-multiprocess": Path("keras-jax", "dist_jax_multiprocess.py", "workers",
                             "keras.distribution.DataParallel on JAX across processes",
                             "keras.distribution.initialize + DataParallel", cluster="jax"),
    "jax-modelparallel": Path("keras-jax", "dist_jax_modelparallel.py", "host-devices",
                              "keras.distribution.ModelParallel on JAX, weights sharded over 2 devices",
                              "keras.distribution.ModelParallel + LayoutMap", kind="model_parallel"),
    "torch-keras-distribution": Path("keras-torch", None, "in-worker",
                                     "keras.distribution.DataParallel on torch", "keras.distribution.DataParallel"),
    "torch-keras-modelparallel": Path("keras-torch", None, "in-worker",
                                      "keras.distribution.ModelParallel on torch",
                                      "keras.distribution.ModelParallel", kind="model_parallel"),
    "torch-ddp": Path("keras-torch", "dist_torch_ddp.py", "workers",
                      "the Keras model in torch DistributedDataParallel",
                      "torch.nn.parallel.DistributedDataParallel", cluster="torch", own_one_device_run=True),
}
#: The paths of TensorFlow (the claim's subject) and of the other options.
TENSORFLOW_PATHS = ("mirrored-fit", "mirrored-custom", "multiworker-fit", "multiworker-custom", "tfcore-dtensor")
OTHER_PATHS = ("jax-dataparallel", "jax-multiprocess", "jax-modelparallel", "torch-ddp")


@dataclass(frozen=True)
class FaultPlan:
    """The fault trials of one multi-process path.

    Attributes:
        program: the recovery program: the path's program plus its framework's documented checkpoint code
            (the trial without recovery runs it too; its checkpoints are then never read).
        mechanism: the recovery mechanism, in words.
        restart: who restarts the job: ``launcher`` (``dist_launch.py`` restarts every worker once the job has
            ended, as a cluster scheduler would: TensorFlow and JAX have no restarting launcher of their own),
            ``torchrun`` (torch's elastic launcher, ``--max-restarts=1``, stops and restarts every worker itself).
        combined: the trial without recovery and the recovery are one run (the launcher watches the survivors
            until they exit or hang, then restarts); otherwise the trial without recovery is a run of its own.
        sources: keys of :data:`SOURCES`: what the framework documents about a lost worker and its recovery.
    """

    program: str
    mechanism: str
    restart: str
    combined: bool
    sources: tuple[str, ...] = ()


FAULTS: dict[str, FaultPlan] = {
    "multiworker-custom": FaultPlan("dist_recover_multiworker_tfcore.py",
                                    "tf.train.CheckpointManager, job restarted", "launcher", True,
                                    ("tf-fault-tolerance",)),
    "jax-multiprocess": FaultPlan("dist_recover_jax_multiprocess.py",
                                  "keras.callbacks.BackupAndRestore, job restarted", "launcher", True,
                                  ("jax-fault-tolerance", "keras-backup-and-restore")),
    "torch-ddp": FaultPlan("dist_recover_torch_ddp.py", "torchrun --max-restarts=1 with a checkpoint", "torchrun",
                           False, ("torchrun",)),
}
#: Multi-process paths with no fault trial of their own, and why.
FAULT_NOT_REACHED = {
    "multiworker-fit": "Keras 3's model.fit fails under MultiWorkerMirroredStrategy at its first step, so no "
                       "worker can be killed part-way through training (its BackupAndRestore callback never "
                       "gets to save)",
}

#: Public reports an error message matches.
KNOWN_ISSUES: tuple[IssuePattern, ...] = (
    IssuePattern(r"PerReplica", "https://github.com/keras-team/keras/issues/20585",
                 "Keras 3's model.fit under MultiWorkerMirroredStrategy fails (TensorFlow's multi-worker tutorial)"),
    IssuePattern(r"Invalid reduction dimension", "https://github.com/tensorflow/tensorflow/issues/72388",
                 "tf.distribute with Keras 3: 'Invalid reduction dimension 0 for input with 0 dimensions'"),
    IssuePattern(r"has no attribute 'list_devices'",
                 "https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/__init__.py",
                 "Keras 3.15 sets distribution_lib = None for the torch backend: keras.distribution has no torch "
                 "implementation in this release"),
)
#: The public report a torch worker that trained but hung on its way out may match.
EXIT_HANG_ISSUE = ("https://github.com/pytorch/pytorch/issues/75097",
                   "destroy_process_group() sometimes hangs (possibly related)")

#: The documents the fault behaviour and model-parallel statements rest on.
SOURCES: dict[str, tuple[str, str]] = {
    "keras-distribution-guide": (
        "https://keras.io/guides/distribution/",
        "Keras's distribution guide: DataParallel and ModelParallel with a LayoutMap; the guide of 2026-08-13 "
        "describes a PyTorch implementation (DDP, DTensor) and says TensorFlow support is in development"),
    "keras-torch-distribution-pr": (
        "https://github.com/keras-team/keras/pull/23052",
        "Keras master (3.16.0.dev) adds torch distribution utilities, after the 3.15.1 release used here"),
    "keras-torch-dtensor-pr": (
        "https://github.com/keras-team/keras/pull/23366",
        "Keras master adds DTensor distribution utilities for the torch backend (ModelParallel), unreleased"),
    "keras-tf-distribution-lib": (
        "https://github.com/keras-team/keras/blob/v3.15.1/keras/src/backend/tensorflow/distribution_lib.py",
        "Keras 3.15's TensorFlow distribution module is marked 'DO NOT USE', a prototype over DTensor"),
    "tf-dtensor": (
        "https://www.tensorflow.org/guide/dtensor_overview",
        "TensorFlow's DTensor: meshes and layouts that shard tensors and variables over devices (tf.experimental)"),
    "tf-fault-tolerance": (
        "https://www.tensorflow.org/guide/migrate/fault_tolerance",
        "TensorFlow's fault tolerance: BackupAndRestore for Model.fit, tf.train.CheckpointManager for custom loops; "
        "the user brings the job back"),
    "torch-tensor-parallel": (
        "https://pytorch.org/docs/stable/distributed.tensor.parallel.html",
        "torch.distributed.tensor.parallel: ColwiseParallel and RowwiseParallel, which apply to nn.Linear and "
        "nn.Embedding modules"),
    "torch-fsdp": (
        "https://pytorch.org/docs/stable/distributed.fsdp.fully_shard.html",
        "torch's FSDP2 (fully_shard): parameters, gradients and optimizer state sharded over data-parallel ranks"),
    "torchrun": (
        "https://pytorch.org/docs/stable/elastic/train_script.html",
        "torchrun: when any worker fails, all workers are restarted with the same arguments, up to --max-restarts; "
        "the script must save and load its own checkpoint, and loses the progress made since it"),
    "keras-backup-and-restore": (
        "https://keras.io/api/callbacks/backup_and_restore/",
        "Keras's BackupAndRestore: saves the weights and epoch at the end of every epoch and restores them when fit "
        "starts again; the user brings the job back"),
    "jax-fault-tolerance": (
        "https://docs.jax.dev/en/latest/fault_tolerance.html",
        "Multi-controller JAX is not fault tolerant by default: if a process crashes, the others intentionally "
        "crash; its experimental fault tolerance works fully on GPUs only"),
}
