"""Extending a Keras model with PyTorch's own tools: torch ops, a ``loss.backward()`` train_step and training loop,
``torch.autograd.Function``, ``torch.library.custom_op``, and a C++ op built with ``torch.utils.cpp_extension``.

These are the routes PyTorch's and Keras's guides give ("Extending PyTorch", "Custom C++ and CUDA Operators",
"Python Custom Operators", Keras's "Customizing what happens in fit() with PyTorch" and "Writing a training loop
from scratch in PyTorch"), used inside a Keras model on the torch backend. The ``extensibility`` experiment runs
them there as keras-torch's own routes, and under tensorflow and jax as a measure of portability.

The C++ op (``swish_torch.cc``) registers ``kvt::swish`` with ``TORCH_LIBRARY``; it is compiled at run time with
``torch.utils.cpp_extension.load`` (g++ through ninja) into the run's temporary folder, loaded with
``torch.ops.load_library``, and given its gradient with ``torch.library.register_autograd``. The Python custom op
wraps NumPy code (which PyTorch cannot trace) as an operator PyTorch knows, with its own gradient.

    KERAS_BACKEND=torch python evidence/programs/extensions_torch.py custom_gradient
    KERAS_BACKEND=torch python evidence/programs/extensions_torch.py compiled_op /tmp/run/kvt_swish_torch.so
"""

import sys

import keras
import numpy as np
import torch
from extensions_check import softplus, swish
from extensions_keras import (
    LEARNING_RATE,
    Regressor,
    attempt_dense_layer,
    attempt_function,
    attempt_step_model,
    attempt_training_loop,
)


class TorchDense(keras.layers.Layer):
    """A dense layer calling torch ops directly."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, x):
        return torch.matmul(x, self.w.value) + self.b.value


class TorchStepModel(Regressor):
    """A custom ``train_step`` for the PyTorch backend (Keras guide: ``loss.backward()``)."""

    def train_step(self, data):
        x, y = data
        self.zero_grad()
        loss = keras.ops.mean(keras.ops.square(self(x, training=True) - y))
        loss.backward()
        gradients = [v.value.grad for v in self.trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, self.trainable_weights)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


def torch_loop(model, x, y, steps):
    """A hand-written training loop around a Keras model, PyTorch style: a torch optimizer on its parameters."""
    optimizer = torch.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    x, y = torch.as_tensor(x), torch.as_tensor(y)
    losses = []
    for _ in range(steps):
        loss = torch.nn.functional.mse_loss(model(x, training=True), y)
        model.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(loss.item())
    return losses


class Log1pExp(torch.autograd.Function):
    """log(1 + e^x) whose gradient stays finite for large x."""

    @staticmethod
    def forward(ctx, x):
        e = torch.exp(x)
        ctx.save_for_backward(e)
        return torch.log1p(e)

    @staticmethod
    def backward(ctx, upstream):
        (e,) = ctx.saved_tensors
        return upstream * (1 - 1 / (1 + e))


def torch_log1pexp(x):
    """Apply the ``autograd.Function``."""
    return Log1pExp.apply(x)


@torch.library.custom_op("kvt_py::numpy_swish", mutates_args=())
def numpy_swish(x: torch.Tensor) -> torch.Tensor:
    """Swish computed by NumPy, made an operator PyTorch knows (and can put in a ``torch.compile`` graph)."""
    return torch.from_numpy(swish(x.numpy(force=True)).astype(np.float32))


@numpy_swish.register_fake
def numpy_swish_fake(x):
    return torch.empty_like(x)


def numpy_swish_setup(ctx, inputs, output):
    ctx.save_for_backward(inputs[0])


def numpy_swish_backward(ctx, upstream):
    (x,) = ctx.saved_tensors
    s = torch.sigmoid(x)
    return upstream * (s + x * s * (1 - s))


numpy_swish.register_autograd(numpy_swish_backward, setup_context=numpy_swish_setup)


def load_torch_swish(library_path):
    """Load the compiled ``kvt::swish`` op and register its gradient with PyTorch (once per process)."""
    torch.ops.load_library(library_path)

    def setup(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    def backward(ctx, upstream):
        (x,) = ctx.saved_tensors
        s = torch.sigmoid(x)
        return upstream * (s + x * s * (1 - s))

    torch.library.register_autograd("kvt::swish", backward, setup_context=setup)
    return torch.ops.kvt.swish


class CppTorchSwish(keras.layers.Layer):
    """A Keras layer that runs the compiled torch op."""

    def __init__(self, library_path, **kwargs):
        super().__init__(**kwargs)
        self.swish = load_torch_swish(library_path)

    def call(self, x):
        return self.swish(x)


ATTEMPTS = {
    "layer": lambda: attempt_dense_layer(TorchDense(8, name="torch_dense")),
    "train_step": lambda: attempt_step_model(TorchStepModel),
    "training_loop": lambda: attempt_training_loop(torch_loop),
    "custom_gradient": lambda: attempt_function(torch_log1pexp, softplus, stable_at=100.0),
    "custom_op": lambda: attempt_function(numpy_swish, swish),
    "compiled_op": lambda library: attempt_function(CppTorchSwish(library, name="cpp_torch_swish"), swish),
}


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "layer"
    result = ATTEMPTS[name](*sys.argv[2:3])
    print(f"backend={keras.backend.backend()} {name}: {result}")
