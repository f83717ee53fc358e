"""One page per claim, telling one story in this order:

1. the verdict and why, in three sentences, per venue (a claim measured on a CPU and a GPU shows each);
2. the one or two charts the verdict rests on, each with the caveat that qualifies its numbers;
3. what this means for your choice;
4. then, collapsed: the findings sub-claim by sub-claim (prose), the detail tables, the programs that ran (in
   tabs; the claim's own modules are linked in the repository), thresholds and settings with their reasons,
   sources, how to reproduce, and the provenance with the raw result as a download.

Everything comes from the claim's typed assessment (through its story, :mod:`kvt_docs.stories`), the thresholds,
settings and provenance recorded in its result, and the claim's declaration; nothing is read from the raw
measurements and no JSON is printed.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass, field

from evidence.labels import humanize
from evidence.provenance import PROJECT_ROOT
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.markdown import (
    admonition,
    badge,
    cell,
    code,
    fence,
    inline,
    prose_html,
    search_excluded,
    table,
    tabs,
)
from kvt_docs.programs import code_section, module_files, relative
from kvt_docs.sentences import plain_sentence
from kvt_docs.site_data import NEEDS_RERUN, NOT_RUN, NOT_WRITTEN, ClaimEntry
from kvt_docs.sources import sources_for
from kvt_docs.stories import Story, story_for
from kvt_docs.venue_notes import claim_stamp

#: Where raw result files are offered for download, relative to the docs root.
RESULTS_DIR = "assets/results"


@dataclass(frozen=True)
class Repo:
    """Links into the project's repository, when ``repo_url`` is configured."""

    url: str | None = None
    branch: str = "main"

    def blob(self, path: str) -> str | None:
        """The address of ``path`` (relative to the project) in the repository, None without a repository."""
        return f"{self.url.rstrip('/')}/blob/{self.branch}/{path}" if self.url else None

    def link(self, path: str) -> str:
        """Markdown naming ``path``, linked to the repository when there is one."""
        url = self.blob(path)
        return f"[`{path}`]({url})" if url else f"`{path}`"


@dataclass
class ClaimPage:
    """A generated claim page: its Markdown and the files it links to (charts, raw results)."""

    markdown: str
    files: dict[str, str | bytes] = field(default_factory=dict)


def venue_line(entry: ClaimEntry, r: ResultFile) -> str:
    """``verdict · venue · mode · date`` for one venue."""
    mode = "quick run" if r.mode == "quick" else "full run"
    where = "on **any machine** (it reads files)" if not r.claim.machine_dependent else f"on **{r.venue}**"
    return f"{badge(r.verdict, stale=entry.is_stale(r.venue))} {where} · {mode} of {fmt.date(r.provenance.date)}"


def banners(entry: ClaimEntry) -> str:
    """Admonitions for a page without a usable result: not written, not run, needs a rerun, invalid."""
    state = entry.state
    if state == NOT_WRITTEN:
        return admonition("info", "Experiment not written yet",
                          f"The claim `{entry.id}` is registered, but its module is not written yet.")
    if state == NOT_RUN:
        return admonition("info", "Not run yet",
                          f"This claim has no result yet. Run it with `nox -s evidence -- {entry.id}` "
                          f"(or `kvt evidence run {entry.id}`), then rebuild the site with `nox -s docs`.")
    if state in (NEEDS_RERUN, "invalid"):
        message = (entry.error or "").replace(str(PROJECT_ROOT) + "/", "")
        title = "Needs a rerun" if state == NEEDS_RERUN else "Result file unusable"
        return admonition("warning", title,
                          "The result on file cannot be read as this claim's assessment, so this page shows no "
                          f"number from it:\n\n{fence(message)}\nRerun it with `nox -s evidence -- {entry.id}`.")
    return ""


def venue_banners(entry: ClaimEntry, r: ResultFile) -> str:
    """Stale and quick-mode notes for one venue's result."""
    out = []
    if entry.is_stale(r.venue):
        out.append(admonition("warning", "Stale result",
                              "The claim's code (its module, programs or data) changed after this result was made, "
                              "so the numbers below may not match what the code does now. Rerun it with "
                              f"`nox -s evidence -- {entry.id}`."))
    if r.mode == "quick":
        out.append(admonition("note", "Quick-mode result",
                              "Made with tiny sizes for tests and CI: rerun it in full mode "
                              f"(`nox -s evidence -- {entry.id}`) before drawing conclusions."))
    return "\n".join(out)


def story_section(entry: ClaimEntry, story: Story, r: ResultFile, page: ClaimPage, *, heading: str) -> str:
    """The plain first sentence, then the verdict and why, the charts and what it means, for one venue."""
    md = [heading, f'<p class="kvt-plain">{html.escape(plain_sentence(entry.id, r))}</p>\n',
          venue_line(entry, r) + "\n", venue_banners(entry, r)]
    why = story.why(r)
    if why:
        # a div: a quoted raw error becomes a <details>, which a <p> cannot hold
        md.append('<div class="kvt-why">' + prose_html(humanize(" ".join(why))) + "</div>\n")
    for chart in story.charts(r):
        page.files.update(chart.files(entry.id, r.venue))
        md.append(chart.figure(entry.id, r.venue, entry.url))
    caveats = story.caveats(r)
    if caveats:
        md.append("\n".join(f"- {humanize(c)}" for c in caveats) + "\n")
    means = humanize(story.means(r))
    if means:
        md.append(heading.replace("## Verdict", "## What this means for your choice")
                  .replace("### On", "#### What this means for your choice, on") + "\n" + means)
    return "\n".join(part for part in md if part)


def findings_markdown(r: ResultFile) -> str:
    """The judge's summary, then the findings sub-claim by sub-claim, as prose (findings are text for people)."""
    items = [f"**The judge's summary:** {inline(r.summary)}\n"]
    for key, text in r.findings.items():
        label = r.claim.sub_claims.get(key) or key.replace("_", " ").capitalize()
        items.append(f"- **{inline(label)}** {inline(text)}")
    return "\n".join(items) + "\n" if len(items) > 1 else items[0] + "\nNo findings were recorded.\n"


def thresholds_markdown(r: ResultFile) -> str:
    """The thresholds the verdict was judged against, the run settings, and changes to the rule."""
    quick = r.mode == "quick"
    md = [table(["threshold", "value", "why this value"],
                [[code(n), cell(fmt.number(t.for_mode(quick))) + (" (quick mode)" if quick and t.quick is not None
                                                                 else ""), cell(t.reason)]
                 for n, t in r.claim.thresholds.items()])]
    if r.claim.settings:
        md.append(table(["setting", "full mode", "quick mode", "why"],
                        [[code(n), cell(_setting(s.full)), cell(_setting(s.quick) if s.quick is not None else
                                                                "same"), cell(s.reason)]
                         for n, s in r.claim.settings.items()]))
    if r.claim.decision_rule_fixed:
        md.append(f"The decision rule was fixed on {fmt.date(r.claim.decision_rule_fixed)}.\n")
    for change in r.claim.decision_log:
        md.append(f"- **Changed {fmt.date(change.date)}:** {inline(change.change)} *Why:* {inline(change.reason)} "
                  f"*Affects:* {inline(change.affects)}")
    return "\n".join(md) + "\n"


def _setting(value) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return fmt.number(value) if isinstance(value, int | float) and not isinstance(value, bool) else str(value)


def provenance_markdown(entry: ClaimEntry, r: ResultFile, download: str, size: int) -> str:
    """Where, when and with what one venue's result was made, and the raw result as a download."""
    p = r.provenance
    packages = ", ".join(f"{name} {version}" for name, version in p.packages.items() if version)
    environment = ", ".join(f"{k}={v}" for k, v in p.environment.items()) or "—"
    commit = (p.git_commit[:12] if p.git_commit else "not recorded") + (" (uncommitted changes)" if p.git_dirty
                                                                         else "")
    rows = [("venue", r.venue), ("date", fmt.date_time(p.date)), ("mode", p.mode),
            ("run time", fmt.seconds(p.duration_s)), ("runs back to back", str(len(r.reruns) or 1)),
            ("timed repeats / warm-up runs", f"{p.repeats} / {p.warmup}"), ("git commit", commit),
            ("Python", p.python), ("platform", p.platform), ("CPU", f"{p.cpu_model} ({p.cpu_count} logical CPUs)"),
            ("GPU", p.gpu or "none"), ("packages", packages), ("environment", environment),
            ("subjects run", ", ".join(p.subjects_run)),
            ("code hash", f"{r.code_hash[:16]}… ({'stale' if entry.is_stale(r.venue) else 'current'})")]
    md = [table(["", ""], [[cell(k), cell(v)] for k, v in rows])]
    if r.reruns:
        agree = len({x.verdict for x in r.reruns}) == 1
        md.append(f"The experiment ran {len(r.reruns)} times back to back; "
                  + ("every run reached the same verdict" if agree else "the runs disagreed, so no verdict is given")
                  + "; the numbers are the last run's.\n")
        md.append(table(["run", "date", "run time", "verdict"],
                        [[str(i), cell(fmt.date_time(x.date)), cell(fmt.seconds(x.duration_s)), badge(x.verdict)]
                         for i, x in enumerate(r.reruns, 1)]))
    name = posixpath.basename(download)
    md.append(f'[Download the raw result ({fmt.size(size)}, JSON)]({download}){{ download="{name}" }}: '
              "every subject's measurements and the assessment, as the run wrote them.\n")
    return "\n".join(md)


def reproduce_markdown(claim_id: str) -> str:
    """Tabs with the command that reruns the claim, its quick variant and the CLI equivalent."""
    return tabs([
        ("nox", "Rerun the experiment and rewrite its result file, then rebuild the site:\n\n"
         + fence(f"nox -s evidence -- {claim_id}\nnox -s docs", "bash")),
        ("nox, quick", "Tiny sizes, as the tests and CI use (not for conclusions):\n\n"
         + fence(f"nox -s evidence -- {claim_id} --quick", "bash")),
        ("kvt", "In an environment with the evidence extra installed:\n\n"
         + fence(f'pip install -e ".[evidence]"\nkvt evidence run {claim_id}\nkvt evidence show {claim_id}',
                 "bash")),
    ])


def details(kind: str, title: str, body: str) -> str:
    """A closed details block."""
    return admonition(kind, title, body, collapsible=True)


def render_claim_page(entry: ClaimEntry, repo: Repo | None = None) -> ClaimPage:
    """The Markdown of ``entry``'s page and the files it links to."""
    repo = repo or Repo()
    claim = entry.claim
    story = story_for(entry.id, entry.title)
    page = ClaimPage("")
    description = plain_sentence(entry.id, entry.primary) if entry.state == "ok" and entry.primary else entry.title
    md = ["---", f"description: {_yaml(description)}", "---", "", f"# {inline(story.short or entry.title)}\n"]
    if claim is not None:
        said = story.article or claim.statement
        md.append(f'<p class="kvt-article"><strong>The article said:</strong> {inline(said)}</p>\n')
        md.append(claim_stamp(entry))
    md.append(banners(entry))
    if claim is None:
        page.markdown = "\n".join(md)
        return page
    results = list(entry.results.values()) if entry.state == "ok" else []
    if len(results) == 1:
        md.append(story_section(entry, story, results[0], page, heading="## Verdict\n"))
    elif results:
        md.append("## Verdict on each venue\n")
        md.append("A number holds for the machine it ran on, so each venue's result is shown with its own "
                  "verdict: " + ", ".join(f"[{r.venue}](#on-{r.venue})" for r in results) + ".\n")
        for r in results:
            md.append(story_section(entry, story, r, page, heading=f"### On {r.venue}\n"))
    md.append("## Details\n")
    md.append(f"**The claim, in our words:** {inline(claim.statement)}\n")
    for r in results:
        suffix = f" ({r.venue})" if len(results) > 1 else ""
        md.append(details("quote", f"The judge's summary and findings{suffix}", findings_markdown(r)))
        for title, body in story.details(r):
            md.append(details("abstract", title + suffix, body))
    if claim.programs:
        body = ("Each listing is the file that ran, read when this site was built. The claim's own code: "
                + ", ".join(repo.link(relative(p)) for p in module_files(claim)) + ".\n\n" + code_section(claim))
        md.append(search_excluded(details("example", "The programs that ran", body)))
    else:
        md.append("The claim's own code: " + ", ".join(repo.link(relative(p)) for p in module_files(claim)) + ".\n")
    for r in results:
        suffix = f" ({r.venue})" if len(results) > 1 else ""
        md.append(details("info", f"Thresholds and settings{suffix}", thresholds_markdown(r)))
    sources = sources_for(entry.id)
    if sources:
        md.append(details("info", "Sources from the public record",
                          "How public sources stand on the article's claim (links for checking us; no number on "
                          "this page comes from them).\n\n"
                          + table(["source", "on the article's claim", "what it says"],
                                  [[f"[{cell(s.title)}]({s.url})", s.stance, cell(s.says)] for s in sources])))
    md.append(details("tip", "Reproduce", reproduce_markdown(entry.id)))
    for r in results:
        raw = entry.result_file(r.venue)
        target = f"{RESULTS_DIR}/{raw.name}"
        data = raw.read_bytes()
        page.files[target] = data
        link = posixpath.relpath(target, posixpath.dirname(entry.page))
        md.append(details("note", f"Provenance ({r.venue})", provenance_markdown(entry, r, link, len(data))))
    page.markdown = "\n".join(part for part in md if part)
    return page


def _yaml(text: str) -> str:
    """``text`` as a YAML double-quoted scalar."""
    return '"' + " ".join(text.split()).replace("\\", "\\\\").replace('"', '\\"') + '"'
