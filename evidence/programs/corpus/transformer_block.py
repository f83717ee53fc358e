"""A small transformer classifier: token and position embeddings and a transformer block, as subclassed layers.

Modelled on keras.io's example "Text classification with Transformer": ``TokenAndPositionEmbedding`` adds a learned
position embedding (positions from ``keras.ops.arange``) to a token embedding, and ``TransformerBlock`` is
``MultiHeadAttention``, a feed-forward network, residual connections, ``LayerNormalization`` and ``Dropout``. The
sequences are drawn here: label 1 when token 7 appears.

    KERAS_BACKEND=torch python evidence/programs/corpus/transformer_block.py
"""

from __future__ import annotations

import tempfile

import keras
import numpy as np
from keras import layers, ops

TITLE = "Transformer classifier: MultiHeadAttention block and token + position embedding as subclassed layers"
MODELLED_ON = "https://keras.io/examples/nlp/text_classification_with_transformer/"
FEATURES = ("subclassed layers", "MultiHeadAttention", "LayerNormalization", "Embedding", "keras.ops.arange")
SEED = 13
VOCAB, LENGTH, DIM = 20, 10, 16


class TransformerBlock(layers.Layer):
    """Self-attention and a feed-forward network, each with a residual connection and layer normalization."""

    def __init__(self, dim: int, heads: int, hidden: int, rate: float = 0.1, **kwargs):
        super().__init__(**kwargs)
        self.attention = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads, seed=SEED)
        self.ffn = keras.Sequential([layers.Dense(hidden, activation="relu"), layers.Dense(dim)])
        self.norm1, self.norm2 = layers.LayerNormalization(epsilon=1e-6), layers.LayerNormalization(epsilon=1e-6)
        self.drop1, self.drop2 = layers.Dropout(rate, seed=SEED), layers.Dropout(rate, seed=SEED + 1)

    def call(self, inputs, training=False):
        attended = self.drop1(self.attention(inputs, inputs), training=training)
        x = self.norm1(inputs + attended)
        return self.norm2(x + self.drop2(self.ffn(x), training=training))


class TokenAndPositionEmbedding(layers.Layer):
    """A token's embedding plus its position's."""

    def __init__(self, length: int, vocabulary: int, dim: int, **kwargs):
        super().__init__(**kwargs)
        self.tokens = layers.Embedding(vocabulary, dim)
        self.positions = layers.Embedding(length, dim)

    def call(self, x):
        return self.tokens(x) + self.positions(ops.arange(0, ops.shape(x)[-1], 1))


def make_sequences(samples: int = 128):
    """Random token sequences; label 1 when token 7 is among them."""
    rng = np.random.default_rng(SEED)
    x = rng.integers(1, VOCAB, size=(samples, LENGTH)).astype("int32")
    x[x == 7] = 8
    y = rng.integers(0, 2, size=samples).astype("float32")
    for i in np.flatnonzero(y):
        x[i, rng.integers(0, LENGTH)] = 7
    return x, y


def build_model() -> keras.Model:
    """Embeddings -> transformer block -> average over positions -> sigmoid."""
    inputs = keras.Input(shape=(LENGTH,), dtype="int32")
    x = TokenAndPositionEmbedding(LENGTH, VOCAB, DIM)(inputs)
    x = TransformerBlock(DIM, heads=2, hidden=32)(x)
    x = layers.GlobalAveragePooling1D()(x)
    outputs = layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model(inputs, outputs)
    model.compile(optimizer=keras.optimizers.Adam(3e-3), loss="binary_crossentropy", metrics=["accuracy"])
    return model


def run(epochs: int, workdir: str) -> dict:
    """Train for ``epochs``; return the loss before and after."""
    x, y = make_sequences()
    model = build_model()
    before = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    model.fit(x, y, epochs=epochs, batch_size=16, shuffle=False, verbose=0)
    after = model.evaluate(x, y, verbose=0, return_dict=True)["loss"]
    return {"loss_before": float(before), "loss_after": float(after)}


if __name__ == "__main__":
    print(f"backend={keras.backend.backend()}: {run(epochs=5, workdir=tempfile.mkdtemp())}")
