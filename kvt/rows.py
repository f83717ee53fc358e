"""What ``kvt claims`` and ``kvt evidence show`` share: one summary row per claim read from its result files, the
verdict in words, and the checks of claim names and of the results folder (bad input exits 2, never a traceback).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from kvt.usage import UsageError, warn


def claim_rows(claim_ids: list[str], results_dir: Path | None) -> list[dict[str, Any]]:
    """One summary per claim (its first venue): id, title, dimension, verdict, summary, venue, stale flag,
    provenance, findings, reruns, subjects, and the other venues it has results for.

    A claim with no result has verdict ``not run``; a result that cannot be used (another schema, a field that
    fails validation) has verdict ``invalid`` and the reason in ``summary``. A claim's title comes from its result
    (the claim as declared when it ran), so showing results imports no claim; the claim's declarations are
    imported only for a claim without a usable result. A row read before from the same files by the same code
    comes from :mod:`kvt.row_cache` (no validation or judging imported).
    """
    from kvt import row_cache

    where = row_cache.folder(results_dir)
    rows = []
    for cid in claim_ids:
        cache_key = row_cache.key(cid, results_dir) if where is not None else None
        row = row_cache.get(cid, cache_key, where)
        if row is None:
            # JSON and back, so that a row read now and the same row read from the cache later are alike
            row = json.loads(json.dumps(_read_row(cid, results_dir), default=str))
            row_cache.put(cache_key, where, row)
        rows.append(row)
    return rows


def _read_row(cid: str, results_dir: Path | None) -> dict[str, Any]:
    """The row of :func:`claim_rows` for ``cid``, read, validated and judged from its result files."""
    from evidence.registry import get_claim
    from evidence.results import ResultError, is_stale, load_venues

    def declared(cid: str) -> dict[str, Any]:
        claim = get_claim(cid)
        return {"id": cid, "title": claim.title, "dimension": claim.dimension, "statement": claim.statement}

    try:
        found = load_venues(cid, results_dir)
    except ResultError as exc:
        row = declared(cid)
        row.update(verdict="invalid", summary=str(exc), venue=None, stale=None, provenance=None, subjects={},
                   venues={})
        return row
    if not found:
        row = declared(cid)
        row.update(verdict="not run", summary=f"no result yet: run `kvt evidence run {cid}`", venue=None,
                   stale=None, provenance=None, subjects={}, venues={})
        return row
    venue, result = next(iter(found.items()))
    row = {"id": cid, "title": result.claim.title, "dimension": result.claim.dimension,
           "statement": result.claim.statement}
    row.update(
        verdict=result.verdict,
        summary=result.summary,
        venue=venue,
        machine_dependent=result.claim.machine_dependent,
        stale=is_stale(result),
        provenance=result.provenance.model_dump(),
        findings=result.findings,
        reruns=[r.verdict for r in result.reruns],
        subjects={s: {"status": r.status, "reason": r.reason} for s, r in result.subjects.items()},
        venues={v: r.verdict for v, r in found.items()},
    )
    return row


def verdict_text(row: dict[str, Any]) -> str:
    """The verdict of a :func:`claim_rows` row with its venue, stability and staleness in words."""
    text = row["verdict"]
    if row.get("venue") and row.get("machine_dependent") is False:
        text += " (on any machine)"  # the claim reads files: its venue is where it ran, not what it holds for
    elif row.get("venue"):
        text += f" on {row['venue']}"
    reruns = row.get("reruns") or []
    if len(set(reruns)) == 1:
        text += f" (same in {len(reruns)} runs)"
    elif reruns:
        text += f" (changed across {len(reruns)} runs)"
    others = {v: verdict for v, verdict in (row.get("venues") or {}).items() if v != row.get("venue")}
    if others:
        text += "; " + ", ".join(f"{verdict} on {v}" for v, verdict in others.items())
    if row.get("stale"):
        text += " (stale)"
    return text


def resolve_claims(names: list[str] | None) -> list[str]:
    """``names`` (every registered claim when empty), checked against the registry.

    Raises:
        UsageError: an unknown claim, or a claim module that cannot be loaded.
    """
    from evidence.registry import CLAIM_MODULES, RegistryError, claim_ids, get_claim

    try:
        names = names or claim_ids()
        for name in names:
            if name not in CLAIM_MODULES:  # an unknown id, or an outside claim whose module may be mistyped
                get_claim(name)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    return list(dict.fromkeys(names))


def readable_results(directory: Path | None) -> None:
    """Refuse a results folder that is missing, not a folder or unreadable (exit 2, as ``kvt advise`` does), and
    say on stderr what it holds that no reader uses (a misnamed result, a dangling link) instead of skipping it.

    Raises:
        UsageError: the folder cannot be read.
    """
    from evidence.result_files import ResultError, folder_notes, holds_results, results_dir

    try:
        notes = folder_notes(directory)
        found = holds_results(directory)
    except ResultError as exc:
        raise UsageError(str(exc)) from None
    if not found:  # refused before any note is printed: one line
        raise UsageError(f"results folder {results_dir(directory)} holds no result file (<claim>.<venue>.json): run "
                         "`kvt evidence run` into it, or name another with --results-dir")
    for note in notes:
        warn(note)


def writable_folder(directory: Path | None, flag: str) -> None:
    """Refuse ``directory`` (where results will be written) when it exists but is not a folder (``/dev/null``, a
    file, a dangling link) or cannot be written; a missing folder is created by the write.

    Raises:
        UsageError: it cannot take result files.
    """
    import os

    from evidence.guarded import GuardedReadError, check_path, expand
    from evidence.results import results_dir

    folder = results_dir(directory)
    try:
        folder = expand(folder, flag)
        if os.path.lexists(folder):
            check_path(folder, flag, expect="dir")
            if not os.access(folder, os.W_OK | os.X_OK):
                raise UsageError(f"{flag} {folder}: cannot write into this folder (permission denied)")
    except GuardedReadError as exc:
        raise UsageError(str(exc)) from None
