"""The runner: every (claim, stage, subject) cell in its own worker process, then judge and write the result.

Each worker runs with ``KERAS_BACKEND`` set for its subject, in its own session (so a timeout kills the whole
process group) and with a parent-death signal (so a runner killed with SIGKILL takes its worker with it).
A worker with its children is held under a memory cap (``KVT_WORKER_MEMORY_GIB``, 12 GiB by default: issue 27).
A subject whose framework is missing is ``unavailable``; a worker that crashes, times out or passes the memory cap
is ``failed`` with the tail of its stderr; the run goes on either way. Result files are written atomically once a
claim is done.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence import provenance, releases
from evidence.claim import Claim
from evidence.contract import Assessment, SubjectResult, Verdict
from evidence.errors import InputError
from evidence.processes import run_process
from evidence.registry import get_claim
from evidence.result_model import SCHEMA_VERSION, ClaimInfo, Provenance, Rerun, ResultFile
from evidence.results import results_dir as results_dir_
from evidence.results import stability, write_result  # the rule lives with the results, whose readers recompute it
from evidence.settings import worker_memory_bytes
from evidence.venue import current_venue
from evidence.worker import CellOutcome

#: Settings every worker runs with, recorded in every result. TensorFlow's oneDNN policy is left at its
#: default (on for x86 CPUs with AVX-512 VNNI/BF16 or AMX): switching it off would measure a non-default
#: engine. Its start-up notice ignores TF_CPP_MIN_LOG_LEVEL, so it is filtered out of the worker's stderr
#: instead (:func:`evidence.errors.filter_noise`).
WORKER_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "PYTHONHASHSEED": "0",
    "PYTHONUNBUFFERED": "1",
}
#: Settings of the caller's environment that a worker must not inherit, since they change the engine measured.
WORKER_ENV_REMOVED = ("TF_ENABLE_ONEDNN_OPTS",)


class UnknownSubjectError(InputError):
    """A subject that none of the selected claims measures."""


def worker_env(claim: Claim, subject: str) -> dict[str, str]:
    """The environment of the worker of ``subject``: ours, the fixed settings, and its ``KERAS_BACKEND``."""
    env = {k: v for k, v in os.environ.items() if k not in WORKER_ENV_REMOVED}
    env.update(WORKER_ENV)
    backend = claim.keras_backend(subject)
    if backend is None:
        env.pop("KERAS_BACKEND", None)
    else:
        env["KERAS_BACKEND"] = backend
    # The project root goes last, so that a PYTHONPATH given by the caller (a test hiding a framework) wins.
    root = str(provenance.PROJECT_ROOT)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (os.environ.get("PYTHONPATH"), root) if p)
    return env


def run_cell(
    claim: Claim, subject: str, stage: str, *, quick: bool, workdir: Path, timeout_s: float
) -> CellOutcome:
    """Run one worker and turn whatever happened to it into a :class:`CellOutcome`.

    Under a release set (:func:`evidence.releases.active`) a subject that needs a framework the set lacks is
    ``unavailable`` without a worker, and a worker that dies on an API the release lacks is ``unavailable`` too.
    """
    release = releases.active()
    if release is not None and (why := release.unavailable_reason(claim, subject)):
        return CellOutcome("unavailable", why)
    outcome = _run_worker(claim, subject, stage, quick=quick, workdir=workdir, timeout_s=timeout_s)
    return release.explain(outcome) if release is not None else outcome


def _run_worker(claim: Claim, subject: str, stage: str, *, quick: bool, workdir: Path,
                timeout_s: float) -> CellOutcome:
    repeats = claim.repeats[0 if quick else 1]
    cell_dir = Path(tempfile.mkdtemp(prefix=f"{subject}-{stage}-", dir=workdir))
    out = cell_dir / "out.json"
    cmd = [
        sys.executable, "-m", "evidence.worker", claim.id, subject, stage,
        "--workdir", str(workdir), "--out", str(out),
        "--repeats", str(repeats), "--warmup", str(claim.warmup),
    ] + (["--quick"] if quick else [])
    proc = run_process(cmd, timeout_s=timeout_s, cwd=cell_dir, env=worker_env(claim, subject),
                       stdout=cell_dir / "stdout.txt", stderr=cell_dir / "stderr.txt",
                       memory_cap_bytes=worker_memory_bytes())
    peak = proc.peak_rss_bytes
    if proc.timed_out:
        return CellOutcome("failed", f"timed out after {timeout_s:.0f} s and was killed", proc.stderr_tail,
                           proc.duration_s, peak_rss_bytes=peak)
    if proc.over_memory:  # its last stderr line is whatever it was doing when killed: the tail keeps it
        return CellOutcome("failed", f"worker {proc.how()}", proc.stderr_tail, proc.duration_s, peak_rss_bytes=peak)
    if not proc.ok or not out.exists():
        return CellOutcome("failed", f"worker {proc.how()}: {proc.last_line()}", proc.stderr_tail, proc.duration_s,
                           peak_rss_bytes=peak)
    payload = json.loads(out.read_text(encoding="utf-8"))
    return CellOutcome(payload["status"], payload.get("reason"), None, proc.duration_s,
                       payload.get("measurements", {}), peak)


def select_subjects(claims: Sequence[Claim], subjects: Sequence[str] | None) -> dict[str, tuple[str, ...]]:
    """For each claim id, the subjects to run.

    Raises:
        UnknownSubjectError: a requested subject is measured by none of ``claims``; names the valid ones.
    """
    if not subjects:
        return {c.id: c.subjects for c in claims}
    valid = {s for c in claims for s in c.subjects}
    unknown = [s for s in subjects if s not in valid]
    if unknown:
        raise UnknownSubjectError(
            f"Unknown subject(s) {', '.join(map(repr, unknown))} for claim(s) {', '.join(c.id for c in claims)}. "
            f"Expected one of: {', '.join(sorted(valid))}"
        )
    return {c.id: tuple(s for s in c.subjects if s in subjects) for c in claims}


def _merge(outcomes: dict[str, CellOutcome]) -> SubjectResult:
    """One subject's result from its stages' outcomes: the first non-ok stage decides the status."""
    status, reason, tail = "ok", None, None
    measurements: dict[str, Any] = {}
    for stage, cell in outcomes.items():
        overlap = set(measurements) & set(cell.measurements)
        if overlap:
            raise ValueError(f"stage {stage!r} reuses measurement keys {sorted(overlap)}")
        measurements.update(cell.measurements)
        if cell.status != "ok" and status == "ok":
            status, reason, tail = cell.status, f"{stage}: {cell.reason}", cell.stderr_tail
    return SubjectResult(
        status=status, reason=reason, stderr_tail=tail,
        duration_s=round(sum(c.duration_s for c in outcomes.values()), 3),
        stages={stage: c.status for stage, c in outcomes.items()},
        measurements=measurements,
    )


Reporter = Callable[[str, str, str, CellOutcome | None], None]

#: The file in a run's working folder naming the process that owns it, so that a later run can tell the folder
#: of a killed run (its owner gone) from the folder of a run still going.
OWNER_FILE = ".kvt-owner"
#: Leftovers that name no owner (made before owners were recorded) are removed once untouched this long.
UNOWNED_AGE_S = 6 * 3600


def _start_time(pid: int) -> str | None:
    """The start time of process ``pid`` (psutil's, so a reused pid is told apart), None when it is gone."""
    import psutil

    try:
        return f"{psutil.Process(pid).create_time():.2f}"
    except (psutil.Error, OSError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return None
        except OSError:
            return "?"
        return "?"


def _owner_mark(pid: int) -> str:
    return f"{pid} {_start_time(pid) or '?'}\n"


def _owner_alive(text: str) -> bool:
    try:
        pid_text, started = text.split()[:2]
        pid = int(pid_text)
    except ValueError:
        return False
    now = _start_time(pid)
    return now is not None and (started == "?" or now == "?" or now == started)


def clean_leftovers(results_dir: Path | None = None) -> list[Path]:
    """Remove what killed runs left behind; what was removed.

    A run killed outright (SIGKILL) cannot clean up after itself: its working folder
    (``$TMPDIR/kvt-<claim>-*``) and the temp file of a result it was writing (``.<name>.pid<pid>.*.tmp`` in the
    results folder) stay. They are removed at the next run's start when their owner process is gone (a run still
    going keeps its own), or, naming no owner, when untouched for :data:`UNOWNED_AGE_S`. Only this user's
    folders are touched, never through a link.
    """
    import shutil
    import stat as stat_

    from evidence.registry import claim_modules

    removed: list[Path] = []
    now = time.time()
    prefixes = tuple(f"kvt-{cid}-" for cid in claim_modules())
    tmp_root = Path(tempfile.gettempdir())
    try:
        entries = list(tmp_root.iterdir())
    except OSError:
        entries = []
    for path in entries:
        if not path.name.startswith(prefixes):
            continue
        try:
            info = path.lstat()
            if not stat_.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
                continue
            owner = path / OWNER_FILE
            stale = (not _owner_alive(owner.read_text(encoding="utf-8")) if owner.is_file()
                     else now - info.st_mtime > UNOWNED_AGE_S)
        except OSError:
            continue
        if stale:
            shutil.rmtree(path, ignore_errors=True)
            removed.append(path)
    folder = results_dir_(results_dir)
    try:
        temps = [p for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp")]
    except OSError:
        temps = []
    for path in temps:
        match = re.search(r"\.pid(\d+)\.", path.name)
        pid = int(match[1]) if match else None
        try:
            if not path.is_file() or path.is_symlink():
                continue
            alive = _start_time(pid) is not None if pid is not None else now - path.stat().st_mtime < UNOWNED_AGE_S
        except OSError:
            continue
        if not alive:
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def _run_cells(claim: Claim, *, quick: bool, subjects: Sequence[str], timeout_s: float,
               report: Reporter | None, run_label: str) -> dict[str, SubjectResult]:
    """One run of every stage of ``claim`` for ``subjects``, in a fresh working folder; the merged results."""
    cells: dict[str, dict[str, CellOutcome]] = {s: {} for s in subjects}
    with tempfile.TemporaryDirectory(prefix=f"kvt-{claim.id}-") as tmp:
        workdir = Path(tmp)
        (workdir / OWNER_FILE).write_text(_owner_mark(os.getpid()), encoding="utf-8")  # for clean_leftovers
        for stage in claim.stages_for(quick):
            label = stage + run_label
            for subject in claim.stage_subjects(stage):
                if subject not in cells:
                    continue
                if any(c.status == "unavailable" for c in cells[subject].values()):
                    continue
                if report:
                    report(claim.id, subject, label, None)
                outcome = run_cell(claim, subject, stage, quick=quick, workdir=workdir, timeout_s=timeout_s)
                cells[subject][stage] = outcome
                if report:
                    report(claim.id, subject, label, outcome)
    return {s: _merge(c) for s, c in cells.items() if c}


def resolve_reruns(claim: Claim, *, quick: bool, reruns: int | None) -> int:
    """The number of back-to-back runs: ``reruns`` when given, else the claim's own for the mode."""
    reruns = claim.reruns[0 if quick else 1] if reruns is None else reruns
    if reruns < 1:
        raise ValueError(f"Expected reruns >= 1; received: {reruns}")
    return reruns


def planned_cells(claim: Claim, subjects: Sequence[str], *, quick: bool, reruns: int | None = None) -> int:
    """How many worker processes :func:`run_claim` starts at most: its stages' subjects, times its runs."""
    per_run = sum(1 for stage in claim.stages_for(quick) for s in claim.stage_subjects(stage) if s in subjects)
    return resolve_reruns(claim, quick=quick, reruns=reruns) * per_run


@dataclass
class RunRecord:
    """One of a claim's back-to-back runs: when it started, how long it took, and its subjects' results."""

    date: str
    duration_s: float
    subjects: dict[str, SubjectResult]


@dataclass(frozen=True)
class Judged:
    """A claim's runs judged: the last run's assessment and subjects, the published verdict, every run's verdict."""

    assessment: Assessment
    verdict: Verdict
    subjects: dict[str, SubjectResult]
    reruns: list[Rerun]


def collect_runs(claim: Claim, *, quick: bool, subjects: Sequence[str], timeout_s: float | None = None,
                 report: Reporter | None = None, reruns: int | None = None) -> list[RunRecord]:
    """Run every stage of ``claim`` for ``subjects`` ``reruns`` times (None: the claim's own number), unjudged."""
    reruns = resolve_reruns(claim, quick=quick, reruns=reruns)
    timeout = timeout_s or claim.timeout_s[0 if quick else 1]
    runs = []
    for i in range(1, reruns + 1):
        start, date = time.perf_counter(), provenance.now()
        results = _run_cells(claim, quick=quick, subjects=subjects, timeout_s=timeout, report=report,
                             run_label=f" (run {i}/{reruns})" if reruns > 1 else "")
        runs.append(RunRecord(date=date, duration_s=round(time.perf_counter() - start, 3), subjects=results))
    return runs


def judge_runs(claim: Claim, runs: Sequence[RunRecord], *, quick: bool) -> Judged:
    """Judge each run (:meth:`Claim.assess`, then :meth:`Claim.decide` and :meth:`Claim.report`) and the runs
    together (:func:`stability`). The one judge of a run, whether it was made in one piece or merged from
    shards."""
    verdicts: list[Rerun] = []
    for run_record in runs:
        assessment = claim.assess(run_record.subjects, quick)
        last = claim.judgement(assessment, quick)
        verdicts.append(Rerun(verdict=last.verdict, summary=last.summary, date=run_record.date,
                              duration_s=run_record.duration_s, decision=last.decision))
    return Judged(assessment, stability(verdicts, last), runs[-1].subjects, verdicts if len(runs) > 1 else [])



def run_claim(
    claim: Claim,
    *,
    quick: bool,
    subjects: Sequence[str],
    results_dir: Path | None = None,
    timeout_s: float | None = None,
    report: Reporter | None = None,
    reruns: int | None = None,
) -> ResultFile:
    """Run every stage of ``claim`` for ``subjects`` ``reruns`` times, judge, and write the result file atomically.

    ``report(claim_id, subject, stage, outcome)`` is called with ``outcome=None`` when a cell starts and with
    its outcome when it ends (with several runs, the stage reads ``"stage (run i/n)"``). A subject that is
    unavailable in one stage skips its later stages (a failed one still runs them: their errors are findings
    too). Each run is judged in two steps, :meth:`Claim.assess` then :meth:`Claim.verdict`. With ``reruns``
    above 1 the result keeps the last run's assessment and measurements and every run's verdict, and its
    verdict is :func:`stability`'s; None runs the claim's own number (:attr:`Claim.reruns`). Nothing is
    written before the last run ends, so an interrupted run leaves the previous result file as it was.
    """
    start = time.perf_counter()
    runs = collect_runs(claim, quick=quick, subjects=subjects, timeout_s=timeout_s, report=report, reruns=reruns)
    judged = judge_runs(claim, runs, quick=quick)
    prov = run_provenance(claim, quick=quick, duration_s=time.perf_counter() - start,
                          subjects_run=list(judged.subjects), subjects=subjects)
    result = assemble_result(claim, judged, prov)
    write_result(result, results_dir)
    return result


def run_provenance(claim: Claim, *, quick: bool, duration_s: float, subjects_run: list[str],
                   subjects: Sequence[str]) -> Provenance:
    """The provenance of a run of ``claim`` made in this process, on this machine."""
    return Provenance(**provenance.collect(
        mode="quick" if quick else "full",
        duration_s=duration_s,
        repeats=claim.repeats[0 if quick else 1],
        warmup=claim.warmup,
        subjects_run=subjects_run,
        env=worker_env(claim, subjects[0] if subjects else ""),
    ))


def assemble_result(claim: Claim, judged: Judged, prov: Provenance) -> ResultFile:
    """The result file of judged runs: the claim's declarations, its typed assessment, verdict, subjects,
    provenance and the venue the provenance names."""
    return ResultFile[type(judged.assessment)](
        schema_version=SCHEMA_VERSION,
        claim=ClaimInfo(**claim.describe()),
        code_hash=claim.code_hash(),
        venue=current_venue(prov.gpu, prov.cpu_count),
        verdict=judged.verdict.verdict,
        summary=judged.verdict.summary,
        findings=judged.verdict.findings,
        assessment=judged.assessment,
        subjects=judged.subjects,
        provenance=prov,
        reruns=judged.reruns,
        decision=judged.verdict.decision,
    )


def run(
    claim_ids: Sequence[str],
    *,
    quick: bool,
    subjects: Sequence[str] | None = None,
    results_dir: Path | None = None,
    timeout_s: float | None = None,
    report: Reporter | None = None,
    reruns: int | None = None,
) -> list[ResultFile]:
    """Run several claims one after the other; see :func:`run_claim`."""
    claims = [get_claim(cid) for cid in claim_ids]
    chosen = select_subjects(claims, subjects)
    clean_leftovers(results_dir)
    return [
        run_claim(c, quick=quick, subjects=chosen[c.id], results_dir=results_dir, timeout_s=timeout_s,
                  report=report, reruns=reruns)
        for c in claims
        if chosen[c.id]
    ]
