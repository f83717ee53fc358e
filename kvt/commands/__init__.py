"""The ``kvt`` commands, one module each (as asv's ``commands/``): ``add_parser(sub)`` adds its parser to ``kvt``'s
subparsers, ``run(args)`` runs it and returns the exit status.

A command module imports only the standard library and :mod:`kvt.usage` at its top; what a command runs
(:mod:`evidence`, :mod:`advisor`, Rich, pandas) is imported inside ``run``, so ``kvt --help`` and every other
command start without it.
"""

from __future__ import annotations

import importlib
from types import ModuleType

#: The commands' names (each its module here), in the order ``kvt --help`` lists them.
COMMAND_NAMES = ("claims", "evidence", "check", "advise", "questions")


def command(name: str) -> ModuleType:
    """The module of command ``name`` (one of :data:`COMMAND_NAMES`), imported on demand: running one command
    imports that command's module alone (``kvt claims`` does not import the advisor's questions)."""
    return importlib.import_module(f"{__name__}.{name}")


def commands() -> tuple[ModuleType, ...]:
    """Every command's module, in :data:`COMMAND_NAMES` order (for ``kvt --help`` and a mistyped command)."""
    return tuple(command(name) for name in COMMAND_NAMES)
