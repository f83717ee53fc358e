"""The article's era from the public record: multi-backend Keras and its end, each fact with its date and source.

Each date was checked against the source named beside it. The release set ``keras-2.2`` measures the era itself
(Keras 2.2.4 on Theano); these facts date it and say what the sets cannot install.
"""

from __future__ import annotations

from .assessment import CitedFact

HISTORY: tuple[CitedFact, ...] = (
    CitedFact(date="2019-08", fact="Keras 2.2.5, the last release of the 2.2 API, supports TensorFlow 1 as well as "
                                    "Theano and CNTK",
              source="https://github.com/keras-team/keras/releases/tag/2.2.5", title="Keras 2.2.5 release notes"),
    CitedFact(date="2019-09-17", fact="Keras 2.3.0 supports TensorFlow 2.0 and keeps TensorFlow 1.14/1.13, Theano "
                                       "and CNTK; its notes call it the last major release of multi-backend Keras",
              source="https://github.com/keras-team/keras/releases/tag/2.3.0", title="Keras 2.3.0 release notes"),
    CitedFact(date="2020-06-17", fact="Keras 2.4.0 discontinues multi-backend Keras: the keras package redirects to "
                                       "tf.keras and runs on TensorFlow only",
              source="https://github.com/keras-team/keras/releases/tag/2.4.0", title="Keras 2.4.0 release notes"),
    CitedFact(date="2023-11", fact="Keras 3.0 is multi-backend again, on TensorFlow, JAX and PyTorch (not Theano "
                                    "or CNTK)",
              source="https://github.com/keras-team/keras/releases/tag/v3.0.0", title="Keras 3.0.0 release notes"),
)
