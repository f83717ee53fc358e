"""Made-up code readings for the family test (:func:`evidence.testing.check_claim`), shaped as :mod:`.checks`
returns them; the claim declares no threshold, so there are no edges to make. Not in the code hash."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evidence.claim import Side
from evidence.contract import SubjectResult

if TYPE_CHECKING:
    from evidence.claim import Claim

READINGS = {
    "keras-torch-devices": {"file": "keras/src/backend/torch/core.py", "keras": "3.0.0",
                            "devices": ["mps", "cuda", "cpu"], "env_override": True, "imports_torch_xla": False,
                            "torch_build": {"version": "2.0.0", "cuda": None, "hip": None, "wheel": []}},
    "jax-platforms": {"file": "jax/_src/xla_bridge.py", "jax": "0.4.0", "nonexperimental_plugins": ["cuda", "rocm"],
                      "experimental_plugins": [], "tpu_factory": True, "aliases": [], "jaxlib_wheel": [],
                      "installed_plugins": []},
    "tensorflow-platforms": {"file": "tensorflow/__init__.py", "distribution": "tensorflow", "tensorflow": "2.16.0",
                             "loads_pluggable_devices": True, "tpu_strategy": True,
                             "build": {"is_cuda_build": True, "is_rocm_build": False}, "wheel": []},
}


def synthetic_results(claim: Claim, around: tuple[str, Side] | None) -> dict[str, SubjectResult] | None:
    """Every reading ok (see :data:`READINGS`); None around a threshold (it declares none)."""
    if around is not None:
        return None
    return {s: SubjectResult(status="ok", measurements=READINGS[s]) for s in claim.subjects}
