"""A script that puts raw strings into a tensor with keras.ops.convert_to_tensor: TensorFlow has string tensors,
JAX and PyTorch do not, so keras.ops is no way around it (the fix is integer ids made before the model)."""

import keras
import numpy as np

words = np.array(["good", "bad", "good", "fine"])
tokens = keras.ops.convert_to_tensor(words)
vocabulary = keras.layers.StringLookup(vocabulary=["good", "bad", "fine"])
ids = keras.ops.convert_to_numpy(vocabulary(tokens))
print("ids", ids.tolist())
