"""Release sets: the evidence rerun against named sets of framework releases, each in its own virtual environment.

A claim's verdict holds for the releases it ran on. The article's claims were true of some releases and not of
others, so the evidence runs again against older release sets, and the results sit side by side:
``evidence/results/releases/<set>/<claim>.<venue>.json``, with a ``release.json`` manifest that records the set,
the versions installed, the install time, and each claim's outcome.

How the project's code gets into a release's virtual environment: the environment gets the release's pins and
the project's base dependencies (``[project].dependencies`` of ``pyproject.toml``: pydantic, numpy, rich, ...,
resolved by pip against the pins, so an older numpy is picked where an older TensorFlow needs one), never the
project itself; ``kvt`` runs there from the checkout through ``PYTHONPATH``, so the code that runs, and its code
hash, are the checkout's. ``$KVT_RELEASE_SET`` tells the runner which set it runs under (:func:`active`).

What cannot run on a release is recorded ``unavailable`` with the reason, never a crash:

- a subject that needs a framework the set does not have (Keras 2.15 runs on TensorFlow only: no JAX, no
  PyTorch), from the claim's own ``requirements`` and ``keras_backend``, before a worker starts;
- a worker that dies on an API the release lacks (``module 'keras' has no attribute 'ops'`` under Keras 2): the
  claim's code needs a later release, so the subject could not be tried there; the error stays in the record;
- a claim whose module or judge cannot run on the release at all: no result file, and the manifest says why.

Run ``python -m evidence.releases run SET [kvt evidence run arguments]`` (or ``nox -s releases -- SET``). The
environments are cached outside the checkout (``$KVT_RELEASE_CACHE``, default ``~/.cache/kvt/releases``).
This module imports the standard library and pydantic only: the runner reads :func:`active` in every run.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import subprocess
import sys
import time
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict

if TYPE_CHECKING:
    from evidence.claim import Claim
    from evidence.runner import CellOutcome

RELEASE_ENV = "KVT_RELEASE_SET"
CACHE_ENV = "KVT_RELEASE_CACHE"
PROJECT_ROOT = Path(__file__).resolve().parent.parent
RELEASES_DIR = Path(__file__).resolve().parent / "results" / "releases"
MANIFEST = "release.json"

#: The module each Keras backend needs; a backend whose module a set lacks cannot be tried under that set.
#: Backends with no module of their own (numpy, and the names Keras 3 rejects) are always tried: what Keras does
#: with them is a measurement.
BACKEND_MODULES = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch", "openvino": "openvino"}

#: An error that says the installed framework lacks an API the claim's code uses (Keras 2 has no ``keras.ops``).
_API_GAP = re.compile(
    r"(AttributeError: module '(?P<a>(keras|tensorflow|jax|torch|tf_keras)[\w.]*)' has no attribute '[\w.]+'"
    r"|ImportError: cannot import name '[\w.]+' from '(?P<b>(keras|tensorflow|jax|torch|tf_keras)[\w.]*)'"
    r"|ModuleNotFoundError: No module named '(?P<c>(keras|tensorflow|jax|torch)\.[\w.]+)')"
)


@dataclass(frozen=True)
class ReleaseSet:
    """A named set of framework releases the evidence runs against.

    Attributes:
        name: the folder name under ``evidence/results/releases/``.
        title: a short title for tables.
        released: when the newest of its pins came out (``YYYY-MM``): the set is the state of that month.
        requirements: pip requirement specifiers of the frameworks and converters; None for today's pins,
            which are read from the ``evidence`` extra of ``pyproject.toml``.
        absent: modules the set does not have, each with why (a missing framework that claims need).
        not_run: claims that are not run under the set, each with why: their programs call an API the release
            lacks, so a run would record our programs' failure as the release's. Recorded ``unavailable``.
        notes: what the set is, for the "Then and now" page.
        floating: distributions of today's pins that the set leaves unpinned (the ``latest`` set: the four
            frameworks), so what it installs moves with upstream releases; its manifest records what was installed.
    """

    name: str
    title: str
    released: str
    requirements: tuple[str, ...] | None
    absent: dict[str, str] = field(default_factory=dict)
    not_run: dict[str, str] = field(default_factory=dict)
    notes: str = ""
    floating: tuple[str, ...] = ()

    def pins(self) -> tuple[str, ...]:
        """The requirement specifiers installed for the set (today's: the evidence extra; a floating set: the
        evidence extra with the :attr:`floating` distributions unpinned, so pip picks their newest releases that
        install together)."""
        if self.requirements is not None:
            return self.requirements
        project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
        extra = tuple(project["optional-dependencies"]["evidence"])
        return tuple(unpinned(spec) if requirement_name(spec) in self.floating else spec for spec in extra)

    # -- what the runner asks ---------------------------------------------------------------------------------
    def unavailable_reason(self, claim: Claim, subject: str) -> str | None:
        """Why ``subject`` of ``claim`` cannot be tried under this set (None: it can), before a worker starts."""
        needed = list(claim.requirements(subject))
        backend = claim.keras_backend(subject)
        if backend in BACKEND_MODULES:
            needed.append(BACKEND_MODULES[backend])
        for module in needed:
            top = module.split(".")[0]
            if top in self.absent:
                return f"{top} is not part of the {self.name} release set: {self.absent[top]}"
        return None

    def explain(self, outcome: CellOutcome) -> CellOutcome:
        """``outcome`` with an API gap of the release recorded as ``unavailable`` (see the module docstring)."""
        if outcome.status != "failed" or not outcome.stderr_tail:
            return outcome
        match = _API_GAP.search(outcome.stderr_tail)
        if match is None:
            return outcome
        module = next(g for g in (match["a"], match["b"], match["c"]) if g)
        return replace(outcome, status="unavailable",
                       reason=f"the claim's code uses an API that the {self.name} release set lacks "
                              f"({module.split('.')[0]}): {match.group(0)}")


#: Why a claim whose programs need Keras 3 is not run under Keras 2.15.
KERAS3_PROGRAMS = ("its programs are written to Keras 3's API (keras.ops, the Keras 3 trainer): under Keras 2.15 "
                   "they would measure our programs' portability, not Keras 2.15 (that needs Keras 2 versions)")
#: The distributions the ``latest`` set leaves unpinned: the four frameworks.
LATEST_FLOATING = ("tensorflow-cpu", "keras", "jax", "torch")
#: Why community is not run on the dated sets: it reads one dated PyPI listing, the same data file under every
#: release, so a set's run would repeat today's result under another name; its schema also moved on 2026-12-07
#: (third-party counts), which left the sets' earlier community results unreadable.
LISTING_ONLY = ("it reads one dated PyPI listing (evidence/data), the same under every release: its result is "
                "today's (evidence/results/community.*.json), not the release's")
#: Why deployment is not run under Keras 2.15: since 2026-12-07 it deploys the shared model zoo, whose BERT is a
#: KerasHub backbone (KerasHub needs Keras 3), through Keras 3's Model.export; its schema moved the same day, which
#: left the set's earlier deployment result (a digits MLP) unreadable.
ZOO_NEEDS_KERAS3 = ("its models come from the shared model zoo (KerasHub's BERT needs Keras 3) and its routes call "
                    "Keras 3's Model.export: under Keras 2.15 the cells would record our programs' failure as the "
                    "release's")
#: Why the two longest claims are not run on the older sets.
NOT_TRIED = "not tried on this set yet: its three full runs take 6 to 14 minutes a set"

RELEASE_SETS: dict[str, ReleaseSet] = {
    s.name: s
    for s in (
        ReleaseSet(
            name="keras-2.15",
            title="TensorFlow 2.15 with Keras 2.15 (the last release set before Keras 3)",
            released="2023-11",
            requirements=("tensorflow-cpu==2.15.1", "keras==2.15.0", "numpy<2", "tf2onnx==1.16.1",
                          "onnx==1.15.0", "onnxruntime==1.16.3", "openvino==2023.2.0"),
            absent={
                "jax": "Keras 2.15 runs on TensorFlow only; multi-backend Keras (JAX, PyTorch) came with Keras 3.0",
                "torch": "Keras 2.15 runs on TensorFlow only; multi-backend Keras (JAX, PyTorch) came with Keras 3.0",
                "ai_edge_litert": "LiteRT's standalone interpreter (ai-edge-litert) was first released in 2024",
            },
            not_run={
                **{claim: KERAS3_PROGRAMS for claim in ("backend_portability", "ease_of_use", "extensibility")},
                "community": LISTING_ONLY,
                "deployment": ZOO_NEEDS_KERAS3,
                "performance": NOT_TRIED,
                "distributed_scaling": NOT_TRIED,
            },
            notes="tf.keras is Keras 2.15 (the keras package TensorFlow 2.15 depends on); Keras runs on "
                  "TensorFlow only; the converters are those of late 2023.",
        ),
        ReleaseSet(
            name="keras-3.0",
            title="TensorFlow 2.16 with Keras 3.0 and JAX 0.4 (the first Keras 3 release set)",
            released="2024-03",
            requirements=("tensorflow-cpu==2.16.1", "keras==3.0.5", "jax[cpu]==0.4.25", "numpy<2",
                          "tf2onnx==1.16.1", "onnx==1.15.0", "onnxruntime==1.17.1", "openvino==2024.0.0"),
            absent={
                "torch": "torch 2.2 (the release beside Keras 3.0) has only CUDA builds of several GB on PyPI; "
                         "its CPU wheels are on PyTorch's own index, which this machine cannot reach",
                "ai_edge_litert": "LiteRT's standalone interpreter (ai-edge-litert) was first released later in 2024",
            },
            not_run={
                "extensibility": "its programs call keras.ops.custom_gradient, which Keras 3.0.5 lacks: every route "
                                 "would fail for want of an API our programs call, not of an extension mechanism",
                "deployment": "its export programs pass Model.export's verbose argument, which Keras 3.0.5 lacks: "
                              "the cells would record our programs' failure as the release's",
                "backend_portability": "it assumes Keras 3.15's backends (openvino is no Keras 3.0 backend)",
                "community": LISTING_ONLY,
                "performance": NOT_TRIED,
                "distributed_scaling": NOT_TRIED,
            },
            notes="TensorFlow 2.16.1 is the first TensorFlow whose tf.keras is Keras 3 (it requires keras>=3.0); "
                  "Keras 3.0.5 was the newest Keras 3 on the day it came out; torch is recorded unavailable.",
        ),
        ReleaseSet(
            name="today",
            title="Today's pins (the evidence extra of pyproject.toml)",
            released="2026-11",
            requirements=None,
            not_run={"community": LISTING_ONLY},
            notes="The releases the committed results in evidence/results/ were made with.",
        ),
        ReleaseSet(
            name="latest",
            title="The newest Keras, TensorFlow, JAX and PyTorch that install together",
            released="2026-12",
            requirements=None,
            floating=LATEST_FLOATING,
            not_run={
                "performance": "not run on this set yet: its three full runs take about 14 minutes a set",
                "deployment": "not run on this set yet: its converters and browser targets take over 10 minutes "
                              "a set",
            },
            notes="Today's pins with the four frameworks unpinned: pip picks the newest releases that install "
                  "together (the manifest records them), so the weekly run's drift from evidence/results names any "
                  "verdict a new release flips. Where pip is capped by a constraints file (this project's build "
                  "machine caps torch at 2.14.1), the cap wins and the manifest shows it.",
        ),
    )
}


def requirement_name(spec: str) -> str:
    """The distribution a requirement specifier names, normalised: ``jax[cpu]==0.10.*`` -> ``jax``."""
    return re.split(r"[\[<>=!~; ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def unpinned(spec: str) -> str:
    """``spec`` without its version: ``jax[cpu]==0.10.*`` -> ``jax[cpu]``."""
    match = re.match(r"^\s*([A-Za-z0-9._-]+(\[[^\]]*\])?)", spec)
    return match.group(1) if match else spec


class ReleaseError(ValueError):
    """An unknown release set, or a release environment that cannot be made."""


def get_release_set(name: str) -> ReleaseSet:
    """The release set ``name``.

    Raises:
        ReleaseError: unknown name; the message lists the known ones.
    """
    try:
        return RELEASE_SETS[name]
    except KeyError:
        raise ReleaseError(f"Unknown release set {name!r}. Expected one of: {', '.join(RELEASE_SETS)}") from None


def active() -> ReleaseSet | None:
    """The release set this process runs under (``$KVT_RELEASE_SET``), None outside a release run.

    Raises:
        ReleaseError: ``$KVT_RELEASE_SET`` names no known set.
    """
    name = os.environ.get(RELEASE_ENV)
    return get_release_set(name) if name else None


# -- the manifest ------------------------------------------------------------------------------------------------
class ClaimOutcome(BaseModel):
    """What happened to one claim under a release set."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    status: Literal["ran", "unavailable"]
    """``ran``: a result file was written (its verdict below); ``unavailable``: the claim could not run on the
    release at all (its module or its judge needs a later release), see ``reason``."""
    verdict: str | None = None
    """The verdict of the result written, when it ran."""
    reason: str | None = None
    """Why the claim could not run, in one line (the last line the run printed)."""
    seconds: float
    """Seconds the claim's run took."""


class ReleaseRun(BaseModel):
    """``release.json``: a release set's environment and what each claim did under it."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    release_set: str
    """The set's name."""
    title: str
    """The set's title."""
    released: str
    """When the newest of its pins came out (``YYYY-MM``)."""
    notes: str
    """What the set is."""
    requirements: list[str]
    """The requirement specifiers installed."""
    absent: dict[str, str]
    """Modules the set does not have, with why."""
    python: str
    """The Python of the environment."""
    installed: dict[str, str | None]
    """Versions the environment holds of the frameworks and converters (None: not installed)."""
    pip_check: str
    """What ``pip check`` said of the environment (``No broken requirements found.`` when consistent)."""
    install_s: float
    """Seconds the environment took to create and install, when it was made (it is cached after)."""
    date: str
    """When the run ended (UTC, ISO 8601)."""
    mode: Literal["quick", "full"]
    """The mode the claims ran in."""
    claims: dict[str, ClaimOutcome]
    """Each claim's outcome."""


def load_manifest(folder: str | os.PathLike) -> ReleaseRun | None:
    """The ``release.json`` of a release set's results folder; None when it has none.

    Raises:
        ReleaseError: the manifest is not valid.
    """
    path = Path(folder) / MANIFEST
    if not path.exists():
        return None
    try:
        return ReleaseRun.model_validate_json(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ReleaseError(f"{path}: not a valid release manifest ({' '.join(str(exc).split())[:300]})") from None


# -- environments ------------------------------------------------------------------------------------------------
#: Distributions whose installed versions the manifest records.
RECORDED = ("tensorflow-cpu", "tensorflow", "keras", "tf-keras", "jax", "jaxlib", "torch", "numpy", "tf2onnx",
            "onnx", "onnxruntime", "openvino", "ai-edge-litert", "pydantic")


def cache_root() -> Path:
    """Where release environments live: ``$KVT_RELEASE_CACHE`` or ``~/.cache/kvt/releases`` (never the checkout)."""
    return Path(os.environ.get(CACHE_ENV) or Path.home() / ".cache" / "kvt" / "releases")


def base_dependencies() -> list[str]:
    """The project's base dependencies (what ``kvt`` and the workers need besides the frameworks)."""
    project = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return list(project["dependencies"])


def environment_path(release: ReleaseSet) -> Path:
    """The cached environment of ``release``: named by the set and a hash of what it installs."""
    key = [sys.version_info[:2], list(release.pins()), base_dependencies()]
    if release.floating:
        # A floating set's pins name no versions: a new environment each ISO week picks up new releases.
        key.append(time.strftime("%G-W%V", time.gmtime()))
    key = json.dumps(key)
    return cache_root() / f"{release.name}-{hashlib.sha256(key.encode()).hexdigest()[:10]}"


def ensure_environment(release: ReleaseSet, log=print) -> tuple[Path, dict]:
    """Create (or reuse) the environment of ``release``; its python and its install record.

    The record (``installed.json`` in the environment) holds the install's seconds and what ``pip check`` said;
    an environment whose install did not finish has no record and is made again.

    Raises:
        ReleaseError: pip could not install the set (its last lines say why).
    """
    env = environment_path(release)
    python = env / "bin" / "python"
    record_path = env / "installed.json"
    if record_path.exists():
        log(f"{release.name}: reusing {env}")
        return python, json.loads(record_path.read_text(encoding="utf-8"))
    start = time.perf_counter()
    log(f"{release.name}: creating {env}")
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(env)], check=True)
    cmd = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
           *release.pins(), *base_dependencies()]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        tail = " | ".join((proc.stderr or proc.stdout).strip().splitlines()[-4:])
        raise ReleaseError(f"{release.name}: pip could not install the set: {tail}")
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    record = {"install_s": round(time.perf_counter() - start, 1),
              "pip_check": " ".join((check.stdout or check.stderr).split())[:500]}
    record_path.write_text(json.dumps(record), encoding="utf-8")
    log(f"{release.name}: installed in {record['install_s']} s; pip check: {record['pip_check']}")
    return python, record


def installed_versions(python: Path) -> dict[str, str | None]:
    """Versions of :data:`RECORDED` in the environment of ``python``, read from its package metadata."""
    code = ("import json,sys\nfrom importlib import metadata\nout={}\n"
            "for n in sys.argv[1:]:\n    try: out[n]=metadata.version(n)\n"
            "    except metadata.PackageNotFoundError: out[n]=None\nprint(json.dumps(out))")
    proc = subprocess.run([str(python), "-c", code, *RECORDED], capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)


def run_release(release: ReleaseSet, claims: list[str], run_args: list[str], *, results_root: Path = RELEASES_DIR,
                log=print) -> ReleaseRun:
    """Run ``claims`` (every registered claim when empty) under ``release``, one ``kvt evidence run`` each.

    Each claim runs in its own ``kvt`` process in the release's environment, so a claim that cannot even load
    there is recorded ``unavailable`` with the line it died on while the others go on. The results go to
    ``results_root/<set>/``, the manifest beside them.
    """
    from evidence.provenance import now
    from evidence.registry import claim_ids

    python, record = ensure_environment(release, log)
    folder = results_root / release.name
    folder.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONHOME")}
    env.update({RELEASE_ENV: release.name, "PYTHONPATH": str(PROJECT_ROOT)})
    env["PATH"] = os.pathsep.join([str(python.parent), env.get("PATH", "")])
    outcomes: dict[str, ClaimOutcome] = {}
    for claim in claims or claim_ids():
        if claim in release.not_run:
            outcomes[claim] = ClaimOutcome(status="unavailable", seconds=0.0,
                                           reason=f"not run on {release.name}: {release.not_run[claim]}")
            log(f"{release.name}: {claim}: {outcomes[claim].reason}")
            continue
        start = time.perf_counter()
        log(f"{release.name}: {claim} …")
        proc = subprocess.run([str(python), "-m", "kvt", "evidence", "run", claim, "--results-dir", str(folder),
                               *run_args], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
        seconds = round(time.perf_counter() - start, 1)
        verdict = _verdict_written(folder, claim) if proc.returncode in (0, 1) else None
        if verdict is not None:
            outcomes[claim] = ClaimOutcome(status="ran", verdict=verdict, seconds=seconds)
        else:
            lines = [ln for ln in (proc.stderr or proc.stdout).strip().splitlines() if ln.strip()]
            outcomes[claim] = ClaimOutcome(status="unavailable", seconds=seconds,
                                           reason=(lines[-1].strip() if lines else f"exit {proc.returncode}")[:400])
        log(f"{release.name}: {claim}: {outcomes[claim].verdict or outcomes[claim].reason} ({seconds} s)")
    previous = load_manifest(folder)
    merged = {**(previous.claims if previous else {}), **outcomes}
    manifest = ReleaseRun(
        release_set=release.name, title=release.title, released=release.released, notes=release.notes,
        requirements=list(release.pins()), absent=dict(release.absent),
        python=subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                              capture_output=True, text=True, check=True).stdout.strip(),
        installed=installed_versions(python), pip_check=record["pip_check"], install_s=record["install_s"],
        date=now(), mode="quick" if "--quick" in run_args else "full", claims=merged)
    (folder / MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def _verdict_written(folder: Path, claim: str) -> str | None:
    """The verdict of the newest result of ``claim`` in ``folder`` (any venue), None when there is none."""
    files = sorted(folder.glob(f"{claim}.*.json"), key=lambda p: p.stat().st_mtime)
    for path in reversed(files):
        if path.name.count(".") == 2:  # <claim>.<venue>.json, not a partial result
            try:
                return json.loads(path.read_text(encoding="utf-8")).get("verdict")
            except (OSError, ValueError):
                return None
    return None


def main(argv: list[str] | None = None) -> int:
    """``python -m evidence.releases``: ``list`` the release sets, or ``run SET... [-- kvt evidence run args]``."""
    parser = argparse.ArgumentParser(prog="python -m evidence.releases", allow_abbrev=False)
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("list", help="list the release sets")
    for command, text in (("run", "run the evidence under release sets"),
                          ("drift", "print each set's drift from the main results (evidence/results)")):
        p = sub.add_parser(command, help=text)
        p.add_argument("sets", nargs="+", metavar="SET", help=f"release sets: {', '.join(RELEASE_SETS)}, or 'all'")
        p.add_argument("--claims", nargs="+", default=[], metavar="CLAIM", help="these claims only (default: all)")
        p.add_argument("--results-root", type=Path, default=RELEASES_DIR, help="where each set's folder goes")
        if command == "drift":
            p.add_argument("--format", choices=("table", "markdown"), default="table", dest="fmt",
                           help="markdown: for a CI job summary")
    args, run_args = parser.parse_known_args(argv)
    if args.command == "list":
        for s in RELEASE_SETS.values():
            print(f"{s.name:<12} {s.released}  {s.title}")
        return 0
    try:
        names = list(RELEASE_SETS) if args.sets == ["all"] else args.sets
        chosen = [get_release_set(n) for n in names]
        if args.command == "drift":
            return print_drift(chosen, args.claims, args.results_root, args.fmt)
        for release in chosen:
            run_release(release, args.claims, [a for a in run_args if a != "--"], results_root=args.results_root)
    except ReleaseError as exc:
        print(f"releases: error: {exc}", file=sys.stderr)
        return 2
    return 0


def print_drift(chosen: list[ReleaseSet], claims: list[str], results_root: Path, fmt: str = "table") -> int:
    """Print the drift from ``evidence/results`` (today's pins) to each set's results, led by the verdicts the set
    flips and the framework versions it installed; 1 when any changed, 2 for bad input."""
    from evidence.drift import DriftError, compare, load_source, render
    from evidence.results import DEFAULT_RESULTS_DIR

    changed = False
    for release in chosen:
        try:
            old, new = load_source(str(DEFAULT_RESULTS_DIR)), load_source(str(results_root / release.name))
        except DriftError as exc:
            print(f"releases: error: {exc}", file=sys.stderr)
            return 2
        changes = compare(old, new, claims=claims or sorted({c for c, _ in new.results}))
        changed = changed or bool(changes)
        flips = [c for c in changes if c.kind == "verdict"]
        versions = sorted({(c.where, c.old, c.new) for c in changes if c.kind == "version"})
        print(f"{release.name}: " + ("verdicts flipped against today's pins: " + "; ".join(
            f"{c.claim} ({c.venue}) {c.old} -> {c.new}" for c in flips) if flips else
            "no verdict flipped against today's pins") + (
            "; versions changed: " + ", ".join(f"{w} {o} -> {n}" for w, o, n in versions) if versions else "")
            + ".")
        print(render(changes, fmt, "evidence/results", f"releases/{release.name}") + "\n")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
