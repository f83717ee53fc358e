"""A training script that reads the model's outputs with .numpy(), a TensorFlow tensor method."""

import keras
import numpy as np

rng = np.random.default_rng(4)
x = rng.standard_normal((32, 4)).astype("float32")
y = x.sum(axis=1, keepdims=True)
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse")
model.fit(x, y, batch_size=8, epochs=1, verbose=0)
predictions = model(x[:4]).numpy()
print("first prediction", float(predictions[0, 0]))
