"""The one builder of virtual environments: what the deployment claim's own environments
(:mod:`evidence.claims.deployment.envs`) and the release sets (:mod:`evidence.releases`) share: making one with
the standard library's ``venv``, its interpreter, installing into it, and reading what it holds. Each caller runs
these commands its own way (its logs, its timeouts); nothing here imports a framework."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from pathlib import Path

#: Prints ``{package: version or null}`` for the packages named on the command line, from their metadata.
_VERSIONS_CODE = ("import json, sys\nfrom importlib import metadata\nout = {}\nfor n in sys.argv[1:]:\n"
                  "    try:\n        out[n] = metadata.version(n)\n    except metadata.PackageNotFoundError:\n"
                  "        out[n] = None\nprint(json.dumps(out))")


def python_of(folder: Path) -> Path:
    """The interpreter of the environment in ``folder``."""
    return folder / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")


def create_command(folder: Path, *, clear: bool = False) -> list[str]:
    """The command that makes an environment in ``folder`` with this interpreter (``clear``: empty it first)."""
    return [sys.executable, "-m", "venv", *(["--clear"] if clear else []), str(folder)]


def install_command(python: Path, requirements: Iterable[str]) -> list[str]:
    """The command that installs ``requirements`` (pip specifiers) into the environment of ``python``."""
    return [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *requirements]


def versions_command(python: Path, packages: Iterable[str]) -> list[str]:
    """The command that prints the installed versions of ``packages`` in the environment of ``python`` as JSON
    (read it back with :func:`parse_versions`)."""
    return [str(python), "-c", _VERSIONS_CODE, *packages]


def parse_versions(stdout: str) -> dict[str, str | None]:
    """What :func:`versions_command` printed: package -> version (None: not installed)."""
    return json.loads(stdout.strip().splitlines()[-1])
