"""A chart on a page: its two SVG drawings (:mod:`kvt_docs.svg`), its alt text, caption and the caveat that qualifies
its numbers, and the ``<figure>`` that shows the phone drawing below 600 px and the wide one above.
"""

from __future__ import annotations

import html
import posixpath
from dataclasses import dataclass

from kvt_docs.svg import Drawing

#: Where chart files go inside the site, relative to the docs root.
CHARTS_DIR = "assets/charts"
#: Below this width (CSS px) a page shows a chart's phone drawing.
PHONE_MAX_PX = 599


@dataclass(frozen=True)
class Chart:
    """One chart of a claim page.

    Attributes:
        name: its file name stem, unique within its claim page.
        alt: the image's alternative text: what the chart shows and what it says, in a sentence or two.
        caption: the caption under it (Markdown-free text).
        drawing: its wide and narrow SVG.
        caveat: what qualifies its numbers (venue, settings, what was not measured), shown right under it.
    """

    name: str
    alt: str
    caption: str
    drawing: Drawing
    caveat: str = ""

    def files(self, claim_id: str, venue: str) -> dict[str, str]:
        """The SVG files to add to the site: path inside the docs root -> SVG text."""
        base = f"{CHARTS_DIR}/{claim_id}/{venue}/{self.name}"
        return {f"{base}.svg": self.drawing.wide, f"{base}.narrow.svg": self.drawing.narrow}

    def figure(self, claim_id: str, venue: str, page_url: str) -> str:
        """The ``<figure>`` HTML for a page served at ``page_url`` (``claims/community/``)."""
        base = posixpath.relpath(f"{CHARTS_DIR}/{claim_id}/{venue}/{self.name}", page_url.rstrip("/") or ".")
        d = self.drawing
        caveat = (f'<p class="kvt-caveat"><strong>Caveat:</strong> {html.escape(self.caveat)}</p>'
                  if self.caveat else "")
        return (f'<figure class="kvt-figure">\n<picture>'
                f'<source media="(max-width: {PHONE_MAX_PX}px)" srcset="{base}.narrow.svg" '
                f'width="{360}" height="{d.narrow_height}">'
                f'<img class="kvt-chart" src="{base}.svg" alt="{html.escape(self.alt, quote=True)}" '
                f'width="720" height="{d.wide_height}"></picture>\n'
                f'<figcaption>{html.escape(self.caption)}</figcaption>\n</figure>\n{caveat}\n')
