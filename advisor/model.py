"""The advisor as a scikit-learn estimator: :class:`Advisor` is :class:`advisor.ranking.Ranker` with scikit-learn's
conventions and tools (``get_params``, ``clone``, ``check_is_fitted``), and the input of sklearn's ranking
metrics (:meth:`Advisor.decision_function`).

See :mod:`advisor.ranking` for how it scores and ranks; the arithmetic is the same to the last bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sklearn.base import BaseEstimator
from sklearn.utils.validation import check_is_fitted

from advisor.ranking import CLAIMS_READ, TIE_TOLERANCE, Cell, Ranker, Table, normalise
from advisor.recommendation import RankedOption, Recommendation


class Advisor(Ranker, BaseEstimator):
    """Ranks Keras 3 on TensorFlow, JAX or PyTorch, and TensorFlow core, for a user's answers, from the evidence.

    A scikit-learn estimator (keyword-only parameters stored unchanged, ``fit`` returns self, fitted attributes
    end in ``_``) over :class:`~advisor.ranking.Ranker`: parameters, attributes and methods are the ranker's.

    Examples:
        >>> advisor = Advisor(n_draws=100).fit({})
        >>> advisor.rank({"ecosystem": "pytorch"}).top_pick
        'keras-torch'
        >>> from sklearn.base import clone
        >>> clone(advisor).get_params()
        {'n_draws': 100, 'random_state': 0, 'weight_noise': 0.5}
    """

    def _check_fitted(self) -> None:
        check_is_fitted(self)

    def decision_function(self, X: list[Mapping[str, Any]]) -> Any:
        """Scores (n_samples, n_options) whose order is the ranking: higher is better, requirement problems last.

        Each failed requirement lowers an option by 4 and each unverified one by 2 (scores lie in [0, 1]), so the
        order matches :meth:`rank`'s; the input sklearn's ranking metrics take.
        """
        import numpy as np

        check_is_fitted(self)
        out = np.empty((len(X), len(self.options_)))
        for row, answers in enumerate(X):
            for item in self.rank(answers).ranking:
                out[row, self.options_.index(item.option)] = (
                    item.score - 4 * len(item.failed) - 2 * len(item.not_verified) - 1e-6 * item.rank)
        return out

    def predict(self, X: list[Mapping[str, Any]]) -> Any:
        """The top pick for each answers mapping in ``X``."""
        import numpy as np

        check_is_fitted(self)
        return np.array([self.rank(answers).top_pick for answers in X], dtype=object)


__all__ = ["CLAIMS_READ", "TIE_TOLERANCE", "Advisor", "Cell", "RankedOption", "Recommendation", "Table",
           "normalise"]
