"""The programs a claim ran, shown as tabs: one tab set per task with its Keras and TensorFlow core versions side by
side, and the claim's own modules linked in the repository rather than printed.

Grouping convention (a naming rule, so claims need no extra attribute): among a claim's ``programs``, files whose
stems share a task prefix and end in a style suffix are one task written several ways:

- ``_keras`` → "Keras", ``_gradienttape`` → "Keras + GradientTape", ``_tfcore`` or ``_tf_core`` →
  "TensorFlow core";
- a TensorFlow core file whose task has no ``_keras`` twin pairs with the plain ``<task>`` file, which is then the
  Keras version (``digits_mlp.py`` + ``digits_mlp_tf_core.py``).

A task with two or more versions is one tab set; every other program is one tab of the claim's "other programs"
set. Tab labels are linked across a page (``content.tabs.link``), so choosing "TensorFlow core" once switches
every task on the page. Every listing is the file read at build time — the file that ran and that is hashed for
staleness — never a copy. Long listings are shown without syntax highlighting, which would triple the page's
weight.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from pathlib import Path

from evidence.claim import PROGRAMS_DIR, Claim
from evidence.provenance import PROJECT_ROOT
from kvt_docs.markdown import fence, tabs

#: Style suffixes of a program's stem, with their tab labels, in tab order.
STYLES: dict[str, str] = {"_keras": "Keras", "_gradienttape": "Keras + GradientTape", "_tfcore": "TensorFlow core",
                          "_tf_core": "TensorFlow core"}
TFCORE_SUFFIXES = ("_tfcore", "_tf_core")
LANGUAGES = {".py": "python", ".cc": "cpp", ".cpp": "cpp", ".h": "cpp", ".sh": "bash", ".toml": "toml",
             ".js": "javascript", ".json": "json", ".yaml": "yaml", ".yml": "yaml"}
#: Characters of listings a page highlights; a page with more shows them all as plain text.
HIGHLIGHT_BUDGET = 24_000


@dataclass(frozen=True)
class ProgramGroup:
    """One task written in several styles: (tab label, program name) in tab order."""

    task: str
    versions: tuple[tuple[str, str], ...]

    @property
    def label(self) -> str:
        """The task's name in words."""
        return Path(self.task).name.replace("_", " ").capitalize()


def split_programs(programs: tuple[str, ...] | list[str]) -> tuple[list[ProgramGroup], list[str]]:
    """(task groups, single programs) by the naming rule of the module docstring, in declaration order."""
    order = {name: i for i, name in enumerate(programs)}
    by_stem = {str(Path(p).with_suffix("")): p for p in programs}
    tasks: dict[str, dict[str, str]] = {}
    for name in programs:
        stem = str(Path(name).with_suffix(""))
        suffix = next((s for s in STYLES if stem.endswith(s)), None)
        if suffix:
            tasks.setdefault(stem.removesuffix(suffix), {})[STYLES[suffix]] = name
    groups, grouped = [], set()
    for task, versions in tasks.items():
        if "TensorFlow core" in versions and "Keras" not in versions and task in by_stem:
            versions["Keras"] = by_stem[task]
        if len(versions) < 2:
            continue
        ordered = tuple((label, versions[label]) for label in dict.fromkeys(STYLES.values()) if label in versions)
        groups.append(ProgramGroup(task, ordered))
        grouped |= set(versions.values())
    groups.sort(key=lambda g: min(order[n] for _, n in g.versions))
    return groups, [p for p in programs if p not in grouped]


def program_paths(claim: Claim) -> dict[str, Path]:
    """Each declared program's file, as :meth:`Claim.code_files` names it: the files shown are the files hashed."""
    by_name = {path.name: path for path in claim.code_files()}
    return {name: by_name.get(Path(name).name, PROGRAMS_DIR / name) for name in claim.programs}


def relative(path: Path) -> str:
    """``path`` relative to the project (``evidence/programs/x.py``), or its name outside it."""
    path = Path(path).resolve()
    return path.relative_to(PROJECT_ROOT).as_posix() if path.is_relative_to(PROJECT_ROOT) else path.name


def listing(path: Path, highlight: bool) -> str:
    """A titled code block with ``path``'s text, highlighted or plain."""
    language = LANGUAGES.get(path.suffix, "") if highlight else "text"
    return fence(path.read_text(encoding="utf-8"), language, relative(path))


def module_files(claim: Claim) -> list[Path]:
    """The claim's own modules (not programs nor data): the claim module, or every module of its package."""
    programs = {p.resolve() for p in program_paths(claim).values()}
    data = {p.name for p in claim.code_files() if p.parent.name == "data"}
    files = [p for p in claim.code_files() if p.resolve() not in programs and p.name not in data
             and p.suffix == ".py"]
    return files or [Path(inspect.getfile(type(claim)))]


def code_section(claim: Claim) -> str:
    """Markdown for the programs the claim ran: task groups first, then a tab set of the other programs."""
    groups, singles = split_programs(claim.programs)
    paths = program_paths(claim)
    total = sum(p.stat().st_size for p in paths.values() if p.exists())
    highlight = total <= HIGHLIGHT_BUDGET
    parts = []
    for group in groups:
        parts.append(f"**{group.label}**\n\n"
                     + tabs([(label, listing(paths[name], highlight)) for label, name in group.versions]))
    if singles:
        if groups:
            parts.append("**Other programs**\n")
        parts.append(tabs([(Path(name).name, listing(paths[name], highlight)) for name in singles]))
    return "\n".join(parts)
