"""Claim ``distributed_scaling``: TensorFlow distributes training robustly, so it suits large-scale work best.

Every option's real distributed paths train the same classifier on the same data (``dist_task.py``) as its
single-device program, and the two are compared: final loss, throughput, scaling efficiency, start-up cost, and
the logical lines of code going distributed adds (:mod:`.lines`). The paths (:mod:`.paths`):

``keras-tensorflow``
    ``dist_single_keras.py`` (``model.fit`` on one device); ``dist_mirrored_keras.py``: ``MirroredStrategy``
    with ``model.fit`` on 1 device (in the worker: the strategy's own overhead) and on 2 logical CPU devices (a
    fresh process, the CPU split in two); ``dist_multiworker_keras.py``:
    ``MultiWorkerMirroredStrategy`` with ``model.fit`` in two worker processes, as TensorFlow's multi-worker
    tutorial does it; ``keras.distribution.ModelParallel`` tried under TensorFlow.
``tensorflow-core``
    ``dist_single_tfcore.py`` (a ``tf.function`` custom loop); ``dist_mirrored_tfcore.py``: the custom loop with
    ``strategy.run`` on 1 and 2 devices, likewise; ``dist_multiworker_tfcore.py``: the custom loop in two
    worker processes.
``keras-jax``
    ``dist_single_keras.py``; ``dist_jax_dataparallel.py``: ``keras.distribution.DataParallel`` over two host
    devices of one process (``XLA_FLAGS=--xla_force_host_platform_device_count=2``, set where the process
    starts); ``dist_jax_multiprocess.py``: the same across two real processes (``keras.distribution.initialize``,
    JAX's ``gloo`` CPU collectives); ``dist_jax_modelparallel.py``: ``keras.distribution.ModelParallel`` with a
    ``LayoutMap`` splitting the hidden layers over two host devices, the sharding read back from the variables.
``keras-torch``
    ``dist_single_keras.py``; ``keras.distribution``'s DataParallel and ModelParallel tried under torch (Keras
    3.15 has no torch implementation); ``dist_torch_ddp.py``: the route Keras's guide gives for torch, the
    Keras model inside ``torch.nn.parallel.DistributedDataParallel`` with a torch loop, on ``gloo``, as a
    process group of one in the worker (full mode: the reference of its scaling, since its loop is not
    ``fit``'s) and in two processes.

Every distributed run is a fresh set of processes started by ``dist_launch.py`` (:mod:`.measure`), on loopback
ports found free at run time, cleaned up on every way out.

Robustness (sub-claim f): for each multi-process path, worker 1 is killed (``SIGKILL``) once it has trained to
the middle of the middle epoch, and the run records whether the survivors fail fast with a clear error or are
still running at the declared hang timeout; then, with the path's recovery program (its framework's documented
checkpoint code added), whether the job recovers: restarted by the launcher as a scheduler would (TensorFlow's
``tf.train.CheckpointManager``; Keras's ``BackupAndRestore`` on JAX), or by ``torchrun --max-restarts=1``, and
how many steps it loses. ``model.fit`` under ``MultiWorkerMirroredStrategy`` fails at its first step, so its
fault is recorded as not reached.

:meth:`DistributedScalingClaim.assess` builds the typed :class:`~.assessment.DistributedAssessment` (one entry
per run configuration, so a 2-process run is never merged with its 1-process reference); ``verdict`` reads it
and the declared thresholds only. On 2 CPU cores these runs prove correctness, overhead and fault behaviour, not
speed-up.
"""

from __future__ import annotations

from typing import Any

from .assessment import DistributedAssessment, PathRun
from .claim import DistributedScalingClaim
from .paths import FAULTS, PATHS

CLAIM = DistributedScalingClaim()

#: Names kept importable from the package, loaded from their module on first use (the measurement code stays
#: out of a reader's imports).
_LAZY = {"lines_added": "lines", "logical_lines": "lines", "program_lines_added": "lines", "FAULT_ENV": "measure",
         "fault_injection": "measure"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = ["CLAIM", "FAULTS", "FAULT_ENV", "PATHS", "DistributedAssessment", "DistributedScalingClaim", "PathRun",
           "fault_injection", "lines_added", "logical_lines", "program_lines_added"]
