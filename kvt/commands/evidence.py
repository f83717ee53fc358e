"""``kvt evidence ACTION``: the group of the evidence's actions, each in a module of its own (``run``, ``show``,
``schema``, ``merge``, ``diff``)."""

from __future__ import annotations

from typing import Any

from kvt.commands import evidence_diff, evidence_merge, evidence_run, evidence_schema, evidence_show


def add_parser(sub: Any) -> None:
    """Add ``evidence`` and its actions to ``kvt``'s subparsers."""
    ev = sub.add_parser("evidence", help="run or show the evidence")
    evsub = ev.add_subparsers(dest="evidence_command", required=True, metavar="ACTION", parser_class=type(ev))
    for action in (evidence_run, evidence_show, evidence_schema, evidence_merge, evidence_diff):
        action.add_parser(evsub)
