"""The installed Keras's public API, read from its own files (never imported), for ``kvt check``'s static scan.

Keras generates one ``__init__.py`` per public namespace (``keras/ops/__init__.py``, ``keras/random/__init__.py``,
``keras/layers/__init__.py`` …; ``tf.keras`` has its own tree under ``keras/_tf_keras/keras``), each a list of
``from keras.src.<module> import <origin> as <name>``. Reading them with ``ast`` gives, without importing Keras:

- the equivalent of a framework call in *every* namespace that has one (:func:`equivalent`): ``tf.random.normal``
  is ``keras.random.normal``, ``tf.nn.conv2d`` is ``keras.ops.conv``, ``tf.math.cumsum`` is ``keras.ops.cumsum``;
- whether a Keras 2 name still exists in Keras 3 (:func:`keras2_status`): gone (no such name), a stub that only
  raises (``keras.optimizers.legacy.Adam`` is ``LegacyOptimizerWarning``), or kept in ``tf.keras`` for TensorFlow
  only (``tf.keras.backend.mean`` comes from ``keras.src.legacy``).

A same-named op is a candidate whose signature is still to be checked, not a proof of equal semantics; calls whose
Keras namesake does something else (``tf.strings.split`` is no ``keras.ops.split``) or fails the same way
(``tf.convert_to_tensor`` of strings: ``keras.ops.convert_to_tensor`` takes no strings on JAX or PyTorch) are
never offered one (:data:`NO_EQUIVALENT`).
"""

from __future__ import annotations

import ast
import functools
import importlib.util
import re
from pathlib import Path

#: Namespaces searched for an equivalent, in order, after any the call names (``tf.image.resize``:
#: ``keras.ops.image``). ``keras.ops`` first: an op is what replaces a framework op.
SEARCH_ORDER: tuple[str, ...] = ("ops", "ops.nn", "ops.numpy", "ops.math", "ops.linalg", "ops.image", "random",
                                 "activations", "layers")
#: A framework namespace in a call, and the Keras namespaces it points to.
HINTS: dict[str, tuple[str, ...]] = {"random": ("random",), "nn": ("ops", "ops.nn", "activations"),
                                     "image": ("ops.image",), "linalg": ("ops.linalg",), "signal": ("ops.math",),
                                     "losses": ("losses",), "keras": ()}
#: Framework names and their Keras names where the two APIs name the same thing differently (torch's ``randn``
#: draws from a normal distribution; convolutions carry their rank in TensorFlow's and PyTorch's names only).
RENAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), r) for p, r in (
    (r"^reduce_(\w+)$", r"\1"),                # tf.reduce_sum
    (r"^(\w+?)_$", r"\1"),                     # torch in-place x.add_
    (r"^randn$", "normal"), (r"^rand$", "uniform"), (r"^truncated_normal$", "truncated_normal"),
    (r"^(depthwise_|separable_)?conv[123]d(_transpose)?$", r"\1conv\2"),  # tf.nn.conv2d, torch conv2d
    (r"^conv[123]d_transpose$", "conv_transpose"),
    (r"^(max|avg)_pool[123]d$", r"\1_pool"),
))
#: Calls never offered a same-named equivalent: (pattern on the resolved call, why).
NO_EQUIVALENT: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), w) for p, w in (
    (r"^tensorflow\.strings\.",
     "string tensors exist on TensorFlow only (keras.ops has no string ops; a same-named op such as "
     "keras.ops.split works on numbers)"),
    (r"^jax\.random\.(split|PRNGKey|key|fold_in)$",
     "JAX's explicit random keys: keras.random.SeedGenerator carries the random state on every backend"),
))
#: Advice for string data, which no Keras op carries on JAX or PyTorch.
STRING_ADVICE = ("string tensors exist on TensorFlow only (keras.ops.convert_to_tensor refuses strings on JAX and "
                 "PyTorch): turn strings into integer ids before the model, with keras.layers.StringLookup or "
                 "TextVectorization in the data pipeline (tf.data), and feed the model numbers")


def _keras_root() -> Path | None:
    spec = importlib.util.find_spec("keras")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


@functools.lru_cache(maxsize=2)
def api(tf_keras: bool = False) -> dict[str, dict[str, str]]:
    """The installed Keras's public names per namespace (``""`` is ``keras`` itself, ``"ops.nn"``, ``"random"``
    …), each with the module and name it comes from (``keras.src.ops.numpy.cumsum``); ``tf_keras``: the
    ``tf.keras`` tree. Empty when Keras is not installed."""
    root = _keras_root()
    if root is None:
        return {}
    base = root / "_tf_keras" / "keras" if tf_keras else root
    out: dict[str, dict[str, str]] = {}
    for init in sorted(base.glob("**/__init__.py")):
        parts = init.parent.relative_to(base).parts
        if (parts and parts[0] in ("src", "_tf_keras", "api")) or any(p.startswith("__") for p in parts):
            continue
        try:
            tree = ast.parse(init.read_text(encoding="utf-8"))
        except (OSError, SyntaxError):
            continue
        names: dict[str, str] = {}
        for node in tree.body:
            if isinstance(node, ast.ImportFrom) and node.module:
                for alias in node.names:
                    if not (alias.asname or alias.name).startswith("_"):
                        names[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        out[".".join(parts)] = names
    return out


def _is_function(origin: str) -> bool:
    """Whether an API name's origin is an op or function rather than a submodule."""
    return origin.startswith("keras.src.")


def no_equivalent(resolved: str) -> str | None:
    """Why ``resolved`` is never offered a same-named Keras equivalent (see :data:`NO_EQUIVALENT`), or None."""
    return next((why for pattern, why in NO_EQUIVALENT if pattern.search(resolved)), None)


def equivalent(resolved: str) -> str | None:
    """The Keras name of the framework call ``resolved`` (``tensorflow.random.normal``), in any namespace that has
    it, or None. Namespaces the call names come first (see :data:`HINTS`), then :data:`SEARCH_ORDER`."""
    names = api()
    parts = resolved.split(".")
    if not names or len(parts) < 2 or no_equivalent(resolved):
        return None
    last = parts[-1]
    candidates = [last]
    for pattern, replacement in RENAMES:
        if pattern.match(last):
            candidates.append(pattern.sub(replacement, last))
    hinted = [h for p in parts[1:-1] for h in HINTS.get(p, ())]
    order = list(dict.fromkeys([*hinted, *SEARCH_ORDER]))
    for candidate in dict.fromkeys(candidates):
        for space in order:
            origin = names.get(space, {}).get(candidate)
            if origin and _is_function(origin):
                return f"keras.{space}.{candidate}" if space else f"keras.{candidate}"
    return None


def keras2_status(rest: str, *, tf_keras: bool) -> tuple[str, str | None] | None:
    """Whether the Keras API name ``rest`` (``optimizers.legacy.Adam``, ``backend.mean``) survives in the installed
    Keras (``tf.keras``'s tree when ``tf_keras``): None when it exists as it did, else (``gone`` | ``stub`` |
    ``tensorflow only``, its Keras 3 replacement or None)."""
    names = api(tf_keras)
    if not names:
        return None
    namespace, _, name = rest.rpartition(".")
    if rest in names:  # a namespace itself (``layers``)
        return None
    origin = names.get(namespace, {}).get(name)
    replacement = _replacement(rest)
    if origin is None:
        if namespace not in names and any(space.startswith(f"{rest}.") for space in names):
            return None  # a namespace with sub-namespaces only
        return "gone", replacement
    if re.search(r"Legacy\w*Warning|\.deprecated", origin):
        return "stub", replacement
    if ".src.legacy." in origin:
        return "tensorflow only", replacement
    return None


def _replacement(rest: str) -> str | None:
    """The Keras 3 name of a Keras 2 one: the same name in ``keras.layers`` or ``keras.optimizers`` (moved out of
    ``experimental`` or ``legacy``), else its op or function equivalent anywhere in the installed Keras."""
    name = rest.rpartition(".")[2]
    names = api()
    head = rest.split(".")[0]
    if head in names and name in names[head] and rest != f"{head}.{name}":
        return f"keras.{head}.{name}"  # layers.experimental.preprocessing.Rescaling -> keras.layers.Rescaling
    return equivalent(f"keras.{rest}")


#: Keras 2 ``Model`` methods Keras 3 removed, and what replaces them (checked against the installed Keras by
#: :func:`removed_methods`: a name Keras still defines is never reported).
KERAS2_METHODS: dict[str, str] = {
    "fit_generator": "model.fit (it takes generators and tf.data datasets)",
    "evaluate_generator": "model.evaluate", "predict_generator": "model.predict",
    "train_on_batch_generator": "model.train_on_batch",
    "reset_metrics": "metric.reset_state() on each of model.metrics", "add_update": "a keras.Variable's assign()",
}


@functools.lru_cache(maxsize=1)
def removed_methods() -> dict[str, str]:
    """:data:`KERAS2_METHODS` less the names the installed Keras still defines as methods of its model, trainer or
    layer classes (read from ``keras/src/{models,trainers,layers}`` with ``ast``)."""
    root = _keras_root()
    if root is None:
        return {}
    defined: set[str] = set()
    for folder in ("models", "trainers", "layers/core", "backend"):
        for path in (root / "src" / folder).glob("**/*.py"):
            if path.name.endswith("_test.py"):
                continue
            try:
                tree = ast.parse(path.read_text(encoding="utf-8"))
            except (OSError, SyntaxError):
                continue
            defined.update(n.name for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))
    layer = root / "src" / "layers" / "layer.py"
    if layer.is_file():
        defined.update(n.name for n in ast.walk(ast.parse(layer.read_text(encoding="utf-8")))
                       if isinstance(n, ast.FunctionDef))
    return {k: v for k, v in KERAS2_METHODS.items() if k not in defined}


# -- what kind of call, for the static scan (evidence.check.scan) ---------------------------------------------
#: The category of a framework call (see :attr:`Finding.category`), by the same patterns as :data:`ADVICE`.
CATEGORIES: tuple[tuple[re.Pattern[str], str], ...] = tuple((re.compile(p), c) for p, c in (
    (r"^tensorflow\.GradientTape$|^jax\.(grad|value_and_grad|vjp)$|^torch\.autograd\.", "autodiff"),
    (r"^tensorflow\.function$|^jax\.jit$|^torch\.compile$", "compile"),
    (r"^tensorflow\.data\.", "data"),
    (r"^tensorflow\.Variable$|^torch\.nn\.Parameter$", "state"),
    (r"^tensorflow\.keras\.|^tf_keras\.", "keras"),
    (r"^tensorflow\.(py_function|numpy_function)$|^jax\.pure_callback$", "callback"),
    (r"^tensorflow\.strings\.", "strings"),
))
#: Calls that make a tensor from their argument: given strings, they make a string tensor.
TENSOR_MAKERS = ("convert_to_tensor", "constant", "as_tensor", "tensor", "asarray", "array")
#: Advice for ``.numpy()`` on a tensor.
NUMPY_ADVICE = ("a tensor's .numpy() is TensorFlow's (a JAX array has none; torch refuses it for a tensor that "
                "requires grad): call keras.ops.convert_to_numpy(x)")
#: Advice for ``model.save`` of a Keras 2 format.
SAVE_ADVICE = ("Keras 3's model.save writes a .keras file (or a legacy .h5) only: name the file model.keras; for a "
               "TensorFlow SavedModel to serve, call model.export(folder)")


def category_of(resolved: str) -> str:
    """The category of the framework call ``resolved`` (``op`` unless :data:`CATEGORIES` says otherwise)."""
    return next((c for pattern, c in CATEGORIES if pattern.search(resolved)), "op")


def has_strings(node: ast.Call, assigned: dict[str, ast.AST] | None = None) -> bool:
    """Whether a call's first argument is, or holds, a string literal (through one variable of the file:
    ``words = np.array(["a", "b"])``, then ``convert_to_tensor(words)``)."""
    first = node.args[0] if node.args else None
    if isinstance(first, ast.Name) and assigned and first.id in assigned:
        first = assigned[first.id]
    return first is not None and any(isinstance(n, ast.Constant) and isinstance(n.value, str)
                                     for n in ast.walk(first))


def keras2_save(node: ast.Call) -> bool:
    """Whether ``x.save(...)`` asks for a Keras 2 format: ``save_format=``, or a path literal without a
    ``.keras``/``.h5`` suffix (Keras 2 wrote a SavedModel there)."""
    if any(k.arg == "save_format" for k in node.keywords):
        return True
    first = node.args[0] if node.args else None
    if isinstance(first, ast.JoinedStr) and first.values:
        first = first.values[-1]
    if isinstance(first, ast.Constant) and isinstance(first.value, str) and first.value:
        return not first.value.endswith((".keras", ".h5", ".hdf5", ".weights.h5"))
    return False
