"""The drift report: what changed between two sets of results (``kvt evidence diff OLD NEW``).

Each side is a results folder or a git revision (``HEAD``, ``HEAD~3``, ``HEAD~3:evidence/results``; a revision
without a path means ``evidence/results``). Results are paired by claim and venue and compared generically,
without a line of claim-specific code:

- the verdict, the mode (quick/full), and the result itself (appeared, vanished, older schema); a claim with one
  venue on each side, not the same one, is compared across them behind a ``venue`` row;
- subjects that appeared, vanished or changed status;
- the assessment, field by field: an :class:`~evidence.contract.Interval` *moved* when the old and new intervals
  do not overlap (the number moved beyond its own measured spread); a whole number or a text (a status, an error
  type) changed when it differs; a fractional number with no interval of its own changed when it differs by more
  than a relative tolerance (``--rtol``, 5% by default), since no spread was measured to tell noise from change;
  fields and list items that appeared or vanished;
- the framework versions of the provenance (one row per package and change, naming the claims).

Old results are read with their own layout (the assessment as stored, not as today's claim code declares it), so
a revision made before an assessment changed can still be compared; a file that is not a result at all is bad
input. The tables are built with pandas, imported only here and only when a report is printed.
"""

from __future__ import annotations

import json
import math
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ConfigDict, ValidationError

from evidence.contract import Assessment
from evidence.errors import InputError
from evidence.provenance import PROJECT_ROOT
from evidence.results import SCHEMA_VERSION, ResultFile, validation_message

DEFAULT_PATH = "evidence/results"
_RESULT = re.compile(r"^(?P<claim>[A-Za-z0-9_]+)\.(?P<venue>(cpu|gpu)-[a-z0-9][a-z0-9-]*)\.json$")
_LEGACY = re.compile(r"^(?P<claim>[A-Za-z0-9_]+)\.json$")
_INTERVAL_KEYS = {"estimate", "low", "high"}
#: The order kinds are counted in, in the summary line.
KINDS = ("version", "result", "venue", "schema", "verdict", "mode", "subject", "status", "moved", "changed", "field")


class DriftError(InputError):
    """Bad input: a folder or revision that does not exist, or a file that is not a result."""


class _Stored(Assessment):
    """An assessment as stored, whatever the claim's code declares today (the diff compares it generically)."""

    model_config = ConfigDict(extra="allow", frozen=True)


@dataclass(frozen=True)
class Stored:
    """What the diff reads of one result file."""

    claim: str
    venue: str | None
    verdict: str
    schema: int
    mode: str | None = None
    subjects: dict[str, str] = field(default_factory=dict)
    packages: dict[str, str | None] = field(default_factory=dict)
    python: str | None = None
    assessment: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    """One side of a diff: its label and its results by (claim, venue); a schema-1 file has venue None."""

    label: str
    results: dict[tuple[str, str | None], Stored]


@dataclass(frozen=True)
class Change:
    """One row of the drift report."""

    claim: str
    venue: str
    kind: str
    where: str
    old: str
    new: str


# -- reading -----------------------------------------------------------------------------------------------------
def _git(*args: str) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError) as exc:
        raise DriftError(f"git cannot be run here ({exc})") from None


def _files_at(spec: str) -> Iterator[tuple[str, str]]:
    """(name, text) of every file in the results folder or git tree ``spec``."""
    from evidence.guarded import GuardedReadError, expand, list_dir, read_text

    try:
        folder = expand(spec, "results")
        if folder.is_dir():
            for path in list_dir(folder, "results folder"):
                if path.suffix == ".json" and (_RESULT.match(path.name) or _LEGACY.match(path.name)):
                    # a FIFO, a device or a dangling link named like a result is refused, never read or skipped
                    yield path.name, read_text(path, "result file", "result")
            return
    except GuardedReadError as exc:
        raise DriftError(str(exc)) from None
    if os.path.lexists(folder):
        kind = "a file" if os.path.isfile(folder) else "not a folder"
        raise DriftError(f"{spec}: {kind}; expected a results folder or a git revision")
    rev, _, sub = spec.partition(":")
    sub = sub.strip("/") or DEFAULT_PATH
    if not rev or _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode != 0:
        raise DriftError(f"{spec}: no such folder, and {rev!r} is not a git revision of {PROJECT_ROOT}")
    listing = _git("ls-tree", "--name-only", f"{rev}:{sub}")
    if listing.returncode != 0:
        raise DriftError(f"{spec}: revision {rev} has no folder {sub}")
    for name in listing.stdout.split():
        if name.endswith(".json"):
            shown = _git("show", f"{rev}:{sub}/{name}")
            if shown.returncode == 0:  # a sub-folder named *.json is not a file
                yield name, shown.stdout


def _parse(name: str, text: str, where: str, check: bool = False) -> Stored | None:
    """The result in file ``name``; None for a file that is no result (a manifest, a partial result). With
    ``check``, a result is also read as its claim's typed result and refused unless its verdict follows from its
    assessment (:func:`evidence.results.check_integrity`), as readers that show verdicts need."""
    result_name, legacy_name = _RESULT.match(name), _LEGACY.match(name)
    if not (result_name or legacy_name):
        return None
    source = f"{where}/{name}"
    from evidence.guarded import GuardedReadError, parse_json

    try:
        raw = parse_json(text, source, nonfinite=True)
    except GuardedReadError as exc:
        raise DriftError(str(exc)) from None
    if not isinstance(raw, dict):
        raise DriftError(f"{source}: not a result file (a JSON {type(raw).__name__})")
    if raw.get("kind") == "partial-result" or (legacy_name and "schema_version" not in raw):
        return None  # a manifest or a part of a split run, not a result
    version = raw.get("schema_version")
    if version != SCHEMA_VERSION:
        if isinstance(version, int) and version < SCHEMA_VERSION and isinstance(raw.get("verdict"), str):
            claim = (raw.get("claim") or {}).get("id") if isinstance(raw.get("claim"), dict) else None
            return Stored(claim=claim or name.split(".")[0], venue=None, verdict=raw["verdict"], schema=version)
        raise DriftError(f"{source}: schema_version {version!r}, expected {SCHEMA_VERSION}")
    try:
        result = ResultFile[_Stored].model_validate(raw)
    except ValidationError as exc:
        raise DriftError(f"{source}: not a valid result: {validation_message(exc, limit=2)}") from None
    if result_name and (result.claim.id, result.venue) != (result_name["claim"], result_name["venue"]):
        raise DriftError(f"{source}: holds {result.claim.id} on {result.venue}, not what its name says")
    if check:
        from evidence.results import ResultError, check_integrity, parse_result

        try:
            check_integrity(parse_result(raw, result.claim.id, source), source)
        except ResultError as exc:
            raise DriftError(str(exc)) from None
    return Stored(claim=result.claim.id, venue=result.venue, verdict=result.verdict, schema=SCHEMA_VERSION,
                  mode=result.provenance.mode, subjects={s: r.status for s, r in result.subjects.items()},
                  packages=dict(result.provenance.packages), python=result.provenance.python,
                  assessment=result.assessment.model_dump(mode="json"))


def load_source(spec: str, *, check: bool = False) -> Source:
    """The results of a folder or a git revision (see the module docstring); with ``check``, each result's verdict
    must follow from its assessment (see :func:`_parse`).

    Raises:
        DriftError: the folder or revision does not exist, or a result file in it is malformed.
    """
    results: dict[tuple[str, str | None], Stored] = {}
    for name, text in _files_at(spec):
        stored = _parse(name, text, spec.rstrip("/"), check)
        if stored is not None:
            results[(stored.claim, stored.venue)] = stored
    return Source(label=spec, results=results)


# -- comparing ---------------------------------------------------------------------------------------------------
def _is_interval(value: Any) -> bool:
    return isinstance(value, dict) and _INTERVAL_KEYS <= set(value) <= _INTERVAL_KEYS | {"level", "method"}


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def fmt(value: Any, limit: int = 80) -> str:
    """A value as a short text: an interval as ``estimate [low, high]``, numbers to 4 significant digits."""
    if value is None:
        text = "—"
    elif _is_interval(value):
        text = f"{fmt(value['estimate'])} [{fmt(value['low'])}, {fmt(value['high'])}]"
    elif isinstance(value, float):
        text = f"{value:.4g}"
    elif isinstance(value, str):
        text = value
    else:
        text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _walk(old: Any, new: Any, where: str, rtol: float) -> Iterator[tuple[str, str, Any, Any]]:
    """(kind, where, old, new) for every difference between two stored assessments (or parts of them)."""
    if _is_interval(old) and _is_interval(new):
        if old["high"] < new["low"] or new["high"] < old["low"]:
            yield "moved", where, old, new
        return
    if isinstance(old, dict) and isinstance(new, dict):
        for key in list(old) + [k for k in new if k not in old]:
            path = f"{where}.{key}" if where else str(key)
            if key not in new:
                yield "field", path, old[key], None
            elif key not in old:
                yield "field", path, None, new[key]
            else:
                yield from _walk(old[key], new[key], path, rtol)
        return
    if isinstance(old, list) and isinstance(new, list):
        if len(old) == len(new):
            for i, (a, b) in enumerate(zip(old, new, strict=True)):
                yield from _walk(a, b, f"{where}[{i}]", rtol)
            return
        scalars = all(not isinstance(v, dict | list) for v in old + new)
        if scalars:
            gone, came = [v for v in old if v not in new], [v for v in new if v not in old]
            yield "field", where, gone or None, came or None
        else:
            yield "changed", where, f"{len(old)} items", f"{len(new)} items"
        return
    if _is_number(old) and _is_number(new) and not (isinstance(old, int) and isinstance(new, int)):
        if math.isnan(old) and math.isnan(new):
            return
        if abs(old - new) > rtol * max(abs(old), abs(new)):
            yield "changed", where, old, new
        return
    if old != new:
        yield ("status" if where.rsplit(".", 1)[-1] == "status" else "changed"), where, old, new


def _compare_pair(o: Stored, n: Stored, venue: str, rtol: float) -> Iterator[Change]:
    if o.verdict != n.verdict:
        yield Change(o.claim, venue, "verdict", "", o.verdict, n.verdict)
    if o.schema != n.schema:
        yield Change(o.claim, venue, "schema", "", f"schema {o.schema}", f"schema {n.schema}")
        return  # an older layout: nothing more is comparable field by field
    if o.mode != n.mode:
        yield Change(o.claim, venue, "mode", "", fmt(o.mode), fmt(n.mode))
    for subject in list(o.subjects) + [s for s in n.subjects if s not in o.subjects]:
        before, after = o.subjects.get(subject), n.subjects.get(subject)
        if before != after:
            yield Change(o.claim, venue, "subject", f"subjects.{subject}", fmt(before), fmt(after))
    for kind, where, before, after in _walk(o.assessment, n.assessment, "", rtol):
        yield Change(o.claim, venue, kind, where, fmt(before), fmt(after))


def _versions(pairs: list[tuple[Stored, Stored]]) -> list[Change]:
    """One row per package and change across the compared pairs, naming the claims (``all`` when every one)."""
    seen: dict[tuple[str, str, str], tuple[list[str], list[str]]] = {}
    for o, n in pairs:
        changed = {name: (o.packages.get(name), n.packages.get(name))
                   for name in list(o.packages) + [p for p in n.packages if p not in o.packages]}
        changed["python"] = (o.python, n.python)
        for name, (before, after) in changed.items():
            if before != after:
                claims, venues = seen.setdefault((name, fmt(before), fmt(after)), ([], []))
                claims.append(o.claim)
                venues.append(n.venue or "")
    every = {o.claim for o, _ in pairs}
    return [Change("all" if set(claims) == every and len(every) > 1 else ", ".join(dict.fromkeys(claims)),
                   ", ".join(dict.fromkeys(venues)), "version", name, before, after)
            for (name, before, after), (claims, venues) in seen.items()]


def _cross_venue(old: Source, new: Source, keys: list[tuple[str, str]]) -> list[tuple[str, str, str]]:
    """(claim, old venue, new venue) for each claim that has one venue on each side, and not the same one.

    Such results are compared across venues (a CI runner against the committed machine) behind a ``venue`` row,
    rather than listed as one vanished and one appeared: its numbers then hold for another machine.
    """
    out = []
    for claim in dict.fromkeys(c for c, _ in keys):
        before = [v for c, v in old.results if c == claim and v is not None]
        after = [v for c, v in new.results if c == claim and v is not None]
        if len(before) == len(after) == 1 and before != after:
            out.append((claim, before[0], after[0]))
    return out


def compare(old: Source, new: Source, *, rtol: float = 0.05, claims: list[str] | None = None) -> list[Change]:
    """Every change from ``old`` to ``new`` (``claims`` only, when given): version rows first, then each
    claim's in claim and venue order."""
    def keep(claim: str) -> bool:
        return claims is None or claim in claims

    rows: list[Change] = []
    pairs: list[tuple[Stored, Stored]] = []
    legacy_old = {c: s for (c, v), s in old.results.items() if v is None}
    legacy_new = {c: s for (c, v), s in new.results.items() if v is None}
    keys = sorted({k for k in (*old.results, *new.results) if k[1] is not None and keep(k[0])})
    for claim, old_venue, new_venue in _cross_venue(old, new, keys):
        o, n = old.results[(claim, old_venue)], new.results[(claim, new_venue)]
        rows.append(Change(claim, new_venue, "venue", "", old_venue, new_venue))
        rows += _compare_pair(o, n, new_venue, rtol)
        pairs.append((o, n))
        keys = [k for k in keys if k not in ((claim, old_venue), (claim, new_venue))]
    for claim, venue in keys:
        o = old.results.get((claim, venue)) or legacy_old.pop(claim, None)
        n = new.results.get((claim, venue)) or legacy_new.pop(claim, None)
        if o is None:
            rows.append(Change(claim, venue, "result", "", "—", f"appeared ({n.verdict})"))
        elif n is None:
            rows.append(Change(claim, venue, "result", "", f"vanished (was {o.verdict})", "—"))
        else:
            rows += _compare_pair(o, n, venue, rtol)
            if o.schema == n.schema == SCHEMA_VERSION:
                pairs.append((o, n))
    for claim in sorted(set(legacy_old) | set(legacy_new)):
        if not keep(claim):
            continue
        o, n = legacy_old.get(claim), legacy_new.get(claim)
        if o and n:
            rows += _compare_pair(o, n, "—", rtol)
        else:
            rows.append(Change(claim, "—", "result", "", f"vanished (was {o.verdict})" if o else "—",
                               "—" if o else f"appeared ({n.verdict})"))
    return _versions(pairs) + rows


# -- reporting ---------------------------------------------------------------------------------------------------
def counts(changes: list[Change]) -> dict[str, int]:
    """How many changes of each kind, in :data:`KINDS` order."""
    found = {k: sum(1 for c in changes if c.kind == k) for k in KINDS}
    return {k: v for k, v in found.items() if v}


def headline(changes: list[Change], old: str, new: str) -> str:
    """One line: how many changes of which kinds from ``old`` to ``new``."""
    if not changes:
        return f"No drift from {old} to {new}."
    return (f"{len(changes)} change(s) from {old} to {new}: "
            + ", ".join(f"{n} {kind}" for kind, n in counts(changes).items()) + ".")


def frame(changes: list[Change]):
    """The changes as a pandas DataFrame (columns claim, venue, kind, where, old, new)."""
    import pandas as pd

    return pd.DataFrame([asdict(c) for c in changes], columns=["claim", "venue", "kind", "where", "old", "new"])


def _markdown(df) -> str:
    """A DataFrame as a GitHub-flavoured Markdown table (cells' pipes escaped)."""
    from evidence.tables import escape_cell, markdown_table

    return markdown_table(list(df.columns), df.itertuples(index=False), escape_cell)


def render(changes: list[Change], fmt_: str, old: str, new: str) -> str:
    """The report as ``table`` (plain text), ``markdown`` (for a pull request) or ``json``."""
    if fmt_ == "json":
        return json.dumps({"old": old, "new": new, "counts": counts(changes),
                           "changes": [asdict(c) for c in changes]}, indent=2)
    line = headline(changes, old, new)
    if fmt_ == "markdown":
        body = f"\n\n{_markdown(frame(changes))}" if changes else ""
        return f"### Evidence drift: `{old}` → `{new}`\n\n{line}{body}"
    if not changes:
        return line
    df = frame(changes)
    for column in df.columns:  # text reads best left-aligned; pandas right-aligns values
        width = max(len(column), int(df[column].str.len().max()))
        df[column] = df[column].str.ljust(width)
    return line + "\n\n" + df.to_string(index=False, justify="left")
