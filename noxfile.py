"""nox sessions: ``tests``, ``lint``, ``evidence``, ``docs``. Every session forwards its positional arguments."""

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
    """Run the test suite with pytest: quick-mode experiments on every backend, the site build, the browser test."""
    install(session, "evidence", "docs", "dev")
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
