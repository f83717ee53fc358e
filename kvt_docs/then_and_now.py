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
from evidence.releases import RELEASE_SETS, RELEASES_DIR, ReleaseError
from evidence.releases.manifest import ReleaseRun, load_manifest
from evidence.results import DEFAULT_RESULTS_DIR, ResultError, load_result
from kvt_docs.markdown import cell, code

#: The frameworks shown for each release set, by distribution name, with their labels.
FRAMEWORKS = {"tensorflow-cpu": "TensorFlow", "keras": "Keras", "jax": "JAX", "torch": "PyTorch", "theano": "Theano",
              "cntk": "CNTK"}
#: How many changes of one kind a paragraph names before it counts the rest.
NAMED = 4
COMMITTED = "committed"


def _columns(sources: dict[str, Source], refused: dict[tuple[str, str, str | None], str]) -> list[tuple[str, str]]:
    """(source, venue) columns: each source's venues (those of its refused results too), CPU first."""
    from evidence.results import venue_order

    out = []
    for name, source in sources.items():
        found = {v for _, v in source.results if v is not None} | {v for n, _, v in refused if n == name and v}
        out += [(name, v) for v in sorted(found, key=venue_order)]
    return out


def _cell(sources: dict[str, Source], manifests: dict[str, ReleaseRun], claim: str, name: str, venue: str,
          refused: dict[tuple[str, str, str | None], str]) -> str:
    if (name, claim, venue) in refused:
        return f"not shown: {_escape(refused[name, claim, venue])}"
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


def _checked(source: Source, name: str, folder: Path, refused: dict[tuple[str, str, str | None], str]) -> Source:
    """``source`` less the results whose verdict does not follow from their assessment (each refused with why, in
    ``refused``): one stale result leaves the rest of its set on the page."""
    for claim, venue in list(source.results):
        if venue is None:
            continue  # a result of an older layout: shown as such, its verdict only
        try:
            load_result(claim, folder, venue)
        except ResultError as exc:
            refused[name, claim, venue] = str(exc).split("; ")[-1]
            del source.results[claim, venue]
    return source


def _step_label(name: str, manifests: dict[str, ReleaseRun]) -> str:
    """A release set or the committed results, in words: "the Keras 2.2.4 set (2018-10)", "today's results"."""
    if name == COMMITTED:
        return "today's results"
    m = manifests.get(name)
    keras = m.installed.get("keras") if m else None
    return f"the Keras {keras} set ({m.released})" if keras and m else f"the {name} set"


def _verdict_changes(sources: dict[str, Source], manifests: dict[str, ReleaseRun], order: list[str]) -> list[str]:
    """The section that opens the page: per claim whose verdict differs between release sets (oldest first, then
    today's results), each verdict in words with the sets it held in."""
    steps = [n for n in (*order, COMMITTED) if n in sources]
    claims = list(dict.fromkeys(c for n in steps for c, v in sources[n].results if v is not None))
    said = []
    for claim in claims:
        runs: list[tuple[str, list[str]]] = []  # (verdict, the steps it held in), consecutive steps merged
        for name in steps:
            verdicts = {s.verdict for (c, v), s in sources[name].results.items() if c == claim and v is not None}
            if len(verdicts) != 1:
                continue  # not run there, or venues that disagree: the table below shows each
            verdict = verdicts.pop()
            if runs and runs[-1][0] == verdict:
                runs[-1][1].append(name)
            else:
                runs.append((verdict, [name]))
        if len(runs) < 2:
            continue
        parts = []
        for verdict, names in runs:
            where = _step_label(names[0], manifests) if len(names) == 1 else \
                f"{_step_label(names[0], manifests)} to {_step_label(names[-1], manifests)}"
            parts.append(f"**{_escape(verdict)}** in {_escape(where)}")
        said.append(f"- {code(claim)} ({_escape(_title(claim))}): " + "; then ".join(parts) + ".")
    if not said:
        return ["## Verdicts that changed", "", "No claim's verdict differs between the release sets that ran and "
                "today's results.", ""]
    return ["## Verdicts that changed", "", "Each claim whose verdict is not the same in every release set, oldest "
            "first, then today's results (measured in each set's own environment):", "", *said, ""]


def _title(claim: str) -> str:
    from evidence.registry import RegistryError, get_claim

    try:
        return get_claim(claim).title
    except RegistryError:
        return claim


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
        named = "; ".join(f"{code(c.where)} {label(str(c.old))} → {label(str(c.new))}" for c in rows[:NAMED])
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
    refused: dict[tuple[str, str, str | None], str] = {}
    for release in order:
        folder = releases_dir / release.name
        if not folder.is_dir():
            continue
        try:
            sources[release.name] = _checked(load_source(str(folder)), release.name, folder, refused)
            manifest = load_manifest(folder)
        except (DriftError, ReleaseError) as exc:
            problems.append(f"{release.name}: {exc}")
            continue
        if manifest is not None:
            manifests[release.name] = manifest
    try:
        sources[COMMITTED] = _checked(load_source(str(results_dir)), COMMITTED, results_dir, refused)
    except DriftError as exc:
        problems.append(f"{COMMITTED}: {exc}")

    lines = ["# Then and now", "",
             "The article's claims were true of some releases and not of others. Each claim's experiment ran again "
             "against older sets of framework releases, each in its own virtual environment "
             "(`nox -s releases -- SET`); what could not run on a release is recorded as unavailable with the "
             "reason, never as a failure. A verdict holds for the release set and the venue (the kind of "
             "machine) it was measured on.", ""]
    lines += _verdict_changes(sources, manifests, [r.name for r in order])
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
    columns = _columns(sources, refused)
    claims = list(dict.fromkeys(c for s in sources.values() for c, _ in s.results))
    claims += [c for m in manifests.values() for c in m.claims if c not in claims]
    if claims and columns:
        lines += ["## Verdicts side by side", "",
                  "| claim | " + " | ".join(f"{n} ({v})" for n, v in columns) + " |",
                  "| --- | " + " | ".join("---" for _ in columns) + " |"]
        lines += [f"| {label(c)} | " + " | ".join(_cell(sources, manifests, c, n, v, refused) for n, v in columns)
                  + " |"
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
        held = manifests.get(release.name)
        if held is not None:
            gone = ", ".join(f"{label(name)} ({why})" for name, why in held.absent.items())
            if gone:
                lines += [f"Not in {code(release.name)}: {_escape(gone)}.", ""]
            for name, purpose in held.shims.items():
                lines += [f"In {code(release.name)}, the start-up shim {code(name)}: {_escape(purpose)}", ""]
            if held.environment:
                given = ", ".join(code(f"{k}={v}") for k, v in held.environment.items())
                lines += [f"Its runs were given {given} ({code('{env}')}: the environment's folder).", ""]
    if problems:
        lines += ["## Results that could not be read", "", *(f"- {_escape(p)}" for p in problems), ""]
    return "\n".join(lines).rstrip() + "\n"


__all__ = ["render_then_and_now"]
