"""Making a release set's virtual environment: its pins, the project's base dependencies, the frameworks it asks
pip for (recording what pip says where it cannot), its start-up shims; and reading what the environment holds."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import time
from pathlib import Path

from evidence.releases import INSTALL_RECORD, ReleaseError, ReleaseSet, environment_path
from evidence.venvs import create_command

SHIMS_DIR = Path(__file__).resolve().parent / "shims"
#: Distributions whose installed versions the manifest records.
RECORDED = ("tensorflow-cpu", "tensorflow", "keras", "tf-keras", "jax", "jaxlib", "torch", "theano", "cntk",
            "numpy", "scipy", "tf2onnx", "onnx", "onnxruntime", "openvino", "ai-edge-litert", "pydantic")


def _pip(python: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check", *args],
                          capture_output=True, text=True)


def pip_error(proc: subprocess.CompletedProcess) -> str:
    """pip's own error lines (``ERROR: ...``) in one line, else its last lines; the mirror's warnings left out, and
    a long list of the versions pip found cut to its ends."""
    lines = [_versions_cut(ln.strip()) for ln in (proc.stderr or proc.stdout or "").splitlines() if ln.strip()]
    errors = [ln for ln in lines if ln.startswith("ERROR:")]
    return " ".join(errors or [ln for ln in lines if not ln.startswith("WARNING:")][-4:])[:500] or \
        f"pip exited {proc.returncode}"


def _versions_cut(line: str) -> str:
    match = re.search(r"\(from versions: ([^)]*)\)", line)
    if match is None or match.group(1).count(",") < 4:
        return line
    found = [v.strip() for v in match.group(1).split(",")]
    return line.replace(match.group(0), f"(from versions: {found[0]} ... {found[-1]}, {len(found)} in all)")


def site_packages(python: Path) -> Path:
    """The site-packages folder of the environment of ``python``."""
    code = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    return Path(subprocess.run([str(python), "-c", code], capture_output=True, text=True, check=True).stdout.strip())


def install_shims(release: ReleaseSet, python: Path) -> dict[str, str]:
    """Copy the set's shims into its environment, each run at start-up by a ``.pth`` line; name -> what it does."""
    site = site_packages(python)
    out = {}
    for name in release.shims:
        source = SHIMS_DIR / f"{name}.py"
        module = f"kvt_shim_{name}"
        shutil.copyfile(source, site / f"{module}.py")
        (site / f"{module}.pth").write_text(f"import {module}\n", encoding="utf-8")
        out[name] = shim_purpose(name)
    return out


def shim_purpose(name: str) -> str:
    """The first paragraph of a shim's docstring, in one line."""
    text = (SHIMS_DIR / f"{name}.py").read_text(encoding="utf-8")
    doc = text.split('"""', 2)[1] if text.startswith('"""') else ""
    return " ".join(doc.strip().split("\n\n")[0].split())


def ensure_environment(release: ReleaseSet, log=print) -> tuple[Path, dict]:
    """Create (or reuse) the environment of ``release``; its python and its install record.

    The record (:data:`~evidence.releases.INSTALL_RECORD` in the environment) holds the install's seconds, what
    ``pip check`` said, the Python, each attempted framework (installed, or pip's error) and the shims; an
    environment whose install did not finish has no record and is made again.

    Raises:
        ReleaseError: pip could not install the set's pins (its last lines say why).
    """
    env = environment_path(release)
    python = env / "bin" / "python"
    record_path = env / INSTALL_RECORD
    if record_path.exists():
        log(f"{release.name}: reusing {env}")
        return python, json.loads(record_path.read_text(encoding="utf-8"))
    start = time.perf_counter()
    log(f"{release.name}: creating {env}")
    subprocess.run(create_command(env, clear=True), check=True)
    proc = _pip(python, *release.pins(), *release.base())
    if proc.returncode != 0:
        raise ReleaseError(f"{release.name}: pip could not install the set: {pip_error(proc)}")
    attempts = {}
    for module, requirements in release.attempts.items():
        tried = _pip(python, *requirements)
        attempts[module] = {"requirements": list(requirements), "installed": tried.returncode == 0,
                            "error": None if tried.returncode == 0 else pip_error(tried)}
        log(f"{release.name}: pip install {' '.join(requirements)}: "
            f"{'installed' if tried.returncode == 0 else attempts[module]['error']}")
    shims = install_shims(release, python)
    check = subprocess.run([str(python), "-m", "pip", "check"], capture_output=True, text=True)
    record = {"install_s": round(time.perf_counter() - start, 1),
              "pip_check": " ".join((check.stdout or check.stderr).split())[:500],
              "python": subprocess.run([str(python), "-c", "import platform; print(platform.python_version())"],
                                       capture_output=True, text=True, check=True).stdout.strip(),
              "attempts": attempts, "shims": shims}
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


def run_environment(release: ReleaseSet, python: Path) -> dict[str, str]:
    """The variables the set's runs get (:attr:`~evidence.releases.model.ReleaseSet.environment`), ``{env}``
    replaced by the environment's folder."""
    env = str(python.parent.parent)
    return {name: value.replace("{env}", env) for name, value in release.environment.items()}
