"""A text classifier: ``TextVectorization`` outside the model, then ``Embedding`` with masking and a bidirectional
LSTM.

Modelled on keras.io's example "Bidirectional LSTM on IMDB" and its text-classification examples, with the text
preprocessing kept out of the model as the ``TextVectorization`` docstring recommends for backends other than
TensorFlow: the layer is adapted on the raw sentences and called on them once, eagerly, and the model trains on the
integer sequences. The sentences are drawn here from small word lists; the label says whether praise outweighs
blame.

    KERAS_BACKEND=jax python evidence/programs/corpus/text_lstm.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
from keras import layers

TITLE = "Text classifier: TextVectorization applied outside the model, Embedding(mask_zero) and Bidirectional LSTM"
MODELLED_ON = "https://keras.io/examples/nlp/bidirectional_lstm_imdb/"
FEATURES = ("TextVectorization (eager, outside the model)", "Embedding with mask_zero", "Bidirectional", "LSTM")
SEED = 5
GOOD = ("good", "great", "fine", "nice", "happy", "superb")
BAD = ("bad", "awful", "poor", "sad", "ugly", "dull")
FILLER = ("the", "a", "movie", "was", "plot", "very", "and", "actors", "story", "it")
LENGTH = 12


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
    return np.array(texts), np.array(labels, dtype="float32")


def build_model(vocabulary: int) -> keras.Model:
    """Embedding with a padding mask -> bidirectional LSTM -> sigmoid."""
    model = keras.Sequential([
        keras.Input(shape=(LENGTH,), dtype="int32"),
        layers.Embedding(vocabulary, 16, mask_zero=True),
        layers.Bidirectional(layers.LSTM(16)),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(1e-2), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def run(epochs: int, workdir: str) -> dict:
    """Vectorize the sentences, train for ``epochs``; return the loss before and after."""
    texts, y = make_sentences()
    vectorize = layers.TextVectorization(max_tokens=64, output_sequence_length=LENGTH)
    vectorize.adapt(texts)
    x = keras.ops.convert_to_numpy(vectorize(texts)).astype("int32")
    model = build_model(vectorize.vocabulary_size())
    before = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    return {"loss_before": float(before), "loss_after": float(after)}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
