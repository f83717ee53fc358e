"""An end-to-end text model that takes raw strings: ``TextVectorization`` is the model's first layer.

Modelled on keras.io's example "Text classification from scratch", whose end-to-end model puts the vectorization
layer inside the model so that it takes strings, and evaluates it on a ``tf.data`` dataset of strings (Keras 3 does
not take NumPy string arrays in ``fit``: ``Invalid dtype: str...``). Here the string-taking model is the one trained,
as tf.keras users commonly wrote it. ``TextVectorization`` computes with TensorFlow whatever the backend; its
docstring says it cannot be part of a model's compiled computation on a backend other than TensorFlow.
``text_lstm.py`` is the same task with the vectorization outside the model.

    KERAS_BACKEND=jax python evidence/programs/corpus/text_vectorization_in_model.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
import tensorflow as tf
from keras import layers

TITLE = "End-to-end text model taking raw strings: TextVectorization inside the model"
MODELLED_ON = "https://keras.io/examples/nlp/text_classification_from_scratch/"
FEATURES = ("string inputs", "TextVectorization inside the model", "tf.data of strings", "Embedding")
SEED = 5
GOOD = ("good", "great", "fine", "nice", "happy", "superb")
BAD = ("bad", "awful", "poor", "sad", "ugly", "dull")
FILLER = ("the", "a", "movie", "was", "plot", "very", "and", "actors", "story", "it")


def make_sentences(samples: int = 128):
    """Sentences of 4 to 10 words; label 1 when they hold more praise than blame."""
    rng = np.random.default_rng(SEED)
    texts, labels = [], []
    for _ in range(samples):
        good, bad = rng.integers(0, 3), rng.integers(0, 3)
        if good == bad:
            good += 1
        words = list(rng.choice(FILLER, size=rng.integers(2, 5))) + list(rng.choice(GOOD, good)) + \
            list(rng.choice(BAD, bad))
        rng.shuffle(words)
        texts.append(" ".join(words))
        labels.append(int(good > bad))
    return np.array(texts)[:, None], np.array(labels, dtype="float32")


def build_model(texts: np.ndarray) -> keras.Model:
    """Strings -> TextVectorization (adapted on ``texts``) -> Embedding -> average -> sigmoid."""
    vectorize = layers.TextVectorization(max_tokens=64, output_sequence_length=12)
    vectorize.adapt(texts[:, 0])
    inputs = keras.Input(shape=(1,), dtype="string")
    x = vectorize(inputs)
    x = layers.Embedding(64, 16)(x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def run(epochs: int, workdir: str) -> dict:
    """Train on the raw strings for ``epochs``; return the loss before and after."""
    x, y = make_sentences()
    model = build_model(x)
    strings = tf.data.Dataset.from_tensor_slices((x, y)).batch(16)
    before = model.evaluate(strings, verbose=0, return_dict=True)["loss"]
    model.fit(strings, epochs=epochs, verbose=0)
    after = model.evaluate(strings, verbose=0, return_dict=True)["loss"]
    return {"loss_before": float(before), "loss_after": float(after)}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
