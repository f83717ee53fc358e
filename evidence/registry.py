"""The registry of claims: claim id -> module under ``evidence/claims/``, imported only when asked for.

Claim modules import no framework at top level, so loading one is cheap; a missing framework only disables
the subjects that need it, inside their workers.
"""

from __future__ import annotations

import importlib
import os
from functools import cache
from typing import TYPE_CHECKING

from evidence.errors import InputError

if TYPE_CHECKING:
    from evidence.claim import Claim

#: Claim ids in the order the site and the tables list them, each with its module.
CLAIM_MODULES: dict[str, str] = {
    "architecture": "evidence.claims.architecture",
    "backend_portability": "evidence.claims.backend_portability",
    "performance": "evidence.claims.performance",
    "distributed_scaling": "evidence.claims.distributed_scaling",
    "ease_of_use": "evidence.claims.ease_of_use",
    "community": "evidence.claims.community",
    "deployment": "evidence.claims.deployment",
    "extensibility": "evidence.claims.extensibility",
    "platform": "evidence.claims.platform",
}


#: Extra claims from outside the project, as ``id=module,id=module``: a plugin hook for experiments that live
#: elsewhere (and for the tests' fake claims). Read by every process, workers included.
EXTRA_CLAIMS_ENV = "KVT_EXTRA_CLAIMS"


class RegistryError(InputError):
    """A claim that cannot be found or loaded: the message says which and why."""


class UnknownClaimError(RegistryError):
    """A claim id that the registry does not know."""


def claim_modules() -> dict[str, str]:
    """Registered claim ids and their modules: the project's, then those of ``$KVT_EXTRA_CLAIMS``."""
    modules = dict(CLAIM_MODULES)
    for entry in filter(None, (e.strip() for e in os.environ.get(EXTRA_CLAIMS_ENV, "").split(","))):
        cid, sep, module = entry.partition("=")
        if not sep or not cid.strip() or not module.strip():
            raise RegistryError(f"Expected {EXTRA_CLAIMS_ENV} entries of the form id=module; received: {entry!r}")
        modules[cid.strip()] = module.strip()
    return modules


def claim_ids() -> list[str]:
    """Every registered claim id."""
    return list(claim_modules())


@cache
def get_claim(claim_id: str) -> Claim:
    """The ``CLAIM`` instance of ``claim_id``'s module.

    Raises:
        UnknownClaimError: ``claim_id`` is not registered; the message lists the valid ids.
        RegistryError: its module cannot be imported or has no ``CLAIM`` (a mistyped ``$KVT_EXTRA_CLAIMS``).
    """
    modules = claim_modules()
    try:
        module_name = modules[claim_id]
    except KeyError:
        raise UnknownClaimError(f"Unknown claim {claim_id!r}. Expected one of: {', '.join(modules)}") from None
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise RegistryError(f"Claim {claim_id!r}: its module {module_name!r} cannot be imported ({exc}); "
                            f"check {EXTRA_CLAIMS_ENV} and PYTHONPATH") from None
    if not hasattr(module, "CLAIM"):
        raise RegistryError(f"Claim {claim_id!r}: module {module_name!r} defines no CLAIM")
    return module.CLAIM


def all_claims() -> list[Claim]:
    """Every registered claim, in registry order."""
    return [get_claim(cid) for cid in claim_modules()]
