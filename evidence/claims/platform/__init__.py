"""Claim ``platform``: Keras 3 runs on whatever hardware its backend engine runs on.

Comparison articles treat "Keras on backend X" as running wherever X runs. This claim records, for each option and
each accelerator and operating system the advisor asks about (CPU, NVIDIA GPU, AMD GPU, TPU, Apple silicon;
Linux, macOS, Windows), whether it is supported, how (package and device) and on what basis:

- ``code``: read in the installed packages' own code (:mod:`evidence.claims.platform.checks`): the devices Keras's
  torch backend selects (``keras/src/backend/torch/core.py``), the platform plugins JAX's own code knows
  (``jax/_src/xla_bridge.py``), the device plugins TensorFlow loads (``tensorflow/__init__.py``) and whether
  ``TPUStrategy`` ships;
- ``cited``: the frameworks' documentation or release notes, with the URL and the date read
  (:mod:`evidence.claims.platform.facts`), where no code installed here can say.

These facts do not depend on the machine the checks run on (the checks read code, never probe a device); the
result is filed under the current venue mechanism until claims can carry none.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from evidence.claim import Claim, Context, VenueScope, Verdict, missing_subjects
from evidence.claims.platform import facts
from evidence.claims.platform.checks import CHECKS
from evidence.contract import Assessment, ContractModel
from evidence.options import FRAMEWORK, KERAS_OPTIONS, LABELS, OPTIONS

Basis = Literal["code", "cited", "code_and_cited"]


class Source(ContractModel):
    """A public source of platform facts."""

    url: str
    """Where it is published."""
    title: str
    """What it is."""
    read: str
    """The date it was read (ISO)."""


class CodeCheck(ContractModel):
    """One reading of installed code."""

    status: Literal["ok", "failed", "unavailable"]
    """``ok``: read; ``unavailable``: the package is not installed; ``failed``: the worker broke."""
    file: str | None
    """The file read, relative to site-packages."""
    finding: str
    """What it says, in one line (or why it could not be read)."""


class PlatformCell(ContractModel):
    """Whether one option runs on one accelerator under one operating system."""

    option: Literal["keras-tensorflow", "keras-jax", "keras-torch", "tensorflow-core"]
    """The option."""
    accelerator: facts.Accelerator
    """The accelerator."""
    system: facts.System
    """The operating system."""
    status: facts.Support
    """``supported``; ``experimental`` (a plugin its own makers call experimental, or one the framework does not
    support officially); ``unsupported`` (the record or the code says it does not run); ``unknown`` (nothing read
    says either way: never a failure); ``not_applicable`` (that hardware does not exist with that system)."""
    how: str
    """The package and device that reach it, or why not."""
    basis: Basis
    """``code``: installed code decides; ``cited``: the public record; ``code_and_cited``: both agree."""
    sources: list[str]
    """Source ids (:attr:`PlatformAssessment.sources`) and code files it rests on."""


class PlatformAssessment(Assessment):
    """Per option, accelerator and system: supported or not, how, and the sources."""

    STATUSES: ClassVar[tuple[str, ...]] = ("supported", "experimental", "unsupported", "unknown",
                                           "not_applicable", "ok", "failed", "unavailable")

    cells: list[PlatformCell]
    """One per option, accelerator and system."""
    code_checks: dict[str, CodeCheck]
    """Per reading of installed code, what it found."""
    sources: dict[str, Source]
    """The public sources cited, by id."""
    keras_gaps: list[str]
    """Where a Keras option does not run although its engine does (the claim's counter-examples), in words."""
    not_measured: list[str]
    """Code checks that did not run ok."""

    def cell(self, option: str, accelerator: str, system: str) -> PlatformCell | None:
        """The cell of ``option`` on ``accelerator`` under ``system`` (None when not recorded)."""
        return next((c for c in self.cells if (c.option, c.accelerator, c.system) == (option, accelerator, system)),
                    None)


def _combine(option: str, accelerator: str, system: str, checks: Mapping[str, dict[str, Any] | None]) -> PlatformCell:
    """The cell: the public record for the option's engine, then what the installed code says on top of it."""
    engine = FRAMEWORK[option]
    status, how, source = facts.cited(engine, accelerator, system)
    basis: str = "cited"
    sources = [source] if source else []
    if status == "not_applicable" or accelerator == "cpu":
        return PlatformCell(option=option, accelerator=accelerator, system=system, status=status, how=how,
                            basis=basis, sources=sources)
    if option == "keras-torch":
        found = checks.get("keras-torch-devices")
        device = facts.TORCH_DEVICE[accelerator]
        if found is None:
            status, how = "unknown", f"{how}; the devices Keras's torch backend selects could not be read"
        elif device not in found["devices"]:
            status, basis = "unsupported", "code"
            how = (f"Keras's torch backend selects {', '.join(found['devices'])}, never {device} "
                   f"(KERAS_TORCH_DEVICE may name a device, but Keras does not use torch_xla)")
            sources = [found["file"]]
        else:
            basis = "code_and_cited" if status == "supported" else basis
            how = f"{how}; Keras's torch backend selects {device}"
            sources.append(found["file"])
    elif engine == "jax":
        found = checks.get("jax-platforms")
        plugin = facts.JAX_PLATFORM[accelerator]
        if found is not None:
            known = (plugin == "tpu" and found["tpu_factory"]) or plugin in found["nonexperimental_plugins"]
            if known and status == "supported":
                basis = "code_and_cited"
                how += f"; JAX's own code registers {plugin}" if plugin == "tpu" else \
                    f"; {plugin} is among the plugins JAX's code treats as non-experimental"
            elif not known and status in ("supported", "experimental"):
                status, basis = "experimental", "code_and_cited"
                how += (f"; {plugin} is not among the plugins JAX's code treats as non-experimental "
                        f"({', '.join(found['nonexperimental_plugins'])})")
            if basis != "cited":  # the file is a source only where it was read into the cell
                sources.append(found["file"])
    elif engine == "tensorflow":
        found = checks.get("tensorflow-platforms")
        if found is not None:
            if accelerator == "tpu" and found["tpu_strategy"] and status == "supported":
                basis, how = "code_and_cited", f"{how}; TPUStrategy ships in the installed TensorFlow"
                sources.append("tensorflow/python/distribute/tpu_strategy.py")
            elif accelerator == "apple_silicon" and found["loads_pluggable_devices"]:
                basis = "code_and_cited"
                how += "; TensorFlow loads PluggableDevice plugins from site-packages/tensorflow-plugins"
                sources.append(found["file"])
    return PlatformCell(option=option, accelerator=accelerator, system=system, status=status, how=how,
                        basis=basis, sources=sources)


class PlatformClaim(Claim):
    """Which option runs on which hardware and system: installed code where it can say, cited sources otherwise."""

    id = "platform"
    dimension = "Backend support"
    title = "Keras runs wherever its backend engine runs"
    statement = ("Keras 3 on a backend runs on every accelerator and operating system that backend's engine runs "
                 "on, so choosing a backend for its hardware is choosing the engine.")
    sub_claims = {
        "torch": "The devices Keras's torch backend selects, against the hardware PyTorch reaches.",
        "jax": "The platform plugins JAX's code knows, against the hardware the JAX docs list.",
        "tensorflow": "The device plugins TensorFlow loads and TPUStrategy, against TensorFlow's install docs.",
        "windows": "Which options reach a GPU on native Windows.",
    }
    subjects = tuple(CHECKS)
    assessment_type = PlatformAssessment
    # What it reads is the installed packages' source and the frameworks' documentation: the same on any machine.
    venue_scope = VenueScope(machine_dependent=False,
                             needs="nothing of the machine: the installed packages' source files and dated sources")
    thresholds = {}
    decision_rule_fixed = "2026-12-07"
    repeats = (1, 1)  # files read: nothing to time
    timeout_s = (60, 120)

    def measure(self, ctx: Context) -> dict[str, Any]:
        """Read the installed code of the subject's package (never import the framework)."""
        return CHECKS[ctx.subject]()

    def assess(self, results: Mapping[str, Any], quick: bool) -> PlatformAssessment:
        """Every (option, accelerator, system) cell from the public record and the code readings."""
        found = {}
        for subject in self.subjects:
            r = results.get(subject)
            found[subject] = r.measurements if r is not None and r.status == "ok" else None
        checks = {}
        for subject in self.subjects:
            r = results.get(subject)
            m = found[subject]
            if m is None:
                status = r.status if r is not None else "unavailable"
                checks[subject] = CodeCheck(status=status, file=None,
                                            finding=(r.reason if r is not None else None) or "not run")
                continue
            checks[subject] = CodeCheck(status="ok", file=m["file"], finding=_finding(subject, m))
        cells = [_combine(o, a, s, found) for o in OPTIONS for a in facts.ACCELERATORS for s in facts.SYSTEMS]
        by_key = {(c.option, c.accelerator, c.system): c for c in cells}
        gaps = []
        for option in KERAS_OPTIONS:
            for a in facts.ACCELERATORS:
                for s in facts.SYSTEMS:
                    engine_status = facts.cited(FRAMEWORK[option], a, s)[0]
                    cell = by_key[(option, a, s)]
                    if engine_status == "supported" and cell.status == "unsupported":
                        gaps.append(f"{LABELS[option]} on {facts.WORDS[a]} under {facts.WORDS[s]}: {cell.how}")
        sources = {k: Source(url=u, title=t, read=facts.READ_ON) for k, (u, t) in facts.SOURCES.items()}
        return PlatformAssessment(cells=cells, code_checks=checks, sources=sources, keras_gaps=gaps,
                                  not_measured=missing_subjects(results, self.subjects))

    def verdict(self, a: PlatformAssessment) -> Verdict:
        """Supported when every Keras option runs wherever its engine does (by the code read); partly supported
        when some engine-supported hardware is out of a Keras backend's reach (each named); inconclusive when a
        code reading is missing (the record alone cannot say what Keras selects)."""
        read = {k: c for k, c in a.code_checks.items() if c.status == "ok"}
        findings = {"torch": a.code_checks["keras-torch-devices"].finding,
                    "jax": a.code_checks["jax-platforms"].finding,
                    "tensorflow": a.code_checks["tensorflow-platforms"].finding}
        windows = [f"{LABELS[c.option]}: {c.status}" for c in a.cells if (c.accelerator, c.system) == ("nvidia_gpu",
                                                                                              "windows")]
        findings["windows"] = "NVIDIA GPU on native Windows: " + ", ".join(windows) + "."
        if len(read) < len(a.code_checks):
            return Verdict("inconclusive", "Installed code could not be read for "
                           f"{', '.join(sorted(set(a.code_checks) - set(read)))}: {'; '.join(a.not_measured)}.",
                           findings)
        if a.keras_gaps:
            return Verdict("partly supported",
                           f"Keras reaches its engines' hardware except: {'; '.join(a.keras_gaps)}.", findings)
        return Verdict("supported", "Every Keras option reaches every accelerator and system its engine reaches.",
                       findings)


def _finding(subject: str, m: dict[str, Any]) -> str:
    if subject == "keras-torch-devices":
        build = m.get("torch_build") or {}
        return (f"Keras {m['keras']} selects {', '.join(m['devices'])} ({m['file']}); torch_xla "
                f"{'used' if m['imports_torch_xla'] else 'not used'}; torch here: {build.get('version')} "
                f"(cuda {build.get('cuda')}, hip {build.get('hip')})")
    if subject == "jax-platforms":
        return (f"JAX {m['jax']}: non-experimental plugins {', '.join(m['nonexperimental_plugins']) or 'none'}, "
                f"experimental {', '.join(m['experimental_plugins']) or 'none'}, TPU backend "
                f"{'registered' if m['tpu_factory'] else 'absent'} ({m['file']}); jaxlib built for "
                f"{', '.join(m['jaxlib_wheel']) or 'unknown'}")
    return (f"{m['distribution']} {m['tensorflow']}: PluggableDevice plugins "
            f"{'loaded' if m['loads_pluggable_devices'] else 'not loaded'}, TPUStrategy "
            f"{'ships' if m['tpu_strategy'] else 'absent'}, CUDA build {m['build'].get('is_cuda_build')}, ROCm "
            f"build {m['build'].get('is_rocm_build')}; wheel {', '.join(m['wheel']) or 'unknown'}")


CLAIM = PlatformClaim()
