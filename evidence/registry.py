"""The registry of claims: claim id -> its package under ``evidence/claims/``, and the two parts readers need.

Reading a result needs no experiment: each claim id maps, by dotted path, to its assessment type (what a result
file holds) and to its decision function (``decide(assessment, thresholds) -> Decision``, recomputed on read),
so that reading, showing, diffing and merging results import :mod:`evidence.contract`, the result model and those
two light modules, never the claim's measurement code. :func:`get_claim` imports the whole claim, for running it.
This module imports nothing of the claims, the results or the claim base class at top level.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any

from evidence.errors import InputError

if TYPE_CHECKING:
    from evidence.claim import Claim
    from evidence.contract import Assessment

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

#: Each claim's assessment type, as ``module:Class``: what readers validate a result's assessment as.
CLAIM_ASSESSMENTS: dict[str, str] = {
    "architecture": "evidence.claims.architecture.assessment:ArchitectureAssessment",
    "backend_portability": "evidence.claims.backend_portability.assessment:PortabilityAssessment",
    "performance": "evidence.claims.performance.assessment:PerformanceAssessment",
    "distributed_scaling": "evidence.claims.distributed_scaling.assessment:DistributedAssessment",
    "ease_of_use": "evidence.claims.ease_of_use.assessment:EaseOfUseAssessment",
    "community": "evidence.claims.community.assessment:CommunityAssessment",
    "deployment": "evidence.claims.deployment.assessment:DeploymentAssessment",
    "extensibility": "evidence.claims.extensibility.assessment:ExtensibilityAssessment",
    "platform": "evidence.claims.platform.assessment:PlatformAssessment",
}
#: Each claim's decision rule, as ``module:function`` (``decide(assessment, thresholds) -> Decision``): what
#: readers recompute on read.
CLAIM_DECIDERS: dict[str, str] = {
    "architecture": "evidence.claims.architecture.verdict:decide",
    "backend_portability": "evidence.claims.backend_portability.verdict:decide",
    "performance": "evidence.claims.performance.verdict:decide",
    "distributed_scaling": "evidence.claims.distributed_scaling.verdict:decide",
    "ease_of_use": "evidence.claims.ease_of_use.verdict:decide",
    "extensibility": "evidence.claims.extensibility.verdict:decide",
    "platform": "evidence.claims.platform.verdict:decide",
    "community": "evidence.claims.community.verdict:decide",
    "deployment": "evidence.claims.deployment.verdict:decide",
}


#: Each claim's prose, as ``module:function`` (``report(assessment, decision) -> Report``): readers
#: render what a result says from its stored assessment and decision with today's words, so a reworded report
#: needs no rerun and a hand-edited summary in a result file never reaches a reader.
CLAIM_REPORTS: dict[str, str] = {c: path.replace(".verdict:decide", ".report:report") for c, path in
                                 CLAIM_DECIDERS.items()}

#: Extra claims from outside the project, as ``id=module,id=module``: a plugin hook for experiments that live
#: elsewhere (and for the tests' fake claims). Read by every process, workers included. Their assessment type
#: and decision rule are read from their ``CLAIM`` (the module is imported to read a result).
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


def resolve(path: str) -> Any:
    """The object a ``module:attribute`` path names, the module imported.

    Raises:
        RegistryError: the module cannot be imported or has no such attribute.
    """
    module_name, _, attribute = path.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ImportError as exc:
        raise RegistryError(f"{module_name!r} cannot be imported ({exc})") from None
    try:
        return getattr(module, attribute)
    except AttributeError:
        raise RegistryError(f"{module_name!r} defines no {attribute!r}") from None


def _known(claim_id: str) -> None:
    modules = claim_modules()
    if claim_id not in modules:
        raise UnknownClaimError(f"Unknown claim {claim_id!r}. Expected one of: {', '.join(modules)}")


def assessment_type(claim_id: str) -> type[Assessment]:
    """The assessment class of ``claim_id``, imported by its dotted path (the claim itself is imported only
    for a claim registered from outside).

    Raises:
        UnknownClaimError: ``claim_id`` is not registered.
        RegistryError: its assessment type cannot be found.
    """
    _known(claim_id)
    if claim_id in CLAIM_ASSESSMENTS and claim_id in CLAIM_MODULES:
        try:
            return resolve(CLAIM_ASSESSMENTS[claim_id])
        except RegistryError as exc:
            raise RegistryError(f"Claim {claim_id!r}: its assessment type {exc}") from None
    try:
        return get_claim(claim_id).assessment_type
    except AttributeError:
        raise RegistryError(f"Claim {claim_id!r} declares no assessment_type") from None


def decider(claim_id: str) -> Callable[..., Any]:
    """The decision rule of ``claim_id`` (``decide(assessment, thresholds) -> Decision``), imported by its
    dotted path; for a claim registered from outside, its ``CLAIM.decide``.

    Raises:
        UnknownClaimError: ``claim_id`` is not registered.
        RegistryError: its decision rule cannot be found.
    """
    return _part(claim_id, CLAIM_DECIDERS, "decide", "decision rule")


def reporter(claim_id: str) -> Callable[..., Any]:
    """The prose of ``claim_id`` (``report(assessment, decision) -> Report``), imported by its dotted path; for a
    claim registered from outside, its ``CLAIM.report``.

    Raises:
        UnknownClaimError: ``claim_id`` is not registered.
        RegistryError: its report cannot be found.
    """
    return _part(claim_id, CLAIM_REPORTS, "report", "report")


def _part(claim_id: str, paths: dict[str, str], method: str, what: str) -> Callable[..., Any]:
    """A reader's part of ``claim_id`` by its dotted path in ``paths`` (or the outside claim's ``method``)."""
    _known(claim_id)
    if claim_id in CLAIM_MODULES:
        try:
            return resolve(paths[claim_id])
        except RegistryError as exc:
            raise RegistryError(f"Claim {claim_id!r}: its {what} {exc}") from None
    return getattr(get_claim(claim_id), method)


def package_dir(claim_id: str) -> tuple[str, bool]:
    """Where ``claim_id``'s code lives without importing it: (path, is_package) of its module (a package's
    folder, or a single module's file).

    Raises:
        UnknownClaimError: ``claim_id`` is not registered.
        RegistryError: its module cannot be found.
    """
    import importlib.util

    modules = claim_modules()
    _known(claim_id)
    try:
        spec = importlib.util.find_spec(modules[claim_id])
    except (ImportError, ValueError) as exc:
        raise RegistryError(f"Claim {claim_id!r}: its module cannot be found ({exc})") from None
    if spec is None or spec.origin is None:
        raise RegistryError(f"Claim {claim_id!r}: its module {modules[claim_id]!r} cannot be found")
    if spec.submodule_search_locations:
        return os.path.dirname(spec.origin), True
    return spec.origin, False

