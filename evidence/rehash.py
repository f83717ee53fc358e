"""Move result files to the code hash that leaves the report's prose out, where the code did not change.

Issue 21 took a claim's ``report.py`` out of its code hash. A result whose stored hash equals the hash the old
rule gives today's code (every module of the package, prose included, its programs and data) was made by exactly
today's code: its hash is rewritten under the new rule, nothing else. Any other result is left alone (stale:
it needs a rerun). ``python -m evidence.rehash [RESULTS_DIR...]`` prints what it did.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from evidence.claim import DATA_DIR, PROGRAMS_DIR, code_files, hash_files
from evidence.registry import CLAIM_MODULES, RegistryError, package_dir
from evidence.results import DEFAULT_RESULTS_DIR, write_text_atomically


def _old_rule(location: Path, programs: list[str], data_files: list[str]) -> str:
    """The hash before issue 21: every module of the package, the report's prose included."""
    files = sorted(location.glob("*.py")) if location.is_dir() else [location]
    return hash_files(files + [PROGRAMS_DIR / p for p in programs] + [DATA_DIR / d for d in data_files])


def rehash(path: Path) -> str:
    """Rewrite ``path``'s code hash under the new rule when the old rule gives its stored hash; what happened."""
    data = json.loads(path.read_text(encoding="utf-8"))
    claim = data.get("claim", {})
    cid = claim.get("id")
    if cid not in CLAIM_MODULES:
        return f"{path}: not a project claim's result; left alone"
    try:
        location = Path(package_dir(cid)[0])
    except RegistryError as exc:
        return f"{path}: {exc}; left alone"
    programs, data_files = claim.get("programs", []), claim.get("data_files", [])
    new = hash_files(code_files(location, programs, data_files))
    if data.get("code_hash") == new:
        return f"{path}: already under the new rule"
    if data.get("code_hash") != _old_rule(location, programs, data_files):
        return f"{path}: made by other code than today's: stale, needs a rerun; left alone"
    data["code_hash"] = new
    write_text_atomically(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return f"{path}: code unchanged since the run; hash rewritten under the new rule"


def main(argv: list[str] | None = None) -> int:
    """Rehash every ``<claim>.<venue>.json`` under the folders named (default: the committed results)."""
    folders = [Path(a) for a in (argv if argv is not None else sys.argv[1:])] or [DEFAULT_RESULTS_DIR]
    for folder in folders:
        for path in sorted(folder.rglob("*.*.json")):
            if ".shard-" not in path.name and "contributed" not in path.parts:
                print(rehash(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
