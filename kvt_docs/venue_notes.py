"""The venue up front: what was measured where, and what was not.

Every number holds for the machine it ran on, and the project's machine is one small CPU. Home opens with a
banner naming the venues measured (from the results' provenance: the venue, its CPU and cores, its GPU if any)
and the kinds of hardware nobody measured (a GPU, a TPU), with a link to how to add a venue; each claim page whose
numbers depend on the machine carries one line saying the same for its own results. A claim that holds on any
machine (its venue scope: it reads code, files or public listings) carries no venue stamp.
"""

from __future__ import annotations

import html

from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.sentences import venue_words
from kvt_docs.site_data import ClaimEntry

#: Where the site says how to add a venue (relative to the site root).
ADD_VENUE = "reproduce/#add-a-venue"
#: The kinds of hardware a venue can be, in words, and how to tell a venue of that kind.
KINDS = (("GPU", "gpu-"), ("TPU", "tpu-"))


def _machine(r: ResultFile) -> str:
    """One venue's machine in words: "a 2-core CPU (AMD EPYC 7B13, 2 logical CPUs)"."""
    p = r.provenance
    model = " ".join(p.cpu_model.replace("(R)", "").replace("(TM)", "").split()) if p.cpu_model else ""
    parts = [model, f"{p.cpu_count} logical CPUs"] + ([p.gpu] if p.gpu else [])
    return f"{venue_words(r.venue)} ({', '.join(x for x in parts if x)})"


def measured(entries: list[ClaimEntry]) -> dict[str, ResultFile]:
    """Venue -> one result measured there, over every machine-dependent claim's results."""
    out: dict[str, ResultFile] = {}
    for e in entries:
        if e.state != "ok":
            continue
        for venue, r in e.results.items():
            if r.claim.machine_dependent:
                out.setdefault(venue, r)
    return out


def not_measured(venues) -> list[str]:
    """The kinds of hardware (GPU, TPU) none of ``venues`` is."""
    return [kind for kind, prefix in KINDS if not any(v.startswith(prefix) for v in venues)]


def home_banner(entries: list[ClaimEntry], root: str = "") -> str:
    """The banner at the top of Home (HTML): the venues measured, the hardware not measured, how to add one."""
    where = measured(entries)
    if not where:
        return ""
    machines = fmt.listing([_machine(r) for r in where.values()])
    missing = not_measured(where)
    gap = f"; nothing on a {' or a '.join(missing)}" if missing else ""
    # one line at 1280 px: the Home table below must still fit the first screen
    return (f'<p class="kvt-venue-banner" role="note"><strong>Measured on {html.escape(machines)}'
            f"{html.escape(gap)}.</strong> “Any machine”: it reads code or listings and holds anywhere."
            f' <a href="{root}{ADD_VENUE}">Add a venue</a>.</p>\n')


def claim_stamp(entry: ClaimEntry, root: str = "../../") -> str:
    """The line under a claim page's title (HTML): where its numbers were measured and on what not; empty for a
    claim that holds on any machine or has no result."""
    if entry.state != "ok":
        return ""
    results = [r for r in entry.results.values() if r.claim.machine_dependent]
    if not results:
        return ""
    machines = fmt.listing([_machine(r) for r in results])
    missing = not_measured([r.venue for r in results])
    gap = f"; not measured on a {' or a '.join(missing)}" if missing else ""
    return (f'<p class="kvt-venue-stamp" role="note">Measured on {html.escape(machines)}{html.escape(gap)}. '
            f'<a href="{root}{ADD_VENUE}">Add a venue</a>.</p>\n')


__all__ = ["ADD_VENUE", "claim_stamp", "home_banner", "measured", "not_measured"]
