"""The ``kvt`` commands, one module each (as asv's ``commands/``): ``add_parser(sub)`` adds its parser to ``kvt``'s
subparsers, ``run(args)`` runs it and returns the exit status.

A command module imports only the standard library and :mod:`kvt.usage` at its top; what a command runs
(:mod:`evidence`, :mod:`advisor`, Rich, pandas) is imported inside ``run``, so ``kvt --help`` and every other
command start without it.
"""

from __future__ import annotations

from kvt.commands import advise, check, claims, evidence, questions

#: In the order ``kvt --help`` lists them.
COMMANDS = (claims, evidence, check, advise, questions)
