"""nox sessions: ``tests``, ``lint``, ``evidence``. Every session forwards its positional arguments."""

from __future__ import annotations

import nox

nox.options.default_venv_backend = "venv"
nox.options.reuse_existing_virtualenvs = True
nox.options.sessions = ["lint", "tests"]

PYTHON = "3.11"


def install(session: nox.Session, *extras: str) -> None:
    """Install the project (editable, so results land in the checkout) with ``extras``."""
    spec = f".[{','.join(extras)}]" if extras else "."
    session.install("-e", spec)


@nox.session(python=PYTHON)
def tests(session: nox.Session) -> None:
    """Run the test suite with pytest, quick-mode experiments on every backend included."""
    install(session, "evidence", "dev")
    session.run("pytest", *session.posargs)


@nox.session(python=PYTHON)
def lint(session: nox.Session) -> None:
    """Lint with ruff."""
    session.install("ruff>=0.6")
    session.run("ruff", "check", ".", *session.posargs)


@nox.session(python=PYTHON, default=False)
def evidence(session: nox.Session) -> None:
    """Rerun the experiments (full mode unless ``-- --quick``) and rewrite evidence/results/."""
    install(session, "evidence")
    session.run("kvt", "evidence", "run", *session.posargs)
