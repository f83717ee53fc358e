"""The claim interface: the abstract base every experiment under ``evidence/claims/`` implements.

A claim is a package ``evidence/claims/<id>/`` whose ``__init__`` exposes ``CLAIM``, an instance of a subclass of
:class:`Claim`, and imports nothing heavy. The subclass (in ``claim.py``) holds the declarations (id, statement,
subjects, thresholds with reasons, settings, decision log, venue scope, programs, data files) and wires the four
parts every claim must give, each in a module of its own:

- :meth:`Claim.measure` (``measure.py``): what a worker measures for one (subject, stage) cell; runs in a worker
  process, the only place frameworks are imported;
- :meth:`Claim.assess` (``assess.py``): the subjects' raw results -> the claim's typed assessment
  (``assessment.py``, the model readers read);
- :meth:`Claim.decide` (``verdict.py``): the assessment and the declared thresholds -> a typed
  :class:`~evidence.contract.Decision` (the verdict code and the numbers it rests on); readers recompute it on
  read, through the registry, without importing the claim;
- :meth:`Claim.report` (``report.py``): prose for people from the assessment and the decision; not in the code
  hash, so rewording it leaves results fresh.

It also gives :meth:`Claim.synthetic_results`, the hook the family test (:mod:`evidence.testing`) uses to judge
results made up around each threshold without running anything.

Every claim has this shape; a new one (any of the nine shows how):
split its module into the parts above (``decide`` returns a :class:`~evidence.contract.Decision` whose ``code``
names the branch of the rule and whose ``numbers`` hold what it compared; ``report`` writes the prose from the
decision, deciding nothing); give ``synthetic_results`` (in ``synthetic.py``, outside the code hash) and list in
``unguarded_thresholds`` the thresholds that guard no decision; keep the package ``__init__`` light (names of the
measurement can stay importable through a module ``__getattr__``); register the assessment type and the decision
rule by dotted path in :mod:`evidence.registry`. A change that moves code without changing what the workers
measure re-judges the committed results from their stored measurements (``python -m evidence.rejudge CLAIM
[DIR]``); one that changes what they measure needs a rerun.
"""

from __future__ import annotations

import abc
import hashlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar, Literal

from pydantic import BaseModel

from evidence.contract import (
    VERDICTS,
    Assessment,
    Decision,
    DecisionChange,
    Report,
    Setting,
    SubjectResult,
    Threshold,
    Thresholds,
    VenueScope,
    Verdict,
    threshold_values,
)
from evidence.errors import KvtError

__all__ = ["ANY_MACHINE", "DATA_DIR", "PROGRAMS_DIR", "REPORT_MODULES", "VERDICTS", "Claim", "Context",
           "FrameworkUnavailable", "Side", "VenueScope", "Verdict", "code_files", "failed_subjects", "hash_files",
           "is_report_module", "load_program", "missing_subjects", "shared_code", "unavailable_subjects"]

#: Which side of a threshold :meth:`Claim.synthetic_results` makes results on.
Side = Literal["below", "above"]

EVIDENCE_DIR = Path(__file__).parent
PROGRAMS_DIR = Path(__file__).parent / "programs"
DATA_DIR = Path(__file__).parent / "data"
CLAIMS_DIR = Path(__file__).resolve().parent / "claims"


def load_program(name_or_path: str | os.PathLike) -> ModuleType:
    """Import a program file by path; a bare file name, or a relative path that exists under
    ``evidence/programs/`` (``corpus/cnn_augment.py``), is looked up there.

    Programs are files a reader runs as scripts (``python evidence/programs/mlp_keras.py``), not a package, so
    they are imported by path. As when a script runs, the programs folder goes first on ``sys.path``: a program
    may import a helper that stands beside it (the performance models import ``perf_spec``).
    """
    path = Path(name_or_path)
    if not path.is_absolute() and (path.parent == Path(".") or (PROGRAMS_DIR / path).is_file()):
        path = PROGRAMS_DIR / path
    folder = str(PROGRAMS_DIR)
    if folder not in sys.path:
        sys.path.insert(0, folder)
    spec = importlib.util.spec_from_file_location(f"kvt_program_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise ImportError(f"Cannot load program {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@dataclass(frozen=True)
class Context:
    """Everything one worker invocation knows about the cell it measures.

    Attributes:
        subject: the subject measured, one of the claim's ``subjects``.
        stage: the stage of the claim run (claims with one stage use ``"measure"``).
        quick: tiny sizes for tests and CI when true.
        workdir: a folder shared by every cell of one claim run, for artifacts that a later stage reads
            (a model saved under one backend and loaded under another). Removed after the run.
        repeats: timed repeats to make (warm-up excluded).
        warmup: untimed warm-up runs to make first.
    """

    subject: str
    stage: str
    quick: bool
    workdir: Path
    repeats: int
    warmup: int


#: The scope of a claim that measures on a machine and needs nothing more of it (the default).
ANY_MACHINE = VenueScope()


#: The modules of a claim package that decide nothing, left out of the code hash: the report's prose for people,
#: and the synthetic results the family test judges (:meth:`Claim.synthetic_results`).
REPORT_MODULES = ("report", "synthetic")


def is_report_module(path: Path) -> bool:
    """Whether ``path`` is a module of a claim package that decides nothing (``report.py``, ``report_*.py``,
    ``synthetic.py``)."""
    return any(path.stem == name or path.stem.startswith(f"{name}_") for name in REPORT_MODULES)


#: Folders under ``evidence/`` outside a claim's package whose code decides its results too (their modules and
#: ``data/`` files count in its code hash): the export, serving and browser code the deployment claim shares with
#: ``kvt check``.
SHARED_CODE: dict[str, tuple[str, ...]] = {"deployment": ("runtimes",)}


def shared_code(claim_id: str) -> tuple[str, ...]:
    """The shared folders (under ``evidence/``) that count in ``claim_id``'s code hash."""
    return SHARED_CODE.get(claim_id, ())


def code_files(location: Path, programs: tuple[str, ...] | list[str] = (),
               data_files: tuple[str, ...] | list[str] = (), shared: tuple[str, ...] = ()) -> list[Path]:
    """The files that decide a claim's result: every module of its package folder ``location`` (and the files of
    its ``data/``) but the prose modules (or the one file ``location``), then its programs and data files.
    Computed without importing the claim, so a reader can tell a stale result from the result's own record of its
    programs and data."""
    location = Path(location)
    files = sorted(p for p in location.glob("*.py") if not is_report_module(p)) if location.is_dir() else [location]
    if location.is_dir():  # a package's own data tables (``data/``) decide its result as much as its code
        files += sorted(p for p in (location / "data").glob("*") if p.is_file())
    for folder in shared:  # code outside the package that decides its result too (evidence/runtimes/)
        root = EVIDENCE_DIR / folder
        files += sorted(root.glob("*.py")) + sorted(p for p in (root / "data").glob("*") if p.is_file())
    files += [PROGRAMS_DIR / name for name in programs]
    files += [DATA_DIR / name for name in data_files]
    return files


def hash_files(files: list[Path]) -> str:
    """SHA-256 over each file's name and content, in order."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.name.encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


class FrameworkUnavailable(KvtError):
    """Raised by a measurement when a framework it needs is not installed; recorded as ``unavailable``."""


class Claim(abc.ABC):
    """Abstract base of a claim under test: the declarations, and the four parts each claim must give.

    Class attributes a subclass sets:
        id: the claim id (its package under evidence/claims/).
        dimension: the article's dimension (Architecture, Backend support, ...).
        title: a short title for tables.
        statement: the article's claim, in our own words.
        sub_claims: sub-claim id -> what needs evidence.
        subjects: the subjects measured, in run order.
        stages: the stages of a run; every stage runs for all its subjects before the next stage starts.
        programs: files under ``evidence/programs/`` the claim runs; they count as the claim's code.
        data_files: files under ``evidence/data/`` the claim reads; they count as the claim's code too.
        assessment_type: the claim's :class:`~evidence.contract.Assessment` subclass: what :meth:`assess`
            returns, what every result file holds and what readers read.
        thresholds: every number :meth:`decide` compares against, each a :class:`~evidence.contract.Threshold`
            with its reason, declared here before the run and recorded in the result.
        unguarded_thresholds: thresholds that parametrise the measurement or the assessment rather than guard a
            decision (a window, a tolerance applied cell by cell), each with why; the family test checks every
            other threshold's edge.
        settings: the run's sizes (epochs, batch sizes, model sizes), each a :class:`~evidence.contract.Setting`
            with its quick and full values side by side; recorded in the result.
        decision_rule_fixed: the date (ISO) the decision rule (thresholds and :meth:`decide`) was fixed.
        decision_log: every change to the decision rule after that date: what, why, which results it affects.
        repeats: timed repeats in (quick, full) mode; full mode uses at least 5.
        warmup: untimed warm-up runs.
        timeout_s: seconds a single worker may run in (quick, full) mode before it is killed.
        reruns: whole runs of the claim, back to back, in (quick, full) mode; with more than one, a verdict is
            given only when every run reaches the same one (a claim judged on timings asks for 3 in full mode).
        venue_scope: what a venue must have to decide the claim (:class:`VenueScope`); a claim that depends on
            no machine sets ``machine_dependent=False`` and readers show no venue for it.
    """

    id: ClassVar[str]
    dimension: ClassVar[str]
    title: ClassVar[str]
    statement: ClassVar[str]
    sub_claims: ClassVar[dict[str, str]]
    subjects: ClassVar[tuple[str, ...]]
    stages: ClassVar[tuple[str, ...]] = ("measure",)
    programs: ClassVar[tuple[str, ...]] = ()
    data_files: ClassVar[tuple[str, ...]] = ()
    assessment_type: ClassVar[type[Assessment]]
    thresholds: ClassVar[dict[str, Threshold]] = {}
    unguarded_thresholds: ClassVar[dict[str, str]] = {}
    settings: ClassVar[dict[str, Setting]] = {}
    decision_rule_fixed: ClassVar[str | None] = None
    decision_log: ClassVar[tuple[DecisionChange, ...]] = ()
    repeats: ClassVar[tuple[int, int]] = (2, 5)
    warmup: ClassVar[int] = 1
    timeout_s: ClassVar[tuple[int, int]] = (300, 900)
    reruns: ClassVar[tuple[int, int]] = (1, 1)
    venue_scope: ClassVar[VenueScope] = ANY_MACHINE

    # -- declarations ---------------------------------------------------------------------------------------
    def threshold(self, name: str, quick: bool = False) -> int | float:
        """The value of threshold ``name`` for the mode (its quick value in quick mode, when it has one)."""
        return self.thresholds[name].for_mode(quick)

    def threshold_values(self, quick: bool = False) -> dict[str, int | float]:
        """Every threshold's value for the mode, as :meth:`decide` reads them."""
        return threshold_values(self.thresholds, quick)

    def setting(self, name: str, quick: bool) -> Any:
        """The value of run setting ``name`` in quick (``quick=True``) or full mode."""
        return self.settings[name].for_mode(quick)

    # -- what the runner asks before it starts a worker -------------------------------------------------
    def keras_backend(self, subject: str) -> str | None:
        """The ``KERAS_BACKEND`` a worker for ``subject`` runs under, or None to leave it unset."""
        return None

    def requirements(self, subject: str) -> tuple[str, ...]:
        """Modules ``subject`` needs; if one fails to import the subject is recorded ``unavailable``."""
        return ()

    def stages_for(self, quick: bool) -> tuple[str, ...]:
        """The stages a run makes, in order: all of :attr:`stages` by default; a claim may run fewer in quick mode."""
        return self.stages

    def stage_subjects(self, stage: str) -> tuple[str, ...]:
        """The subjects that take part in ``stage`` (all of them by default)."""
        return self.subjects

    # -- the four parts every claim gives ---------------------------------------------------------------
    @abc.abstractmethod
    def measure(self, ctx: Context) -> dict[str, Any] | BaseModel:
        """Run the experiment for one (subject, stage) cell and return its measurements: a pydantic model (the
        claim's typed measurement) or a JSON-serialisable dict; it is stored as the SubjectResult's data.

        Runs in a worker process with ``KERAS_BACKEND`` already set; import frameworks here, not at top level.
        Measurements of several stages of one subject are merged, so stages use distinct keys.
        """

    @abc.abstractmethod
    def assess(self, results: Mapping[str, SubjectResult], quick: bool) -> Assessment:
        """Turn the subjects' results (``ok``, ``failed`` or ``unavailable``) into the claim's typed assessment.

        Everything a reader needs goes into the assessment; the raw measurements stay in the result for the
        record. ``quick`` tells which mode the run was in (thresholds may have a quick value).
        """

    @abc.abstractmethod
    def decide(self, assessment: Assessment, thresholds: Thresholds) -> Decision:
        """The typed decision that the assessment and the thresholds' values (for the run's mode) lead to, and
        nothing else: no prose, no measurement. Readers recompute it on read from the stored assessment and the
        stored thresholds and refuse a result whose stored decision differs."""

    @abc.abstractmethod
    def report(self, assessment: Assessment, decision: Decision) -> Report:
        """Prose for people (a one-sentence summary and findings per sub-claim) from the assessment and the
        decision; computes no verdict of its own."""

    # -- the family test's hook --------------------------------------------------------------------------
    def synthetic_results(self, quick: bool, around: tuple[str, Side] | None = None
                          ) -> dict[str, SubjectResult] | None:
        """Subject results made up (no worker runs) for :func:`evidence.testing.check_claim`.

        ``around=None``: every subject ``ok`` with plausible measurements. ``around=(name, side)``: results whose
        judged number lies just ``below`` or just ``above`` threshold ``name`` (for the mode), everything else
        alike, so that the two sides' decisions differ; None when the threshold guards no decision (it must
        then be listed in :attr:`unguarded_thresholds`). A claim that does not give the hook raises
        NotImplementedError, which the family test reports.
        """
        raise NotImplementedError(f"claim {self.id!r} gives no synthetic_results hook")

    # -- composed steps ----------------------------------------------------------------------------------
    def judgement(self, assessment: Assessment, quick: bool = False) -> Verdict:
        """:meth:`decide` then :meth:`report`: the verdict with its prose and its decision."""
        decision = self.decide(assessment, self.threshold_values(quick))
        prose = self.report(assessment, decision)
        return Verdict(decision.verdict, prose.summary, dict(prose.findings), decision)

    def verdict(self, assessment: Assessment, quick: bool = False) -> Verdict:
        """The :class:`Verdict` (with its decision) that the assessment and the declared thresholds lead to."""
        return self.judgement(assessment, quick)

    def judge(self, results: Mapping[str, SubjectResult], quick: bool = False) -> Verdict:
        """:meth:`judgement` of :meth:`assess`: the steps in one, for tests and one-off use."""
        return self.judgement(self.assess(results, quick), quick)

    # -- identity of the claim's code, for staleness ----------------------------------------------------
    def code_files(self) -> list[Path]:
        """The files that decide this claim's result: its declarations and every module of its package but the
        report's prose (``report.py``, ``report_*.py``), its programs and its data files.

        A single-file claim counts its module (prose included: move it to a package to leave the prose out).
        """
        module_file = Path(inspect.getfile(type(self))).resolve()
        in_package = module_file.parent.parent == CLAIMS_DIR  # a package under evidence/claims/
        return code_files(module_file.parent if in_package else module_file, self.programs, self.data_files,
                          shared_code(self.id))

    def code_hash(self) -> str:
        """SHA-256 over :meth:`code_files`: a result made with another hash is stale."""
        return hash_files(self.code_files())

    def describe(self) -> dict[str, Any]:
        """The claim's self-description, recorded in every result file."""
        return {
            "id": self.id,
            "title": self.title,
            "dimension": self.dimension,
            "statement": self.statement,
            "sub_claims": dict(self.sub_claims),
            "subjects": list(self.subjects),
            "programs": list(self.programs),
            "data_files": list(self.data_files),
            "thresholds": dict(self.thresholds),
            "settings": dict(self.settings),
            "decision_rule_fixed": self.decision_rule_fixed,
            "decision_log": list(self.decision_log),
            "venue_scope": self.venue_scope,
        }


def missing_subjects(results: dict[str, SubjectResult], wanted: tuple[str, ...] | list[str]) -> list[str]:
    """Subjects of ``wanted`` that did not produce an ``ok`` result, each with its status and reason."""
    out = []
    for subject in wanted:
        res = results.get(subject)
        if res is None:
            out.append(f"{subject} (not run)")
        elif res.status != "ok":
            out.append(f"{subject} ({res.status}: {res.short_reason()})")
    return out


def unavailable_subjects(results: Mapping[str, SubjectResult], wanted: tuple[str, ...] | list[str]) -> list[str]:
    """Subjects of ``wanted`` recorded ``unavailable`` (we could not try) or not run at all."""
    return [s for s in wanted if (r := results.get(s)) is None or r.status == "unavailable"]


def failed_subjects(results: Mapping[str, SubjectResult], wanted: tuple[str, ...] | list[str]) -> list[str]:
    """Subjects of ``wanted`` recorded ``failed`` (we tried, it broke)."""
    return [s for s in wanted if (r := results.get(s)) is not None and r.status == "failed"]
