"""What the browser tests share: the skip (or, on CI, the failure) when Chromium, Playwright or the docs extra is
missing, Chromium's flags, the built site served on a free localhost port, and axe-core from npm.

Playwright drives Debian's Chromium (``executable_path``); ``playwright install`` is never run. axe-core comes from
npm's registry, pinned, installed once into ``$KVT_NPM_DIR`` (default ``~/.cache/kvt/npm``)``/axe-core-<version>``
and injected into the page from that file: nothing is loaded from a CDN.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import importlib.util
import os
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
#: axe-core, pinned: a new release adds rules, so a version change is a decision of its own.
AXE_VERSION = "4.14.1"


def missing_for_browser_tests() -> list[str]:
    """What the browser tests need and this machine lacks, each with how to install it."""
    return [what for what, ok in (
        ("the docs extra (mkdocs, mkdocs-material): pip install -e '.[docs]'",
         importlib.util.find_spec("mkdocs") is not None and importlib.util.find_spec("material") is not None),
        ("Playwright: pip install -e '.[dev]'", importlib.util.find_spec("playwright") is not None),
        (f"Chromium at {CHROMIUM}: apt-get install -y chromium", CHROMIUM.exists()),
    ) if not ok]


def skip_unless_browser(what: str) -> None:
    """Skip the calling test module when the browser tests cannot run here; on CI (``CI`` set) fail instead, since
    ``.ci/run`` installs what they need."""
    missing = missing_for_browser_tests()
    if missing:
        if os.environ.get("CI"):
            raise RuntimeError(f"CI must install what the {what} needs: {'; '.join(missing)}")
        pytest.skip(f"{what} needs {'; '.join(missing)}", allow_module_level=True)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass


@contextlib.contextmanager
def serve(folder: Path) -> Iterator[str]:
    """``folder`` served on a free localhost port; yields its base address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def axe_script(timeout_s: float = 300) -> str:
    """The text of axe-core's ``axe.min.js``, installed from npm when missing; raises with npm's last words."""
    base = Path(os.environ["KVT_NPM_DIR"]) if os.environ.get("KVT_NPM_DIR") else Path.home() / ".cache" / "kvt" / "npm"
    folder = base / f"axe-core-{AXE_VERSION}"
    script = folder / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        npm = shutil.which("npm")
        if npm is None:
            raise RuntimeError("npm is not installed (apt-get install -y npm): axe-core comes from npm")
        folder.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--ignore-scripts", "--no-save",
                               "--prefix", str(folder), f"axe-core@{AXE_VERSION}"],
                              capture_output=True, text=True, timeout=timeout_s)
        if proc.returncode != 0 or not script.exists():
            raise RuntimeError(f"npm install axe-core@{AXE_VERSION} failed: {(proc.stderr or proc.stdout)[-500:]}")
    return script.read_text(encoding="utf-8")
