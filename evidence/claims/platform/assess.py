"""The platform claim's judge, first half: code readings and the cited record -> :class:`PlatformAssessment`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from evidence.claim import missing_subjects
from evidence.contract import SubjectResult
from evidence.options import FRAMEWORK, KERAS_OPTIONS, LABELS, OPTIONS

from . import facts
from .assessment import CodeCheck, PlatformAssessment, PlatformCell, Source

if TYPE_CHECKING:
    from evidence.claim import Claim


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


def assess(claim: Claim, results: Mapping[str, SubjectResult]) -> PlatformAssessment:
    """Every (option, accelerator, system) cell from the public record and the code readings."""
    found = {}
    for subject in claim.subjects:
        r = results.get(subject)
        found[subject] = r.measurements if r is not None and r.status == "ok" else None
    checks = {}
    for subject in claim.subjects:
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
                              not_measured=missing_subjects(results, claim.subjects))

