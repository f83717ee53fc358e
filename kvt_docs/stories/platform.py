"""The platform claim's story: which option runs on which accelerator under which operating system, how, and on
what basis (the installed code read, or the public record cited with the date it was read), from
:class:`~evidence.claims.platform.PlatformAssessment`."""

from __future__ import annotations

from evidence.options import LABELS, OPTIONS
from evidence.results import ResultFile
from kvt_docs import formatting as fmt
from kvt_docs.charts import Chart
from kvt_docs.markdown import cell, code, inline, table
from kvt_docs.stories import Story
from kvt_docs.svg import OPTION_COLORS, GridCell, status_grid

#: The hardware and systems in words, in the questionnaire's order.
ACCELERATORS = {"cpu": "CPU", "nvidia_gpu": "NVIDIA GPU", "amd_gpu": "AMD GPU", "tpu": "TPU",
                "apple_silicon": "Apple silicon"}
SYSTEMS = {"linux": "Linux", "macos": "macOS", "windows": "Windows"}
#: The accelerators in running text (``on TPUs under Linux``).
PLURALS = {"cpu": "CPUs", "nvidia_gpu": "NVIDIA GPUs", "amd_gpu": "AMD GPUs", "tpu": "TPUs",
           "apple_silicon": "Apple silicon"}
#: A cell's status in words; "unknown" is never a failure: nothing read says either way.
STATUS_WORDS = {"supported": "supported", "experimental": "experimental", "unsupported": "unsupported",
                "unknown": "not verified", "not_applicable": "not a platform"}
#: On what a cell rests, in words.
BASIS_WORDS = {"code": "the installed code", "cited": "the public record",
               "code_and_cited": "the installed code and the public record"}
#: What each code reading looked at, in words.
CHECK_WORDS = {"keras-torch-devices": "The devices Keras's PyTorch backend selects",
               "jax-platforms": "The platform plugins JAX's own code knows",
               "tensorflow-platforms": "The device plugins TensorFlow loads, and its TPU strategy"}


def _platforms(a) -> list[tuple[str, str]]:
    """The (accelerator, system) pairs that exist (some cell is not ``not_applicable``), in question order."""
    return [(acc, sys) for acc in ACCELERATORS for sys in SYSTEMS
            if any(c.status != "not_applicable" for c in a.cells if (c.accelerator, c.system) == (acc, sys))]


def platform_words(accelerator: str, system: str) -> str:
    """``NVIDIA GPUs under Windows``."""
    return f"{PLURALS.get(accelerator, accelerator)} under {SYSTEMS.get(system, system)}"


def _gaps(a) -> list:
    """The cells where a Keras option does not run although its engine's record says the engine does: the
    claim's counter-examples, as cells (the assessment's ``keras_gaps`` are the judge's text)."""
    return [c for c in a.cells if c.option != "tensorflow-core" and c.status == "unsupported" and c.basis == "code"]


class PlatformStory(Story):
    """Keras runs wherever its backend engine runs."""

    short = "Hardware and systems"
    article = "Keras runs on whatever hardware its backend supports, GPUs and TPUs alike."

    def found(self, r: ResultFile) -> str:
        a = r.assessment
        gaps = _gaps(a)
        if not gaps:
            return ("Every Keras option runs on every accelerator and operating system its engine runs on, by the "
                    "installed code and the public record.")
        named = fmt.listing([f"{LABELS.get(c.option, c.option)} on {platform_words(c.accelerator, c.system)}"
                             for c in gaps])
        return (f"Keras runs wherever its engine runs except in {len(gaps)} case{'s' if len(gaps) > 1 else ''}: "
                f"{named}, which the installed Keras never selects.")

    def why(self, r: ResultFile) -> list[str]:
        a = r.assessment
        live = [c for c in a.cells if c.status != "not_applicable"]
        counts = {s: sum(1 for c in live if c.status == s) for s in STATUS_WORDS if s != "not_applicable"}
        read = sum(1 for c in live if c.basis != "cited")
        return [f"Of {len(live)} pairs of an option and a platform that exists, "
                + fmt.listing([f"{n} {'is' if n == 1 else 'are'} {STATUS_WORDS[s]}" for s, n in counts.items()
                               if n]) + ".",
                f"{read} of them rest on the installed packages' own code (read, never run on the hardware); the "
                "rest on the frameworks' documentation and release notes, each with the date it was read."]

    def charts(self, r: ResultFile) -> list[Chart]:
        a = r.assessment
        options = [o for o in OPTIONS if any(c.option == o for c in a.cells)]
        platforms = _platforms(a)
        rows = [f"{ACCELERATORS[acc]}, {SYSTEMS[sys]}" for acc, sys in platforms]
        cells = {}
        for (acc, sys), row in zip(platforms, rows, strict=True):
            for o in options:
                c = a.cell(o, acc, sys)
                if c is not None:
                    cells[(row, LABELS.get(o, o))] = GridCell(c.status, "code read" if c.basis != "cited" else "")
        absent = [platform_words(acc, sys) for acc in ACCELERATORS for sys in SYSTEMS
                  if (acc, sys) not in platforms]
        alt = "Which option runs on which accelerator and operating system: " + "; ".join(
            f"{row}: " + ", ".join(f"{LABELS.get(o, o)} {STATUS_WORDS[c.status]}" for o in options
                                   if (c := a.cell(o, acc, sys)) is not None)
            for (acc, sys), row in zip(platforms, rows, strict=True)) + "."
        return [Chart(
            "platforms", alt, "Which option runs on which accelerator and operating system",
            status_grid(rows, [LABELS.get(o, o) for o in options], cells, title="Supported where?",
                        column_colors={LABELS.get(o, o): OPTION_COLORS[o] for o in options}),
            "“Code read”: the installed code was read and agrees (or decides); the other cells are cited from the "
            "frameworks' documentation and release notes (the sources and the date read are in the details). "
            "Not verified means nothing read says either way: it is never counted as a failure. "
            + (f"Not shown, as no such platform exists: {fmt.listing(absent)}." if absent else ""))]

    def means(self, r: ResultFile) -> str:
        a = r.assessment
        lines = []
        for acc, sys in _platforms(a):
            cells = [c for o in OPTIONS if (c := a.cell(o, acc, sys)) is not None]
            by = {s: [LABELS.get(c.option, c.option) for c in cells if c.status == s] for s in STATUS_WORDS}
            if len(by["supported"]) == len(cells):
                continue
            parts = []
            if by["supported"]:
                parts.append(f"supported by {fmt.listing(by['supported'])}")
            else:
                parts.append("supported by no option")
            for s in ("experimental", "unknown", "unsupported"):
                if by[s]:
                    parts.append(f"{STATUS_WORDS[s]} for {fmt.listing(by[s])}")
            lines.append(f"- **On {platform_words(acc, sys)}:** {'; '.join(parts)}.")
        every = [platform_words(acc, sys) for acc, sys in _platforms(a)
                 if all(c.status == "supported" for o in OPTIONS if (c := a.cell(o, acc, sys)) is not None)]
        if every:
            lines.append(f"- **Every option is supported on:** {fmt.listing(every)}.")
        lines.append("- The advisor (`kvt advise`) reads this table as a hard requirement: the accelerator and the "
                     "operating system you answer exclude an option that does not run there; an experimental or "
                     "not-verified one is ranked as not verified, never as failing.")
        return "\n".join(lines) + "\n"

    def caveats(self, r: ResultFile) -> list[str]:
        a = r.assessment
        out = ["These facts do not depend on the machine that read them: the code readings look at the installed "
               "packages' files and never run on the hardware, so \"supported\" says the software reaches it, not "
               "that it was measured there."]
        missing = [CHECK_WORDS.get(k, k) for k, c in a.code_checks.items() if c.status != "ok"]
        if missing:
            out.append(f"Not read (the cells rest on the public record alone): {fmt.listing(missing)}.")
        return out

    def details(self, r: ResultFile) -> list[tuple[str, str]]:
        a = r.assessment
        options = [o for o in OPTIONS if any(c.option == o for c in a.cells)]
        platforms = _platforms(a)

        def sources(c) -> str:
            out = []
            for s in c.sources:
                src = a.sources.get(s)
                out.append(f"[{cell(src.title)}]({src.url}), read {fmt.date(src.read)}" if src else code(s))
            return "; ".join(out) or "—"

        out = []
        for acc in ACCELERATORS:
            body = []
            for sys in SYSTEMS:
                if (acc, sys) not in platforms:
                    c = next((c for c in a.cells if (c.accelerator, c.system) == (acc, sys)), None)
                    if c is not None:
                        body.append(f"**{SYSTEMS[sys]}:** not a platform ({inline(c.how)}).\n")
                    continue
                body.append(f"**{SYSTEMS[sys]}**\n")
                body.append(table(["option", "status", "how", "on what", "sources"],
                                  [[LABELS.get(o, o), STATUS_WORDS[c.status], cell(c.how), BASIS_WORDS[c.basis],
                                    sources(c)] for o in options if (c := a.cell(o, acc, sys)) is not None]))
            out.append((f"{ACCELERATORS[acc]}: per operating system", "\n".join(body)))
        out.append(("What the installed code says", table(
            ["reading", "outcome", "file", "what it found"],
            [[cell(CHECK_WORDS.get(k, k)), c.status, code(c.file) if c.file else "—", cell(c.finding)]
             for k, c in a.code_checks.items()])))
        used = {s for c in a.cells for s in c.sources}
        out.append(("Sources from the public record", table(
            ["source", "read on", "cells that cite it"],
            [[f"[{cell(s.title)}]({s.url})", fmt.date(s.read), str(sum(1 for c in a.cells if k in c.sources))]
             for k, s in a.sources.items() if k in used])))
        return out


STORY = PlatformStory()
