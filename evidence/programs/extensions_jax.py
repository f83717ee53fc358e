"""Extending a Keras model with JAX's own tools: jax.numpy ops, a stateless train_step and training loop,
``jax.custom_vjp``, a C++ kernel called through XLA's FFI (``jax.ffi``), and a Pallas kernel.

These are the routes JAX's and Keras's guides give ("Custom derivative rules", "Foreign function interface",
"Pallas quickstart", Keras's "Customizing what happens in fit() with JAX" and "Writing a training loop from
scratch in JAX"), used inside a Keras model on the JAX backend. The ``extensibility`` experiment runs them there
as keras-jax's own routes, and under tensorflow and torch as a measure of portability.

The C++ kernel (``swish_ffi.cc``) is compiled at run time with g++ against the XLA FFI headers that ship with
jaxlib (``jax.ffi.include_dir()``), loaded with ``ctypes`` and registered with ``jax.ffi.register_ffi_target``;
its gradient is a ``jax.custom_vjp`` rule, since JAX cannot differentiate a foreign function. Pallas kernels
compile for GPUs and TPUs; on a CPU they run only in interpret mode (``interpret=True``), which checks that a
kernel is right but says nothing of its speed.

    KERAS_BACKEND=jax python evidence/programs/extensions_jax.py custom_gradient
    KERAS_BACKEND=jax python evidence/programs/extensions_jax.py compiled_op /tmp/run/libswish_ffi.so
"""

import ctypes
import sys

import jax
import jax.numpy as jnp
import keras
from extensions_check import softplus, swish
from extensions_keras import (
    LEARNING_RATE,
    Regressor,
    attempt_dense_layer,
    attempt_function,
    attempt_step_model,
    attempt_training_loop,
)
from jax.experimental import pallas as pl


class JnpDense(keras.layers.Layer):
    """A dense layer calling ``jax.numpy`` directly."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, x):
        return jnp.matmul(x, self.w.value) + self.b.value


class JaxStepModel(Regressor):
    """A custom ``train_step`` for the JAX backend (Keras guide: stateless, ``jax.value_and_grad``)."""

    def loss_and_updates(self, trainable_variables, non_trainable_variables, x, y):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=True)
        return keras.ops.mean(keras.ops.square(y_pred - y)), non_trainable_variables

    def train_step(self, state, data):
        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y = data
        grad_fn = jax.value_and_grad(self.loss_and_updates, has_aux=True)
        (loss, non_trainable_variables), grads = grad_fn(trainable_variables, non_trainable_variables, x, y)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        metrics_variables = self.loss_tracker.stateless_update_state(metrics_variables, loss)
        logs = {"loss": self.loss_tracker.stateless_result(metrics_variables)}
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables)


def jax_loop(model, x, y, steps):
    """A hand-written training loop around a Keras model, JAX style: a jitted pure step over the model's state."""
    optimizer = keras.optimizers.SGD(LEARNING_RATE)
    optimizer.build(model.trainable_variables)

    def compute_loss(trainable, non_trainable, x, y):
        y_pred, non_trainable = model.stateless_call(trainable, non_trainable, x, training=True)
        return keras.ops.mean(keras.ops.square(y_pred - y)), non_trainable

    grad_fn = jax.value_and_grad(compute_loss, has_aux=True)

    @jax.jit
    def train_step(state, x, y):
        trainable, non_trainable, optimizer_state = state
        (loss, non_trainable), grads = grad_fn(trainable, non_trainable, x, y)
        trainable, optimizer_state = optimizer.stateless_apply(optimizer_state, grads, trainable)
        return loss, (trainable, non_trainable, optimizer_state)

    state = ([v.value for v in model.trainable_variables], [v.value for v in model.non_trainable_variables],
             [v.value for v in optimizer.variables])
    losses = []
    for _ in range(steps):
        loss, state = train_step(state, x, y)
        losses.append(float(loss))
    for variable, value in zip(model.trainable_variables, state[0], strict=True):
        variable.assign(value)
    return losses


@jax.custom_vjp
def jax_log1pexp(x):
    """log(1 + e^x) whose gradient stays finite for large x (JAX's ``custom_vjp`` example)."""
    return jnp.log1p(jnp.exp(x))


def jax_log1pexp_fwd(x):
    return jax_log1pexp(x), jnp.exp(x)


def jax_log1pexp_bwd(e, upstream):
    return (upstream * (1 - 1 / (1 + e)),)


jax_log1pexp.defvjp(jax_log1pexp_fwd, jax_log1pexp_bwd)


def load_ffi_swish(library_path):
    """Register the compiled ``KvtSwish`` kernel with XLA and return swish with its gradient rule."""
    library = ctypes.cdll.LoadLibrary(library_path)
    jax.ffi.register_ffi_target("kvt_swish", jax.ffi.pycapsule(library.KvtSwish), platform="cpu")

    def forward(x):
        out = jax.ShapeDtypeStruct(x.shape, x.dtype)
        return jax.ffi.ffi_call("kvt_swish", out, vmap_method="broadcast_all")(x)

    @jax.custom_vjp
    def ffi_swish(x):
        return forward(x)

    def ffi_swish_fwd(x):
        return forward(x), x

    def ffi_swish_bwd(x, upstream):
        s = jax.nn.sigmoid(x)
        return (upstream * (s + x * s * (1 - s)),)

    ffi_swish.defvjp(ffi_swish_fwd, ffi_swish_bwd)
    return ffi_swish


class FfiSwish(keras.layers.Layer):
    """A Keras layer that runs the compiled kernel through ``jax.ffi``."""

    def __init__(self, library_path, **kwargs):
        super().__init__(**kwargs)
        self.swish = load_ffi_swish(library_path)

    def call(self, x):
        return self.swish(x)


def swish_kernel(x_ref, o_ref):
    """The Pallas kernel: read the block, write ``x * sigmoid(x)``."""
    x = x_ref[...]
    o_ref[...] = x * jax.nn.sigmoid(x)


@jax.custom_vjp
def pallas_swish(x):
    """Swish as a Pallas kernel (interpret mode: this machine has no GPU or TPU to compile it for)."""
    return pl.pallas_call(swish_kernel, out_shape=jax.ShapeDtypeStruct(x.shape, x.dtype), interpret=True)(x)


def pallas_swish_fwd(x):
    return pallas_swish(x), x


def pallas_swish_bwd(x, upstream):
    s = jax.nn.sigmoid(x)
    return (upstream * (s + x * s * (1 - s)),)


pallas_swish.defvjp(pallas_swish_fwd, pallas_swish_bwd)


ATTEMPTS = {
    "layer": lambda: attempt_dense_layer(JnpDense(8, name="jnp_dense")),
    "train_step": lambda: attempt_step_model(JaxStepModel),
    "training_loop": lambda: attempt_training_loop(jax_loop),
    "custom_gradient": lambda: attempt_function(jax_log1pexp, softplus, stable_at=100.0),
    "compiled_op": lambda library: attempt_function(FfiSwish(library, name="ffi_swish"), swish),
    "custom_kernel": lambda: attempt_function(pallas_swish, swish),
}


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "layer"
    result = ATTEMPTS[name](*sys.argv[2:3])
    print(f"backend={keras.backend.backend()} {name}: {result}")
