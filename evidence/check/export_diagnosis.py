"""What blocks an export, read from the converter's own message: the op or construct, the layer it comes from, and
the fix when one is known (``kvt check``).

Each converter names what it could not take in its own words; :data:`PATTERNS` holds them, each with a public
source for the message's meaning:

- LiteRT (TensorFlow's converter): ``'tf.Svd' op is neither a custom op nor a flex op`` with the node's path in the
  MLIR location (``functional_1/spectral_norm_1/Svd``), or, for a model converted with select TensorFlow ops, the
  runtime's ``Node number 3 (FlexSvd) failed to prepare`` (https://ai.google.dev/edge/litert/models/ops_select);
- ONNX through tf2onnx: ``Unsupported ops: Counter({'Svd': 1})`` or ``Tensorflow op [path: Svd] is not supported``;
  a graph tf2onnx wrote with a node the runtime lacks: onnxruntime's ``In Node, ("path", Svd, "", -1) … No Op
  registered for Svd with domain_version of 15`` (https://onnx.ai/onnx/operators/);
- ONNX through ``torch.onnx``: ``Exporting the operator 'aten::x' to ONNX opset version N is not supported``
  (https://pytorch.org/docs/stable/onnx_torchscript.html);
- ``torch.export``: a data-dependent shape (``Could not guard on data-dependent expression``,
  https://pytorch.org/docs/stable/export.html), whose fix is a static input shape.

The layer is the part of the node's path that names a layer of the model (Keras names TensorFlow scopes after
layers, with a ``_N`` suffix when a name repeats); the model's layers are read from the saved file's config.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path

from evidence.contract import ContractModel


class Blocker(ContractModel):
    """What blocked one export, as the converter named it."""

    op: str
    """The op or construct (``Svd``, ``aten::unique``, ``data-dependent shape``)."""
    converter: str
    """Whose message named it (``LiteRT converter``, ``LiteRT runtime``, ``tf2onnx``, ``onnxruntime``,
    ``torch.onnx``, ``torch.export``)."""
    node: str | None = None
    """The node's path in the exported graph (``functional_1/spectral_norm_1/Svd``), when the message gives it."""
    layer: str | None = None
    """The model's layer it comes from (``spectral_norm``), when the path names one."""
    layer_class: str | None = None
    """That layer's class (``SpectralNorm``)."""
    opset: int | None = None
    """The ONNX opset the message names."""
    fix: str
    """What to do about it."""


def _fix(target: str, converter: str, op: str, opset: int | None) -> str:
    if op == "data-dependent shape":
        return ("give the model a static input shape (keras.Input(shape=...) without None, or export with an "
                "input_signature of fixed sizes); a shape computed from tensor values cannot be exported")
    if converter == "LiteRT converter":
        return (f"LiteRT has no {op}, neither among its built-in ops nor among the select TensorFlow (Flex) ops the "
                "export already allows: compute that layer without it, with keras.ops that lower to built-in ops")
    if converter == "LiteRT runtime":
        return (f"{op} converted as a select TensorFlow (Flex) op, which this LiteRT runtime lacks: link the Flex "
                "delegate into the app (a larger binary; LiteRT.js has none), or compute that layer without it")
    at = f" at opset {opset}" if opset else ""
    return (f"ONNX{at} has no {op} the exporter can map to: compute that layer without it, try a newer opset if "
            f"one defines it, or register a custom op with the runtime")


#: (converter, pattern with groups ``op`` and optionally ``node`` and ``opset``), tried in order.
PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((c, re.compile(p, re.S)) for c, p in (
    ("LiteRT converter", r'fused\["(?P<op0>\w+):", "(?P<node>[^"@]+)@[^\]]*\].*?\'tf\.(?P<op>\w+)\' op is neither a '
                         r"custom op nor a flex op"),
    ("LiteRT converter", r"'tf\.(?P<op>\w+)' op is neither a custom op nor a flex op"),
    ("LiteRT runtime", r"\(Flex(?P<op>\w+)\) failed to prepare"),
    ("tf2onnx", r"Tensorflow op \[(?P<node>[^:\]]+): (?P<op>\w+)\] is not supported"),
    ("tf2onnx", r"Unsupported ops: Counter\(\{'(?P<op>\w+)'"),
    ("onnxruntime", r'In Node, \("(?P<node>[^"]+)", (?P<op>\w+), "[^"]*", -?\d+\).*?No Op registered for \w+ with '
                    r"domain_version of (?P<opset>\d+)"),
    ("torch.onnx", r"Exporting the operator '?(?P<op>[\w:.]+)'? to ONNX opset version (?P<opset>\d+) is not "
                   r"supported"),
    ("torch.export", r"(?P<op>Could not guard on data-dependent expression|GuardOnDataDependentSymNode|"
                     r"data-dependent)"),
))


def model_layers(model_file: Path | None) -> dict[str, str]:
    """The model's layers (name → class) from a saved ``.keras`` or ``.h5`` file's config; empty when unreadable."""
    if model_file is None or not model_file.is_file():
        return {}
    config = None
    try:
        if zipfile.is_zipfile(model_file):
            with zipfile.ZipFile(model_file) as archive:
                config = json.loads(archive.read("config.json"))
        else:
            import h5py

            with h5py.File(model_file, "r") as handle:
                raw = handle.attrs.get("model_config")
                config = json.loads(raw.decode() if isinstance(raw, bytes) else str(raw)) if raw is not None else None
    except (OSError, ValueError, KeyError, ImportError):
        return {}
    out: dict[str, str] = {}
    stack = [config]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            inner = node.get("config")
            if "class_name" in node and isinstance(inner, dict) and isinstance(inner.get("name"), str):
                out.setdefault(inner["name"], str(node["class_name"]))
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return out


def _layer_of(node: str | None, layers: dict[str, str]) -> tuple[str | None, str | None]:
    """The layer a node path names: its innermost component that is a layer's name, with Keras's ``_N`` suffix
    for a repeated scope dropped when the bare name is the layer's."""
    if not node:
        return None, None
    for part in reversed(node.split("/")[:-1] or node.split("/")):
        for name in (part, re.sub(r"_\d+$", "", part)):
            if name in layers:
                return name, layers[name]
    return None, None


def diagnose(target: str, text: str, layers: dict[str, str]) -> Blocker | None:
    """The blocker an export's error ``text`` names for ``target``, or None when no pattern matches."""
    for converter, pattern in PATTERNS:
        match = pattern.search(text or "")
        if match is None:
            continue
        groups = match.groupdict()
        op = groups["op"] if converter != "torch.export" else "data-dependent shape"
        opset = int(groups["opset"]) if groups.get("opset") else None
        node = groups.get("node")
        layer, layer_class = _layer_of(node, layers)
        return Blocker(op=op, converter=converter, node=node, layer=layer, layer_class=layer_class, opset=opset,
                       fix=_fix(target, converter, op, opset))
    return None


def describe(blocker: Blocker) -> str:
    """The blocker in one line: ``op Svd (tf2onnx) in layer spectral_norm (SpectralNorm)``."""
    where = f" in layer {blocker.layer}" + (f" ({blocker.layer_class})" if blocker.layer_class else "") \
        if blocker.layer else (f" at node {blocker.node}" if blocker.node else "")
    opset = f", opset {blocker.opset}" if blocker.opset else ""
    return f"op {blocker.op} ({blocker.converter}{opset}){where}"
