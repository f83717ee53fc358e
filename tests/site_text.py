"""The text a reader sees on a built page, and the machine text that must not be in it.

:func:`visible_text` reads a page's HTML as a reader sees it: the article and the navigation, without scripts,
styles, code (inline or blocks: an API name in code is meant to be read as code), keyboard input, collapsed
``<details>`` (where raw errors and tables of raw fields may stay), the search box and hidden elements.
:func:`machine_text` finds what a person should never be shown there: a ``snake_case`` id (``multi_node``), a
dotted or arrow key path (``backends.jax.status``, ``unavailable -> trains``) and any id of the shared label map
(:mod:`evidence.labels`) whose label differs from it.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

#: Elements whose text is not prose for a reader (code, collapsed details, scripts) or not shown at all.
SKIPPED = {"script", "style", "code", "pre", "details", "kbd", "samp", "noscript", "template", "svg", "head"}
#: Elements with no end tag.
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
#: Classes of the theme's own widgets that hold no page text (the search box and its results).
SKIPPED_CLASSES = ("md-search", "md-source", "md-skip")

#: A snake_case word standing alone: not part of a dotted name, a path, an address, a file name (``text_lstm.py``)
#: or a call (``get_config()``).
SNAKE = re.compile(r"(?<![\w.\-/@#=])[a-z][a-z0-9]*(?:_[a-z0-9]+)+(?![\w\-/(=]|\.\w)")
#: A dotted key path of an assessment (``backends.jax.status``, two dots or more) or an ASCII arrow between two
#: codes (``unavailable -> trains``). An arrow between numbers or versions (``2.5 → 2.7``) is notation for people.
KEY_PATH = re.compile(r"(?<![\w.\-/@#])[a-z_]+(?:\.[a-z_]+){2,}(?![\w(/])|[\w.]+ -> [\w.]+")
#: Roots of the Python packages whose API names a page may write as words (``torch.utils.cpp_extension``):
#: a dotted name from one of them is an API name, not a key path.
API_ROOTS = ("tf", "tensorflow", "keras", "jax", "jnp", "torch", "np", "numpy", "flax", "optax", "onnx", "onnxruntime",
             "openvino", "litert", "ai_edge_litert", "tf_keras", "os", "sys", "layers")
#: snake_case public API names a page may write as words: Keras's and the frameworks' own names, which a reader
#: looks up as they are (a person wrote this list; an id of this project never belongs here).
API_NAMES = frozenset({
    "train_step", "test_step", "predict_step", "compute_loss", "compute_metrics", "jit_compile", "steps_per_execution",
    "safe_mode", "get_config", "from_config", "build_model", "make_data", "load_model", "custom_gradient",
    "custom_vjp", "load_op_library", "register_autograd", "custom_op", "sparse_categorical_crossentropy",
    "fit_generator", "call_training_endpoint", "serving_default", "eval_shape", "add_weight", "add_variable",
})


class _Text(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        a = dict(attrs)
        classes = a.get("class") or ""
        skip = (tag in SKIPPED or "hidden" in a or a.get("aria-hidden") == "true"
                or any(c in classes for c in SKIPPED_CLASSES))
        self.stack.append((tag, skip))
        self.skipping += skip

    def handle_endtag(self, tag):
        if not any(t == tag for t, _ in self.stack):
            return  # a stray end tag closes nothing
        while self.stack:
            t, skip = self.stack.pop()
            self.skipping -= skip
            if t == tag:
                break

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(page_html: str) -> list[str]:
    """The runs of text a reader sees on the page (see the module docstring)."""
    parser = _Text()
    parser.feed(page_html)
    return parser.parts


def machine_text(text: str, ids: dict[str, str] | None = None) -> list[str]:
    """The snake_case ids, key paths and (with ``ids``, id -> label) unlabelled ids in ``text``."""
    found = [w for w in SNAKE.findall(text) if w not in API_NAMES]
    found += [p for p in KEY_PATH.findall(text) if p.split(".")[0] not in API_ROOTS]
    for key, label in (ids or {}).items():
        if key != label and ("-" in key or "_" in key) and re.search(rf"(?<![\w\-./`]){re.escape(key)}(?![\w\-/.])",
                                                                     text):
            found.append(key)
    return found
