"""Asking the questionnaire at a terminal: arrow-key choices with questionary, a numbered menu without it.

Only ``kvt advise`` at a terminal, with answers still missing, comes here; scripts never import this module.
Prompts go to standard error, so ``kvt advise --format json > advice.json`` can still ask its questions.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from typing import Protocol, TextIO

from advisor.questions import Question


class Prompter(Protocol):
    """Asks one question and returns a valid choice; raises KeyboardInterrupt when the user cancels."""

    def ask(self, question: Question, default: str) -> str:
        """Ask ``question`` with ``default`` preselected."""
        ...


class ArrowKeyPrompter:
    """Arrow-key selection with questionary; each choice's label shown, the question's help as the instruction.

    ``input`` and ``output`` are passed to prompt_toolkit (tests give a pipe and a dummy output); by default
    the prompt reads the terminal and draws on standard error.
    """

    def __init__(self, input=None, output=None):
        self.input = input
        self.output = output

    def ask(self, question: Question, default: str) -> str:
        """Ask with questionary; Ctrl-C raises KeyboardInterrupt."""
        import questionary

        choices = [questionary.Choice(title=f"{c.value}: {c.label}", value=c.value) for c in question.choices]
        output = self.output
        if output is None:
            from prompt_toolkit.output import create_output

            output = create_output(stdout=sys.stderr)
        extra = {"output": output} | ({"input": self.input} if self.input is not None else {})
        answer = questionary.select(
            question.text, choices=choices, default=next(c for c in choices if c.value == default),
            instruction=f"(↑/↓ and Enter; default {default}) {question.help}", **extra,
        ).unsafe_ask()
        if answer is None:  # pragma: no cover - questionary returns None only on cancel, which raises here
            raise KeyboardInterrupt
        return answer


def _read_line(prompt: str) -> str:
    """Write ``prompt`` to standard error and read one line from standard input (EOFError at its end)."""
    sys.stderr.write(prompt)
    sys.stderr.flush()
    line = sys.stdin.readline()
    if not line:
        raise EOFError
    return line


class NumberedPrompter:
    """A numbered menu on standard error: the fallback where questionary is not installed."""

    def __init__(self, read: Callable[[str], str] = _read_line, out: TextIO | None = None):
        self.read = read
        self.out = out

    def ask(self, question: Question, default: str) -> str:
        """Print the choices numbered; accept a number, a value, or Enter for the default; ask again if wrong."""
        out = self.out or sys.stderr
        print(f"\n{question.text}\n  {question.help}", file=out)
        for n, c in enumerate(question.choices, start=1):
            print(f"  {n}. {c.value}: {c.label}{'  (default)' if c.value == default else ''}", file=out)
        while True:
            try:
                reply = self.read(f"Choice [1-{len(question.choices)}, Enter for {default}]: ").strip()
            except EOFError:
                raise KeyboardInterrupt from None
            if not reply:
                return default
            if reply.isdigit() and 1 <= int(reply) <= len(question.choices):
                return question.choices[int(reply) - 1].value
            if reply in question.values:
                return reply
            print(f"  Expected a number from 1 to {len(question.choices)} or one of: "
                  f"{', '.join(question.values)}", file=out)


def default_prompter() -> Prompter:
    """The arrow-key prompter when questionary is installed, else the numbered menu."""
    try:
        import questionary  # noqa: F401
    except ImportError:
        return NumberedPrompter()
    return ArrowKeyPrompter()


def ask_missing(questions: Iterable[Question], given: dict[str, str], prompter: Prompter) -> dict[str, str]:
    """Ask every question of ``questions`` not in ``given``; return ``given`` with the answers added."""
    answers = dict(given)
    for question in questions:
        if question.id not in answers:
            answers[question.id] = prompter.ask(question, question.default)
    return answers
