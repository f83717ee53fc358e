"""Claim ``platform``: Keras 3 runs on whatever hardware its backend engine runs on.

Comparison articles treat "Keras on backend X" as running wherever X runs. This claim records, for each option and
each accelerator and operating system the advisor asks about (CPU, NVIDIA GPU, AMD GPU, TPU, Apple silicon;
Linux, macOS, Windows), whether it is supported, how (package and device) and on what basis:

- ``code``: read in the installed packages' own code (:mod:`evidence.claims.platform.checks`): the devices Keras's
  torch backend selects (``keras/src/backend/torch/core.py``), the platform plugins JAX's own code knows
  (``jax/_src/xla_bridge.py``), the device plugins TensorFlow loads (``tensorflow/__init__.py``) and whether
  ``TPUStrategy`` ships;
- ``cited``: the frameworks' documentation or release notes, with the URL and the date read
  (:mod:`evidence.claims.platform.facts`), where no code installed here can say.

These facts do not depend on the machine the checks run on (the checks read code, never probe a device); the
result is filed under the current venue mechanism until claims can carry none.

The package's parts: ``claim`` (declarations), ``checks`` (the worker's code readings), ``facts`` (the cited
record), ``assessment``, ``assess``, ``verdict`` (the decision), ``report`` (prose), ``synthetic`` (made-up
readings for the family test).
"""

from __future__ import annotations

from .assessment import Basis, CodeCheck, PlatformAssessment, PlatformCell, Source
from .claim import PlatformClaim

CLAIM = PlatformClaim()

__all__ = ["CLAIM", "Basis", "CodeCheck", "PlatformAssessment", "PlatformCell", "PlatformClaim", "Source"]
