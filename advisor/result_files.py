"""Read claims' result files for the advisor: plain JSON, checked just enough to use safely.

:mod:`evidence.results` validates files with pydantic; the advisor reads the same files with :mod:`json` only,
so that ``kvt advise`` starts fast. It checks what it relies on (the schema version, the subjects with their
status and measurements) and turns anything else wrong into an ``invalid`` result with its reason: a bad file
makes the evidence it holds missing, never a crash and never a guess.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import evidence

#: The result-file schema version this reader understands; equal to ``evidence.results.SCHEMA_VERSION``
#: (a test keeps the two in step without importing pydantic here).
SCHEMA_VERSION = 1

DEFAULT_RESULTS_DIR = Path(evidence.__file__).resolve().parent / "results"

SUBJECT_STATUSES = ("ok", "failed", "unavailable")

State = Literal["ok", "missing", "invalid"]


@dataclass(frozen=True)
class ClaimResult:
    """One claim's result as the advisor sees it.

    Attributes:
        claim: the claim id.
        state: ``ok`` (read and usable), ``missing`` (no file) or ``invalid`` (a file that cannot be used).
        path: where the file is or would be.
        data: the parsed JSON when ``state == "ok"``, else None.
        reason: why the result is missing or invalid; None when ok.
        stale: True when the claim's code changed since the result was made, None when unknown.
    """

    claim: str
    state: State
    path: Path
    data: dict[str, Any] | None = None
    reason: str | None = None
    stale: bool | None = None

    @property
    def ok(self) -> bool:
        """Whether the result can be read."""
        return self.state == "ok"

    def subject(self, subject: str) -> dict[str, Any] | None:
        """The subject's entry (``status``, ``reason``, ``stages``, ``measurements``), None when not run."""
        return (self.data or {}).get("subjects", {}).get(subject)

    def measurements(self, subject: str) -> dict[str, Any] | None:
        """The measurements of ``subject`` when its status is ``ok``; None otherwise."""
        entry = self.subject(subject)
        if entry is None or entry.get("status") != "ok":
            return None
        return entry.get("measurements", {})

    def describe(self) -> dict[str, Any]:
        """A JSON-ready summary: claim, state, verdict, mode, date, staleness, file and reason."""
        data = self.data or {}
        prov = data.get("provenance") or {}
        return {
            "claim": self.claim,
            "state": self.state,
            "verdict": data.get("verdict"),
            "summary": data.get("summary"),
            "mode": prov.get("mode"),
            "date": prov.get("date"),
            "stale": self.stale,
            "result_file": str(self.path),
            "page": evidence_page(self.claim),
            "reason": self.reason,
        }


def results_dir(override: str | os.PathLike | None = None) -> Path:
    """The results folder: ``override``, else ``$KVT_RESULTS_DIR``, else ``evidence/results`` (as the evidence does)."""
    if override:
        return Path(override)
    env = os.environ.get("KVT_RESULTS_DIR")
    return Path(env) if env else DEFAULT_RESULTS_DIR


def evidence_page(claim_id: str) -> str:
    """The docs site's page of ``claim_id``, relative to the site root (``$KVT_DOCS_URL`` prefixes it)."""
    base = os.environ.get("KVT_DOCS_URL", "").rstrip("/")
    page = f"claims/{claim_id}/"
    return f"{base}/{page}" if base else page


def _problem(raw: Any) -> str | None:
    """What makes ``raw`` unusable as a result file, or None when it has what the advisor reads."""
    if not isinstance(raw, dict):
        return f"expected a JSON object; received {type(raw).__name__}"
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        return f"schema_version {version!r}, expected {SCHEMA_VERSION}"
    subjects = raw.get("subjects")
    if not isinstance(subjects, dict):
        return "'subjects' is not an object"
    for name, entry in subjects.items():
        if not isinstance(entry, dict):
            return f"subject {name!r} is not an object"
        if entry.get("status") not in SUBJECT_STATUSES:
            return f"subject {name!r} has status {entry.get('status')!r}, expected one of {SUBJECT_STATUSES}"
        if not isinstance(entry.get("measurements", {}), dict):
            return f"subject {name!r}: 'measurements' is not an object"
        if not isinstance(entry.get("stages", {}), dict):
            return f"subject {name!r}: 'stages' is not an object"
    if not isinstance(raw.get("verdict"), str):
        return "'verdict' is missing"
    return None


EVIDENCE_DIR = Path(evidence.__file__).resolve().parent


def code_hash(claim_id: str, raw: dict[str, Any]) -> str | None:
    """The current hash of the claim's code, as ``evidence.claim.Claim.code_hash`` computes it, without importing
    the claim module (some import a lot): SHA-256 over the module file, then the programs and data files that the
    result lists. A claim whose list changed has a changed module file, so the hash still differs. None when the
    claim is not registered or its module cannot be found. A test keeps this equal to ``Claim.code_hash``.
    """
    import hashlib
    import importlib.util

    from evidence.registry import claim_modules

    module = claim_modules().get(claim_id)
    try:
        spec = importlib.util.find_spec(module) if module else None
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return None
    info = raw.get("claim") or {}
    files = [Path(spec.origin)]
    files += [EVIDENCE_DIR / "programs" / name for name in info.get("programs", [])]
    files += [EVIDENCE_DIR / "data" / name for name in info.get("data_files", [])]
    digest = hashlib.sha256()
    for path in files:
        try:
            content = path.read_bytes()
        except OSError:
            return "missing:" + path.name  # a listed file is gone: the claim's code changed
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(content)
        digest.update(b"\0")
    return digest.hexdigest()


def is_stale(claim_id: str, raw: dict[str, Any]) -> bool | None:
    """Whether the claim's code changed since the result was made; None when the claim cannot be found."""
    current = code_hash(claim_id, raw)
    return None if current is None else raw.get("code_hash") != current


def read_result(claim_id: str, directory: str | os.PathLike | None = None, *, check_stale: bool = True) -> ClaimResult:
    """Read one claim's result file from ``directory`` (see :func:`results_dir`).

    Never raises for a bad file: the returned :class:`ClaimResult` says ``missing`` or ``invalid`` with the reason.
    """
    path = results_dir(directory) / f"{claim_id}.json"
    if not path.exists():
        return ClaimResult(claim_id, "missing", path, reason=f"claim {claim_id} has no result")
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return ClaimResult(claim_id, "invalid", path, reason=f"{path.name} is not readable JSON ({exc})")
    problem = _problem(raw)
    if problem:
        return ClaimResult(claim_id, "invalid", path, reason=f"{path.name}: {problem}")
    stale = is_stale(claim_id, raw) if check_stale else None
    return ClaimResult(claim_id, "ok", path, data=raw, stale=stale)


def read_results(claim_ids: Iterable[str], directory: str | os.PathLike | None = None, *,
                 check_stale: bool = True) -> dict[str, ClaimResult]:
    """:func:`read_result` for each of ``claim_ids``, keyed by claim id."""
    return {cid: read_result(cid, directory, check_stale=check_stale) for cid in dict.fromkeys(claim_ids)}


def from_mapping(claim_id: str, raw: Any) -> ClaimResult:
    """A :class:`ClaimResult` from an in-memory result (a dict as in a result file, or None for missing)."""
    path = Path(f"<memory>/{claim_id}.json")
    if raw is None:
        return ClaimResult(claim_id, "missing", path, reason=f"claim {claim_id} has no result")
    if isinstance(raw, ClaimResult):
        return raw
    if hasattr(raw, "model_dump"):  # an evidence.results.ResultFile
        raw = raw.model_dump(mode="json")
    problem = _problem(raw)
    if problem:
        return ClaimResult(claim_id, "invalid", path, reason=problem)
    return ClaimResult(claim_id, "ok", path, data=raw)
