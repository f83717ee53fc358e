"""Small Markdown builders. They escape what they are given, so text from result files cannot break a page.

Plain Markdown and the pymdown extensions named in ``mkdocs.yml`` (admonitions, collapsible details,
``pymdownx.tabbed``, fenced code with titles), plus a few HTML elements where Markdown has none (the verdict
badge, the home table that turns into cards on a phone, figures with a phone-sized drawing), so that a later
move to another static site generator stays cheap. Values are formatted by :mod:`kvt_docs.formatting`; nothing
here prints a data structure as JSON.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

#: CSS class suffix for each verdict and for the states that stand in for one (see docs/stylesheets/kvt.css).
VERDICT_CLASSES = {
    "supported": "supported",
    "partly supported": "partly",
    "refuted": "refuted",
    "outdated": "outdated",
    "inconclusive": "inconclusive",
    "not run": "missing",
    "not written": "missing",
    "needs a rerun": "missing",
    "invalid": "invalid",
}


def badge(verdict: str, *, stale: bool = False) -> str:
    """An inline verdict badge; a stale result says so inside the badge."""
    css = VERDICT_CLASSES.get(verdict, "missing")
    text = html.escape(verdict) + (" (stale)" if stale else "")
    return f'<span class="kvt-verdict kvt-verdict--{css}">{text}</span>'


def cell(text: str) -> str:
    """Text made safe for one table cell: no line breaks, pipes escaped, HTML-special characters escaped."""
    return inline(" ".join(str(text).split())).replace("|", "\\|")


def inline(text: str) -> str:
    """Running text from data, shown literally: a code span of it (```x``` with matching backtick runs) becomes an
    HTML ``<code>`` element with its content escaped; everywhere else ``<``, ``>`` and ``&`` become entities and
    Markdown's emphasis, link, image and code characters are backslash-escaped (``__array__`` stays
    ``__array__``). Markdown never pairs a backtick of the data with one of the page, so no text of a result
    file can end a code span, open a tag or make a link."""
    parts = re.split(r"((?<!`)(`+)(?!`).*?(?<!`)\2(?!`))", str(text))
    out, i = [], 0
    while i < len(parts):
        out.append(_escape(parts[i]))
        if i + 2 < len(parts):
            span, ticks = parts[i + 1], parts[i + 2]
            # Markdown still reads link and emphasis syntax inside raw HTML: those characters go as entities.
            literal = html.escape(span[len(ticks):-len(ticks)].strip(), quote=False)
            out.append("<code>" + literal.translate(_CODE_ENTITIES) + "</code>")
        i += 3
    return "".join(out)


#: Characters Markdown would read as syntax inside a raw ``<code>`` element, as numeric entities.
_CODE_ENTITIES = {ord(c): f"&#{ord(c)};" for c in "[]*_`\\"}


def _escape(text: str) -> str:
    text = html.escape(text, quote=False)  # quotes are text here; titles and attributes escape them themselves
    return re.sub(r"([\\*_\[\]`<>!])", r"\\\1", text)


def safe_url(url: str) -> str | None:
    """``url`` as a Markdown link target when it is an http(s) address, with every character that could end the
    target or an attribute (spaces, quotes, parentheses, brackets, angle brackets, backticks) percent-encoded;
    None for anything else (``javascript:``, ``data:``, a relative path from data)."""
    from urllib.parse import quote

    url = str(url).strip()
    if not re.match(r"https?://[^\s/]", url, re.IGNORECASE):
        return None
    return quote(url, safe=":/?#@!$&*+,;=%-._~")


def link(text: str, url: str) -> str:
    """A Markdown link whose text is ``text`` (Markdown, already escaped) and whose target is ``url`` from data,
    made safe by :func:`safe_url`; the text alone when ``url`` is not an http(s) address."""
    target = safe_url(url)
    return f"[{text}]({target})" if target else text


def code(text: str) -> str:
    """``text`` as an inline code span (a longer fence when it holds backticks)."""
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A pipe table (:func:`evidence.tables.markdown_table`); cells are used as given (wrap raw text with
    :func:`cell`)."""
    from evidence.tables import markdown_table

    return markdown_table(headers, rows) + "\n"


def admonition(kind: str, title: str, body: str, *, collapsible: bool = False, open_: bool = False) -> str:
    """An admonition (``!!!``) or, when ``collapsible``, a details block (``???``, ``???+`` when ``open_``)."""
    marker = ("???+" if open_ else "???") if collapsible else "!!!"
    # The title may carry a result's text (a target's label): Markdown processes it inline, so it is escaped.
    return f'{marker} {kind} "{_title(title)}"\n\n{indent(body)}\n'


def _title(text: str) -> str:
    """A title of an admonition or tab: one line, escaped as running text, no double quote to end it early."""
    return inline(" ".join(str(text).split())).replace('"', "&quot;")


def indent(text: str, spaces: int = 4) -> str:
    """Every non-empty line of ``text`` indented, as nested Markdown blocks need."""
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.rstrip("\n").split("\n"))


def fence(source: str, language: str = "", title: str | None = None) -> str:
    """A fenced code block whose fence is longer than any backtick run inside ``source``."""
    longest = max((len(m) for m in re.findall(r"`+", source)), default=0)
    ticks = "`" * max(3, longest + 1)
    info = language + (f' title="{title}"' if title else "")
    return f"{ticks}{info}\n{source.rstrip()}\n{ticks}\n"


def tabs(items: Sequence[tuple[str, str]]) -> str:
    """A ``pymdownx.tabbed`` set: one tab per (label, Markdown body)."""
    out = []
    for label, body in items:
        out.append(f'=== "{_title(label)}"\n\n{indent(body)}\n')
    return "\n".join(out)


def search_excluded(body: str) -> str:
    """``body`` (Markdown) in a block that the site's search does not index (code listings).

    A ``<section>``, not a ``<div>``: Material's search indexer tells elements apart by tag only, so the first
    ``</div>`` inside an excluded ``<div>`` (a tab set's, a code block's) would end the exclusion.
    """
    return f'<section class="kvt-noindex" data-search-exclude markdown="block">\n\n{body}\n\n</section>\n'


def escape_attr(text: str) -> str:
    """Text for an HTML attribute value."""
    return html.escape(" ".join(str(text).split()), quote=True)


def rst_to_markdown(text: str) -> str:
    """Docstring reST roles and literals as Markdown: ``x`` and :class:`x` become `x`."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text)
    return re.sub(r"``([^`]+)``", r"`\1`", text)


#: Where a raw error message starts in a line of a report (``AttributeError: ...``, ``UserError: ...``).
RAW_ERROR = re.compile(r"\(?(?:from )?\b[A-Z]\w*(?:Error|Exception|Exit)\b: ")


def error_details(text: str) -> str:
    """``text`` for a page, with ids as labels (:func:`evidence.labels.humanize`) and any raw error message from
    where it starts moved into a closed "error" details element, its text shown literally."""
    from evidence.labels import humanize

    text = " ".join(str(text).split())
    m = RAW_ERROR.search(text)
    if m is None:
        return cell(humanize(text))
    head, raw = text[:m.start()].rstrip(" (:;"), text[m.start():]
    return (cell(humanize(head) or "error") + ' <details class="kvt-error"><summary>error</summary><code>'
            + html.escape(raw).replace("|", "&#124;").replace("`", "&#96;").replace("[", "&#91;").replace("]", "&#93;")
            + "</code></details>")  # brackets as entities: Markdown makes no link of an error's text


#: A raw error quoted in a sentence: “ValueError: ...” (curly or straight quotes).
QUOTED_ERROR = re.compile(r"“([A-Z]\w*(?:Error|Exception)\b: [^”]*)”|'([A-Z]\w*(?:Error|Exception)\b: [^']*)'")


def prose_html(text: str) -> str:
    """A sentence from data as HTML: escaped, with a raw error it quotes collapsed into a closed "error" details
    element (the sentence keeps the word "error" where the quote was)."""
    out, end = [], 0
    for m in QUOTED_ERROR.finditer(text):
        out.append(html.escape(text[end:m.start()]))
        out.append('<details class="kvt-error"><summary>error</summary><code>'
                   + html.escape(m.group(1) or m.group(2)) + "</code></details>")
        end = m.end()
    return "".join(out) + html.escape(text[end:])


def report_tables(tables: Iterable[tuple[str, Sequence[str], Sequence[Sequence[str]]]], lines: Iterable[str]) -> str:
    """A ``kvt check`` report's tables (title, headers, rows) and closing lines as page Markdown, every cell
    escaped, its ids as labels and its raw errors collapsed (:func:`error_details`)."""
    parts = []
    for title, headers, rows in tables:
        parts.append(f"**{cell(title)}**\n")
        parts.append(table([cell(h) for h in headers], [[error_details(c) for c in row] for row in rows]))
    parts.append("\n".join(f"- {error_details(line)}" for line in lines) + "\n")
    return "\n".join(parts)
