"""The "Then and now" page: each claim's verdict per release set and per venue, side by side, and what changed.

Reads the committed results (``evidence/results/``) and each release set's (``evidence/results/releases/<set>/``
with its ``release.json``), through :mod:`evidence.drift`'s generic reader: verdicts, and the assessments compared
field by field. Nothing here knows a claim: the words come from the drift report's rows (verdicts, statuses and
numbers of the assessments, framework versions), so a new claim appears on the page without a line of code here.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

from evidence.drift import Change, DriftError, Source, compare, load_source
from evidence.labels import label
from evidence.releases import RELEASE_SETS, RELEASES_DIR, ReleaseError, ReleaseRun, load_manifest
from evidence.results import DEFAULT_RESULTS_DIR
from kvt_docs.markdown import cell, code

#: The frameworks shown for each release set, by distribution name, with their labels.
FRAMEWORKS = {"tensorflow-cpu": "TensorFlow", "keras": "Keras", "jax": "JAX", "torch": "PyTorch"}
#: How many changes of one kind a paragraph names before it counts the rest.
NAMED = 4
COMMITTED = "committed"


def _columns(sources: dict[str, Source]) -> list[tuple[str, str]]:
    """(source, venue) columns: each source's venues, CPU first."""
    from evidence.results import venue_order

    out = []
    for name, source in sources.items():
        venues = sorted({v for _, v in source.results if v is not None}, key=venue_order)
        out += [(name, v) for v in venues]
    return out


def _cell(sources: dict[str, Source], manifests: dict[str, ReleaseRun], claim: str, name: str, venue: str) -> str:
    stored = sources[name].results.get((claim, venue))
    if stored is not None:
        return f"**{stored.verdict}**"
    legacy = sources[name].results.get((claim, None))
    if legacy is not None:
        return f"{_escape(legacy.verdict)} (a result of schema {legacy.schema}, venue unknown: needs a rerun)"
    outcome = manifests[name].claims.get(claim) if name in manifests else None
    if outcome is not None and outcome.status == "unavailable":
        return f"unavailable: {_escape(outcome.reason or 'no reason recorded')}"
    return "not run"


def _escape(text: str) -> str:
    """Text from a result or a manifest for a table cell or a sentence: escaped, one line, pipes escaped."""
    return cell(str(text))


def _sentence(changes: list[Change]) -> str:
    """What ``changes`` (of one claim, from one source to the next) say, in words."""
    parts = []
    verdict = [c for c in changes if c.kind == "verdict"]
    if verdict:
        parts.append(f"the verdict went from **{verdict[0].old}** to **{verdict[0].new}**")
    schema = [c for c in changes if c.kind == "schema"]
    if schema:
        parts.append(f"one side is a result of an older layout ({schema[0].old}, then {schema[0].new}): only the "
                     f"verdicts compare")
    venue = [c for c in changes if c.kind == "venue"]
    if venue:
        parts.append(f"the numbers are from another venue ({venue[0].old}, then {venue[0].new})")
    for kind, text in (("status", "changed status"), ("moved", "moved beyond its measured spread"),
                       ("changed", "changed")):
        rows = [c for c in changes if c.kind == kind]
        if not rows:
            continue
        named = "; ".join(f"{code(c.where)} {c.old} → {c.new}" for c in rows[:NAMED])
        more = f" and {len(rows) - NAMED} more" if len(rows) > NAMED else ""
        parts.append(f"{len(rows)} field(s) {text} ({_escape(named)}{more})")
    fields = [c for c in changes if c.kind == "field"]
    if fields:
        parts.append(f"{len(fields)} field(s) appeared or vanished")
    said = "; ".join(parts) or "nothing in the assessment changed"
    versions = [c for c in changes if c.kind == "version" and c.where in (*FRAMEWORKS, "tensorflow", "jaxlib")]
    if versions:
        said += " (" + _escape(", ".join(f"{c.where} {c.old} → {c.new}" for c in versions)) + ")"
    return said


def _versions(manifest: ReleaseRun | None) -> list[str]:
    if manifest is None:
        return ["—"] * len(FRAMEWORKS)
    return [_escape(manifest.installed.get(name) or "—") for name in FRAMEWORKS]


def render_then_and_now(results_dir: Path | None = None, releases_dir: Path | None = None) -> str:
    """The page as Markdown, from the committed results and every release set's results that exist.

    Release sets are shown oldest first, then the committed results; a set that was never run is left out, and
    a claim that could not run on a set shows the manifest's reason.
    """
    results_dir = Path(results_dir or DEFAULT_RESULTS_DIR)
    releases_dir = Path(releases_dir or RELEASES_DIR)
    order = sorted(RELEASE_SETS.values(), key=lambda s: s.released)
    sources: dict[str, Source] = {}
    manifests: dict[str, ReleaseRun] = {}
    problems: list[str] = []
    for release in order:
        folder = releases_dir / release.name
        if not folder.is_dir():
            continue
        try:
            sources[release.name] = load_source(str(folder), check=True)
            manifest = load_manifest(folder)
        except (DriftError, ReleaseError) as exc:
            problems.append(f"{release.name}: {exc}")
            continue
        if manifest is not None:
            manifests[release.name] = manifest
    try:
        sources[COMMITTED] = load_source(str(results_dir), check=True)
    except DriftError as exc:
        problems.append(f"{COMMITTED}: {exc}")

    lines = ["# Then and now", "",
             "The article's claims were true of some releases and not of others. Each claim's experiment ran again "
             "against older sets of framework releases, each in its own virtual environment "
             "(`nox -s releases -- SET`); what could not run on a release is recorded as unavailable with the "
             "reason, never as a failure. A verdict holds for the release set and the venue (the kind of "
             "machine) it was measured on.", ""]
    if not manifests:
        lines += ["No release set has been run yet: `nox -s releases -- keras-2.15 keras-3.0 today`.", ""]
    else:
        lines += ["## The release sets", "",
                  "| set | released | " + " | ".join(FRAMEWORKS.values()) + " | what it is |",
                  "| --- | --- | " + " | ".join("---" for _ in FRAMEWORKS) + " | --- |"]
        for release in order:
            if release.name in manifests:
                m = manifests[release.name]
                lines.append(f"| {code(release.name)} | {release.released} | " + " | ".join(_versions(m))
                             + f" | {_escape(release.notes)} ({m.mode} mode, {_escape(m.date[:10])}) |")
        lines.append("")
    columns = _columns(sources)
    claims = list(dict.fromkeys(c for s in sources.values() for c, _ in s.results))
    claims += [c for m in manifests.values() for c in m.claims if c not in claims]
    if claims and columns:
        lines += ["## Verdicts side by side", "",
                  "| claim | " + " | ".join(f"{n} ({v})" for n, v in columns) + " |",
                  "| --- | " + " | ".join("---" for _ in columns) + " |"]
        lines += [f"| {label(c)} | " + " | ".join(_cell(sources, manifests, c, n, v) for n, v in columns) + " |"
                  for c in claims]
        lines.append("")
    steps = [n for n in (*(r.name for r in order), COMMITTED) if n in sources]
    if len(steps) > 1:
        lines += ["## What changed", "",
                  "From each release set to the next, then to the committed results: the verdict, the statuses and "
                  "numbers of each claim's assessment (a number *moved* when its intervals do not overlap), as "
                  "`kvt evidence diff` reports them.", ""]
        for claim in claims:
            said = []
            for before, after in pairwise(steps):
                old, new = sources[before], sources[after]
                if not any(c == claim for c, _ in old.results) or not any(c == claim for c, _ in new.results):
                    continue
                rows = [r for r in compare(old, new, claims=[claim]) if r.claim == claim]
                said.append(f"- From {code(before)} to {code(after)}: {_sentence(rows)}.")
            if said:
                lines += [f"### {label(claim)}", "", *said, ""]
    for release in order:
        m = manifests.get(release.name)
        if m is not None:
            gone = ", ".join(f"{name} ({why})" for name, why in m.absent.items())
            if gone:
                lines += [f"Not in {code(release.name)}: {_escape(gone)}.", ""]
    if problems:
        lines += ["## Results that could not be read", "", *(f"- {_escape(p)}" for p in problems), ""]
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["render_then_and_now"]
