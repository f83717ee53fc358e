"""One story per claim: what its page and its row on Home say, written from its typed assessment only.

A :class:`Story` turns one venue's result (a :class:`~evidence.results.ResultFile` whose ``assessment`` is the
claim's typed model) into what a reader sees: the row on Home (what the article said, what we found in one
sentence with the one number that decides it), the verdict and why in three sentences, the one or two charts the
verdict rests on, what it means for a choice, the caveats, and the detail tables. It reads the assessment's fields
and query methods, the declared thresholds (with their reasons) and settings, the venue and the provenance; never
the raw measurements, never the findings as data, and it imports no claim module to compute anything.

:func:`story_for` gives a claim's story: its own (``kvt_docs/stories/<claim>.py``) when there is one, else the
generic :class:`Story`, which works for any assessment (its summary, a chart of its outcomes, and every field as
tables), so a new claim gets a page with no code here.
"""

from __future__ import annotations

import importlib
from collections import Counter

from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.assessment_tables import assessment_sections
from kvt_docs.charts import Chart
from kvt_docs.svg import NEUTRAL, STATUS_STYLE, Bar, bar_chart


class Story:
    """The generic story of a claim; a claim's own story overrides what it can say better.

    Attributes:
        short: the claim in two or three words, for the Home table.
        article: what the article said, in our words, one short sentence (no numbers: they are ours to measure).
    """

    short: str = ""
    article: str = ""

    def __init__(self, claim_id: str = "", title: str = ""):
        self.claim_id = claim_id
        self.title = title

    # -- Home -------------------------------------------------------------------------------------------------
    def found(self, r: ResultFile) -> str:
        """What we found, one sentence with the number that decides it (the generic story: the summary's
        first clause)."""
        return first_sentence(r.summary)

    # -- the page ---------------------------------------------------------------------------------------------
    def lead(self, r: ResultFile) -> str:
        """The page's first sentence: what we found (the generic story: the judge's whole summary)."""
        return self.found(r) if type(self).found is not Story.found else r.summary

    def why(self, r: ResultFile) -> list[str]:
        """The two sentences after :meth:`lead` that say why (the verdict and why, in three sentences)."""
        return []

    def charts(self, r: ResultFile) -> list[Chart]:
        """The charts the verdict rests on (the generic story: how many cells had each outcome)."""
        counts = Counter(status for _, status in r.assessment.statuses())
        if not counts:
            return []
        rows = [Bar(STATUS_STYLE.get(s, (s,))[0], n, color=STATUS_STYLE.get(s, (s, NEUTRAL))[1], text=f"{n}")
                for s, n in counts.most_common()]
        return [Chart("outcomes", f"How many of the assessment's cells had each outcome on {r.venue}: "
                      + ", ".join(f"{b.label} {b.text}" for b in rows) + ".",
                      "Outcomes of every cell of the assessment",
                      bar_chart(rows, title="Outcomes of every cell", x_label="cells (count)"),
                      venue_caveat(r))]

    def means(self, r: ResultFile) -> str:
        """What the verdict means for someone choosing (Markdown); empty when the story has nothing to add."""
        return ""

    def caveats(self, r: ResultFile) -> list[str]:
        """Caveats that qualify the page's numbers as a whole (those of one chart sit under it)."""
        return []

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        """(title, Markdown) sections for the collapsed details: the assessment's fields as tables."""
        return assessment_sections(r.assessment)


def story_for(claim_id: str, title: str = "") -> Story:
    """The story of ``claim_id``: its own when ``kvt_docs/stories/<claim_id>.py`` defines ``STORY``, else the
    generic one."""
    name = f"kvt_docs.stories.{claim_id}"
    try:
        module = importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name != name:
            raise
        return Story(claim_id, title)
    story = module.STORY
    story.claim_id, story.title = claim_id, title
    return story


# -- helpers the stories share ---------------------------------------------------------------------------------
def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (up to the first ``. `` or ``; ``), ending with a full stop."""
    for stop in (". ", "; "):
        if stop in text:
            text = text.split(stop)[0]
    return text.rstrip(".;") + "."


def venue_caveat(r: ResultFile) -> str:
    """Where and how the numbers were measured: venue, machine, mode, date."""
    from evidence.labels import venue_words

    p = r.provenance
    mode = ("quick mode (tiny sizes for tests: not for conclusions)" if p.mode == "quick" else "full mode")
    if not r.claim.machine_dependent:  # no venue stamp on a claim that holds on any machine
        return f"Made in {mode}, {fmt.date(p.date)}; it reads code, files or listings, so it holds on any machine."
    from kvt_docs.markdown import inline

    machine = inline(f"{p.cpu_model}, {p.cpu_count} logical CPUs" + (f", {p.gpu}" if p.gpu else ""))
    return (f"Measured on {venue_words(r.venue)} ({machine}) in {mode}, {fmt.date(p.date)}; the "
            "numbers hold for that machine.")


def threshold(r: ResultFile, name: str) -> float:
    """The value of threshold ``name`` that applied to ``r`` (its quick value in quick mode)."""
    return r.claim.thresholds[name].for_mode(r.mode == "quick")


def reason(r: ResultFile, name: str) -> str:
    """The declared reason of threshold ``name``."""
    return r.claim.thresholds[name].reason


def setting(r: ResultFile, name: str):
    """The value of run setting ``name`` that applied to ``r``, or None when the claim declares none."""
    s = r.claim.settings.get(name)
    return s.for_mode(r.mode == "quick") if s else None


__all__ = ["Story", "first_sentence", "reason", "setting", "story_for", "threshold", "venue_caveat"]
