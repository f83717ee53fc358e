"""A training script in the TensorFlow style of Keras's guide "Customizing what happens in fit()": its data comes
from tf.random.normal (the first backend-specific call in the file), and its train_step takes gradients with
tf.GradientTape. Under PyTorch, training breaks on the tape, not on the random numbers, which TensorFlow draws
wherever the model runs."""

import keras
import tensorflow as tf

x = tf.random.normal((64, 4), seed=1)
y = tf.reduce_sum(x, axis=1, keepdims=True)
x, y = x.numpy(), y.numpy()


class TapeModel(keras.Model):
    """Two Dense layers trained by a hand-written TensorFlow train_step."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.hidden = keras.layers.Dense(8, activation="relu")
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(self.hidden(inputs))

    def train_step(self, data):
        inputs, targets = data
        with tf.GradientTape() as tape:
            predictions = self(inputs, training=True)
            loss = self.compute_loss(x=inputs, y=targets, y_pred=predictions)
        grads = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply(grads, self.trainable_variables)
        return {"loss": loss}


model = TapeModel()
model.compile(optimizer="sgd", loss="mse")
history = model.fit(x, y, batch_size=16, epochs=1, verbose=0)
print("loss", history.history["loss"][-1])
