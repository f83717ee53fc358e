"""A claim's package copied to a temporary folder and put where the registry looks for it, so that a test can
edit one of its modules (a report's sentence, a threshold) and see what a reader sees, without touching the
checkout."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from evidence import registry


def copy_claim_package(claim_id: str, destination: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Copy ``claim_id``'s package to ``destination`` and make the registry locate its code there (for the code
    hash that :func:`evidence.results.is_stale` computes); the copy's folder."""
    source, is_package = registry.package_dir(claim_id)
    assert is_package, f"{claim_id} is not a package"
    target = destination / claim_id
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
    real = registry.package_dir

    def located(cid: str) -> tuple[str, bool]:
        return (str(target), True) if cid == claim_id else real(cid)

    monkeypatch.setattr(registry, "package_dir", located)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace the one occurrence of ``old`` in ``path`` with ``new`` (fails when it is not there once)."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
