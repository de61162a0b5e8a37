"""Reduce the scaled persona features so that every trait weighs alike, and noise weighs little.

The persona matrix measures some traits with many correlated columns (technical vocabulary,
sophistication, API use, Slack channels, voice...) and others with a few (mood, billing talk). On
plain principal components, k-means distances are ruled by the largest correlated block, and
archetypes that differ in a few traits merge: on dev world 4242, business users and cost-conscious
customers fell into one persona (accuracy 0.83). Whitening every component would equalise the
traits, but also blow the many noise directions up to the same weight.

So each principal component is measured in units of its own standard deviation and weighted by
its signal ratio, min(1, variance / noise floor). The noise floor of a component is its variance,
on average, in ``n_shuffles`` copies of the data with every column shuffled on its own (same
spreads, no correlations; Horn's parallel analysis). Components above the floor carry structure
and come out with unit variance, every trait weighing alike; components below it shrink with how
far they fall short, so noise adds little distance yet a weak real direction is not cut off (a
hard cut at the floor lost one of five well separated blobs). On dev worlds 4242, 5353 and 31337
(through ingestion and the NLP stage) the one-to-one accuracy at k = 5 rose from 0.83-0.91 to
0.99, and k = 5 became the clearly most stable k.
"""

from typing import Any

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.decomposition import PCA
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data


def shuffled_variances(X: np.ndarray, copies: int, seed: int | None) -> np.ndarray:
    """Mean principal-component variances of ``copies`` column-wise shuffles of ``X``."""
    rng = check_random_state(seed)
    spectra = [
        PCA(svd_solver="full")
        .fit(np.column_stack([rng.permutation(column) for column in X.T]))
        .explained_variance_
        for _ in range(copies)
    ]
    return np.asarray(np.mean(spectra, axis=0))


class NoiseFlooredPCA(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """PCA in units of each component's spread, weighted by its signal ratio (capped at 1).

    Args:
        variance_kept: share of the variance the components keep (scikit-learn PCA's float
            ``n_components``).
        n_shuffles: column-wise shuffled copies of the data that set the noise floor (0: no
            floor: every component whitened).
        random_state: seed of the shuffles.
    """

    def __init__(
        self, variance_kept: float = 0.9, n_shuffles: int = 5, random_state: int | None = None
    ) -> None:
        """Store the hyper-parameters (scikit-learn convention: no logic here)."""
        self.variance_kept = variance_kept
        self.n_shuffles = n_shuffles
        self.random_state = random_state

    def fit(self, X: Any, y: Any = None) -> "NoiseFlooredPCA":  # noqa: N803 (scikit-learn's name)
        """Fit the components, measure the noise floor and each component's divisor."""
        X = validate_data(self, X, ensure_min_samples=2, dtype=np.float64)
        self.pca_ = PCA(n_components=self.variance_kept, svd_solver="full").fit(X)
        self.n_components_ = int(self.pca_.n_components_)
        variance = self.pca_.explained_variance_
        self.noise_variance_ = (
            shuffled_variances(X, self.n_shuffles, self.random_state)[: self.n_components_]
            if self.n_shuffles > 0
            else np.zeros(self.n_components_)
        )
        # Components above the floor: the structure parallel analysis would keep.
        self.n_signal_components_ = int(np.sum(variance > self.noise_variance_))
        # Dividing by sqrt(variance) / min(1, variance / floor): the spread, then the weight.
        floor = np.maximum(self.noise_variance_, 1e-12)
        self.scale_ = np.where(
            variance > floor, np.sqrt(variance), floor / np.sqrt(np.maximum(variance, 1e-12))
        )
        return self

    def transform(self, X: Any) -> np.ndarray:  # noqa: N803
        """Rows on the components, each divided by its spread and weighted by its signal ratio."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False, dtype=np.float64)
        return np.asarray(self.pca_.transform(X) / self.scale_, dtype=np.float64)
