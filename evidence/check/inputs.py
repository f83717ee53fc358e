"""What PATH is, for ``kvt check``, and the refusal of bad input, with the standard library only.

PATH is a ``.keras`` file (a zip archive holding ``config.json``, as Keras 3 saves it), a legacy ``.h5`` model or a
TensorFlow SavedModel folder (what Keras 2 saved; :mod:`evidence.check.legacy`), a Python module that defines
``build_model()``, or, with ``--script``, any Python script. Anything else is a :class:`~evidence.errors.UsageError`
(one line, exit status 2): a missing file, a folder that is no SavedModel, another format, a ``.keras`` file that
is not such an archive, an ``.h5`` file holding no model (or a ``Lambda`` layer's bytecode), a module that does
not parse or defines no ``build_model()``, an unknown backend or target.
"""

from __future__ import annotations

import os
from pathlib import Path

from evidence.check.legacy import inspect_h5, inspect_saved_model
from evidence.check.scan import defines
from evidence.errors import UsageError
from evidence.guarded import GuardedReadError, check_path, parse_json, read_text, read_zip_member
from evidence.options import TRAINING_BACKENDS


def classify(path: Path, *, script: bool) -> str:
    """``keras_file``, ``h5_file``, ``saved_model``, ``module`` or ``script`` for ``path``, after checking it can be
    one.

    Raises:
        UsageError: ``path`` is missing, a folder, or not a Keras model, module or script.
    """
    if not os.path.isdir(path):  # a FIFO, a device, a link loop, ~nosuchuser, too long a path: refused unopened
        try:
            check_path(path, "PATH")
        except GuardedReadError as exc:
            raise UsageError(str(exc)) from None
    if not path.exists():
        raise UsageError(f"no such file: {path}")
    if path.is_dir():
        inspect_saved_model(path)  # a folder is a SavedModel, or bad input
        return "saved_model"
    if script:
        _parse(path)
        return "script"
    if path.suffix == ".keras":
        check_keras_file(path)
        return "keras_file"
    if path.suffix in (".h5", ".hdf5"):
        inspect_h5(path)  # a Keras 2 model, not weights or a Lambda layer's bytecode, or bad input
        return "h5_file"
    if path.suffix == ".py":
        source = _parse(path)
        if not defines(source, "build_model"):
            raise UsageError(f"{path} defines no build_model(): a module must define build_model() returning a "
                             "compiled Keras model (to run it as it is, pass --script)")
        return "module"
    raise UsageError(f"{path} is not a Keras model: expected a .keras file (the Keras 3 format), a .h5 model or a "
                     "SavedModel folder (Keras 2), a Python module defining build_model(), or a script with "
                     f"--script; received a {path.suffix or 'file'} file")


def _parse(path: Path) -> str:
    """The text of the Python file ``path``, after checking that it parses."""
    import ast

    try:
        source = read_text(path, "PATH", "source")
        ast.parse(source, filename=path.name)
    except GuardedReadError as exc:
        raise UsageError(str(exc)) from None
    except (RecursionError, MemoryError, ValueError):
        raise UsageError(f"{path} cannot be parsed as Python (nested too deeply or too large)") from None
    except SyntaxError as exc:
        raise UsageError(f"{path} is not valid Python: {exc.msg} (line {exc.lineno})") from None
    return source


def check_keras_file(path: Path) -> None:
    """Check that ``path`` is a ``.keras`` archive: a zip file with a ``config.json`` describing a Keras object.

    Raises:
        UsageError: it is not.
    """
    import zipfile

    if not zipfile.is_zipfile(path):
        raise UsageError(f"{path} is not a valid .keras file: not a zip archive (a .keras file is the zip "
                         "archive that model.save() writes)")
    try:  # declared sizes checked before anything is extracted; config.json read bounded, depth-limited
        config = parse_json(read_zip_member(path, "config.json", "PATH", "keras-config"), f"{path}: config.json",
                            max_depth=100)
    except GuardedReadError as exc:
        if "has no config.json" in str(exc):
            raise UsageError(f"{path} is not a Keras model: the archive has no config.json") from None
        raise UsageError(f"{path} is not a valid .keras file: {exc}") from None
    if not isinstance(config, dict) or "class_name" not in config:
        raise UsageError(f"{path} is not a Keras model: its config.json describes no Keras object")


def parse_backends(text: str) -> tuple[str, ...]:
    """``tensorflow,jax`` as a tuple of backends, in the order given, checked against Keras's training backends.

    Raises:
        UsageError: an unknown or missing backend; the message lists the valid ones.
    """
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    unknown = [n for n in names if n not in TRAINING_BACKENDS]
    if unknown or not names:
        raise UsageError(f"Expected backends among {', '.join(TRAINING_BACKENDS)} (comma-separated); received: "
                         f"{text!r}")
    return names


def parse_targets(text: str | None, known: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """The export targets asked (``none`` for none), and whether they were asked (None: every known target).

    Raises:
        UsageError: an unknown target; the message lists the valid ones.
    """
    if text is None:
        return known, False
    names = tuple(dict.fromkeys(n.strip() for n in text.split(",") if n.strip()))
    if names == ("none",):
        return (), True
    unknown = [n for n in names if n not in known]
    if unknown or not names:
        raise UsageError(f"Expected targets among {', '.join(known) or '(none known)'}, or none; received: {text!r}")
    return names, True
