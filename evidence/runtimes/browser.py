"""Browser targets: an exported model served by a JavaScript runtime in headless Chromium.

The runtimes come from npm (:data:`NPM_PACKAGES`, pinned), installed once into ``$KVT_NPM_DIR`` (default
``~/.cache/kvt/npm``)/``<hash>`` and reused after; the page, the runtime's files and the model are served from a
localhost server that the driver process starts (never a CDN). Chromium is Debian's (``/usr/bin/chromium``),
driven by Playwright from PyPI with ``executable_path`` (``playwright install`` is never run).

:func:`run_browser_process` starts the driver (this module, ``python -m evidence.runtimes.browser``) with
:func:`evidence.processes.run_process`, so Playwright's node driver and Chromium die with its process group on a
timeout. The driver loads the page ``page_loads`` times, each in a fresh browser context: the cold start is timed
in the page from the start of its script to the first answer, split into importing the runtime, loading the model
and the first answer. The last load also predicts every input (returned for parity with the original model) and
times calls per batch size. The harness page is measurement code; what a user writes is the runtime's program
(``evidence/programs/deploy_onnxruntime_web.js``, ``deploy_litert_js.js``: ``load`` and ``predict``).

A missing browser, Playwright or npm package makes a cell ``unavailable`` with why; an error in the page is a
``fails`` with that error.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.server
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import threading
import time
import traceback
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evidence.errors import error_from_text
from evidence.processes import run_process
from evidence.settings import cache_dir

from .child import percentiles
from .envs import locked
from .targets import BROWSER_PROGRAMS, program_path

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
#: The npm packages of the browser runtimes, pinned (npm's registry holds them).
NPM_PACKAGES: dict[str, str] = {"onnxruntime-web": "1.30.0", "@litertjs/core": "2.5.3"}
NPM_ENV = "KVT_NPM_DIR"
#: The npm package that serves each browser target.
NPM_RUNTIME: dict[str, str] = {"browser_onnx": "onnxruntime-web", "browser_litert": "@litertjs/core"}
#: What each browser target's page imports, mapped to files of the npm packages (the page's import map).
IMPORT_MAPS: dict[str, dict[str, str]] = {
    "browser_onnx": {"onnxruntime-web/wasm": "/npm/onnxruntime-web/dist/ort.wasm.bundle.min.mjs"},
    "browser_litert": {"@litertjs/core": "/npm/@litertjs/core/dist/index.js",
                       "@litertjs/wasm-utils": "/npm/@litertjs/wasm-utils/dist/index.js"},
}
#: Options each runtime's ``load`` takes besides the model's address.
LOAD_OPTIONS: dict[str, dict[str, str]] = {"browser_onnx": {},
                                           "browser_litert": {"wasmDir": "/npm/@litertjs/core/wasm/"}}
PAGE_TIMEOUT_S = 120
#: Per browser target: rows per call when predicting every input, and the batch sizes timed. LiteRT models keep
#: the batch size they were converted with in their input tensor (1: LiteRT.js takes static shapes only, and
#: Keras's LiteRT export from torch writes static shapes, keras/src/export/litert.py), so LiteRT.js is asked one
#: row at a time.
BROWSER_BATCHES: dict[str, tuple[int, tuple[int, ...]]] = {"browser_onnx": (32, (1, 32)), "browser_litert": (1, (1,))}


# -- what is installed --------------------------------------------------------------------------------------
def npm_dir() -> Path:
    """The folder of the pinned npm packages: ``$KVT_NPM_DIR``, else ``~/.cache/kvt/npm``, then a hash of the
    package list."""
    base = cache_dir("npm", NPM_ENV)
    key = hashlib.sha256(json.dumps(NPM_PACKAGES, sort_keys=True).encode()).hexdigest()[:12]
    return base / key


def _npm_versions(folder: Path) -> dict[str, str | None]:
    out: dict[str, str | None] = {}
    for name in NPM_PACKAGES:
        try:
            out[name] = json.loads((folder / "node_modules" / name / "package.json").read_text())["version"]
        except (OSError, json.JSONDecodeError, KeyError):
            out[name] = None
    return out


def ensure_npm(timeout_s: float = 600) -> dict[str, Any]:
    """The npm packages of :data:`NPM_PACKAGES`, installed when missing; a record of what happened.

    Returns ``ok``, ``path`` (the folder holding ``node_modules``), ``reused``, ``install_s`` (this call's or
    the first install's), ``versions``, ``npm`` (its version), or ``why`` when npm is missing or the install fails.
    """
    folder = npm_dir()
    marker = folder / "kvt-npm.json"
    base: dict[str, Any] = {"path": str(folder), "packages": dict(NPM_PACKAGES)}
    with contextlib.suppress(OSError, json.JSONDecodeError):
        record = json.loads(marker.read_text(encoding="utf-8"))
        if all(_npm_versions(folder).values()):
            return {**base, **record, "ok": True, "reused": True}
    npm = shutil.which("npm")
    if npm is None:
        return {**base, "ok": False, "reused": False, "why": "npm is not installed (apt-get install -y npm)"}
    folder.mkdir(parents=True, exist_ok=True)
    with locked(folder.parent / f".{folder.name}.lock"):
        if marker.exists() and all(_npm_versions(folder).values()):
            return {**base, **json.loads(marker.read_text(encoding="utf-8")), "ok": True, "reused": True}
        spec = [f"{name}@{version}" for name, version in NPM_PACKAGES.items()]
        # --ignore-scripts: nothing of a package runs at install time; the runtimes ship their wasm files.
        cmd = [npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save", "--prefix", str(folder),
               *spec]
        proc = run_process(cmd, timeout_s=timeout_s, cwd=folder, env=dict(os.environ),
                           stdout=folder / "npm.out", stderr=folder / "npm.err")
        versions = _npm_versions(folder)
        if not proc.ok or not all(versions.values()):
            return {**base, "ok": False, "reused": False, "install_s": proc.duration_s,
                    "why": f"npm install {' '.join(spec)} {proc.how()}: {proc.last_line()}"}
        record = {"install_s": round(proc.duration_s, 1), "versions": versions, "npm": _tool_version([npm])}
        marker.write_text(json.dumps(record), encoding="utf-8")
    return {**base, **record, "ok": True, "reused": False}


def _tool_version(cmd: list[str]) -> str | None:
    """The last line ``cmd --version`` prints, None when it does not run."""
    with tempfile.TemporaryDirectory(prefix="kvt-version-") as tmp:
        try:
            out = run_process([*cmd, "--version"], timeout_s=30, cwd=tmp, env=dict(os.environ),
                              stdout=Path(tmp) / "out", stderr=Path(tmp) / "err")
            lines = (Path(tmp) / "out").read_text(encoding="utf-8", errors="replace").strip().splitlines()
        except OSError:
            return None
    return lines[-1] if out.ok and lines else None


def browser_available() -> dict[str, Any]:
    """Whether Chromium and Playwright are installed: ``ok``, their versions, or ``why`` not."""
    missing = []
    if not CHROMIUM.exists():
        missing.append(f"Chromium at {CHROMIUM} (apt-get install -y chromium)")
    if importlib.util.find_spec("playwright") is None:
        missing.append("Playwright (pip install -e '.[dev]')")
    if missing:
        return {"ok": False, "why": "not installed: " + "; ".join(missing)}
    from importlib import metadata

    return {"ok": True, "chromium": _tool_version([str(CHROMIUM)]), "playwright": metadata.version("playwright")}


# -- the driver process ---------------------------------------------------------------------------------------
HARNESS = """<!doctype html>
<html><head><meta charset="utf-8"><title>kvt deployment: browser runtime</title>
<script type="importmap">__IMPORT_MAP__</script>
<script type="module">
const config = __CONFIG__;
const t0 = performance.now();
async function run() {
  let phase = "import";
  try {
    const program = await import("/program.js");
    const t1 = performance.now();
    phase = "inputs";
    const buffer = await (await fetch("/inputs.bin")).arrayBuffer();
    const x = config.dtype === "int32" ? new Int32Array(buffer) : new Float32Array(buffer);
    const rowShape = config.rowShape;
    const width = rowShape.reduce((a, b) => a * b, 1);
    const rows = x.length / width;
    const tInputs = performance.now() - t1;
    phase = "load";
    const t2 = performance.now();
    const model = await program.load(config.model, config.loadOptions);
    const t3 = performance.now();
    phase = "answer";
    const first = await program.predict(model, x.slice(0, width), [1, ...rowShape]);
    const t4 = performance.now();
    const out = {ok: true, import_s: (t1 - t0) / 1e3, load_s: (t3 - t2) / 1e3, first_answer_s: (t4 - t3) / 1e3,
                 cold_start_s: (t4 - t0 - tInputs) / 1e3, first_answer_length: first.length,
                 cross_origin_isolated: self.crossOriginIsolated, hardware_concurrency: navigator.hardwareConcurrency};
    if (config.predictions) {
      phase = "predict";
      const batch = config.predictBatch;
      const values = [];
      for (let s = 0; s < rows; s += batch) {
        const n = Math.min(batch, rows - s);
        const y = await program.predict(model, x.slice(s * width, (s + n) * width), [n, ...rowShape]);
        values.push(...Array.from(y));
      }
      out.predictions = values;
      out.rows = rows;
    }
    if (config.latencyCalls > 0) {
      phase = "latency";
      out.latency_samples_s = {};
      for (const b of config.batchSizes) {
        const starts = [];
        for (let s = 0; s + b <= rows; s += b) starts.push(s);
        const batches = starts.map(s => x.slice(s * width, (s + b) * width));
        for (let i = 0; i < config.latencyWarmup; i++) {
          await program.predict(model, batches[i % batches.length], [b, ...rowShape]);
        }
        const samples = [];
        for (let i = 0; i < config.latencyCalls; i++) {
          const t = performance.now();
          await program.predict(model, batches[i % batches.length], [b, ...rowShape]);
          samples.push((performance.now() - t) / 1e3);
        }
        out.latency_samples_s[String(b)] = samples;
      }
    }
    return out;
  } catch (e) {
    return {ok: false, phase, error: String(e && e.stack ? e.stack : e), message: String(e && e.message || e),
            name: String(e && e.name || "Error")};
  }
}
window.kvtDone = run();
</script></head><body>kvt</body></html>
"""


class _Handler(http.server.SimpleHTTPRequestHandler):
    """Serves the harness, the program, the model, the inputs and the npm packages; cross-origin isolated, so
    that a runtime may use threads (SharedArrayBuffer) as its documentation recommends."""

    routes: dict[str, Path] = {}
    npm: Path = Path(".")
    page: bytes = b""

    def log_message(self, format, *args):
        pass

    def end_headers(self):
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Embedder-Policy", "require-corp")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def translate_path(self, path):
        path = path.split("?", 1)[0]
        if path.startswith("/npm/"):
            return str(self.npm / "node_modules" / path.removeprefix("/npm/"))
        if path in self.routes:
            return str(self.routes[path])
        return str(Path("/nonexistent") / path.lstrip("/"))

    def do_GET(self):
        if self.path.split("?", 1)[0] == "/":
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(self.page)))
            self.end_headers()
            self.wfile.write(self.page)
            return
        super().do_GET()

    def guess_type(self, path):
        if str(path).endswith((".js", ".mjs")):
            return "text/javascript"
        if str(path).endswith(".wasm"):
            return "application/wasm"
        return super().guess_type(path)


@dataclass(frozen=True)
class Job:
    """One artifact to serve in the browser.

    Attributes:
        target: the browser target (its runtime program, import map and load options).
        artifact: the model file.
        predict_batch: rows per call when predicting every input (1 for a model with a fixed batch of 1).
        batch_sizes: the batch sizes whose latency is timed.
        name: the key of its record (default: the target), to serve two artifacts with one runtime.
    """

    target: str
    artifact: Path
    predict_batch: int = 1
    batch_sizes: tuple[int, ...] = (1,)
    name: str | None = None

    @property
    def key(self) -> str:
        """The key of its record."""
        return self.name or self.target


def _serve_job(browser_, job: Job, x, *, page_loads: int, latency_calls: int, latency_warmup: int) -> dict[str, Any]:
    """Serve one artifact from a fresh localhost server and load its page ``page_loads`` times."""
    with contextlib.ExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kvt-browser-")))
        (tmp / "inputs.bin").write_bytes(x.tobytes())
        handler = type("Handler", (_Handler,), {
            "routes": {"/program.js": program_path(BROWSER_PROGRAMS[job.target]),
                       f"/model/{job.artifact.name}": job.artifact, "/inputs.bin": tmp / "inputs.bin"},
            "npm": browser_.npm})
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        stack.callback(server.server_close)
        stack.callback(server.shutdown)
        url = f"http://127.0.0.1:{server.server_address[1]}/"
        config = {"model": f"/model/{job.artifact.name}", "rowShape": [int(d) for d in x.shape[1:]],
                  "dtype": "int32" if x.dtype.kind in "iu" else "float32",
                  "latencyWarmup": latency_warmup, "batchSizes": list(job.batch_sizes),
                  "predictBatch": job.predict_batch, "loadOptions": LOAD_OPTIONS[job.target]}
        out: dict[str, Any] = {"ok": False, "loads": []}
        for i in range(page_loads):
            last = i == page_loads - 1
            cfg = {**config, "predictions": last, "latencyCalls": latency_calls if last else 0}
            handler.page = (HARNESS.replace("__IMPORT_MAP__", json.dumps({"imports": IMPORT_MAPS[job.target]}))
                            .replace("__CONFIG__", json.dumps(cfg))).encode()
            context = browser_.browser.new_context()
            page = context.new_page()
            console: list[str] = []
            page.on("console", lambda m, sink=console: sink.append(f"{m.type}: {m.text}"[:300]))
            page.on("pageerror", lambda e, sink=console: sink.append(f"pageerror: {e}"[:300]))
            page.goto(url)
            record = page.evaluate("() => window.kvtDone")
            context.close()
            record["console"] = console[-10:]
            if not record.get("ok"):
                out.update(record)
                return out
            out["loads"].append({k: record[k] for k in ("import_s", "load_s", "first_answer_s", "cold_start_s")})
            out.update({k: v for k, v in record.items() if k not in out["loads"][-1]})
        out["ok"] = True
        return out


@dataclass
class _Browser:
    browser: Any
    npm: Path


def drive(jobs: Sequence[Job], inputs: Path, npm: Path, *, page_loads: int, latency_calls: int,
          latency_warmup: int) -> dict[str, Any]:
    """In this process: launch Chromium once and serve every job; a record per target."""
    import numpy as np
    from playwright.sync_api import sync_playwright

    x = np.load(inputs)
    x = np.ascontiguousarray(x, dtype="int32" if x.dtype.kind in "iu" else "float32")
    with sync_playwright() as playwright:
        start = time.perf_counter()
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        launch_s = time.perf_counter() - start
        try:
            records = {}
            for job in jobs:
                try:
                    record = _serve_job(_Browser(chromium, npm), job, x, page_loads=page_loads,
                                        latency_calls=latency_calls, latency_warmup=latency_warmup)
                except Exception as exc:  # Playwright's own errors (a page that crashes) are the measurement
                    record = {"ok": False, "phase": "browser", "error": "".join(traceback.format_exception(exc))}
                records[job.key] = {**record, "browser_launch_s": launch_s, "browser_version": chromium.version}
            return records
        finally:
            chromium.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the driver process: writes its records to ``--out`` (unless the process itself dies)."""
    parser = argparse.ArgumentParser(prog="python -m evidence.runtimes.browser")
    parser.add_argument("--jobs", required=True, help="JSON list of jobs (target, artifact, predict_batch, "
                                                      "batch_sizes)")
    parser.add_argument("--inputs", required=True, type=Path)
    parser.add_argument("--npm", required=True, type=Path)
    parser.add_argument("--out", required=True, type=Path)
    parser.add_argument("--page-loads", type=int, default=1)
    parser.add_argument("--latency-calls", type=int, default=0)
    parser.add_argument("--latency-warmup", type=int, default=0)
    args = parser.parse_args(argv)
    jobs = [Job(target=j["target"], artifact=Path(j["artifact"]).resolve(), predict_batch=j["predict_batch"],
                batch_sizes=tuple(j["batch_sizes"]), name=j.get("name")) for j in json.loads(args.jobs)]
    try:
        records = drive(jobs, args.inputs, args.npm, page_loads=args.page_loads, latency_calls=args.latency_calls,
                        latency_warmup=args.latency_warmup)
    except Exception as exc:  # a browser that does not start: every job records it
        error = "".join(traceback.format_exception(exc))
        records = {j.key: {"ok": False, "phase": "browser", "error": error} for j in jobs}
    args.out.write_text(json.dumps(records), encoding="utf-8")
    return 0


def _finish(record: dict[str, Any]) -> dict[str, Any]:
    """A job's record with ``latency`` (percentiles per batch) and ``error`` (an ErrorInfo dump) filled in."""
    if record.get("ok"):
        record["latency"] = {b: percentiles(s) for b, s in record.pop("latency_samples_s", {}).items()}
        return record
    text = record.get("error") or ""
    err = error_from_text(text)
    if err.type == "unknown":  # a JavaScript error: its name and message as the page gave them
        err = err.model_copy(update={"type": record.get("name") or "Error",
                                     "message": (record.get("message") or text)[:500]})
    record["error"] = err.model_dump()
    return record


def run_browser_process(jobs: Sequence[Job], inputs: Path, out_dir: Path, tag: str, *, npm: Path,
                        page_loads: int, latency_calls: int, latency_warmup: int,
                        timeout_s: float = PAGE_TIMEOUT_S) -> dict[str, dict[str, Any]]:
    """Run the driver for ``jobs`` in one fresh process (one Chromium); per job (its :attr:`Job.key`) its record,
    with ``latency`` and ``error`` filled in, or how the process died."""
    out = out_dir / f"{tag}.json"
    out.unlink(missing_ok=True)
    spec = json.dumps([{"target": j.target, "artifact": str(j.artifact), "predict_batch": j.predict_batch,
                        "batch_sizes": list(j.batch_sizes), "name": j.name} for j in jobs])
    cmd = [sys.executable, "-m", "evidence.runtimes.browser", "--jobs", spec, "--inputs", str(inputs),
           "--npm", str(npm), "--out", str(out), "--page-loads", str(page_loads), "--latency-calls",
           str(latency_calls), "--latency-warmup", str(latency_warmup)]
    env = dict(os.environ)
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (env.get("PYTHONPATH"), root) if p)
    proc = run_process(cmd, timeout_s=timeout_s * max(len(jobs), 1), cwd=out_dir, env=env,
                       stdout=out_dir / f"{tag}.out", stderr=out_dir / f"{tag}.err")
    try:
        records = json.loads(out.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        err = error_from_text(proc.stderr_tail)
        died = err.model_copy(update={"type": "ProcessDied",
                                      "message": f"the browser driver {proc.how()}: {err.text(300)}"}).model_dump()
        return {j.key: {"ok": False, "phase": "process", "how": proc.how(), "error": died} for j in jobs}
    return {target: {**_finish(record), "wall_s": proc.duration_s} for target, record in records.items()}


if __name__ == "__main__":
    sys.exit(main())
