"""A user venue: ``kvt check PATH --time --out DIR`` writes its timing as a result file of the evidence format.

The file is ``DIR/check_timing.<venue>.json``, a :class:`evidence.results.ResultFile` (schema 2) whose claim is
``check_timing`` ("one backend trains this model fastest on this machine") and whose assessment,
:class:`TimingAssessment`, holds the whole :class:`~evidence.check.timing_report.TimingReport` and says who
contributed it (``user``). Its provenance is the evidence runner's (:func:`evidence.provenance.collect`): date,
Python, platform, CPU, GPU, package versions, the project's commit. So:

- ``kvt evidence diff OLD NEW`` compares two such folders (or a folder and a git revision) with no code of its
  own, as it compares any result: verdicts, subjects' statuses, every interval that moved, package versions;
- the site (:mod:`kvt_docs.check_timing_page`) lists the files in ``evidence/results/contributed/`` beside the
  project's own venue, labelled user-contributed;
- ``check_timing`` is not a registered claim (no run of the project's evidence produces it), so ``kvt evidence
  run`` and ``kvt evidence merge`` (which merges the shards of registered claims' split runs) leave it alone:
  a timing is complete as one file and is added to a results folder by copying it.

The verdict rule (:func:`verdict_of`), fixed 2026-12-07: ``supported`` when one backend trains the model faster
than every other beyond the noise (the performance claim's margin), ``inconclusive`` when the fastest ties with
another or fewer than two backends were timed. It never says ``refuted``: a tie is no evidence that the backends
are equal.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from evidence import provenance
from evidence.check.timing_report import FASTER_MARGIN, TimingReport
from evidence.contract import Assessment, Setting
from evidence.results import (
    ClaimInfo,
    Provenance,
    ResultError,
    ResultFile,
    SubjectResult,
    validation_message,
    write_text_atomically,
)

CLAIM_ID = "check_timing"
#: Where the project keeps the venues users contributed (a folder of its own: not a registered claim's).
CONTRIBUTED_DIR = Path(__file__).resolve().parents[1] / "results" / "contributed"
#: The code whose change makes a timing result stale.
CODE_FILES = ("check/timing.py", "check/timing_run.py", "check/timing_report.py", "check/timing_venue.py",
              "claims/performance/claim.py")
DECISION_RULE_FIXED = "2026-12-07"


class TimingAssessment(Assessment):
    """A ``kvt check --time`` run on one machine, and who contributed it."""

    venue: str
    """The venue the numbers hold for."""
    contributed_by: Literal["user", "project"]
    """``user``: made with ``kvt check --time --out`` on the contributor's machine; ``project``: by the project."""
    model: str
    """The model checked (PATH as given)."""
    train_winner: str | None
    """The backend that trains fastest beyond the noise; None when the fastest ties with another."""
    predict_winner: str | None
    """The same for inference."""
    report: TimingReport
    """Every number of the run."""


def code_hash() -> str:
    """SHA-256 over the timing code and the performance claim it reads its settings and margin from."""
    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for name in CODE_FILES:
        digest.update(name.encode())
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def verdict_of(report: TimingReport) -> Literal["supported", "inconclusive"]:
    """The rule (see the module docstring)."""
    return "supported" if report.ranking["train"].winner else "inconclusive"


def result_of(report: TimingReport, contributed_by: Literal["user", "project"] = "user") -> ResultFile:
    """The report as a result file of the evidence format."""
    subjects = {}
    for backend, by in report.settings.items():
        for name, s in by.items():
            if s.status in ("not_applicable", "over_budget"):
                # over_budget is neither ok nor failed nor unavailable (the result format's statuses): the setting
                # is left out of the subjects and told in the findings and the assessment's report instead
                continue
            status = {"works": "ok", "unavailable": "unavailable"}.get(s.status, "failed")
            subjects[f"{backend}-{name}"] = SubjectResult(
                status=status, reason=s.reason, duration_s=s.worker_s, stages={"time": status},
                measurements={"train_step_s": s.train.windows if s.train else [],
                              "predict_step_s": s.predict.windows if s.predict else []})
    method = report.method
    who = "User-contributed" if contributed_by == "user" else "The project's"
    train, predict = report.ranking["train"], report.ranking["predict"]
    claim = ClaimInfo(
        id=CLAIM_ID, title="Which backend is fastest for this model on this machine",
        dimension="Backend support",
        statement=(f"One Keras backend trains {report.path} fastest on this machine, at its default or documented "
                   "best settings, beyond the noise."),
        sub_claims={"train": "steady training step time per backend and setting",
                    "inference": "steady inference step time per backend and setting",
                    "compile": "the first compiled call's time (tracing and compiling)",
                    "memory": "peak host memory, and peak device memory on a GPU"},
        subjects=list(subjects), programs=[], data_files=[], thresholds={"faster_margin": FASTER_MARGIN},
        settings={"batch_size": Setting(full=report.batch_size or 0, reason=report.batch_from or ""),
                  "windows": Setting(full=method["windows"], reason="timed windows per phase"),
                  "window_steps": Setting(full=method["window_steps"], reason="steps per window"),
                  "warmup_calls": Setting(full=method["warmup_calls"], reason="untimed compiled calls first")},
        decision_rule_fixed=DECISION_RULE_FIXED)
    assessment = TimingAssessment(venue=report.venue, contributed_by=contributed_by, model=report.path,
                                  train_winner=train.winner, predict_winner=predict.winner, report=report)
    from evidence.runner import WORKER_ENV

    env = {**os.environ, **WORKER_ENV}  # as the timing workers had it (collect keeps the recorded settings)
    prov = Provenance(**provenance.collect(mode="full", duration_s=report.wall_s, repeats=method["windows"],
                                           warmup=method["warmup_calls"], subjects_run=list(subjects), env=env))
    return ResultFile[TimingAssessment](
        schema_version=2, claim=claim, code_hash=code_hash(), venue=report.venue, verdict=verdict_of(report),
        summary=f"{who} venue {report.venue} ({report.machine_line}): {train.sentence}",
        findings={"train": train.sentence, "inference": predict.sentence,
                  "compile": "; ".join(f"{b} {n}: first training call {s.train.first_s:.1f} s"
                                       for b, by in report.settings.items() for n, s in by.items()
                                       if s.train and s.train.first_s is not None)
                  + "".join(f"; {b} {n}: {o.phase} call {o.call} over the compile budget ({o.lower_bound_s:.1f} s "
                            f"at least, stopped at {o.budget_s:g} s)"
                            for b, by in report.settings.items() for n, s in by.items()
                            if (o := s.over_budget) is not None) or "nothing timed",
                  "memory": "; ".join(f"{b} {n}: {s.host_peak_bytes / 2**20:,.0f} MiB host peak"
                                      for b, by in report.settings.items() for n, s in by.items()
                                      if s.host_peak_bytes) or "nothing measured"},
        assessment=assessment, subjects=subjects, provenance=prov)


def write_venue_result(report: TimingReport, out_dir: Path) -> Path:
    """Write ``out_dir/check_timing.<venue>.json`` atomically; its path."""
    result = result_of(report)
    text = json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return write_text_atomically(out_dir / f"{CLAIM_ID}.{report.venue}.json", text)


def load_venue_result(path: Path) -> ResultFile:
    """A timing result file, validated.

    Raises:
        ResultError: not readable JSON, or not a timing result.
    """
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ResultError(f"{path}: not readable JSON ({exc})") from None
    try:
        result = ResultFile[TimingAssessment].model_validate(raw)
    except ValidationError as exc:
        raise ResultError(f"{path}: not a timing result: {validation_message(exc)}") from None
    if result.claim.id != CLAIM_ID:
        raise ResultError(f"{path}: holds claim {result.claim.id!r}, expected {CLAIM_ID!r}")
    return result


def contributed(directory: Path = CONTRIBUTED_DIR) -> list[ResultFile]:
    """Every timing result in ``directory`` (none when it does not exist), by venue."""
    if not directory.is_dir():
        return []
    found = [load_venue_result(p) for p in sorted(directory.glob(f"{CLAIM_ID}.*.json"))]
    return sorted(found, key=lambda r: r.venue)
