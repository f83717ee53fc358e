"""Answers files (``--answers FILE``, ``--save-answers FILE``): read bounded, parsed strictly, written to replay.

A user's file is untrusted input. It is read without ever blocking or reading more than :data:`MAX_BYTES`: the
path is checked with ``stat`` first (a folder, a FIFO, a device such as ``/dev/zero`` or ``/dev/urandom`` is
refused before it is opened), opened non-blocking, checked again with ``fstat`` and read up to the limit. Then it
must be UTF-8 without a byte-order mark, hold no NUL, parse as TOML or JSON (JSON with no repeated key, nesting
that Python can parse), and hold question id = answer pairs. Every problem is one :class:`AnswerError` naming the
file and the problem, values quoted at most 80 characters.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from advisor.questions import QUESTIONS, AnswerError, parse_answers, quote

#: The largest answers file read (a complete one is a few hundred bytes): declared once, in evidence.guarded.
MAX_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"


def _read_bounded(path: Path, source: str) -> bytes:
    """The file's bytes through kvt's one guarded reader (:mod:`evidence.guarded`), its refusal as an
    :class:`AnswerError` naming the flag."""
    from evidence.guarded import GuardedReadError, read_bytes

    try:
        return read_bytes(path, "--answers", "answers")
    except GuardedReadError as exc:
        raise AnswerError(f"{source}: {str(exc).removeprefix(f'--answers {path}: ')}") from None


def _decode(data: bytes, source: str) -> str:
    if data.startswith(_BOM):
        raise AnswerError(f"{source}: starts with a UTF-8 byte-order mark; save it as UTF-8 without one")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise AnswerError(f"{source}: is not UTF-8 text (byte {exc.start} is {data[exc.start:exc.start + 1]!r})") \
            from None
    if "\x00" in text:
        raise AnswerError(f"{source}: holds a NUL character at offset {text.index(chr(0))}: not a text file")
    return text


def _no_repeats(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise ValueError(f"key {quote(key)} appears more than once")
        out[key] = value
    return out


def _parse(text: str, kind: str) -> Any:
    if kind == "json":
        return json.loads(text, object_pairs_hook=_no_repeats)
    import tomllib

    return tomllib.loads(text)


def read_answers_file(path: str | os.PathLike) -> tuple[dict[str, str], list[str]]:
    """The validated answers of a TOML or JSON file (by suffix; another suffix: JSON, then TOML), and the notes of
    old answer names it used.

    Raises:
        AnswerError: the file cannot be read, is not a bounded UTF-8 text file, does not parse, or holds an
            unknown question or answer; the message names the file and the problem.
    """
    path = Path(path)
    source = f"--answers {path}"
    text = _decode(_read_bounded(path, source), source)
    suffix = path.suffix.lower()
    kinds = {".toml": ("toml",), ".json": ("json",)}.get(suffix, ("json", "toml"))
    errors = []
    for kind in kinds:
        try:
            data = _parse(text, kind)
        except RecursionError:
            errors.append(f"not valid {kind.upper()}: it nests deeper than can be parsed")
            continue
        except ValueError as exc:  # json.JSONDecodeError, tomllib.TOMLDecodeError, an integer past the digit limit
            errors.append(f"not valid {kind.upper()}: {' '.join(str(exc).split())[:200]}")
            continue
        from evidence.guarded import json_depth_problem

        if json_depth_problem(data, 32):  # answers are flat pairs; deep nesting is never an answer
            errors.append("not valid answers: it nests deeper than 32 levels")
            continue
        return parse_answers(data, source)
    example = QUESTIONS[3]
    raise AnswerError(f"{source}: {'; '.join(errors)}. Expected question id = answer pairs, for example "
                      f'{example.id} = "{example.choices[1].value}"')


def write_answers_file(path: str | os.PathLike, answers: dict[str, str]) -> None:
    """Write ``answers`` as TOML (``.toml``) or JSON (anything else), for ``--answers`` to replay.

    Raises:
        OSError: the file cannot be written.
    """
    path = Path(path)
    if path.suffix.lower() == ".toml":
        text = "".join(f"{k} = {json.dumps(v)}\n" for k, v in answers.items())
    else:
        text = json.dumps(answers, indent=2) + "\n"
    path.write_text(text, encoding="utf-8")
