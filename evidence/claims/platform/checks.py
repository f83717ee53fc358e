"""What the installed packages' own code says about the hardware they reach, read without importing them.

Each check runs in a worker and reads source files of the installed distribution (located with
``importlib.util.find_spec``, never imported, so no device is probed and nothing is initialised), and the wheel's
own metadata (its platform tag, its build flags). A package that is not installed raises
:class:`~evidence.claim.FrameworkUnavailable`: the cell is ``unavailable`` and the public record stands alone.
"""

from __future__ import annotations

import importlib.util
import re
from importlib import metadata
from pathlib import Path
from typing import Any

from evidence.claim import FrameworkUnavailable


def package_dir(name: str) -> Path:
    """The folder of installed package ``name`` (not imported)."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise FrameworkUnavailable(f"{name} is not installed")
    return Path(next(iter(spec.submodule_search_locations)))


def wheel_tags(dist: str) -> list[str]:
    """The platform tags of installed distribution ``dist`` (its WHEEL file): what it was built for."""
    try:
        text = metadata.distribution(dist).read_text("WHEEL") or ""
    except metadata.PackageNotFoundError:
        return []
    return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.startswith("Tag:")]


def _first_dist(*names: str) -> tuple[str, str] | None:
    for name in names:
        try:
            return name, metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return None


def keras_torch_devices() -> dict[str, Any]:
    """The devices Keras's torch backend selects: every ``DEFAULT_DEVICE = "..."`` in
    ``keras/src/backend/torch/core.py``, and whether ``KERAS_TORCH_DEVICE`` can name another. Also the
    installed torch build's own flags (``torch/version.py``: cuda, hip) and wheel tags."""
    keras = package_dir("keras")
    path = keras / "src" / "backend" / "torch" / "core.py"
    if not path.exists():
        raise FrameworkUnavailable(f"{path} not found: not a Keras 3 with a torch backend")
    source = path.read_text(encoding="utf-8")
    devices = list(dict.fromkeys(re.findall(r'DEFAULT_DEVICE\s*=\s*"(\w+)"', source)))
    torch_build: dict[str, Any] = {}
    try:
        version_py = (package_dir("torch") / "version.py").read_text(encoding="utf-8")
        for key in ("__version__", "cuda", "hip"):
            found = re.search(rf"^{key}\s*(?::[^=]*)?=\s*(.+)$", version_py, re.M)
            torch_build[key.strip("_")] = found.group(1).strip().strip("'\"") if found else None
        torch_build["wheel"] = wheel_tags("torch")
    except FrameworkUnavailable:
        torch_build = {}
    return {"file": "keras/src/backend/torch/core.py", "keras": metadata.version("keras"), "devices": devices,
            "env_override": "KERAS_TORCH_DEVICE" in source, "imports_torch_xla": "torch_xla" in source,
            "torch_build": torch_build}


def jax_platforms() -> dict[str, Any]:
    """The platforms JAX's own code knows (``jax/_src/xla_bridge.py``): the plugins it treats as non-experimental
    and experimental, whether a TPU backend factory is registered in JAX itself, and the platform aliases; the
    installed jaxlib's wheel tags and the PJRT plugins installed beside it."""
    path = package_dir("jax") / "_src" / "xla_bridge.py"
    if not path.exists():
        raise FrameworkUnavailable(f"{path} not found")
    source = path.read_text(encoding="utf-8")

    def names(variable: str) -> list[str]:
        found = re.search(rf"{variable}\s*(?::[^=]*)?=\s*\{{([^}}]*)\}}", source)
        return sorted(re.findall(r"['\"](\w+)['\"]", found.group(1))) if found else []

    plugins = sorted(d.metadata["Name"] for d in metadata.distributions()
                     if re.match(r"^(jax[-_](cuda\d+|rocm\d*)[-_](plugin|pjrt)|libtpu|jax[-_]metal)",
                                 d.metadata["Name"] or "", re.I))
    return {"file": "jax/_src/xla_bridge.py", "jax": metadata.version("jax"),
            "nonexperimental_plugins": names("_nonexperimental_plugins"),
            "experimental_plugins": names("_experimental_plugins"),
            "tpu_factory": bool(re.search(r"register_backend_factory\(\s*['\"]tpu['\"]", source)),
            "aliases": sorted(set(re.findall(r"['\"](\w+)['\"]\s*:\s*['\"]gpu['\"]", source))),
            "jaxlib_wheel": wheel_tags("jaxlib"), "installed_plugins": plugins}


def tensorflow_platforms() -> dict[str, Any]:
    """What TensorFlow's own code loads and ships: whether ``tensorflow/__init__.py`` loads PluggableDevice
    libraries from ``site-packages/tensorflow-plugins`` (how tensorflow-metal and other device plugins attach),
    whether ``tf.distribute.TPUStrategy`` is in the installed package, and the build's own flags
    (``tensorflow/python/platform/build_info.py``: CUDA, ROCm) and wheel tags."""
    tf = package_dir("tensorflow")
    init = (tf / "__init__.py").read_text(encoding="utf-8")
    build = {}
    info = tf / "python" / "platform" / "build_info.py"
    if info.exists():
        text = info.read_text(encoding="utf-8")
        for key in ("is_cuda_build", "is_rocm_build"):
            found = re.search(rf"'{key}',\s*(True|False)", text)
            build[key] = found.group(1) == "True" if found else None
    dist = _first_dist("tensorflow", "tensorflow-cpu", "tensorflow-rocm", "tensorflow-macos")
    return {"file": "tensorflow/__init__.py", "distribution": dist[0] if dist else None,
            "tensorflow": dist[1] if dist else None,
            "loads_pluggable_devices": "tensorflow-plugins" in init and "load_pluggable_device_library" in init,
            "tpu_strategy": (tf / "python" / "distribute" / "tpu_strategy.py").exists(), "build": build,
            "wheel": wheel_tags(dist[0]) if dist else []}


#: Subject -> the check it runs.
CHECKS = {"keras-torch-devices": keras_torch_devices, "jax-platforms": jax_platforms,
          "tensorflow-platforms": tensorflow_platforms}
