"""The routes tried: each one a way to extend a model, written with one framework's API, in one program file.

Data only (no framework import). A route is *own* for an option when it is written with Keras's portable API or
with the option's own framework (:func:`is_own`); run on another option it measures portability, and the
assessment keeps it apart. Every route names the attempt of its program that puts it to work and the symbols
whose lines count as the extension's code; a compiled route names the build that makes its library.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from evidence.options import FRAMEWORK, KERAS_OPTIONS, TF_CORE

Kind = Literal["layer", "loss", "metric", "train_step", "training_loop", "custom_gradient", "custom_op",
               "compiled_op", "custom_kernel"]
#: Whose API a route's code is written with: Keras's backend-neutral API, or one framework's own.
Framework = Literal["keras", "tensorflow", "jax", "torch"]

KIND_TITLES: dict[str, str] = {
    "layer": "custom layer",
    "loss": "custom loss",
    "metric": "custom metric",
    "train_step": "custom train_step inside fit()",
    "training_loop": "hand-written training loop",
    "custom_gradient": "custom gradient",
    "custom_op": "custom operator registered with the framework",
    "compiled_op": "compiled C++ op",
    "custom_kernel": "kernel in a kernel language",
}

#: What the article's sentence asks of an option: each need is met by any of its kinds.
NEEDS: dict[str, tuple[str, ...]] = {
    "layer": ("layer",),
    "loss": ("loss",),
    "metric": ("metric",),
    "custom training": ("train_step", "training_loop"),
    "custom gradient": ("custom_gradient",),
    "compiled op": ("compiled_op",),
}


@dataclass(frozen=True)
class Build:
    """A shared library a compiled route needs, built at run time into the run's folder.

    Attributes:
        id: the build's name.
        source: the C++ file under ``evidence/programs/``.
        library: the file it produces.
        built_by: the subject whose worker builds it (it has the framework whose headers it needs).
        tool: what builds it.
    """

    id: str
    source: str
    library: str
    built_by: str
    tool: str


BUILDS: dict[str, Build] = {
    "tensorflow_op": Build("tensorflow_op", "swish_op.cc", "swish_op.so", TF_CORE,
                           "g++ with tf.sysconfig.get_compile_flags() and get_link_flags()"),
    "jax_ffi": Build("jax_ffi", "swish_ffi.cc", "libswish_ffi.so", "keras-jax",
                     "g++ with -I jax.ffi.include_dir() (XLA FFI headers shipped with jaxlib)"),
    "torch_op": Build("torch_op", "swish_torch.cc", "kvt_swish_torch.so", "keras-torch",
                      "torch.utils.cpp_extension.load (ninja runs g++ against the torch wheel's headers)"),
}
#: Options whose worker builds a library, and which.
BUILDERS: dict[str, str] = {b.built_by: b.id for b in BUILDS.values()}


@dataclass(frozen=True)
class Route:
    """One way to extend a model.

    Attributes:
        id: the route's name.
        kind: what it extends.
        framework: whose API its code is written with.
        mechanism: the mechanism, as its documentation names it.
        program: the file under ``evidence/programs/`` that holds it.
        attempt: the key of the program's ``ATTEMPTS`` that puts it to work.
        symbols: the classes and functions that make the extension (their logical lines count).
        build: the :data:`BUILDS` entry of a compiled route.
        tfcore: a TensorFlow-core route (runs on ``tensorflow-core`` only, since it uses no Keras).
    """

    id: str
    kind: Kind
    framework: Framework
    mechanism: str
    program: str
    attempt: str
    symbols: tuple[str, ...]
    build: str | None = None
    tfcore: bool = False


KERAS_PROGRAM = "extensions_keras.py"
TF_PROGRAM = "extensions_tensorflow.py"
JAX_PROGRAM = "extensions_jax.py"
TORCH_PROGRAM = "extensions_torch.py"
TFCORE_PROGRAM = "extensions_tfcore.py"
CHECK_PROGRAM = "extensions_check.py"

ROUTES: tuple[Route, ...] = (
    # Keras's own, backend-neutral API: meant to run on every backend.
    Route("keras_layer", "layer", "keras", "keras.layers.Layer with keras.ops", KERAS_PROGRAM, "layer",
          ("OpsDense",)),
    Route("keras_loss", "loss", "keras", "loss function of keras.ops", KERAS_PROGRAM, "loss", ("log_cosh",)),
    Route("keras_metric", "metric", "keras", "keras.metrics.Metric subclass", KERAS_PROGRAM, "metric",
          ("WithinTolerance",)),
    Route("keras_custom_gradient", "custom_gradient", "keras", "keras.ops.custom_gradient", KERAS_PROGRAM,
          "custom_gradient", ("log1pexp",)),
    # TensorFlow's tools inside a Keras model.
    Route("tf_layer", "layer", "tensorflow", "Keras layer calling tf ops", TF_PROGRAM, "layer", ("TfDense",)),
    Route("tf_train_step", "train_step", "tensorflow", "train_step with tf.GradientTape", TF_PROGRAM,
          "train_step", ("TfStepModel",)),
    Route("tf_training_loop", "training_loop", "tensorflow", "tf.GradientTape loop", TF_PROGRAM, "training_loop",
          ("tape_loop",)),
    Route("tf_custom_gradient", "custom_gradient", "tensorflow", "tf.custom_gradient", TF_PROGRAM,
          "custom_gradient", ("tf_log1pexp",)),
    Route("tf_compiled_op", "compiled_op", "tensorflow", "C++ op, g++ and tf.load_op_library", TF_PROGRAM,
          "compiled_op", ("load_swish_op", "CppSwish"), build="tensorflow_op"),
    # JAX's tools inside a Keras model.
    Route("jax_layer", "layer", "jax", "Keras layer calling jax.numpy", JAX_PROGRAM, "layer", ("JnpDense",)),
    Route("jax_train_step", "train_step", "jax", "stateless train_step with jax.value_and_grad", JAX_PROGRAM,
          "train_step", ("JaxStepModel",)),
    Route("jax_training_loop", "training_loop", "jax", "jax.jit step over stateless_call", JAX_PROGRAM,
          "training_loop", ("jax_loop",)),
    Route("jax_custom_vjp", "custom_gradient", "jax", "jax.custom_vjp", JAX_PROGRAM, "custom_gradient",
          ("jax_log1pexp", "jax_log1pexp_fwd", "jax_log1pexp_bwd")),
    Route("jax_ffi_op", "compiled_op", "jax", "C++ kernel, g++ and jax.ffi (XLA FFI), gradient by jax.custom_vjp",
          JAX_PROGRAM, "compiled_op", ("load_ffi_swish", "FfiSwish"), build="jax_ffi"),
    Route("jax_pallas", "custom_kernel", "jax", "Pallas kernel (interpret mode on CPU), gradient by jax.custom_vjp",
          JAX_PROGRAM, "custom_kernel", ("swish_kernel", "pallas_swish", "pallas_swish_fwd", "pallas_swish_bwd")),
    # PyTorch's tools inside a Keras model.
    Route("torch_layer", "layer", "torch", "Keras layer calling torch ops", TORCH_PROGRAM, "layer",
          ("TorchDense",)),
    Route("torch_train_step", "train_step", "torch", "train_step with loss.backward()", TORCH_PROGRAM,
          "train_step", ("TorchStepModel",)),
    Route("torch_training_loop", "training_loop", "torch", "torch.optim loop over model.parameters()",
          TORCH_PROGRAM, "training_loop", ("torch_loop",)),
    Route("torch_autograd_function", "custom_gradient", "torch", "torch.autograd.Function", TORCH_PROGRAM,
          "custom_gradient", ("Log1pExp", "torch_log1pexp")),
    Route("torch_custom_op", "custom_op", "torch", "torch.library.custom_op with register_autograd", TORCH_PROGRAM,
          "custom_op", ("numpy_swish", "numpy_swish_fake", "numpy_swish_setup", "numpy_swish_backward")),
    Route("torch_cpp_op", "compiled_op", "torch",
          "C++ op, TORCH_LIBRARY and torch.utils.cpp_extension, gradient by torch.library.register_autograd",
          TORCH_PROGRAM, "compiled_op", ("load_torch_swish", "CppTorchSwish"), build="torch_op"),
    # TensorFlow core: no Keras.
    Route("tfcore_layer", "layer", "tensorflow", "tf.Module holding tf.Variable", TFCORE_PROGRAM, "layer",
          ("Dense",), tfcore=True),
    Route("tfcore_loss", "loss", "tensorflow", "function of tf ops", TFCORE_PROGRAM, "loss", ("log_cosh",),
          tfcore=True),
    Route("tfcore_metric", "metric", "tensorflow", "tf.Module with tf.Variable state", TFCORE_PROGRAM, "metric",
          ("WithinTolerance",), tfcore=True),
    Route("tfcore_training_loop", "training_loop", "tensorflow", "tf.function step with tf.GradientTape",
          TFCORE_PROGRAM, "training_loop", ("make_train_step",), tfcore=True),
    Route("tfcore_custom_gradient", "custom_gradient", "tensorflow", "tf.custom_gradient", TFCORE_PROGRAM,
          "custom_gradient", ("log1pexp",), tfcore=True),
    Route("tfcore_compiled_op", "compiled_op", "tensorflow", "C++ op, g++ and tf.load_op_library", TFCORE_PROGRAM,
          "compiled_op", ("load_swish_op",), build="tensorflow_op", tfcore=True),
)
ROUTE_BY_ID: dict[str, Route] = {r.id: r for r in ROUTES}

#: Cells that have no meaning for an option, with the reason.
NOT_APPLICABLE: dict[tuple[str, str], str] = {
    (TF_CORE, "train_step"): "TensorFlow core has no fit() whose step could be overridden: its training loop is "
                             "the step (tfcore_training_loop)",
}


def is_own(route: Route, option: str) -> bool:
    """Whether ``route`` is written with Keras's portable API or with ``option``'s own framework."""
    if route.tfcore:
        return option == TF_CORE
    if option == TF_CORE:
        return False
    return route.framework in ("keras", FRAMEWORK[option])


def routes_for(option: str, *, portability: bool) -> list[Route]:
    """The routes an option's worker attempts: its own first, then (with ``portability``) the other backends'
    Keras-side routes, whose results measure portability."""
    own = [r for r in ROUTES if is_own(r, option)]
    if not portability or option not in KERAS_OPTIONS:
        return own
    return own + [r for r in ROUTES if not r.tfcore and not is_own(r, option)]
