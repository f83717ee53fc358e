"""A script broken wherever it runs: it trains, then indexes the training history with a key fit never logs."""

import keras
import numpy as np

rng = np.random.default_rng(2)
x = rng.standard_normal((32, 4)).astype("float32")
y = x.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
print("accuracy", history.history["accuracy"][-1])
