"""nox sessions: ``tests``, ``lint``, ``evidence`` (and ``evidence_claim`` per claim, for a CI matrix), ``releases``,
``docs``. Every session forwards its positional arguments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nox

# The registry is plain Python (no framework, no third-party import): the per-claim sessions are made from it.
sys.path.insert(0, str(Path(__file__).resolve().parent))
from evidence.registry import CLAIM_MODULES

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "tests"]

PYTHON = "3.11"
#: The performance claim's model zoo builds BERT and GPT-2 with KerasHub (evidence/programs/zoo.py).
KERAS_HUB = "keras-hub==0.32.*"


def install(session: nox.Session, *extras: str) -> None:
    """Install the project (editable, so results land in the checkout) with ``extras``."""
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)
    if "evidence" in extras:
        # KerasHub without its tensorflow-text requirement, which would pull the full tensorflow beside
        # tensorflow-cpu (pyproject.toml lists the rest of its requirements in the evidence extra).
        session.install("--no-deps", KERAS_HUB)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest: quick-mode experiments on every backend, the site build, the browser test."""
    install(session, "evidence", "docs", "dev")
    session.run("pytest", *session.posargs)


#: What the type checker checks: the typed contract, every claim's assessment module, and the contract's readers.
TYPED = ("evidence/contract.py", "advisor", "kvt", "kvt_docs")


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Lint with ruff, compile every file (``compileall``), and type-check the contract and its readers (mypy,
    configured in pyproject.toml). Positional arguments go to ruff."""
    # The base install (pydantic, Rich...) gives mypy the types the readers use; no framework is installed.
    session.install("-e", ".", "ruff>=0.6", "mypy==2.4.1")
    session.run("ruff", "check", ".", *session.posargs)
    session.run("python", "-m", "compileall", "-q", "advisor", "evidence", "kvt", "kvt_docs", "tests", "noxfile.py")
    assessments = sorted(str(p) for p in Path("evidence/claims").glob("*/assessment.py"))
    session.run("mypy", *TYPED, *assessments)


def _results_dir(args: list[str]) -> str:
    """The results folder a ``kvt evidence run`` with ``args`` writes to."""
    for i, arg in enumerate(args):
        if arg == "--results-dir" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--results-dir="):
            return arg.split("=", 1)[1]
    return "evidence/results"


@nox.session(python=PYTHON, default=False)
def evidence(session: nox.Session) -> None:
    """Rerun the experiments (full unless ``-- --quick``) into evidence/results/, then print their drift.

    The drift is against the committed results the run replaced (``kvt evidence diff HEAD:evidence/results``).
    """
    install(session, "evidence")
    # The run's own exit status (1: a cell failed, its result still written) is kept until the drift is shown.
    status = subprocess.run([str(Path(session.bin) / "kvt"), "evidence", "run", *session.posargs]).returncode
    if status in (0, 1):
        claims = [a for a in session.posargs if a in CLAIM_MODULES]
        session.run("kvt", "evidence", "diff", "HEAD:evidence/results", _results_dir(list(session.posargs)),
                    *(["--claims", *claims] if claims else []), success_codes=[0, 1, 2])
    if status:
        session.error(f"kvt evidence run exited {status}")


@nox.session(python=PYTHON, default=False)
@nox.parametrize("claim", list(CLAIM_MODULES))
def evidence_claim(session: nox.Session, claim: str) -> None:
    """Run one claim, as one job of a CI matrix (``-- --shard I/N`` for a share of it).

    ``nox -s "evidence_claim(claim='performance')" -- --shard 1/2 --results-dir parts``. Positional arguments
    go to ``kvt evidence run`` (``--quick``, ``--shard I/N``, ``--results-dir DIR``). On a GPU runner,
    ``$KVT_EXTRA_PACKAGES`` (space-separated requirement specifiers) installs the frameworks' GPU builds over
    the CPU pins.
    """
    install(session, "evidence")
    extra = os.environ.get("KVT_EXTRA_PACKAGES", "").split()
    if extra:
        session.install(*extra)
    session.run("kvt", "evidence", "run", claim, *session.posargs)


@nox.session(python=PYTHON, default=False)
def releases(session: nox.Session) -> None:
    """Run the evidence against named release sets, each in its own virtual environment, and print the drift.

    ``nox -s releases -- keras-2.15 keras-3.0 today latest [--claims C...] [-- --quick]``; the drift of each set is
    from evidence/results.
    The sets are listed by ``nox -s releases -- list``; results go to evidence/results/releases/<set>/.
    Environments are cached in ``$KVT_RELEASE_CACHE`` (default ~/.cache/kvt/releases), outside the checkout.
    """
    install(session)
    args = list(session.posargs) or ["list"]
    if args[0] == "list":
        session.run("python", "-m", "evidence.releases", "list")
        return
    session.run("python", "-m", "evidence.releases", "run", *args)
    session.run("python", "-m", "evidence.releases", "drift", *args, success_codes=[0, 1])


@nox.session(python=PYTHON, default=False)
def docs(session: nox.Session) -> None:
    """Build the site with ``mkdocs build --strict`` into site/; ``-- --serve`` serves it with live reload instead.

    Pages are generated from the result files at build time; ``KVT_RESULTS_DIR`` picks another results folder.
    Other arguments go to mkdocs (``nox -s docs -- -d /tmp/site``).
    """
    install(session, "docs")
    # Material's notice about its end of life is not a build warning of ours; keep the output to real problems.
    env = {"NO_MKDOCS_2_WARNING": "1"}
    args = list(session.posargs)
    if "--serve" in args:
        args.remove("--serve")
        session.run("mkdocs", "serve", "--strict", *args, env=env)
    else:
        session.run("mkdocs", "build", "--strict", *args, env=env)
