"""Bring committed results to today's judge without rerunning the experiment: two honest, narrow paths.

``python -m evidence.rejudge --rehash [DIR...]``: issue 21 took a claim's ``report.py`` out of its code hash. A
result whose stored hash equals the hash the old rule gives today's code (every module of the package, prose
included, its programs and data) was made by exactly today's code: its hash is rewritten under the new rule,
nothing else. Any other result is left alone (stale: it needs a rerun).

``python -m evidence.rejudge CLAIM [DIR]``: re-judges a claim's stored measurements (the subjects' raw results
the file records) with today's assess, decide and report, and rewrites the file with today's code hash and the
typed decision; the provenance (when, where, with what the measurements were made) is kept as it was. For a
claim whose measurement code moved or was split without a change of behaviour (issue 21's reshaping); a change
to what a worker measures needs a rerun (``kvt evidence run CLAIM``). A result of several back-to-back runs keeps
the earlier runs' recorded verdicts (their measurements are not stored) and re-judges the last. It prints the
verdict before and after.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from evidence.claim import DATA_DIR, PROGRAMS_DIR, code_files, hash_files
from evidence.errors import KvtError
from evidence.registry import CLAIM_MODULES, RegistryError, get_claim, package_dir
from evidence.results import DEFAULT_RESULTS_DIR, load_venues, stability, write_result, write_text_atomically


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


def rejudge(claim_id: str, directory: Path | None = None) -> list[str]:
    """Re-judge every venue's result of ``claim_id`` in ``directory`` from its stored measurements (see the
    module docstring); what happened to each."""
    claim = get_claim(claim_id)
    out = []
    for venue, result in load_venues(claim_id, directory).items():
        quick = result.mode == "quick"
        assessment = claim.assess(result.subjects, quick)
        judged = claim.judgement(assessment, quick)
        reruns = list(result.reruns)
        if reruns:
            reruns[-1] = reruns[-1].model_copy(update={"verdict": judged.verdict, "summary": judged.summary,
                                                       "decision": judged.decision})
        published = stability(reruns, judged) if reruns else judged
        update = {"claim": result.claim.model_validate(claim.describe()), "code_hash": claim.code_hash(),
                  "verdict": published.verdict, "summary": published.summary, "findings": published.findings,
                  "assessment": assessment, "reruns": reruns, "decision": judged.decision}
        write_result(type(result).model_validate({**result.model_dump(), **update}), directory)
        out.append(f"{claim_id} on {venue}: {result.verdict} -> {published.verdict} (re-judged from the stored "
                   f"measurements of {result.provenance.date})")
    return out


def main(argv: list[str] | None = None) -> int:
    """``--rehash [DIR...]`` or ``CLAIM [DIR]``: see the module docstring."""
    args = list(argv if argv is not None else sys.argv[1:])
    if args and args[0] == "--rehash":
        folders = [Path(a) for a in args[1:]] or [DEFAULT_RESULTS_DIR]
        for folder in folders:
            for path in sorted(folder.rglob("*.*.json")):
                if ".shard-" not in path.name and "contributed" not in path.parts:
                    print(rehash(path))
        return 0
    if not args:
        print("usage: python -m evidence.rejudge --rehash [DIR...] | CLAIM [DIR]", file=sys.stderr)
        return 2
    try:
        lines = rejudge(args[0], Path(args[1]) if len(args) > 1 else None)
    except KvtError as exc:  # an unknown claim, an unreadable result: one line, never a traceback
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
