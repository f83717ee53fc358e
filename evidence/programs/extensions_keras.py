"""Extending Keras 3: a custom layer, loss, metric, training step and gradient, and a compiled C++ op.

Each extension is one class or function below; each ``attempt_*`` function puts it to work on a few random
samples (train for a few steps, then compare its numbers with a NumPy reference) and returns what it
measured, with a ``checks`` dict of pass/fail. The ``extensibility`` experiment runs every attempt under the
tensorflow, jax and torch backends and records which work; ``extensions_tfcore.py`` is the same list written
with TensorFlow core. Which extensions are meant to port:

* ``OpsDense``, ``log_cosh``, ``WithinTolerance`` and ``log1pexp`` use ``keras.ops`` only;
* ``TfDense``, ``tape_loop`` and ``tf_log1pexp`` call TensorFlow directly, as TensorFlow-era code does;
* a custom ``train_step`` is written once per backend (Keras's guides give one for each): ``TfStepModel``,
  ``JaxStepModel`` and ``TorchStepModel``;
* ``CppSwish`` runs a C++ kernel (``swish_op.cc``) compiled against the installed TensorFlow.

TensorFlow (and JAX, torch) are imported inside the functions that need them, so that a missing framework
fails that extension only. Run one attempt standalone:

    KERAS_BACKEND=jax python evidence/programs/extensions_keras.py layer_ops
"""

import sys

import keras
import numpy as np

SEED = 7
SAMPLES = 64
FEATURES = 4
BATCH_SIZE = 16
STEPS_EPOCHS = 3  # epochs of every training attempt: 12 optimizer steps


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


class TfDense(keras.layers.Layer):
    """The same dense layer calling TensorFlow ops directly."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units

    def build(self, input_shape):
        self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")
        self.b = self.add_weight(shape=(self.units,), initializer="zeros")

    def call(self, x):
        import tensorflow as tf

        return tf.matmul(x, self.w) + self.b


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


class Regressor(keras.Model):
    """Harness for the training steps below: two dense layers and a loss tracker."""

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


class TfStepModel(Regressor):
    """A custom ``train_step`` for the TensorFlow backend (Keras guide: GradientTape)."""

    def train_step(self, data):
        import tensorflow as tf

        x, y = data
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(self(x, training=True) - y))
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(gradients, self.trainable_variables)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


class JaxStepModel(Regressor):
    """A custom ``train_step`` for the JAX backend (Keras guide: stateless, ``jax.value_and_grad``)."""

    def loss_and_updates(self, trainable_variables, non_trainable_variables, x, y):
        y_pred, non_trainable_variables = self.stateless_call(
            trainable_variables, non_trainable_variables, x, training=True)
        return keras.ops.mean(keras.ops.square(y_pred - y)), non_trainable_variables

    def train_step(self, state, data):
        import jax

        trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables = state
        x, y = data
        grad_fn = jax.value_and_grad(self.loss_and_updates, has_aux=True)
        (loss, non_trainable_variables), grads = grad_fn(trainable_variables, non_trainable_variables, x, y)
        trainable_variables, optimizer_variables = self.optimizer.stateless_apply(
            optimizer_variables, grads, trainable_variables)
        metrics_variables = self.loss_tracker.stateless_update_state(metrics_variables, loss)
        logs = {"loss": self.loss_tracker.stateless_result(metrics_variables)}
        return logs, (trainable_variables, non_trainable_variables, optimizer_variables, metrics_variables)


class TorchStepModel(Regressor):
    """A custom ``train_step`` for the PyTorch backend (Keras guide: ``loss.backward()``)."""

    def train_step(self, data):
        import torch

        x, y = data
        self.zero_grad()
        loss = keras.ops.mean(keras.ops.square(self(x, training=True) - y))
        loss.backward()
        gradients = [v.value.grad for v in self.trainable_weights]
        with torch.no_grad():
            self.optimizer.apply(gradients, self.trainable_weights)
        self.loss_tracker.update_state(loss)
        return {"loss": self.loss_tracker.result()}


STEP_MODELS = {"tensorflow": TfStepModel, "jax": JaxStepModel, "torch": TorchStepModel}


def tape_loop(model, x, y, epochs, learning_rate=0.05):
    """A hand-written training loop around a Keras model, TensorFlow style: ``tf.GradientTape``."""
    import tensorflow as tf

    optimizer = keras.optimizers.SGD(learning_rate)
    losses = []
    for _ in range(epochs):
        with tf.GradientTape() as tape:
            loss = keras.ops.mean(keras.ops.square(model(x, training=True) - y))
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply(gradients, model.trainable_variables)
        losses.append(float(loss))
    return losses


@keras.ops.custom_gradient
def log1pexp(x):
    """log(1 + e^x) with a gradient that stays finite for large x (Keras's backend-agnostic example)."""
    e = keras.ops.exp(x)

    def grad(*args, upstream=None):
        if upstream is None:
            (upstream,) = args
        return keras.ops.multiply(upstream, 1.0 - 1.0 / keras.ops.add(1, e))

    return keras.ops.log(1 + e), grad


def tf_log1pexp(x):
    """The same function with ``tf.custom_gradient``, as a TensorFlow user writes it."""
    import tensorflow as tf

    @tf.custom_gradient
    def f(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad

    return f(x)


def load_swish_op(library_path):
    """Load the compiled ``KvtSwish`` op and register its gradient with TensorFlow (once per process)."""
    import tensorflow as tf

    library = tf.load_op_library(library_path)
    try:
        @tf.RegisterGradient("KvtSwish")
        def _swish_grad(op, upstream):
            s = tf.sigmoid(op.inputs[0])
            return upstream * (s + op.inputs[0] * s * (1 - s))
    except KeyError:  # already registered by an earlier call in this process
        pass
    return library.kvt_swish


class CppSwish(keras.layers.Layer):
    """A Keras layer that runs the compiled C++ op."""

    def __init__(self, library_path, **kwargs):
        super().__init__(**kwargs)
        self.swish = load_swish_op(library_path)

    def call(self, x):
        return self.swish(x)


# -- the harness: put each extension to work and check it against NumPy ------------------------------------------
def data(samples=SAMPLES, features=FEATURES, seed=SEED):
    """Random inputs and a smooth target: ``y = sum(sin(x))``."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(samples, features)).astype("float32")
    return x, np.sin(x).sum(axis=1, keepdims=True).astype("float32")


def snapshot(variables):
    """Copies of the variables' values, as NumPy arrays."""
    return [keras.ops.convert_to_numpy(v).copy() for v in variables]


def moved(variables, before):
    """Whether training changed any of ``variables`` from their ``before`` snapshot. Run on the weights that sit
    before or inside an extension, it tells that gradients flowed through the extension."""
    return any(not np.allclose(keras.ops.convert_to_numpy(v), b) for v, b in zip(variables, before, strict=True))


def gradient_of(fn, x):
    """d sum(fn(x)) / dx with the running backend's own autodiff (harness: checks a custom gradient)."""
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        xt = tf.constant(x)
        with tf.GradientTape() as tape:
            tape.watch(xt)
            total = tf.reduce_sum(fn(xt))
        return tape.gradient(total, xt).numpy()
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        return np.asarray(jax.grad(lambda v: jnp.sum(fn(v)))(jnp.asarray(x)))
    if backend == "torch":
        import torch

        xt = torch.tensor(x, requires_grad=True)
        fn(xt).sum().backward()
        return xt.grad.numpy()
    raise NotImplementedError(f"no autodiff harness for backend {backend!r}")


def _fit(model, watched, loss="mse", metrics=None):
    """Compile and fit ``model``; report its losses and whether the ``watched`` variables trained."""
    x, y = data()
    model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss, metrics=metrics)
    before = snapshot(watched)
    history = model.fit(x, y, epochs=STEPS_EPOCHS, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    losses = [float(v) for v in history.history["loss"]]
    return {"losses": losses, "trained": moved(watched, before), "finite": bool(np.all(np.isfinite(losses)))}


def attempt_layer(kind):
    """Train a model with the custom dense layer of ``kind`` (``"ops"`` or ``"tf"``) and check its output."""
    layer = {"ops": OpsDense, "tf": TfDense}[kind](8, name=f"{kind}_dense")
    model = keras.Sequential([keras.Input((FEATURES,)), layer, keras.layers.Dense(1)])
    out = _fit(model, layer.weights)
    x, _ = data()
    w, b = (keras.ops.convert_to_numpy(v) for v in layer.weights)
    got = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x)))
    out["max_abs_diff"] = float(np.max(np.abs(got - (x @ w + b))))
    out["checks"] = {"trained": out["trained"], "finite": out["finite"], "output": out["max_abs_diff"] < 1e-4}
    return out


def attempt_loss():
    """Train with the custom loss and check its value against NumPy."""
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    out = _fit(model, model.weights, loss=log_cosh)
    x, y = data()
    pred = keras.ops.convert_to_numpy(model.predict(x, verbose=0))
    got = keras.ops.convert_to_numpy(log_cosh(keras.ops.convert_to_tensor(y), keras.ops.convert_to_tensor(pred)))
    out["max_abs_diff"] = float(np.max(np.abs(got - np.log(np.cosh(pred - y)).mean(axis=-1))))
    out["checks"] = {"trained": out["trained"], "finite": out["finite"], "value": out["max_abs_diff"] < 1e-5}
    return out


def attempt_metric():
    """Evaluate with the custom metric (batch by batch) and check it against NumPy on the same predictions."""
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    out = _fit(model, model.weights, metrics=[WithinTolerance(0.5)])
    x, y = data()
    value = float(model.evaluate(x, y, batch_size=BATCH_SIZE, verbose=0, return_dict=True)["within_tolerance"])
    pred = keras.ops.convert_to_numpy(model.predict(x, verbose=0))
    out.update(value=value, reference=float(np.mean(np.abs(pred - y) <= 0.5)))
    out["checks"] = {"trained": out["trained"], "value": abs(value - out["reference"]) < 1e-6}
    return out


def attempt_train_step(version):
    """Train with the custom ``train_step`` written for backend ``version``; the loss must go down."""
    model = STEP_MODELS[version]()
    x, y = data()
    model(x[:1])  # creates the weights, so that they can be compared after training
    model.compile(optimizer=keras.optimizers.SGD(0.05))
    before = snapshot(model.trainable_weights)
    history = model.fit(x, y, epochs=STEPS_EPOCHS, batch_size=BATCH_SIZE, shuffle=False, verbose=0)
    losses = [float(v) for v in history.history["loss"]]
    out = {"losses": losses, "trained": moved(model.trainable_weights, before)}
    out["checks"] = {"trained": out["trained"], "loss_decreased": losses[-1] < losses[0]}
    return out


def attempt_tape_loop():
    """Train a Keras model with the GradientTape loop; the loss must go down and the weights move."""
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(1)])
    x, y = data()
    before = snapshot(model.weights)
    losses = tape_loop(model, keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(y), STEPS_EPOCHS * 4)
    out = {"losses": losses, "trained": moved(model.weights, before)}
    out["checks"] = {"trained": out["trained"], "loss_decreased": losses[-1] < losses[0]}
    return out


def attempt_custom_gradient(kind):
    """Check the custom-gradient function of ``kind`` (``"keras"`` or ``"tf"``): its values, and its gradient,
    which must equal sigmoid(x) and stay finite at x = 100 (where the default gradient is NaN), then train
    through it inside a layer."""
    fn = {"keras": log1pexp, "tf": tf_log1pexp}[kind]
    x = np.array([-5.0, 0.0, 5.0, 100.0], dtype="float32")
    values = keras.ops.convert_to_numpy(fn(keras.ops.convert_to_tensor(x[:3])))
    grads = gradient_of(fn, x)
    reference = 1.0 / (1.0 + np.exp(-x.astype("float64")))
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8), keras.layers.Lambda(fn),
                              keras.layers.Dense(1)])
    out = _fit(model, model.layers[0].weights)  # the layer before the function trains only through its gradient
    out.update(gradient=[float(g) for g in grads],
               value_diff=float(np.max(np.abs(values - np.log1p(np.exp(x[:3].astype("float64")))))),
               gradient_diff=float(np.max(np.abs(grads - reference))))
    out["checks"] = {"values": out["value_diff"] < 1e-5, "gradient": out["gradient_diff"] < 1e-5,
                     "trained": out["trained"], "finite": out["finite"]}
    return out


def attempt_cpp_op(library_path):
    """Train a model with the compiled op inside a Keras layer; check its values and gradient against NumPy."""
    layer = CppSwish(library_path, name="cpp_swish")
    model = keras.Sequential([keras.Input((FEATURES,)), keras.layers.Dense(8), layer, keras.layers.Dense(1)])
    out = _fit(model, model.layers[0].weights)  # the layer before the op trains only through the op's gradient
    x = np.linspace(-4, 4, 9, dtype="float32")
    s = 1.0 / (1.0 + np.exp(-x.astype("float64")))
    values = keras.ops.convert_to_numpy(layer(keras.ops.convert_to_tensor(x)))
    grads = gradient_of(layer, x)
    out.update(value_diff=float(np.max(np.abs(values - x * s))),
               gradient_diff=float(np.max(np.abs(grads - (s + x * s * (1 - s))))))
    out["checks"] = {"values": out["value_diff"] < 1e-5, "gradient": out["gradient_diff"] < 1e-5,
                     "trained": out["trained"], "finite": out["finite"]}
    return out


ATTEMPTS = {
    "layer_ops": lambda: attempt_layer("ops"),
    "layer_tf": lambda: attempt_layer("tf"),
    "loss": attempt_loss,
    "metric": attempt_metric,
    **{f"train_step_{b}": (lambda b=b: attempt_train_step(b)) for b in STEP_MODELS},
    "tape_loop": attempt_tape_loop,
    "custom_gradient_keras": lambda: attempt_custom_gradient("keras"),
    "custom_gradient_tf": lambda: attempt_custom_gradient("tf"),
}


if __name__ == "__main__":
    # ``cpp_op`` needs the compiled library: ``python extensions_keras.py cpp_op /path/to/swish_op.so``
    name = sys.argv[1] if len(sys.argv) > 1 else "layer_ops"
    result = attempt_cpp_op(sys.argv[2]) if name == "cpp_op" else ATTEMPTS[name]()
    print(f"backend={keras.backend.backend()} {name}: {result}")
