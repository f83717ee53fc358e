"""Extending Keras 3 with its own API: a custom layer, loss, metric and gradient that run on every backend.

Each extension is one class or function below, written with ``keras.ops`` only; the ``extensibility``
experiment runs every attempt unchanged under the tensorflow, jax and torch backends. The same file holds the
harness that every Keras-side attempt shares (``extensions_tensorflow.py``, ``extensions_jax.py`` and
``extensions_torch.py`` import it): train a small model through the extension for a few steps, compare its
values with NumPy, and check its gradient, taken with the running backend's own autodiff, against finite
differences (``extensions_check.py``).

Each ``attempt_*`` returns what it measured: ``checks`` (pass/fail facts: the weights before the extension
moved, the loss stayed finite, ...), ``errors`` (measured differences from NumPy, which the claim compares with
its declared tolerances) and ``gradient_check``. Run one attempt standalone:

    KERAS_BACKEND=jax python evidence/programs/extensions_keras.py layer
"""

import sys

import keras
import numpy as np
from extensions_check import BATCH_SIZE, FEATURES, data, gradient_check, probe_points, softplus

STEPS_EPOCHS = 3  # epochs of every training attempt: 12 optimizer steps of 16 samples
LEARNING_RATE = 0.05


# -- the extensions ------------------------------------------------------------------------------------------------
class OpsDense(keras.layers.Layer):
    """A dense layer written with ``keras.ops``: meant to run on every backend."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, x):
        return keras.ops.matmul(x, self.w) + self.b


def log_cosh(y_true, y_pred):
    """Log-cosh regression loss, written with ``keras.ops`` (log(cosh(d)) = d + softplus(-2d) - log 2)."""
    d = y_pred - y_true
    return keras.ops.mean(d + keras.ops.softplus(-2.0 * d) - np.log(2.0), axis=-1)


class WithinTolerance(keras.metrics.Metric):
    """Fraction of predictions within ``tolerance`` of the target, accumulated over batches."""

    def __init__(self, tolerance=0.5, name="within_tolerance", **kwargs):
        super().__init__(name=name, **kwargs)
        self.tolerance = tolerance
        self.hits = self.add_variable(shape=(), initializer="zeros", name="hits")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def update_state(self, y_true, y_pred, sample_weight=None):
        close = keras.ops.cast(keras.ops.abs(y_pred - y_true) <= self.tolerance, "float32")
        self.hits.assign_add(keras.ops.sum(close))
        self.count.assign_add(keras.ops.cast(keras.ops.size(close), "float32"))

    def result(self):
        return self.hits / keras.ops.maximum(self.count, 1.0)

    def reset_state(self):
        self.hits.assign(0.0)
        self.count.assign(0.0)


@keras.ops.custom_gradient
def log1pexp(x):
    """log(1 + e^x) with a gradient that stays finite for large x (Keras's backend-agnostic example)."""
    e = keras.ops.exp(x)

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return keras.ops.multiply(upstream, 1.0 - 1.0 / keras.ops.add(1, e))

    return keras.ops.log(1 + e), grad


class Regressor(keras.Model):
    """Harness for the custom training steps of the backend files: two dense layers and a loss tracker."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)
        self.loss_tracker = keras.metrics.Mean(name="loss")

    def call(self, x, training=False):
        return self.out(self.hidden(x))

    @property
    def metrics(self):
        return [self.loss_tracker]


# -- the harness ---------------------------------------------------------------------------------------------------
def to_numpy(x):
    """A backend tensor as a NumPy array."""
    return np.asarray(keras.ops.convert_to_numpy(x))


def snapshot(variables):
    """Copies of the variables' values, as NumPy arrays."""
    return [to_numpy(v).copy() for v in variables]


def moved(variables, before):
    """Whether training changed any of ``variables`` from their ``before`` snapshot. Run on the weights that sit
    before an extension, it tells that gradients flowed through the extension."""
    return any(not np.allclose(to_numpy(v), b) for v, b in zip(variables, before, strict=True))


def backend_gradient(fn, x, weights):
    """d sum(weights * fn(x)) / dx with the running backend's own autodiff (through any custom backward)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            total = tf.reduce_sum(tf.constant(weights) * fn(xt))
        return tape.gradient(total, xt).numpy()
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        return np.asarray(jax.grad(lambda v: jnp.sum(jnp.asarray(weights) * fn(v)))(jnp.asarray(x)))
    if backend == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        (torch.tensor(weights) * fn(xt)).sum().backward()
        return xt.grad.numpy()
    raise NotImplementedError(f"no autodiff harness for backend {backend!r}")


def check_function(fn, reference, x=None):
    """The values of ``fn`` against NumPy's ``reference``, and its gradient against finite differences."""
    x = probe_points() if x is None else x

    def forward(v):
        return to_numpy(fn(keras.ops.convert_to_tensor(v)))

    value_error = float(np.max(np.abs(forward(x) - reference(x))))
    check = gradient_check(forward, lambda v, w: backend_gradient(fn, v, w), x)
    return {"errors": {"value": value_error, "gradient": check["max_error"]}, "gradient_check": check}


def fit(model, watched, loss="mse", metrics=None):
    """Compile and fit ``model``; report its losses and whether the ``watched`` variables trained."""
    x, y = data()
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE), loss=loss, metrics=metrics)
    before = snapshot(watched)
    history = model.fit(x, y, epochs=STEPS_EPOCHS, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    losses = [float(v) for v in history.history["loss"]]
    return {"losses": losses, "trained": moved(watched, before), "finite": bool(np.all(np.isfinite(losses)))}


def attempt_function(fn, reference, *, stable_at=None):
    """Put an element-wise extension (a custom gradient, a compiled op, a kernel) to work.

    Checks its values and its gradient at :func:`probe_points`, then trains Dense(8) -> ``fn`` -> Dense(1) with
    ``fit``: the first layer trains only through ``fn``'s gradient. With ``stable_at``, the gradient must also be
    finite there and equal to the reference's slope 1 (log1pexp's reason to exist: the naive gradient overflows).
    """
    out = check_function(fn, reference)
    layer = fn if isinstance(fn, keras.layers.Layer) else keras.layers.Lambda(fn)
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8), layer, keras.layers.Dense(1)])
    out.update(fit(model, model.layers[0].weights))
    out["checks"] = {"trained": out.pop("trained"), "finite": out.pop("finite")}
    if stable_at is not None:
        far = backend_gradient(fn, np.array([stable_at], dtype="float32"), np.ones(1, dtype="float32"))
        out["gradient_far"] = float(far[0])
        out["checks"]["stable"] = bool(np.isfinite(far[0]) and abs(far[0] - 1.0) < 1e-3)
    return out


def attempt_dense_layer(layer):
    """Train a model with the custom dense ``layer``; check its output against NumPy and its input gradient."""
    model = keras.Sequential([keras.Input((FEATURES,)), layer, keras.layers.Dense(1)])
    out = fit(model, layer.weights)
    x = data()[0][:2]
    w, b = (to_numpy(v) for v in layer.weights)
    check = check_function(layer, lambda v: v @ w + b, x)
    out.update(check)
    out["checks"] = {"trained": out.pop("trained"), "finite": out.pop("finite")}
    return out


def attempt_step_model(model_class):
    """Train with a custom ``train_step`` (a ``Regressor`` subclass); the loss must go down and weights move."""
    model = model_class()
    x, y = data()
    model(x[:1])  # creates the weights, so that they can be compared after training
    model.compile(optimizer=keras.optimizers.SGD(LEARNING_RATE))
    before = snapshot(model.trainable_weights)
    history = model.fit(x, y, epochs=STEPS_EPOCHS, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    losses = [float(v) for v in history.history["loss"]]
    return {"losses": losses, "checks": {"trained": moved(model.trainable_weights, before),
                                         "loss_decreased": losses[-1] < losses[0]}}


def attempt_training_loop(loop):
    """Train a Keras model with a hand-written ``loop(model, x, y, steps) -> losses``; the loss must go down."""
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    x, y = data()
    before = snapshot(model.trainable_weights)
    losses = [float(v) for v in loop(model, x, y, STEPS_EPOCHS * 4)]
    return {"losses": losses, "checks": {"trained": moved(model.trainable_weights, before),
                                         "loss_decreased": losses[-1] < losses[0],
                                         "finite": bool(np.all(np.isfinite(losses)))}}


# -- the attempts of this file ---------------------------------------------------------------------------------
def attempt_layer():
    """The ``keras.ops`` dense layer."""
    return attempt_dense_layer(OpsDense(8, name="ops_dense"))


def attempt_loss():
    """Train with the custom loss; check its value against NumPy and its gradient in the prediction."""
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    out = fit(model, model.weights, loss=log_cosh)
    x, y = data()
    y_true = keras.ops.convert_to_tensor(y[:8])
    out.update(check_function(lambda p: log_cosh(y_true, p),
                              lambda p: np.log(np.cosh(p.astype("float64") - y[:8])).mean(axis=-1),
                              to_numpy(model.predict(x[:8], verbose=0))))
    out["checks"] = {"trained": out.pop("trained"), "finite": out.pop("finite")}
    return out


def attempt_metric():
    """Evaluate with the custom metric (batch by batch) and check it against NumPy on the same predictions."""
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    out = fit(model, model.weights, metrics=[WithinTolerance(0.5)])
    x, y = data()
    value = float(model.evaluate(x, y, batch_size=BATCH_SIZE, verbose=0, return_dict=True)["within_tolerance"])
    pred = to_numpy(model.predict(x, verbose=0))
    out.update(value=value, errors={"value": abs(value - float(np.mean(np.abs(pred - y) <= 0.5)))})
    out["checks"] = {"trained": out.pop("trained"), "finite": out.pop("finite")}
    return out


def attempt_custom_gradient():
    """``keras.ops.custom_gradient``: values, gradient, stability at x = 100, and training through it."""
    return attempt_function(log1pexp, softplus, stable_at=100.0)


ATTEMPTS = {
    "layer": attempt_layer,
    "loss": attempt_loss,
    "metric": attempt_metric,
    "custom_gradient": attempt_custom_gradient,
}


if __name__ == "__main__":
    name = sys.argv[1] if len(sys.argv) > 1 else "layer"
    print(f"backend={keras.backend.backend()} {name}: {ATTEMPTS[name]()}")
