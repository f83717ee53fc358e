"""The code a claim ran, shown as tabs: the claim module, then its programs, Keras | TensorFlow core side by side.

Pairing convention (a naming rule, so claims need no extra attribute): among a claim's ``programs``, a file
whose stem ends in ``_tfcore`` (or ``_tf_core``) is the TensorFlow-core version of a task, and its Keras twin is
``<task>_keras`` or, when there is none, plain ``<task>``, with any extension:

- ``cnn_keras.py`` + ``cnn_tfcore.py`` → task "Cnn";
- ``digits_mlp.py`` + ``digits_mlp_tf_core.py`` → task "Digits mlp".

Each pair is one tab set labelled "Keras" and "TensorFlow core" under the task's name. Every other program
(``tf_op_layer.py``, a ``.cc`` op, a shared spec) is one tab in the claim's code tab set, after the claim module
itself. Tab labels are linked across a page (``content.tabs.link``), so choosing "TensorFlow core" once switches
every pair on the page.

Every listing is the file read at build time — the file that ran, and the file hashed for staleness — never a
copy.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

from evidence.claim import PROGRAMS_DIR, Claim
from evidence.provenance import PROJECT_ROOT
from kvt_docs.markdown import fence, tabs

#: Stem suffixes that mark a TensorFlow-core program, and the one that marks its Keras twin.
TFCORE_SUFFIXES = ("_tfcore", "_tf_core")
KERAS_SUFFIX = "_keras"

LANGUAGES = {".py": "python", ".cc": "cpp", ".cpp": "cpp", ".h": "cpp", ".sh": "bash", ".toml": "toml",
             ".json": "json", ".yaml": "yaml", ".yml": "yaml"}


@dataclass(frozen=True)
class ProgramPair:
    """One task written both ways."""

    task: str
    keras: str
    tfcore: str


def split_programs(programs: tuple[str, ...] | list[str]) -> tuple[list[ProgramPair], list[str]]:
    """(pairs, single programs) by the naming rule of the module docstring, in declaration order."""
    by_stem = {Path(p).stem: p for p in programs}
    pairs, paired = [], set()
    for name in programs:
        stem = Path(name).stem
        suffix = next((s for s in TFCORE_SUFFIXES if stem.endswith(s)), None)
        if suffix is None:
            continue
        task = stem.removesuffix(suffix)
        keras = by_stem.get(task + KERAS_SUFFIX) or by_stem.get(task)
        if keras and keras not in paired:
            pairs.append(ProgramPair(task, keras, name))
            paired |= {keras, name}
    order = {name: i for i, name in enumerate(programs)}
    pairs.sort(key=lambda pair: order[pair.keras])
    return pairs, [p for p in programs if p not in paired]


def program_paths(claim: Claim) -> dict[str, Path]:
    """Each declared program's file, as :meth:`Claim.code_files` names it: the files shown are the files hashed."""
    by_name = {path.name: path for path in claim.code_files()}
    return {name: by_name.get(Path(name).name, PROGRAMS_DIR / name) for name in claim.programs}


def listing(path: Path) -> str:
    """A titled code block with ``path``'s text."""
    title = path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else path.name
    return fence(path.read_text(encoding="utf-8"), LANGUAGES.get(path.suffix, ""), title)


def code_section(claim: Claim) -> str:
    """Markdown for the claim's code: the paired programs first, then a tab set of the module and the rest."""
    pairs, singles = split_programs(claim.programs)
    paths = program_paths(claim)
    parts = []
    for pair in pairs:
        parts.append(f"#### {pair.task.replace('_', ' ').capitalize()}\n\n"
                     + tabs([("Keras", listing(paths[pair.keras])),
                             ("TensorFlow core", listing(paths[pair.tfcore]))]))
    module_file = Path(inspect.getfile(type(claim)))
    items = [(f"{module_file.name} (claim)", listing(module_file))]
    items += [(name, listing(paths[name])) for name in singles]
    if pairs:
        parts.append("#### The claim module and other programs\n")
    parts.append(tabs(items))
    return "\n".join(parts)
