"""Deploy a Keras model in Keras's own format: one ``.keras`` file, loaded back by Keras itself.

The ``.keras`` file is a zip of the model's configuration (JSON) and its weights (HDF5). Serving it needs Keras
and the backend it runs on, the same stack that trained it. ``safe_mode=True`` (the default, written out here)
refuses to deserialise Python lambdas from the file, so loading a file from elsewhere runs no code from it.
``compile=False`` skips restoring the optimizer and loss: a server only predicts.

TensorFlow-core models (``tf.Module``) have no ``.keras`` form: their own format is the SavedModel
(``deploy_savedmodel.py``).

The ``deployment`` experiment calls ``export_keras`` where the model was trained, then ``load`` and ``predict``
in a fresh process. Run it standalone on a saved file:

    KERAS_BACKEND=jax python evidence/programs/deploy_keras_native.py model.keras
"""

from __future__ import annotations

import sys

import keras
import numpy as np


def export_keras(model, path):
    """Write ``model`` (architecture, weights, optimizer state) to the ``.keras`` file ``path``."""
    model.save(path)


def load(path):
    """The model in ``path``, ready to predict."""
    return keras.saving.load_model(path, safe_mode=True, compile=False)


def predict(model, x):
    """Class probabilities for the batch ``x`` (a NumPy array on every backend)."""
    return model.predict_on_batch(x)


if __name__ == "__main__":
    loaded = load(sys.argv[1])
    print(predict(loaded, np.zeros((1, *loaded.input_shape[1:]), "float32")))
