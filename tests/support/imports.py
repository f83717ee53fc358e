"""What a ``kvt`` command imports, read from a fresh interpreter: the modules in ``sys.modules`` when it ends."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

#: Frameworks and heavy runtimes that no reading command may import.
FRAMEWORKS = ("tensorflow", "keras", "jax", "jaxlib", "torch", "onnxruntime", "openvino", "playwright", "numpy",
              "pandas", "scipy")
#: Module names under a claim package that hold measurement, serving or browser code.
MEASUREMENT_PARTS = ("measure", "serving", "browser", "child", "envs", "build", "checks", "synthetic")

_PROBE = """
import atexit, json, runpy, sys
def dump():
    with open({out!r}, "w") as fh:
        json.dump(sorted(sys.modules), fh)
atexit.register(dump)
sys.argv = ["kvt", *{args!r}]
try:
    runpy.run_module("kvt", run_name="__main__", alter_sys=True)
except SystemExit:
    pass
"""


def modules_imported(args: list[str], out: Path, env: dict[str, str] | None = None) -> list[str]:
    """The modules ``python -m kvt ARGS`` has imported when it ends (its output discarded)."""
    full_env = {**os.environ, **(env or {})}
    subprocess.run([sys.executable, "-c", _PROBE.format(out=str(out), args=args)], cwd=ROOT, env=full_env,
                   capture_output=True, text=True, timeout=120, check=False)
    return json.loads(out.read_text(encoding="utf-8"))


def forbidden(modules: list[str]) -> list[str]:
    """The frameworks and the claims' measurement, serving and browser modules among ``modules``."""
    bad = [m for m in modules if m.split(".")[0] in FRAMEWORKS]
    for m in modules:
        parts = m.split(".")
        if len(parts) >= 4 and parts[:2] == ["evidence", "claims"] and parts[3].startswith(MEASUREMENT_PARTS):
            bad.append(m)
    return bad
