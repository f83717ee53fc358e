"""The claim interface: what every experiment module under ``evidence/claims/`` provides.

A claim module defines one subclass of :class:`Claim` and an instance named ``CLAIM``. The module must import
no framework at top level: the CLI imports it to list titles, and only worker processes (see
:mod:`evidence.worker`) call :meth:`Claim.measure`, where frameworks are imported.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from evidence.contract import Assessment, ContractModel, DecisionChange, Setting, Threshold
from evidence.errors import KvtError

if TYPE_CHECKING:
    from evidence.results import SubjectResult

#: The verdicts a claim can reach (ARCHITECTURE.md, "The data flow").
VERDICTS = ("supported", "partly supported", "refuted", "outdated", "inconclusive")

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


@dataclass(frozen=True)
class Verdict:
    """What :meth:`Claim.verdict` returns: the verdict, a sentence, and findings for people.

    Attributes:
        verdict: one of :data:`VERDICTS`.
        summary: one sentence built from the numbers.
        findings: per sub-claim id (and a few extra keys such as ``caveat``), a short statement with its
            numbers. Prose for people: a program reads the assessment, never these.
    """

    verdict: str
    summary: str
    findings: dict[str, str] = field(default_factory=dict)

    def __post_init__(self):
        if self.verdict not in VERDICTS:
            raise ValueError(f"Expected a verdict in {VERDICTS}; received: verdict={self.verdict!r}")
        bad = [k for k, v in self.findings.items() if not isinstance(v, str)]
        if bad:
            raise ValueError(f"Expected findings to be prose (str); received non-text findings for {bad}")


class VenueScope(ContractModel):
    """What a venue must have to decide a claim as the article states it; recorded in every result.

    A claim that reads files (a dated listing, release notes, source lines) depends on no machine: its result
    holds anywhere and readers show no venue for it. A claim that measures on a machine holds for that venue, and
    where the article's claim needs more than the venue has (several machines, several accelerators), the venue can
    decide only part of it: the claim's verdict is then ``inconclusive`` for the claim as stated, with what the
    venue does decide given as findings.
    """

    machine_dependent: bool = True
    """Whether the claim's numbers depend on the machine they ran on (False: its result holds on any machine)."""
    needs: str = "a machine that runs the frameworks"
    """What a venue must have to decide the claim as the article states it, in words."""
    min_hosts: int = 1
    """Machines a venue needs (the claim's multi-host half needs more than one)."""
    min_accelerators: int = 0
    """Accelerators (GPUs, TPUs) a venue needs on one machine; with ``min_hosts`` 1 this is an alternative: a
    venue with this many accelerators, or with ``min_hosts`` machines, decides the claim."""

    def decides(self, hosts: int, accelerators: int) -> bool:
        """Whether a venue of ``hosts`` machines with ``accelerators`` accelerators each can decide the claim."""
        if not self.machine_dependent:
            return True
        by_hosts = self.min_hosts > 1 and hosts >= self.min_hosts
        by_accelerators = self.min_accelerators > 0 and accelerators >= self.min_accelerators
        if self.min_hosts <= 1 and self.min_accelerators == 0:
            return True
        return by_hosts or by_accelerators


#: The scope of a claim that measures on a machine and needs nothing more of it (the default).
ANY_MACHINE = VenueScope()


class FrameworkUnavailable(KvtError):
    """Raised by a measurement when a framework it needs is not installed; recorded as ``unavailable``."""


class Claim:
    """Base class of a claim under test.

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
        thresholds: every number :meth:`verdict` compares against, each a :class:`~evidence.contract.Threshold`
            with its reason, declared here before the run and recorded in the result.
        settings: the run's sizes (epochs, batch sizes, model sizes), each a :class:`~evidence.contract.Setting`
            with its quick and full values side by side; recorded in the result.
        decision_rule_fixed: the date (ISO) the decision rule (thresholds and :meth:`verdict`) was fixed.
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

    # -- the experiment ---------------------------------------------------------------------------------
    def measure(self, ctx: Context) -> dict[str, Any]:
        """Run the experiment for one (subject, stage) cell and return JSON-serialisable measurements.

        Runs in a worker process with ``KERAS_BACKEND`` already set; import frameworks here, not at top level.
        Measurements of several stages of one subject are merged, so stages use distinct keys.
        """
        raise NotImplementedError

    def assess(self, results: Mapping[str, SubjectResult], quick: bool) -> Assessment:
        """Turn the subjects' results (``ok``, ``failed`` or ``unavailable``) into the claim's typed assessment.

        Everything a reader needs goes into the assessment; the raw measurements stay in the result for the
        record. ``quick`` tells which mode the run was in (thresholds may have a quick value).
        """
        raise NotImplementedError

    def verdict(self, assessment: Assessment) -> Verdict:
        """The :class:`Verdict` that the assessment (and the declared thresholds) lead to, and nothing else.

        A contract test recomputes it from every stored assessment and requires the stored verdict.
        """
        raise NotImplementedError

    def judge(self, results: Mapping[str, SubjectResult], quick: bool = False) -> Verdict:
        """:meth:`verdict` of :meth:`assess`: the two steps in one, for tests and one-off use."""
        return self.verdict(self.assess(results, quick))

    # -- identity of the claim's code, for staleness ----------------------------------------------------
    def code_files(self) -> list[Path]:
        """The files whose content defines this claim's experiment: its module, programs and data.

        A claim that is a package (``evidence/claims/deployment/``) counts every module of the package.
        """
        module_file = Path(inspect.getfile(type(self))).resolve()
        in_package = module_file.parent.parent == CLAIMS_DIR  # a package under evidence/claims/
        files = sorted(module_file.parent.glob("*.py")) if in_package else [module_file]
        files += [PROGRAMS_DIR / name for name in self.programs]
        files += [DATA_DIR / name for name in self.data_files]
        return files

    def code_hash(self) -> str:
        """SHA-256 over :meth:`code_files`: a result made with another hash is stale."""
        digest = hashlib.sha256()
        for path in self.code_files():
            digest.update(path.name.encode())
            digest.update(b"\0")
            digest.update(path.read_bytes())
            digest.update(b"\0")
        return digest.hexdigest()

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
