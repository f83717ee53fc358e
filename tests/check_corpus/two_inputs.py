"""A functional model with two inputs of different shapes and dtypes (an embedded id and float features)."""

import keras


def build_model():
    ids = keras.Input((3,), dtype="int32", name="ids")
    features = keras.Input((4,), name="features")
    embedded = keras.layers.Flatten()(keras.layers.Embedding(5, 2)(ids))
    x = keras.layers.Concatenate()([embedded, features])
    outputs = keras.layers.Dense(1, activation="sigmoid")(x)
    model = keras.Model([ids, features], outputs)
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
