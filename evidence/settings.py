"""Every ``KVT_*`` environment variable, declared once and validated once, with a one-line error.

The ``kvt`` command calls :func:`validate` before any command runs, so a bad value (``KVT_VENUE=CPU-2CORE``, a
venue with a trailing newline, ``KVT_EXTRA_CLAIMS`` naming a module that does not exist) exits 2 with one line
naming the variable, the value and what is expected, instead of a traceback deep inside a run or a plugin
silently ignored. Modules read a setting through :func:`get`, which validates it too, and kvt's cache folders
through :func:`cache_dir` (the user's cache folder by ``platformdirs``, unless a variable names another).
"""

from __future__ import annotations

import importlib.util
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from evidence.errors import InputError


class SettingsError(InputError):
    """An environment variable with a value kvt refuses."""


def _quote(value: str) -> str:
    return repr(value if len(value) <= 80 else value[:77] + "...")


def _path(value: str) -> str:
    if "\x00" in value:
        raise ValueError("holds a NUL character")
    if len(os.fsencode(value)) > 4096:
        raise ValueError("is a path too long for the system")
    if value != value.strip():
        raise ValueError("has leading or trailing white space")
    return value


_VENUE = re.compile(r"(cpu|gpu)-[a-z0-9][a-z0-9-]*")


def _venue(value: str) -> str:
    if not _VENUE.fullmatch(value):
        raise ValueError("expected a venue such as 'cpu-2core' or 'gpu-h200' (lower case letters, digits, dashes)")
    return value


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_MODULE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*")


def _extra_entries(value: str) -> list[tuple[str, str]]:
    out = []
    for entry in filter(None, (e.strip() for e in value.split(","))):
        cid, sep, module = (part.strip() for part in entry.partition("="))
        if not sep or not _IDENT.fullmatch(cid) or not _MODULE.fullmatch(module):
            raise ValueError(f"expected entries of the form id=module (a claim id and a dotted module name); "
                             f"received {_quote(entry)}")
        out.append((cid, module))
    return out


def _extra_claims(value: str) -> str:
    _extra_entries(value)  # the form, for every command; whether each module exists: check_extra_modules
    return value


def check_extra_modules(environ: Mapping[str, str] | None = None) -> None:
    """Refuse a ``KVT_EXTRA_CLAIMS`` entry whose module cannot be found, for commands that read every claim's
    evidence (``kvt advise``, which would otherwise never look at it). ``kvt evidence run CLAIM`` does not call
    it: a release set runs one claim at a time, and a claim that cannot load there is recorded unavailable.

    Raises:
        SettingsError: the first entry whose module is not on the path.
    """
    value = get("KVT_EXTRA_CLAIMS", environ)
    for cid, module in _extra_entries(value or ""):
        try:
            found = importlib.util.find_spec(module)
        except (ImportError, ValueError) as exc:
            found, why = None, f"{type(exc).__name__}: {exc}"
        else:
            why = "no such module"
        if found is None:
            raise SettingsError(f"$KVT_EXTRA_CLAIMS: claim {cid!r}: its module {module!r} cannot be imported ({why}); "
                                "check PYTHONPATH")


_URL = re.compile(r"https?://[A-Za-z0-9.-]+(:[0-9]+)?(/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?")


def _url(value: str) -> str:
    if not _URL.fullmatch(value) or any(c in value for c in "\"'<>` "):
        raise ValueError("expected an http(s) address without quotes, spaces or angle brackets")
    return value


def _docs_url(value: str) -> str:
    if value.startswith(("http://", "https://")):
        return _url(value)
    if not re.fullmatch(r"/?[A-Za-z0-9._~/-]*", value):
        raise ValueError("expected an http(s) address or a relative path of letters, digits, '.', '_', '-', '/'")
    return value


def _edit_uri(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9._~/-]*", value):
        raise ValueError("expected a path of letters, digits, '.', '_', '-', '/'")
    return value


def _release_set(value: str) -> str:
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*", value):
        raise ValueError("expected a release set name such as 'keras-3.0' (see evidence/releases.py)")
    return value


def _flag(value: str) -> str:
    if value not in ("", "0", "1"):
        raise ValueError("expected 1 (on) or 0 (off)")
    return value


def _whole(value: str) -> str:
    if not re.fullmatch(r"[0-9]{1,6}", value):
        raise ValueError("expected a whole number")
    return value


def _gib(value: str) -> str:
    if not re.fullmatch(r"[0-9]{1,6}(\.[0-9]{1,3})?", value) or float(value) <= 0:
        raise ValueError("expected a number of GiB above 0, such as 12 or 0.5")
    return value


def _text(value: str) -> str:
    if "\x00" in value or len(value) > 10_000:
        raise ValueError("holds a NUL character or is longer than 10,000 characters")
    return value


@dataclass(frozen=True)
class Setting:
    """One environment variable: its name, what it does, and its check (returns the value, raises ValueError)."""

    name: str
    help: str
    check: Callable[[str], str]


SETTINGS: dict[str, Setting] = {s.name: s for s in (
    Setting("KVT_VENUE", "the venue a run's results are filed under (cpu-2core, gpu-h200)", _venue),
    Setting("KVT_RESULTS_DIR", "the results folder every command reads", _path),
    Setting("KVT_EXTRA_CLAIMS", "claims from outside the project, id=module,id=module", _extra_claims),
    Setting("KVT_DOCS_URL", "the site the advisor links claim pages to", _docs_url),
    Setting("KVT_SITE_URL", "the published site's address (sitemap, social cards)", _url),
    Setting("KVT_REPO_URL", "the repository's address (source links)", _url),
    Setting("KVT_EDIT_URI", "the edit path under the repository's address", _edit_uri),
    Setting("KVT_NPM_DIR", "where the pinned npm packages are installed", _path),
    Setting("KVT_ENVS_DIR", "where the deployment claim's own environments live", _path),
    Setting("KVT_RELEASE_SET", "the release set a run belongs to", _release_set),
    Setting("KVT_RELEASE_CACHE", "where release sets' environments are cached", _path),
    Setting("KVT_ROWS_CACHE", "where kvt claims and kvt evidence show cache the rows they read (off: none)", _path),
    Setting("KVT_REGENERATE_EXAMPLES", "1: rewrite the check page's example report", _flag),
    Setting("KVT_ATTEMPT", "the restart attempt of a distributed worker (set by the launcher)", _whole),
    Setting("KVT_FAULT_KILL_WORKER", "a test hook: kill this distributed worker", _text),
    Setting("KVT_EXTRA_PACKAGES", "nox: requirement specifiers installed over the frameworks", _text),
    Setting("KVT_TEST_PIDFILE", "a test hook: where a worker writes its process id", _path),
    Setting("KVT_WORKER_MEMORY_GIB", "the memory cap of a worker with its children, in GiB (default 12)", _gib),
)}

#: The memory cap of a worker process and its children together, in GiB, when ``KVT_WORKER_MEMORY_GIB`` is unset
#: (issue 27): the project's 2-core machine has 23 GiB and no swap, so a worker held under 12 leaves the runner and
#: the system room, where one that grew past 24 GB (tf2onnx on BERT-base) brought the kernel's out-of-memory killer.
WORKER_MEMORY_GIB = 12.0


def check(name: str, value: str) -> str:
    """``value`` of the variable ``name`` after its check.

    Raises:
        SettingsError: the value is refused (one line: the variable, the value, what is expected).
    """
    setting = SETTINGS[name]
    try:
        return setting.check(value)
    except ValueError as exc:
        raise SettingsError(f"${name}={_quote(value)}: {exc} ({setting.help})") from None


def get(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The validated value of ``name`` (None when unset or empty).

    Raises:
        SettingsError: it is set to a value its check refuses.
    """
    value = (os.environ if environ is None else environ).get(name)
    if not value:
        return None
    return check(name, value)


def validate(environ: Mapping[str, str] | None = None) -> None:
    """Check every ``KVT_*`` variable that is set, once, before a command runs.

    Raises:
        SettingsError: the first variable with a value its check refuses.
    """
    environ = os.environ if environ is None else environ
    for name in SETTINGS:
        get(name, environ)


def worker_memory_bytes(environ: Mapping[str, str] | None = None) -> int:
    """The memory cap of one worker process and its descendants together, in bytes: ``KVT_WORKER_MEMORY_GIB``
    (GiB, fractions allowed), else :data:`WORKER_MEMORY_GIB`.

    Raises:
        SettingsError: the variable is set to a value its check refuses.
    """
    value = get("KVT_WORKER_MEMORY_GIB", environ)
    return int(float(value or WORKER_MEMORY_GIB) * 2**30)


def cache_dir(name: str, variable: str | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """kvt's cache folder ``name`` (``npm``, ``envs``, ``releases``): the folder the variable ``variable`` names when
    it is set, else ``name`` under the user's cache folder for kvt (``platformdirs``: ``~/.cache/kvt`` on Linux,
    ``$XDG_CACHE_HOME/kvt`` when that is set). Never inside the checkout; not created here.

    Raises:
        SettingsError: ``variable`` is set to a value its check refuses.
    """
    override = get(variable, environ) if variable else None
    if override:
        return Path(override).expanduser()
    from platformdirs import user_cache_path  # imported when a cache folder is asked for, not at start-up

    return user_cache_path("kvt", appauthor=False) / name
