"""The digits classifier of ``digits_mlp.py`` written with TensorFlow's own low-level API: no Keras anywhere.

A ``tf.Module`` holds the weights in ``tf.Variable`` objects; a ``tf.GradientTape`` loop trains it with Adam written
out by hand (``tf.keras.optimizers`` is Keras 3 in current TensorFlow, so it is not "TensorFlow core"). The
forward pass is a ``tf.function`` with a fixed input signature: that signature is what ``tf.saved_model.save``,
tf2onnx, the LiteRT converter and OpenVINO read to export the model, so a TensorFlow-core model must declare it
before it can be deployed (a Keras model carries it in its ``Input``).

The ``deployment`` experiment trains this model for its ``tensorflow-core`` option and exports it with the
``export_tf_core`` function of each ``deploy_*.py`` program. Run it standalone:

    python evidence/programs/digits_mlp_tf_core.py --epochs 20 --save /tmp/digits_tf_core
"""

from __future__ import annotations

import argparse

import numpy as np
import tensorflow as tf

SEED = 1337
NUM_FEATURES = 64  # 8x8 pixels
NUM_CLASSES = 10


def load_data(seed: int = SEED, test_fraction: float = 0.2) -> dict[str, np.ndarray]:
    """The same stratified split of scikit-learn's digits as ``digits_mlp.load_data`` (same seed, same rows)."""
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    x = (digits.data / 16.0).astype("float32")
    y = digits.target.astype("int32")
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y
    )
    return {"x_train": x_train, "y_train": y_train, "x_test": x_test, "y_test": y_test}


class DigitsMLP(tf.Module):
    """One ReLU hidden layer, then a softmax over the ten digits, as in ``digits_mlp.build_model``."""

    def __init__(self, hidden: int = 64, seed: int = SEED):
        super().__init__(name="digits_mlp_tf_core")
        # Glorot-uniform by hand with a seeded NumPy generator: tf.keras.initializers would be Keras.
        rng = np.random.default_rng(seed)

        def glorot(fan_in: int, fan_out: int) -> np.ndarray:
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype("float32")

        self.w1 = tf.Variable(glorot(NUM_FEATURES, hidden), name="hidden_kernel")
        self.b1 = tf.Variable(tf.zeros([hidden]), name="hidden_bias")
        self.w2 = tf.Variable(glorot(hidden, NUM_CLASSES), name="digits_kernel")
        self.b2 = tf.Variable(tf.zeros([NUM_CLASSES]), name="digits_bias")

    @tf.function(input_signature=[tf.TensorSpec([None, NUM_FEATURES], tf.float32, name="x")])
    def __call__(self, x):
        """Class probabilities for a batch of flattened 8x8 images."""
        return tf.nn.softmax(self.logits(x))

    def logits(self, x):
        """The pre-softmax scores, which the loss uses for numerical stability."""
        hidden = tf.nn.relu(tf.matmul(x, self.w1) + self.b1)
        return tf.matmul(hidden, self.w2) + self.b2


class Adam(tf.Module):
    """Adam (Kingma and Ba, 2015) over a list of variables, with the defaults Keras's Adam uses."""

    def __init__(self, variables, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        super().__init__()
        self.targets, self.lr, self.b1, self.b2, self.eps = variables, learning_rate, beta_1, beta_2, epsilon
        self.m = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.v = [tf.Variable(tf.zeros_like(v)) for v in variables]
        self.t = tf.Variable(0.0)

    def apply(self, grads):
        """One update of every variable from its gradient."""
        self.t.assign_add(1.0)
        lr = self.lr * tf.sqrt(1.0 - self.b2 ** self.t) / (1.0 - self.b1 ** self.t)
        for var, grad, m, v in zip(self.targets, grads, self.m, self.v, strict=True):
            m.assign(self.b1 * m + (1.0 - self.b1) * grad)
            v.assign(self.b2 * v + (1.0 - self.b2) * tf.square(grad))
            var.assign_sub(lr * m / (tf.sqrt(v) + self.eps))


def train(module: DigitsMLP, data: dict[str, np.ndarray], epochs: int, batch_size: int = 32,
          seed: int = SEED) -> dict:
    """Mini-batch training with a ``tf.GradientTape`` step compiled by ``tf.function``.

    Returns per-epoch mean losses and the test accuracy, like ``digits_mlp.train``.
    """
    variables = [module.w1, module.b1, module.w2, module.b2]
    optimizer = Adam(variables)

    @tf.function
    def step(x, y):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=module.logits(x)))
        optimizer.apply(tape.gradient(loss, variables))
        return loss

    rng = np.random.default_rng(seed)
    x_train, y_train = data["x_train"], data["y_train"]
    losses = []
    for _ in range(epochs):
        order = rng.permutation(len(x_train))
        batch_losses = [
            float(step(tf.constant(x_train[rows]), tf.constant(y_train[rows])))
            for rows in np.array_split(order, -(-len(order) // batch_size))
        ]
        losses.append(float(np.mean(batch_losses)))
    probabilities = predict(module, data["x_test"])
    accuracy = float(np.mean(np.argmax(probabilities, axis=-1) == data["y_test"]))
    return {"loss": losses, "test_accuracy": accuracy, "test_probabilities": probabilities}


def predict(module: DigitsMLP, x: np.ndarray) -> np.ndarray:
    """Class probabilities as a NumPy array."""
    return module(tf.constant(x, tf.float32)).numpy()


def main(argv: list[str] | None = None) -> None:
    """Train, report the test accuracy, and optionally save a SavedModel."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--save", help="folder to write a SavedModel to")
    args = parser.parse_args(argv)
    data = load_data()
    module = DigitsMLP()
    out = train(module, data, epochs=args.epochs, batch_size=args.batch_size)
    print(f"epochs={args.epochs} final_loss={out['loss'][-1]:.4f} test_accuracy={out['test_accuracy']:.4f}")
    if args.save:
        tf.saved_model.save(module, args.save)
        print(f"saved {args.save}")


if __name__ == "__main__":
    main()
