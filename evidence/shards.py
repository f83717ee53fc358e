"""Split runs: a deterministic share of the evidence per machine, and the merge of the parts into results.

``kvt evidence run --shard I/N`` runs shard I of N and writes one *partial result* per claim it touched
(``<claim>.<venue>.shard-I-of-N.json``: the subjects' results of every run, unjudged, with the provenance of
the machine that ran them); ``kvt evidence merge DIR...`` checks that the parts belong together and judges the
merged runs with the claim's own judge, exactly as an unsplit run is judged (:func:`evidence.runner.judge_runs`),
writing complete result files.

The unit of sharding (what one shard runs whole) keeps every dependency between cells on one machine:

- a claim with several stages is one unit: its stages share the run's working folder, and a later stage may read
  what *any* subject wrote in an earlier one (backend_portability's ``load`` stage reads the models every
  backend's ``train`` stage saved; deployment's ``serve`` stage reads the exports; performance's rounds are
  interleaved so that their timings compare within one machine);
- a claim with one stage is split by subject: each subject's worker reads nothing another subject wrote.

The declared :attr:`~evidence.claim.Claim.stages` decide, not the stages of the mode, so a claim keeps one unit
in quick mode too. Reruns (:attr:`~evidence.claim.Claim.reruns`) happen inside a shard, run by run, and the merge
judges run *i* over the union of the parts' run *i*, then the runs' stability, as :func:`~evidence.runner.run_claim`
does. Units go to shards by a greedy balance of their worker count, largest first, in registry order on ties:
the same code and arguments give the same split on every machine.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evidence.claim import Claim
from evidence.errors import InputError
from evidence.registry import RegistryError, get_claim
from evidence.results import (
    SCHEMA_VERSION,
    Provenance,
    ResultError,
    ResultFile,
    SubjectResult,
    parse_result,
    results_dir,
    validation_message,
    write_result,
    write_text_atomically,
)
from evidence.venue import VENUE_PATTERN, current_venue

_SHARD = re.compile(r"^\s*(\d+)\s*/\s*(\d+)\s*$")
PART_GLOB = "*.shard-*-of-*.json"


class MergeError(InputError):
    """Parts that cannot be merged: unreadable, incomplete, or made by different code, versions or venues."""


@dataclass(frozen=True, order=True)
class Shard:
    """Shard ``index`` of ``count`` (1-based)."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """``"2/3"`` as a :class:`Shard`.

        Raises:
            ValueError: not of the form ``I/N`` with ``1 <= I <= N``.
        """
        match = _SHARD.match(text or "")
        if not match or not 1 <= int(match[1]) <= int(match[2]):
            raise ValueError(f"expected a shard I/N with 1 <= I <= N (such as 2/3); received: {text!r}")
        return cls(int(match[1]), int(match[2]))

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


@dataclass(frozen=True)
class Unit:
    """What one shard runs whole: a claim's subjects (all of them, or one), and how many workers that starts."""

    claim: str
    subjects: tuple[str, ...]
    cells: int


def shard_unit(claim: Claim) -> Literal["claim", "subject"]:
    """``claim`` when the claim's stages share its working folder (several stages), else ``subject``."""
    return "claim" if len(claim.stages) > 1 else "subject"


def units(claims: Sequence[Claim], chosen: dict[str, tuple[str, ...]], *, quick: bool,
          reruns: int | None = None) -> list[Unit]:
    """The units of a run of ``claims`` over their ``chosen`` subjects, in run order."""
    from evidence.runner import planned_cells

    out = []
    for claim in claims:
        subjects = chosen.get(claim.id, ())
        groups = [subjects] if shard_unit(claim) == "claim" else [(s,) for s in subjects]
        out += [Unit(claim.id, g, planned_cells(claim, g, quick=quick, reruns=reruns)) for g in groups if g]
    return out


def assign(all_units: Sequence[Unit], count: int) -> list[int]:
    """The shard (1-based) of each unit: largest first onto the least loaded shard, ties by position."""
    load = [0] * count
    shard_of = [0] * len(all_units)
    for i in sorted(range(len(all_units)), key=lambda i: (-all_units[i].cells, i)):
        target = min(range(count), key=lambda s: (load[s], s))
        load[target] += all_units[i].cells
        shard_of[i] = target + 1
    return shard_of


def select(claims: Sequence[Claim], chosen: dict[str, tuple[str, ...]], shard: Shard, *, quick: bool,
           reruns: int | None = None) -> dict[str, tuple[str, ...]]:
    """For each claim with a unit in ``shard``, the subjects that shard runs (in the claim's order)."""
    all_units = units(claims, chosen, quick=quick, reruns=reruns)
    mine: dict[str, list[str]] = {}
    for unit, where in zip(all_units, assign(all_units, shard.count), strict=True):
        if where == shard.index:
            mine.setdefault(unit.claim, []).extend(unit.subjects)
    return {c.id: tuple(s for s in chosen[c.id] if s in mine[c.id]) for c in claims if c.id in mine}


# -- partial results ---------------------------------------------------------------------------------------------
_CONFIG = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class PartialRun(BaseModel):
    """One of a claim's back-to-back runs, as far as one shard made it."""

    model_config = _CONFIG

    date: str
    """When the shard started that run."""
    duration_s: float
    """Seconds that run took on the shard."""
    subjects: dict[str, SubjectResult]
    """The results of the shard's subjects in that run, unjudged."""


class PartialResult(BaseModel):
    """A shard's part of one claim's result on one venue: merged with the other parts by ``kvt evidence merge``."""

    model_config = _CONFIG

    kind: Literal["partial-result"] = "partial-result"
    """Marks the file as a part, never a result a reader may use."""
    schema_version: Literal[2]
    """The result schema the merge produces."""
    claim: str
    """The claim id."""
    shard: str = Field(pattern=r"^[1-9]\d*/[1-9]\d*$")
    """``I/N``: which shard of how many made it."""
    unit: Literal["claim", "subject"]
    """How the claim was split: whole (its stages share a working folder) or by subject."""
    planned_subjects: list[str]
    """Every subject the whole split runs for the claim; the merged parts must cover exactly these."""
    assigned: list[str]
    """The subjects this shard ran: its share of ``planned_subjects``."""
    code_hash: str
    """The claim's code hash when the part was made; parts of other code are never merged."""
    venue: str = Field(pattern=VENUE_PATTERN)
    """The venue of the machine that made it."""
    reruns: int
    """Back-to-back runs the claim makes."""
    provenance: Provenance
    """Where, when and with what the part was made."""
    runs: list[PartialRun]
    """Each run's subjects, in order."""

    @model_validator(mode="after")
    def _consistent(self) -> PartialResult:
        """A part that cannot belong to any split is refused on read: shard I of N with I > N, an empty plan,
        subjects assigned outside the plan, no run."""
        index, count = (int(x) for x in self.shard.split("/"))
        if index > count:
            raise ValueError(f"shard {self.shard}: expected I/N with 1 <= I <= N")
        if not self.planned_subjects:
            raise ValueError("planned_subjects is empty: a split runs at least one subject")
        outside = [s for s in self.assigned if s not in self.planned_subjects]
        if outside:
            raise ValueError(f"assigned subjects outside the plan: {', '.join(outside)[:120]}")
        if self.reruns < 1:
            raise ValueError(f"reruns {self.reruns}: expected at least 1")
        return self

    @property
    def mode(self) -> str:
        """``quick`` or ``full``."""
        return self.provenance.mode


def part_path(directory: Path, claim_id: str, venue: str, shard: Shard) -> Path:
    """Where shard ``shard``'s part of ``claim_id`` on ``venue`` goes in ``directory``."""
    return directory / f"{claim_id}.{venue}.shard-{shard.index}-of-{shard.count}.json"


def run_shard(claim_ids: Sequence[str], shard: Shard, *, quick: bool, subjects: Sequence[str] | None = None,
              results_dir_: Path | None = None, timeout_s: float | None = None, report=None,
              reruns: int | None = None) -> list[tuple[PartialResult, Path]]:
    """Run shard ``shard`` of ``claim_ids`` and write one partial result per claim it touched; the parts."""
    import time

    from evidence.runner import clean_leftovers, collect_runs, resolve_reruns, run_provenance, select_subjects

    claims = [get_claim(cid) for cid in claim_ids]
    chosen = select_subjects(claims, subjects)
    clean_leftovers(results_dir_)
    mine = select(claims, chosen, shard, quick=quick, reruns=reruns)
    out = []
    for claim in claims:
        if claim.id not in mine:
            continue
        start = time.perf_counter()
        runs = collect_runs(claim, quick=quick, subjects=mine[claim.id], timeout_s=timeout_s, report=report,
                            reruns=reruns)
        ran = [s for s in mine[claim.id] if any(s in r.subjects for r in runs)]
        prov = run_provenance(claim, quick=quick, duration_s=time.perf_counter() - start, subjects_run=ran,
                              subjects=mine[claim.id])
        part = PartialResult(
            schema_version=SCHEMA_VERSION, claim=claim.id, shard=str(shard), unit=shard_unit(claim),
            planned_subjects=list(chosen[claim.id]), assigned=list(mine[claim.id]), code_hash=claim.code_hash(),
            venue=current_venue(prov.gpu, prov.cpu_count), reruns=resolve_reruns(claim, quick=quick, reruns=reruns),
            provenance=prov,
            runs=[PartialRun(date=r.date, duration_s=r.duration_s, subjects=r.subjects) for r in runs],
        )
        path = part_path(results_dir(results_dir_), claim.id, part.venue, shard)
        write_text_atomically(path, part.model_dump_json(indent=2) + "\n")
        out.append((part, path))
    return out


# -- merging -----------------------------------------------------------------------------------------------------
def load_parts(sources: Sequence[str | os.PathLike]) -> list[tuple[PartialResult, str]]:
    """Every part in ``sources`` (folders holding ``*.shard-I-of-N.json`` files, or such files), with its path.

    Raises:
        MergeError: a source that does not exist, holds no part, or a part that does not validate.
    """
    from evidence.guarded import GuardedReadError, check_path, expand, list_dir, read_json

    files: list[Path] = []
    try:
        for source in sources:
            path = expand(source, "part")
            if os.path.isdir(path):
                found = [p for p in list_dir(path, "parts folder") if p.match(PART_GLOB)]
                if not found:
                    raise MergeError(f"{path}: no partial results (*.shard-I-of-N.json) in this folder")
                files += found
            else:
                check_path(path, "part")  # a FIFO, a device, a dangling link: refused before it is opened
                files.append(path)
    except GuardedReadError as exc:
        raise MergeError(str(exc)) from None
    parts = []
    for path in dict.fromkeys(files):
        try:
            raw = read_json(path, "part", "part", nonfinite=True)
        except GuardedReadError as exc:
            raise MergeError(str(exc)) from None
        if not isinstance(raw, dict) or raw.get("kind") != "partial-result":
            raise MergeError(f"{path}: not a partial result (no \"kind\": \"partial-result\")")
        try:
            parts.append((PartialResult.model_validate(raw), str(path)))
        except ValidationError as exc:
            raise MergeError(f"{path}: does not match the partial-result schema: {validation_message(exc)}") from None
    return parts


def _one(parts: list[tuple[PartialResult, str]], what: str, key) -> None:
    """Raise :class:`MergeError` when ``key(part)`` differs between parts; the message shows two that differ."""
    seen: dict[str, str] = {}
    for part, source in parts:
        seen.setdefault(json.dumps(key(part), sort_keys=True, default=str), source)
    if len(seen) > 1:
        (a, pa), (b, pb) = list(seen.items())[:2]
        raise MergeError(f"parts of {parts[0][0].claim} were made by {what}: {_short(a)} in {pa}, "
                         f"{_short(b)} in {pb}")


def _short(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _versions_differ(parts: list[tuple[PartialResult, str]]) -> None:
    (first, fsrc) = parts[0]
    for part, src in parts[1:]:
        a, b = first.provenance, part.provenance
        if a.python != b.python:
            raise MergeError(f"parts of {first.claim} ran different versions: Python {a.python} in {fsrc}, "
                             f"{b.python} in {src}")
        for name in sorted(set(a.packages) | set(b.packages)):
            if a.packages.get(name) != b.packages.get(name):
                raise MergeError(f"parts of {first.claim} ran different versions: {name} {a.packages.get(name)} "
                                 f"in {fsrc}, {b.packages.get(name)} in {src}")


def _check_group(claim: Claim, parts: list[tuple[PartialResult, str]]) -> None:
    """Refuse parts of one claim and venue that do not make one run (see :func:`merge`)."""
    _one(parts, "different code (code hash)", lambda p: p.code_hash[:12])
    current = claim.code_hash()
    if parts[0][0].code_hash != current:
        raise MergeError(f"parts of {claim.id} were made by code {parts[0][0].code_hash[:12]} ({parts[0][1]}), "
                         f"this checkout's is {current[:12]}: merge them with the code that made them")
    _versions_differ(parts)
    _one(parts, "different modes", lambda p: p.mode)
    _one(parts, "different numbers of runs", lambda p: p.reruns)
    _one(parts, "different worker settings", lambda p: p.provenance.environment)
    _one(parts, "splits into different numbers of shards", lambda p: int(p.shard.split("/")[1]))
    _one(parts, "different subject selections", lambda p: p.planned_subjects)
    seen: dict[str, str] = {}
    for part, source in parts:
        if part.shard in seen:
            raise MergeError(f"shard {part.shard} of {claim.id} is given twice: {seen[part.shard]}, {source}")
        seen[part.shard] = source
        if len(part.runs) != part.reruns:
            raise MergeError(f"{source}: holds {len(part.runs)} runs of {claim.id}, expected {part.reruns}")
    owner: dict[str, str] = {}
    for part, source in parts:
        for subject in part.assigned:
            if subject in owner:
                raise MergeError(f"subject {subject} of {claim.id} is in two parts: {owner[subject]}, {source}")
            owner[subject] = source


def _merge_group(claim: Claim, parts: list[tuple[PartialResult, str]]) -> ResultFile:
    """One result from the checked parts of one claim and venue, judged by the claim's judge."""
    from evidence.runner import Judged, RunRecord, assemble_result, judge_runs

    order = parts[0][0].planned_subjects
    runs = []
    for i in range(parts[0][0].reruns):
        pieces = [p.runs[i] for p, _ in parts]
        subjects = {s: r for piece in pieces for s, r in piece.subjects.items()}
        runs.append(RunRecord(date=min(p.date for p in pieces), duration_s=round(sum(p.duration_s for p in pieces), 3),
                              subjects={s: subjects[s] for s in order if s in subjects}))
    quick = parts[0][0].mode == "quick"
    try:
        judged: Judged = judge_runs(claim, runs, quick=quick)
    except Exception as exc:  # the claim's judge on data it was never meant to see: say so in one line
        raise MergeError(f"the judge of {claim.id} failed on the merged parts: {type(exc).__name__}: {exc}") from None
    return assemble_result(claim, judged, _merged_provenance([p for p, _ in parts], order))


def _merged_provenance(parts: list[PartialResult], order: list[str]) -> Provenance:
    """The provenance of merged parts: versions, mode and settings are the parts' (checked equal); the date is the
    last part's, the duration the parts' sum (machine time), machine descriptions that differ are joined."""
    latest = max(parts, key=lambda p: p.provenance.date).provenance

    def joined(name: str) -> str:
        return " | ".join(dict.fromkeys(getattr(p.provenance, name) for p in parts))

    ran = {s for p in parts for s in p.provenance.subjects_run}
    return latest.model_copy(update={
        "duration_s": round(sum(p.provenance.duration_s for p in parts), 2),
        "platform": joined("platform"),
        "cpu_model": joined("cpu_model"),
        "git_dirty": any(p.provenance.git_dirty for p in parts) or len({p.provenance.git_commit for p in parts}) > 1,
        "subjects_run": [s for s in order if s in ran],
    })


def merge(sources: Sequence[str | os.PathLike], results_dir_: Path | None = None) -> list[tuple[ResultFile, Path]]:
    """Merge the parts in ``sources`` into complete result files in ``results_dir_``; what was written.

    Parts are grouped by claim and venue. A group is merged only when its parts were made by the claim's current
    code (one code hash), with the same Python and package versions, mode, runs and worker settings, from one
    split (one shard count, one subject selection), and together cover every planned subject exactly once.
    Every group is checked before anything is written, so a refused merge writes nothing.

    Raises:
        MergeError: the one-line reason of the first group that cannot be merged.
    """
    parts = load_parts(sources)
    groups: dict[tuple[str, str], list[tuple[PartialResult, str]]] = {}
    for part, source in parts:
        groups.setdefault((part.claim, part.venue), []).append((part, source))
    merged = []
    for (claim_id, venue), group in groups.items():
        try:
            claim = get_claim(claim_id)
        except RegistryError as exc:
            raise MergeError(f"{group[0][1]}: {exc}") from None
        _check_group(claim, group)
        covered = {s for p, _ in group for s in p.assigned}
        missing = [s for s in group[0][0].planned_subjects if s not in covered]
        if missing:
            elsewhere = {v: [p.shard for p, _ in g] for (c, v), g in groups.items() if c == claim_id and v != venue
                         if set(missing) & {s for p, _ in g for s in p.assigned}}
            if elsewhere:
                raise MergeError(f"parts of {claim_id} come from different venues ({venue}: shard(s) "
                                 f"{', '.join(p.shard for p, _ in group)}; "
                                 + "; ".join(f"{v}: shard(s) {', '.join(s)}" for v, s in elsewhere.items())
                                 + "): each venue's parts must cover every subject")
            shards = ", ".join(sorted(p.shard for p, _ in group))
            raise MergeError(f"{claim_id} on {venue} lacks subject(s) {', '.join(missing)}: only shard(s) {shards} "
                             f"of {group[0][0].shard.split('/')[1]} were given")
        merged.append(_merge_group(claim, group))
    for result in merged:  # what write_result checks, for every result before the first is written
        try:
            parse_result(json.loads(result.model_dump_json()), result.claim.id, f"merged result of {result.claim.id}")
        except ResultError as exc:
            raise MergeError(str(exc)) from None
    try:
        return [(result, write_result(result, results_dir_)) for result in merged]
    except ResultError as exc:
        raise MergeError(str(exc)) from None
