"""Asking the questionnaire at a terminal: arrow-key choices with questionary, a numbered menu without it.

Only ``kvt advise`` at a terminal, with answers still missing, comes here; scripts never import this module.
Prompts go to standard error, so ``kvt advise --format json > advice.json`` can still ask its questions. Every
line a prompt draws fits 80 columns: the question and each choice are short, and the help is wrapped between
words above the prompt.
"""

from __future__ import annotations

import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable
from typing import Protocol, TextIO

from advisor.questions import Question, parse_answer


class Prompter(Protocol):
    """Asks one question and returns a valid answer; raises KeyboardInterrupt when the user cancels."""

    def ask(self, question: Question, default: str) -> str:
        """Ask ``question`` with ``default`` preselected."""
        ...


def _help_lines(question: Question, width: int) -> list[str]:
    return textwrap.wrap(question.help, width=max(width, 40) - 1, initial_indent="  ", subsequent_indent="  ",
                         break_long_words=False, break_on_hyphens=False)


def _intro(question: Question, width: int) -> str:
    """The question and its help, wrapped between words, drawn above the prompt."""
    text = textwrap.wrap(question.text, width=max(width, 40) - 1, break_long_words=False, break_on_hyphens=False)
    return "\n".join(["", *text, *_help_lines(question, width)])


class ArrowKeyPrompter:
    """Arrow-key selection with questionary (a checkbox for a question that takes several answers).

    The question and its help are printed above the prompt, wrapped; the prompt itself is the question's id
    (its flag and answers-file key), so that the line questionary leaves once answered, ``? id value: label``,
    fits 80 columns.

    ``input`` and ``output`` are passed to prompt_toolkit (tests give a pipe and a dummy output); by default
    the prompt reads the terminal and draws on standard error.
    """

    def __init__(self, input=None, output=None):
        self.input = input
        self.output = output

    def ask(self, question: Question, default: str) -> str:
        """Ask with questionary; Ctrl-C raises KeyboardInterrupt."""
        import questionary

        output = self.output
        if output is None:
            from prompt_toolkit.output import create_output

            output = create_output(stdout=sys.stderr)
            print(_intro(question, shutil.get_terminal_size((80, 24)).columns), file=sys.stderr)
        extra = {"output": output} | ({"input": self.input} if self.input is not None else {})
        if question.multiple:
            chosen = set(default.split(","))
            choices = [questionary.Choice(title=f"{c.value}: {c.label}", value=c.value, checked=c.value in chosen)
                       for c in question.choices]
            answer = questionary.checkbox(question.id, choices=choices, instruction="(space to tick, Enter)",
                                          validate=lambda picked: _check(question, picked), **extra).unsafe_ask()
            if answer is None:  # pragma: no cover - questionary returns None only on cancel, which raises here
                raise KeyboardInterrupt
            return parse_answer(question.id, answer)[0]
        choices = [questionary.Choice(title=f"{c.value}: {c.label}", value=c.value) for c in question.choices]
        answer = questionary.select(
            question.id, choices=choices, default=next(c for c in choices if c.value == default),
            instruction="(↑/↓, Enter)", **extra,
        ).unsafe_ask()
        if answer is None:  # pragma: no cover
            raise KeyboardInterrupt
        return answer


def _check(question: Question, picked: list[str]) -> bool | str:
    """True when ``picked`` is an answer the flag would take (the same parser decides), else why not, in a line
    short enough for the prompt's bottom bar: a checkbox that ticks 'none' with a framework, or nothing, is
    refused as ``--ecosystem none,pytorch`` is, rather than silently changed."""
    if not picked:
        return "Tick at least one (none: no framework's code to keep)"
    try:
        parse_answer(question.id, picked)
    except ValueError as exc:
        why = str(exc)
        return "'none' cannot be combined with a framework: untick one" if "cannot be combined" in why else why
    return True


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

    def __init__(self, read: Callable[[str], str] = _read_line, out: TextIO | None = None, width: int = 80):
        self.read = read
        self.out = out
        self.width = width

    def ask(self, question: Question, default: str) -> str:
        """Print the choices numbered; accept numbers or values (several, comma-separated, where the question
        takes several), or Enter for the default; ask again if wrong."""
        out = self.out or sys.stderr
        print(f"\n{question.text}", file=out)
        print("\n".join(_help_lines(question, self.width)), file=out)
        for n, c in enumerate(question.choices, start=1):
            print(f"  {n}. {c.value}: {c.label}{'  (default)' if c.value == default else ''}", file=out)
        many = ", several comma-separated" if question.multiple else ""
        while True:
            try:
                reply = self.read(f"Choice [1-{len(question.choices)}{many}, Enter for {default}]: ").strip()
            except EOFError:
                raise KeyboardInterrupt from None
            if not reply:
                return default
            parts = [p.strip() for p in reply.split(",")] if question.multiple else [reply]
            values = [question.choices[int(p) - 1].value if p.isdigit() and 1 <= int(p) <= len(question.choices)
                      else p for p in parts]
            if all(v in question.values for v in values):
                try:
                    return parse_answer(question.id, values if question.multiple else values[0])[0]
                except ValueError as exc:
                    print(f"  {str(exc).split(': ', 1)[-1]}", file=out)
                    continue
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
