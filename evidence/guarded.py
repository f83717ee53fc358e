"""Guarded reading of files from outside: the one way kvt opens a result, a part, an answers file or a model.

Every file is checked before a byte is read: it must be a regular file (a folder where one is expected); a FIFO,
a device (``/dev/zero``, ``/dev/urandom``), a socket, a dangling link, a symlink loop, a path too long for the
system, ``~nosuchuser`` are refused with one line naming the path and the reason. It is then opened
non-blocking, checked again on the open descriptor (a file swapped for a FIFO between the two checks is still
refused) and read up to the size limit of its kind (:data:`LIMITS`, declared here once). JSON is parsed with
``NaN``/``Infinity`` and overflowing numbers refused, an integer longer than Python's digit limit refused, and
nesting deeper than :data:`MAX_DEPTH` refused. A ``.keras`` archive's members are checked from the zip's
declared sizes before anything is extracted (:func:`check_zip`), and a member is read bounded even when the
declared size lies.

Every refusal is a :class:`GuardedReadError` (an :class:`~evidence.errors.InputError`): one line, exit status 2.
"""

from __future__ import annotations

import errno
import json
import math
import os
import stat
from pathlib import Path
from typing import Any

from evidence.errors import InputError

MiB = 1024 * 1024
#: The largest file of each kind kvt reads. The committed results are under 0.5 MiB; a model's config.json a
#: few hundred KiB; an answers file a few hundred bytes.
LIMITS: dict[str, int] = {
    "result": 16 * MiB,
    "part": 16 * MiB,
    "answers": 64 * 1024,
    "release": 1 * MiB,
    "source": 4 * MiB,
    "keras-config": 16 * MiB,
    "keras-archive": 8 * 1024 * MiB,
}
#: Deepest JSON nesting accepted (a result nests about 10 levels; a Keras config a few dozen).
MAX_DEPTH = 200
#: Longest string accepted in a JSON file (a result's longest, a worker's stderr tail, is a few KiB): a 15 MB
#: "finding" would take a terminal table minutes to wrap.
MAX_STRING = 1 * MiB
#: Largest ratio of a zip member's declared size to its compressed size above 1 MiB (Keras stores weights
#: uncompressed; text compresses about 10×); a zip bomb's ratio is in the thousands.
MAX_ZIP_RATIO = 200
#: Longest path accepted, in bytes (Linux's PATH_MAX is 4096; a component is at most 255).
MAX_PATH_BYTES = 4096

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFCHR: "a character device", stat.S_IFBLK: "a block device",
          stat.S_IFSOCK: "a socket", stat.S_IFDIR: "a folder", stat.S_IFREG: "a file", stat.S_IFLNK: "a link"}


class GuardedReadError(InputError):
    """A file or folder kvt refuses to read; the message names it and the reason."""


def kind_of(mode: int) -> str:
    """What a ``st_mode`` is, in words (``a FIFO (named pipe)``)."""
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "a symlink loop"
    if exc.errno == errno.ENAMETOOLONG:
        return "a path too long for the system"
    if exc.errno == errno.ENOENT:
        return "no such file or folder"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return f"cannot read it ({exc.strerror or 'Permission denied'})"
    if exc.errno == errno.ENOTDIR:
        return "a part of the path is not a folder"
    return exc.strerror or type(exc).__name__


def expand(path: str | os.PathLike, what: str = "path") -> Path:
    """``path`` with a leading ``~`` or ``~user`` expanded, checked for NUL and length.

    Raises:
        GuardedReadError: an unknown user, a NUL character, a path longer than :data:`MAX_PATH_BYTES`.
    """
    text = os.fspath(path)
    if isinstance(text, bytes):
        text = os.fsdecode(text)
    if "\x00" in text:
        raise GuardedReadError(f"{what} {text[:80]!r}: holds a NUL character")
    if text.startswith("~"):
        expanded = os.path.expanduser(text)
        if expanded.startswith("~"):
            user = text[1:].split("/", 1)[0]
            raise GuardedReadError(f"{what} {text[:200]}: no user named {user[:80]!r} to expand '~{user[:80]}'")
        text = expanded
    try:
        size = len(os.fsencode(text))
    except UnicodeError:
        raise GuardedReadError(f"{what} {text[:80]!r}: not a valid file name") from None
    if size > MAX_PATH_BYTES:
        raise GuardedReadError(f"{what} {text[:60]}…: a path too long for the system ({size:,} bytes)")
    return Path(text)


def check_path(path: str | os.PathLike, what: str, *, expect: str = "file") -> os.stat_result:
    """``path``'s status after checking that it is a regular file (``expect="file"``) or a folder (``"dir"``).

    Raises:
        GuardedReadError: it is missing, a dangling link, a symlink loop, unreadable, too long a path, or of
            another kind (a FIFO, a device, a socket, a folder where a file is expected).
    """
    path = expand(path, what)
    try:
        info = os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ENOENT and os.path.lexists(path):
            raise GuardedReadError(f"{what} {path}: a dangling link (it points to nothing)") from None
        raise GuardedReadError(f"{what} {path}: {_reason(exc)}") from None
    except ValueError as exc:  # an embedded NUL or a name the system cannot encode
        raise GuardedReadError(f"{what} {path}: not a valid path ({exc})") from None
    wanted = stat.S_ISDIR if expect == "dir" else stat.S_ISREG
    if not wanted(info.st_mode):
        raise GuardedReadError(f"{what} {path}: is {kind_of(info.st_mode)}, not "
                               f"{'a folder' if expect == 'dir' else 'a regular file'}")
    if expect == "dir" and not os.access(path, os.R_OK | os.X_OK):
        raise GuardedReadError(f"{what} {path}: cannot list it (Permission denied)")
    return info


def list_dir(path: str | os.PathLike, what: str) -> list[Path]:
    """The entries of the folder ``path``, sorted by name, after :func:`check_path`.

    Raises:
        GuardedReadError: it is not a readable folder.
    """
    check_path(path, what, expect="dir")
    try:
        return sorted(Path(path).expanduser().iterdir())
    except OSError as exc:
        raise GuardedReadError(f"{what} {path}: {_reason(exc)}") from None


def read_bytes(path: str | os.PathLike, what: str, kind: str) -> bytes:
    """The bytes of the regular file ``path``, at most ``LIMITS[kind]``, read without ever blocking.

    Raises:
        GuardedReadError: not a regular file (see :func:`check_path`), larger than the limit, unreadable.
    """
    limit = LIMITS[kind]
    info = check_path(path, what)
    path = expand(path, what)
    if info.st_size > limit:
        raise GuardedReadError(f"{what} {path}: is {info.st_size:,} bytes; a {kind} file is at most {limit:,}")
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise GuardedReadError(f"{what} {path}: {_reason(exc)}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):  # swapped between stat and open
            raise GuardedReadError(f"{what} {path}: is {kind_of(mode)}, not a regular file")
        chunks, size = [], 0
        while size <= limit:
            chunk = os.read(fd, min(limit + 1 - size, MiB))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise GuardedReadError(f"{what} {path}: {_reason(exc)}") from None
    finally:
        os.close(fd)
    if size > limit:
        raise GuardedReadError(f"{what} {path}: grew past {limit:,} bytes while read; a {kind} file is at most that")
    return b"".join(chunks)


def read_text(path: str | os.PathLike, what: str, kind: str) -> str:
    """:func:`read_bytes` decoded as UTF-8 (a NUL character refused).

    Raises:
        GuardedReadError: as :func:`read_bytes`, or not UTF-8 text.
    """
    data = read_bytes(path, what, kind)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GuardedReadError(f"{what} {path}: is not UTF-8 text (byte {exc.start})") from None
    if "\x00" in text:
        raise GuardedReadError(f"{what} {path}: holds a NUL character: not a text file")
    return text


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:40]} overflows")
    return value


def json_depth_problem(value: Any, max_depth: int = MAX_DEPTH, max_string: int = MAX_STRING) -> str | None:
    """Why ``value`` (parsed JSON) nests too deeply or holds too long a string (or key), or None; walked without
    recursion, stopping early."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if len(item) > max_string:
                return f"it holds a string of {len(item):,} characters (at most {max_string:,})"
        elif isinstance(item, dict | list):
            if depth > max_depth:
                return f"it nests deeper than {max_depth} levels"
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return None


def parse_json(text: str | bytes, source: str, *, max_depth: int = MAX_DEPTH, nonfinite: bool = False) -> Any:
    """``text`` parsed as strict JSON: no NaN or Infinity (unless ``nonfinite``: result files keep a measurement
    that was NaN as Python's JSON writes it), no overflowing number, no integer past Python's digit limit, no
    nesting deeper than ``max_depth``.

    Raises:
        GuardedReadError: any of those, or not JSON; the message starts with ``source``.
    """
    try:
        # A literal that overflows to infinity (1e999) is never what a writer meant; NaN and Infinity tokens are
        # what Python's JSON writes for a measurement that was one, so result files may hold them.
        value = json.loads(text, parse_float=_finite_float,
                           **({} if nonfinite else {"parse_constant": _no_constant}))
    except RecursionError:
        raise GuardedReadError(f"{source}: not usable JSON: it nests deeper than can be parsed") from None
    except (ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError, the int-digit limit, NaN, overflow
        raise GuardedReadError(f"{source}: not readable JSON ({' '.join(str(exc).split())[:200]})") from None
    problem = json_depth_problem(value, max_depth)
    if problem:
        raise GuardedReadError(f"{source}: not usable JSON: {problem}")
    return value


def read_json(path: str | os.PathLike, what: str, kind: str, *, max_depth: int = MAX_DEPTH,
              nonfinite: bool = False) -> Any:
    """The JSON file ``path``, read by :func:`read_bytes` and parsed by :func:`parse_json` (UTF-8, no NUL)."""
    data = read_bytes(path, what, kind)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise GuardedReadError(f"{what} {path}: not readable JSON (not UTF-8 text at byte {exc.start})") from None
    if "\x00" in text:
        raise GuardedReadError(f"{what} {path}: not readable JSON (it holds a NUL character)")
    return parse_json(text, f"{what} {path}", max_depth=max_depth, nonfinite=nonfinite)


def check_zip(path: str | os.PathLike, what: str, *, kind: str = "keras-archive") -> None:
    """Check the zip archive ``path`` from its declared sizes before anything is extracted: the total at most
    ``LIMITS[kind]``, and no member above 1 MiB compressed more than :data:`MAX_ZIP_RATIO` times.

    Raises:
        GuardedReadError: not a regular file, not a zip archive, or a member past the limits (a zip bomb).
    """
    import zipfile  # here, not at start-up: only archive readers need it

    check_path(path, what)
    try:
        with zipfile.ZipFile(expand(path, what)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise GuardedReadError(f"{what} {path}: not a zip archive ({' '.join(str(exc).split())[:120]})") from None
    total = sum(m.file_size for m in members)
    if total > LIMITS[kind]:
        raise GuardedReadError(f"{what} {path}: its members declare {total:,} bytes uncompressed; at most "
                               f"{LIMITS[kind]:,} are read")
    for member in members:
        if member.file_size > MiB and member.file_size > MAX_ZIP_RATIO * max(member.compress_size, 1):
            raise GuardedReadError(f"{what} {path}: member {member.filename[:80]!r} expands {member.compress_size:,} "
                                   f"bytes to {member.file_size:,} (a zip bomb?); refused")


def read_zip_member(path: str | os.PathLike, member: str, what: str, kind: str) -> bytes:
    """The member ``member`` of the zip archive ``path`` (checked by :func:`check_zip`), read bounded by
    ``LIMITS[kind]`` even when its declared size lies.

    Raises:
        GuardedReadError: as :func:`check_zip`, a missing member, or a member past the limit.
    """
    import zipfile

    check_zip(path, what)
    limit = LIMITS[kind]
    try:
        with zipfile.ZipFile(expand(path, what)) as archive:
            info = archive.getinfo(member)
            if info.file_size > limit:
                raise GuardedReadError(f"{what} {path}: {member} declares {info.file_size:,} bytes; at most "
                                       f"{limit:,} are read")
            with archive.open(info) as fh:
                data = fh.read(limit + 1)
    except KeyError:
        raise GuardedReadError(f"{what} {path}: the archive has no {member}") from None
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError) as exc:
        raise GuardedReadError(f"{what} {path}: {member} cannot be read ({' '.join(str(exc).split())[:120]})") \
            from None
    if len(data) > limit:
        raise GuardedReadError(f"{what} {path}: {member} holds more than {limit:,} bytes")
    return data
