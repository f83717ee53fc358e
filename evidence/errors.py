"""Errors as records, and framework log noise kept out of what people read: one helper for every claim.

A measurement that fails records *how* with :func:`error_info` (from an exception in the worker) or
:func:`error_from_text` (from another process's stderr). The records are :class:`~evidence.contract.ErrorInfo`
models, so a reader gets the same fields whichever claim wrote them. :func:`filter_noise` removes the lines that
TensorFlow, XLA and absl print on every start (the oneDNN notice among them) from a worker's stderr, so that the
engine is measured at its defaults and people still see only what matters.

It is also the one root of kvt's own exceptions: :class:`KvtError`, and under it :class:`InputError`, input from
outside (a file, a flag, an environment variable) that kvt refuses, with :class:`UsageError` (a command's
arguments) and :class:`BadInputError` (what ``kvt check`` was given cannot be checked) beneath it. The ``kvt``
command turns an :class:`InputError` that reaches it into one line on stderr and exit status 2. Every other
exception class of the tree derives from one of these (``tests/test_architecture.py`` checks it).
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the contract (pydantic) is imported by the functions that build records, not by importers
    from evidence.contract import ErrorInfo, KnownIssue

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
MESSAGE_CHARS = 500

#: Lines that only locate an error inside a framework's C++ (OpenVINO prefixes its messages with a chain of
#: them); the informative line is the first that is not one.
_LOCATION_LINE = re.compile(r"^(Exception from |Check '.*' failed at )")
#: Keras wraps an error raised in a layer's ``call`` in this header; the next line is the error itself.
_KERAS_HEADER = "Exception encountered when calling"
#: The last ``Type: message`` line of a traceback.
_EXCEPTION_LINE = re.compile(r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Failure)): ?(.*)$")

#: What frameworks print to stderr on every start or first call whatever happens: the oneDNN notice (printed
#: whatever TF_CPP_MIN_LOG_LEVEL says), CPU-feature and CUDA-probe lines, absl's pre-init warning, XLA's and
#: TensorFlow's informational log lines (``I0000 00:00:...`` / ``W0000 ...`` glog prefixes).
NOISE_PATTERNS: tuple[re.Pattern[str], ...] = tuple(re.compile(p) for p in (
    r"oneDNN custom operations are on",
    r"This TensorFlow binary is optimized to use available CPU instructions",
    r"To enable the following instructions: .* in other operations, rebuild TensorFlow",
    r"Could not find cuda drivers on your machine",
    r"Unable to register cu(DNN|FFT|BLAS) factory",
    r"computation placer already registered",
    r"TF-TRT Warning: Could not find TensorRT",
    r"All log messages before absl::InitializeLog\(\) is called are written to STDERR",
    r"^[IWE]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ [\w./-]+:\d+\]",
    r"^WARNING: All log messages before absl",
    r"cuda_(dnn|fft|blas|dnn_plugin)\.cc:\d+\]",
    r"Unable to initialize backend '(cuda|rocm|tpu)'",
    r"An NVIDIA GPU may be present on this machine, but a CUDA-enabled jaxlib is not installed",
))


class KvtError(Exception):
    """The root of kvt's own exceptions."""


class InputError(KvtError, ValueError):
    """Input from outside that kvt refuses (a file, a flag, a setting): one line, exit status 2, no traceback."""


class UsageError(InputError):
    """Bad input on a command's line (a flag, an argument): printed without a traceback, exit status 2."""


class BadInputError(InputError):
    """What the user gave ``kvt check`` cannot be checked (not a Keras model, data that cannot be derived); its
    message is the one line to print."""


def strip_ansi(text: str) -> str:
    """``text`` without terminal colour and cursor codes."""
    return ANSI.sub("", text)


def filter_noise(text: str) -> str:
    """``text`` (a worker's stderr) without the framework start-up lines of :data:`NOISE_PATTERNS`."""
    kept = [line for line in strip_ansi(text).splitlines() if not any(p.search(line) for p in NOISE_PATTERNS)]
    return "\n".join(kept)


def _type_name(exc: BaseException) -> str:
    cls = type(exc)
    return cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"


def first_line(exc: BaseException | str) -> str:
    """The first informative line of an exception's message (or of a text), at most 500 characters.

    Skips Keras's "Exception encountered when calling" header and OpenVINO's location lines; a line that ends
    with a colon introduces its detail (OpenVINO's ``OpConversionFailure:`` is followed by the operations it
    could not convert), so the next few lines are kept with it.
    """
    lines = [ln.strip() for ln in strip_ansi(str(exc)).splitlines() if ln.strip()]
    if lines and lines[0].startswith(_KERAS_HEADER):
        lines = lines[1:]
    informative = [ln for ln in lines if not _LOCATION_LINE.match(ln)] or lines
    if not informative:
        return ""
    text = informative[0]
    if text.endswith(":"):
        text = " ".join(informative[:5])
    return text[:MESSAGE_CHARS]


def error_info(exc: BaseException, program: str | None = None) -> ErrorInfo:
    """An exception as an :class:`ErrorInfo`: type, first informative line, the innermost error it wraps, the
    missing module of an ``ImportError``, and (with ``program``, a file name) the program line where it arose."""
    chain: list[BaseException] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen and len(chain) < 8:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    from evidence.contract import ErrorInfo

    name, message = _type_name(exc), first_line(exc)
    root = chain[-1]
    root_text = f"{_type_name(root)}: {first_line(root)}"
    missing = next((e.name for e in chain if isinstance(e, ImportError) and getattr(e, "name", None)), None)
    if missing is None and isinstance(exc, ImportError):
        # Keras raises a plain ImportError ("install the `litert-torch` package") with no module name.
        match = re.search(r"install the `([\w.-]+)` package", str(exc))
        missing = match.group(1) if match else None
    at = line = None
    if program:
        frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename).name == program]
        if frames:
            at, line = f"{program}:{frames[-1].lineno} in {frames[-1].name}", (frames[-1].line or "").strip()
    return ErrorInfo(type=name, message=message, root=root_text if root_text != f"{name}: {message}" else None,
                     at=at, line=line, missing_module=missing)


def error_from_text(text: str) -> ErrorInfo:
    """The last exception named in a traceback or stderr text, as an :class:`ErrorInfo`.

    A message that spans several lines (a ``PerReplica`` repr) keeps its first line, plus the text's last line
    when that carries the end of the message. A text with no exception line gives its last line, typed
    ``unknown``.
    """
    from evidence.contract import ErrorInfo

    lines = [ln.rstrip() for ln in filter_noise(text).strip().splitlines() if ln.strip()]
    found = None
    for i, line in enumerate(lines):
        match = _EXCEPTION_LINE.match(line.strip())
        if match:
            found = (i, match.group(1), match.group(2))
    if found is None:
        return ErrorInfo(type="unknown", message=(lines[-1].strip() if lines else "no output")[:MESSAGE_CHARS])
    i, kind, message = found
    if i < len(lines) - 1 and not lines[-1].startswith(" "):
        message = f"{message} … {lines[-1].strip()}"
    return ErrorInfo(type=kind, message=message[:MESSAGE_CHARS])


class IssuePattern:
    """A public report and the text of an error that identifies it, for :func:`known_issues`.

    Attributes:
        pattern: a regular expression searched in the error text.
        url: the report's address.
        title: what it reports, in our words.
        where: the cells it applies to (``{"target": "litert", "option": "keras-torch"}``); empty: any.
    """

    __slots__ = ("pattern", "title", "url", "where")

    def __init__(self, pattern: str, url: str, title: str, **where: str):
        self.pattern, self.url, self.title, self.where = re.compile(pattern), url, title, where


def known_issues(text: str, catalogue: tuple[IssuePattern, ...], **cell: str) -> list[KnownIssue]:
    """The reports of ``catalogue`` whose pattern appears in ``text`` and whose ``where`` matches ``cell``."""
    from evidence.contract import KnownIssue

    out = []
    for issue in catalogue:
        if any(cell.get(k) != v for k, v in issue.where.items()):
            continue
        match = issue.pattern.search(text or "")
        if match:
            out.append(KnownIssue(url=issue.url, title=issue.title, matched=match.group(0)[:120]))
    return out
