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
import stat
from pathlib import Path
from typing import Any

from advisor.questions import QUESTIONS, AnswerError, parse_answers, quote

#: The largest answers file read (a complete one is a few hundred bytes).
MAX_BYTES = 64 * 1024
_BOM = b"\xef\xbb\xbf"
_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder"}


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _read_bounded(path: Path, source: str) -> bytes:
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise AnswerError(f"{source}: no such file") from None
    except OSError as exc:
        raise AnswerError(f"{source}: cannot read the file ({exc.strerror or type(exc).__name__})") from None
    if not stat.S_ISREG(info.st_mode):
        raise AnswerError(f"{source}: is {_kind(info.st_mode)}, not a file of answers")
    if info.st_size > MAX_BYTES:
        raise AnswerError(f"{source}: is {info.st_size:,} bytes; an answers file is at most {MAX_BYTES // 1024} KiB")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise AnswerError(f"{source}: cannot read the file ({exc.strerror or type(exc).__name__})") from None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # replaced between stat and open
            raise AnswerError(f"{source}: is {_kind(os.fstat(fd).st_mode)}, not a file of answers")
        chunks, size = [], 0
        while size <= MAX_BYTES:
            chunk = os.read(fd, MAX_BYTES + 1 - size)
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise AnswerError(f"{source}: cannot read the file ({exc.strerror or type(exc).__name__})") from None
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise AnswerError(f"{source}: is more than {MAX_BYTES // 1024} KiB; an answers file is at most that")
    return b"".join(chunks)


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
        except ValueError as exc:  # json.JSONDecodeError and tomllib.TOMLDecodeError are ValueErrors
            errors.append(f"not valid {kind.upper()}: {' '.join(str(exc).split())[:200]}")
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
