"""Building the compiled routes' libraries at run time, into the run's folder (never into the repository).

Each build runs in the worker of the subject that has the framework whose headers it needs, through
:func:`evidence.processes.run_process` (its own session, killed on timeout). A build records how it went and
writes that record beside the library, where the measuring workers of every subject find it. A missing compiler
or build tool makes the build ``unavailable`` (we could not try); a compiler that ran and failed makes it
``fails``. Nothing is cached across runs: the run's folder is new each time, and a build inside the run counts.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from evidence import code_metrics
from evidence.claim import PROGRAMS_DIR
from evidence.claims.extensibility.routes import BUILDS, Build
from evidence.errors import error_info
from evidence.processes import run_process

CXX = "g++"
#: -Wno-deprecated-declarations and -Wno-interference-size silence warnings that TensorFlow's and Eigen's
#: headers raise under GCC 12; -Wno-attributes and -Wno-return-type those of the XLA FFI headers.
TF_FLAGS = ("-shared", "-fPIC", "-O2")
TF_QUIET = ("-Wno-deprecated-declarations", "-Wno-interference-size")
FFI_FLAGS = ("-std=c++17", "-shared", "-fPIC", "-O2")
FFI_QUIET = ("-Wno-attributes", "-Wno-return-type")
TORCH_SCRIPT = ("import sys, torch.utils.cpp_extension as c; "
                "c.load(sys.argv[1], [sys.argv[2]], build_directory=sys.argv[3], is_python_module=False, "
                "extra_cflags=['-O2'])")


def record_path(workdir: Path, build_id: str) -> Path:
    """Where the record of build ``build_id`` is written in the run's folder."""
    return workdir / f"build-{build_id}.json"


def _write(path: Path, payload: dict[str, Any]) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(payload), encoding="utf-8")
    os.replace(tmp, path)


def _display(cmd: list[str], replacements: dict[str, str]) -> str:
    text = shlex.join(cmd)
    for real, shown in replacements.items():
        text = text.replace(real, shown)
    return text


def _compile(build: Build, cmd: list[str], folder: Path, timeout_s: float, shown: dict[str, str],
             info: dict[str, Any]) -> dict[str, Any]:
    """Run one compiler command and fill ``info`` with how it went."""
    info["steps"] = [_display(cmd, shown)]
    outcome = run_process(cmd, timeout_s=timeout_s, cwd=folder, env=dict(os.environ),
                          stdout=folder / f"{build.id}.stdout.txt", stderr=folder / f"{build.id}.stderr.txt")
    info["seconds"] = round(outcome.duration_s, 3)
    stderr = (folder / f"{build.id}.stderr.txt").read_text(encoding="utf-8", errors="replace")
    info["warnings"] = sum("warning:" in line for line in stderr.splitlines())
    library = folder / build.library
    if outcome.ok and library.exists():
        info.update(status="works", library=str(library), library_bytes=library.stat().st_size)
    else:
        errors = [ln.strip() for ln in stderr.splitlines() if "error" in ln.lower()] or [outcome.last_line()]
        info.update(status="fails", reason=f"the build {outcome.how()}: " + " | ".join(errors[:3])[:500])
    return info


def run_build(build_id: str, workdir: Path, timeout_s: float) -> dict[str, Any]:
    """Build ``build_id`` into ``workdir``; return and write its record (never raises)."""
    build = BUILDS[build_id]
    source = PROGRAMS_DIR / build.source
    text = source.read_text(encoding="utf-8")
    info: dict[str, Any] = {"id": build_id, "source": code_metrics.display_path(source),
                            "sha256": code_metrics.file_sha256(source), "tool": build.tool, "warnings": 0,
                            "cpp_lines": code_metrics.cpp_logical_lines(text)}
    folder = workdir / f"build-{build_id}"
    folder.mkdir(parents=True, exist_ok=True)
    compiler = shutil.which(CXX)
    shown = {str(folder): "<run>", str(PROGRAMS_DIR): "evidence/programs"}
    try:
        if compiler is None:
            info.update(status="unavailable", reason=f"{CXX} not found on PATH: no C++ compiler to build "
                                                     f"{build.source} (install one, e.g. apt-get install g++)")
        elif build_id == "torch_op" and shutil.which("ninja") is None:
            info.update(status="unavailable", reason="ninja not found on PATH: torch.utils.cpp_extension needs it "
                                                     "(pip install ninja)")
        else:
            info["compiler"] = _compiler_version(compiler, folder)
            if build_id == "tensorflow_op":
                import tensorflow as tf

                shown[str(Path(tf.__file__).parent)] = "<tensorflow>"
                cmd = [compiler, *TF_FLAGS, str(source), "-o", str(folder / build.library),
                       *tf.sysconfig.get_compile_flags(), *tf.sysconfig.get_link_flags(), *TF_QUIET]
            elif build_id == "jax_ffi":
                import jax.ffi

                shown[str(Path(jax.ffi.include_dir()))] = "<jaxlib>/include"
                cmd = [compiler, *FFI_FLAGS, str(source), "-o", str(folder / build.library),
                       f"-I{jax.ffi.include_dir()}", *FFI_QUIET]
            else:
                cmd = [sys.executable, "-c", TORCH_SCRIPT, Path(build.library).stem, str(source), str(folder)]
            start = time.perf_counter()
            _compile(build, cmd, folder, timeout_s, shown, info)
            if build_id == "torch_op":
                info["steps"] = ["torch.utils.cpp_extension.load('kvt_swish_torch', ['swish_torch.cc'], "
                                 "build_directory=<run>, is_python_module=False, extra_cflags=['-O2'])"]
                info["seconds"] = round(time.perf_counter() - start, 3)
    except Exception as exc:  # a build that cannot even start is recorded; the run goes on
        info.update(status="fails", error=error_info(exc).model_dump(), reason=error_info(exc).text())
    _write(record_path(workdir, build_id), info)
    return info


def _compiler_version(compiler: str, folder: Path) -> str:
    """The compiler's first ``--version`` line (its path when it will not say)."""
    out = folder / "compiler-version.txt"
    outcome = run_process([compiler, "--version"], timeout_s=30, cwd=folder, env=dict(os.environ), stdout=out,
                          stderr=folder / "compiler-version.err.txt")
    lines = out.read_text(encoding="utf-8", errors="replace").strip().splitlines() if outcome.ok else []
    return lines[0] if lines else compiler


def library_for(build_id: str, workdir: Path) -> tuple[str | None, dict[str, Any] | None]:
    """(the built library's path, None), or (None, the attempt record to write instead of an attempt)."""
    path = record_path(workdir, build_id)
    if not path.exists():
        by = BUILDS[build_id].built_by
        return None, {"status": "unavailable", "reason": f"{BUILDS[build_id].source} was not built in this run "
                                                         f"(the {by} subject builds it, and did not)"}
    record = json.loads(path.read_text(encoding="utf-8"))
    if record.get("status") == "works":
        return record["library"], None
    status = "unavailable" if record.get("status") == "unavailable" else "build_failed"
    return None, {"status": status, "reason": f"the build of {BUILDS[build_id].source}: {record.get('reason')}"}
