"""The persona model: impute, scale, reduce and cluster customers, choosing k by validation.

``PersonaModel`` is a scikit-learn estimator, so it can be cloned, pickled and searched over. Its
preprocessing is part of the fitted model, so new customers go through exactly the same steps as
the training book: median imputation with missing-value indicators, standard scaling, clipping at
+-3 standard deviations (on the synthetic world heavy-tailed rates otherwise give single outliers
their own cluster), then PCA keeping 90% of the variance, each component scaled to unit variance
above the noise floor of shuffled data and by that floor below it, so every trait weighs alike
(:mod:`cspersona.personas.reduction`).

Choosing k (when ``n_personas="auto"``), for every k in ``k_range``:

1. fit the clusterer on all customers; record the silhouette and the Davies-Bouldin index;
2. fit it on ``n_null`` copies of the reduced data with every column shuffled on its own (same
   spreads, no clusters) and record the silhouette gap: the real silhouette minus the mean
   silhouette of those copies. Raw silhouettes favour k=2 in many dimensions whatever the data;
   the gap measures structure beyond what any data of that shape shows (on the synthetic world
   the raw silhouette peaks at k=2, the gap at k=5-6, and the truth has 5 archetypes);
3. refit it on ``n_bootstrap`` random subsamples (``bootstrap_fraction`` of the customers),
   assign every customer to the nearest subsample centroid, and record the mean adjusted Rand
   index with the full fit: the stability;
4. keep the stable ks (stability >= ``min_stability``; all of them if none is);
5. among those, the ks whose silhouette gap is within ``tolerance`` of the best are near-ties:
   ``preferred_k`` (5, the product brief's starting point) wins a near-tie, otherwise the lowest
   Davies-Bouldin index does.

Soft membership: a Gaussian mixture gives its own posteriors; other clusterers get the posterior of
an isotropic Gaussian per cluster with the pooled within-cluster variance (a softmax of negative
squared distances), so a customer near one centroid and far from the rest scores near 1.
Confidence multiplies that posterior by typicality: 1 up to the 95th percentile of the training
members' distances to their centroid, then decaying, so a customer far from every persona does not
fit even when one persona is the nearest.
"""

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.base import BaseEstimator, ClusterMixin, clone
from sklearn.cluster import HDBSCAN, KMeans
from sklearn.decomposition import PCA
from sklearn.impute import MissingIndicator, SimpleImputer
from sklearn.metrics import adjusted_rand_score, davies_bouldin_score, silhouette_score
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer, RobustScaler, StandardScaler
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data
from threadpoolctl import threadpool_limits

from cspersona.personas.reduction import NoiseFlooredPCA

CLUSTERERS = ("kmeans", "gmm", "hdbscan")
SCALERS = ("robust", "standard")
TYPICAL_QUANTILE = 0.95
# Posterior temperatures tried when calibrating confidence against bootstrap agreement.
TEMPERATURES = np.geomspace(0.01, 1000.0, 51)
MIN_SAMPLES = 3


def make_clusterer(clusterer: str | BaseEstimator, random_state: int) -> BaseEstimator:
    """A fresh clusterer from a name in :data:`CLUSTERERS` or a copy of an instance."""
    if not isinstance(clusterer, str):
        return clone(clusterer)
    if clusterer == "kmeans":
        return KMeans(n_clusters=5, n_init=10, random_state=random_state)
    if clusterer == "gmm":
        return GaussianMixture(
            n_components=5, covariance_type="diag", n_init=3, random_state=random_state
        )
    if clusterer == "hdbscan":
        return HDBSCAN(min_cluster_size=5, copy=True)
    raise ValueError(f"unknown clusterer {clusterer!r}; use one of {CLUSTERERS} or an estimator")


def _with_k(clusterer: BaseEstimator, k: int) -> BaseEstimator | None:
    """The clusterer set to ``k`` clusters, or None when it chooses its own number."""
    params = clusterer.get_params()
    for name in ("n_clusters", "n_components"):
        if name in params:
            return clusterer.set_params(**{name: k})
    return None


def _centroids(reduced: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """The mean of each cluster (noise, label -1, excluded), in label order."""
    return np.vstack(
        [reduced[labels == label].mean(axis=0) for label in np.unique(labels[labels >= 0])]
    )


def _squared_distances(reduced: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Squared Euclidean distance of every row to every centroid."""
    difference = reduced[:, None, :] - centroids[None, :, :]
    return np.asarray(np.einsum("ijk,ijk->ij", difference, difference))


def _nearest(reduced: np.ndarray, centroids: np.ndarray) -> np.ndarray:
    """Index of each row's nearest centroid."""
    return np.asarray(_squared_distances(reduced, centroids).argmin(axis=1))


def _matched(labels: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``labels`` renamed to the ``reference`` persona each overlaps most (Hungarian matching)."""
    found, reference_ids = np.unique(labels), np.unique(reference[reference >= 0])
    overlap = np.array(
        [[np.sum((labels == a) & (reference == b)) for b in reference_ids] for a in found]
    )
    rows, columns = linear_sum_assignment(-overlap)
    pairs = zip(rows, columns, strict=True)
    mapping = {int(found[row]): int(reference_ids[column]) for row, column in pairs}
    return np.array([mapping.get(int(label), -2) for label in labels])


def _consecutive(labels: np.ndarray) -> np.ndarray:
    """Relabel clusters 0..k-1 in label order, keeping -1 for noise."""
    clusters = np.unique(labels[labels >= 0])
    mapping = {old: new for new, old in enumerate(clusters)}
    return np.array([mapping.get(label, -1) for label in labels], dtype=np.int64)


class PersonaModel(ClusterMixin, BaseEstimator):  # type: ignore[misc]
    """Customers to personas: imputation, scaling, reduction and clustering, with k by validation.

    Args:
        n_personas: ``"auto"`` to choose k from ``k_range`` by validation, or a fixed k.
        k_range: the smallest and largest k tried.
        preferred_k: the k that wins near-ties (the product brief starts from 5).
        reducer: a transformer for the scaled features; None for PCA keeping ``variance_kept``
            with every trait weighing alike (:class:`.reduction.NoiseFlooredPCA`).
        variance_kept: share of variance the default reducer keeps.
        clusterer: ``kmeans``, ``gmm``, ``hdbscan`` or an estimator with ``fit``.
        scaler: ``standard`` (mean and standard deviation) or ``robust`` (median and IQR).
        clip: scaled values are clipped to +-``clip`` so one extreme customer cannot pull a
            component or a centroid its way; None keeps them.
        n_null: shuffled copies per k for the silhouette gap (0: raw silhouette instead).
        n_bootstrap: subsamples per k for the stability (0 skips it).
        bootstrap_fraction: share of customers in each subsample.
        min_stability: the mean adjusted Rand index a k needs to count as stable.
        tolerance: silhouette difference within which two ks are a near-tie.
        misfit_threshold: confidence below which a customer does not fit its persona.
        random_state: seed for the clusterer and the subsamples.
    """

    def __init__(
        self,
        n_personas: int | str = "auto",
        k_range: tuple[int, int] = (2, 10),
        preferred_k: int = 5,
        reducer: BaseEstimator | None = None,
        variance_kept: float = 0.9,
        clusterer: str | BaseEstimator = "kmeans",
        scaler: str = "standard",
        clip: float | None = 3.0,
        n_null: int = 3,
        n_bootstrap: int = 10,
        bootstrap_fraction: float = 0.8,
        min_stability: float = 0.75,
        tolerance: float = 0.02,
        misfit_threshold: float = 0.5,
        random_state: int | None = None,
    ) -> None:
        """Store the hyper-parameters (scikit-learn convention: no logic here)."""
        self.n_personas = n_personas
        self.k_range = k_range
        self.preferred_k = preferred_k
        self.reducer = reducer
        self.variance_kept = variance_kept
        self.clusterer = clusterer
        self.scaler = scaler
        self.clip = clip
        self.n_null = n_null
        self.n_bootstrap = n_bootstrap
        self.bootstrap_fraction = bootstrap_fraction
        self.min_stability = min_stability
        self.tolerance = tolerance
        self.misfit_threshold = misfit_threshold
        self.random_state = random_state

    def __sklearn_tags__(self) -> Any:
        """Missing values are handled inside the model."""
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        return tags

    # Fitting -----------------------------------------------------------------------------------

    def _preprocessor(self, seed: int) -> Pipeline:
        """Imputation, scaling and clipping, missing-value indicators, then the reducer."""
        if self.scaler not in SCALERS:
            raise ValueError(f"unknown scaler {self.scaler!r}; use one of {SCALERS}")
        scaler = RobustScaler() if self.scaler == "robust" else StandardScaler()
        reducer = (
            clone(self.reducer)
            if self.reducer is not None
            else NoiseFlooredPCA(variance_kept=self.variance_kept, random_state=seed)
        )
        clipper = FunctionTransformer(
            np.clip if self.clip is not None else None,
            kw_args={"a_min": -self.clip, "a_max": self.clip} if self.clip is not None else None,
        )
        values = Pipeline(
            [("impute", SimpleImputer(strategy="median")), ("scale", scaler), ("clip", clipper)]
        )
        # Indicators stay 0/1: scaled, a rarely missing feature's indicator would reach +-3 and
        # outweigh every real feature. A customer placed later may lack a value every training
        # customer had: the median stands in for it, with no indicator the model never learned.
        indicator = MissingIndicator(error_on_new=False)
        features = FeatureUnion([("values", values), ("missing", indicator)])
        return Pipeline([("features", features), ("reduce", reducer)])

    def _candidate_ks(self, n_samples: int) -> list[int]:
        """The ks to try: a fixed one, or the range clipped to what the sample allows."""
        if self.n_personas != "auto":
            if not isinstance(self.n_personas, int | np.integer) or self.n_personas < 1:
                raise ValueError(
                    f"n_personas must be 'auto' or a positive int, not {self.n_personas!r}"
                )
            return [min(int(self.n_personas), n_samples)]
        low, high = self.k_range
        if not 2 <= low <= high:
            raise ValueError(
                f"k_range must be (low, high) with 2 <= low <= high, not {self.k_range}"
            )
        return list(range(low, min(high, n_samples - 1) + 1)) or [min(low, n_samples)]

    def _fit_labels(
        self, reduced: np.ndarray, k: int | None, seed: int
    ) -> tuple[BaseEstimator, np.ndarray]:
        """Fit a clusterer (with k clusters when it takes one); its labels, noise as -1."""
        clusterer = make_clusterer(self.clusterer, seed)
        if k is not None:
            _with_k(clusterer, k)
        if hasattr(clusterer, "random_state") and not isinstance(self.clusterer, str):
            clusterer.set_params(random_state=seed)
        labels = np.asarray(clusterer.fit_predict(reduced))
        return clusterer, _consecutive(labels)

    def _stability(
        self, reduced: np.ndarray, labels: np.ndarray, k: int | None, seed: int
    ) -> tuple[float, np.ndarray | None]:
        """Refits on subsamples, extended to everyone by nearest centroid, against the full fit.

        Returns the mean ARI (the k's stability) and, per customer, the share of refits that
        put them in the same persona as the full fit (after matching the refit's personas).
        """
        if self.n_bootstrap <= 0:
            return float("nan"), None
        rng = check_random_state(seed)
        size = max(MIN_SAMPLES, int(round(self.bootstrap_fraction * len(reduced))))
        scores = []
        agreement = np.zeros(len(reduced))
        for _ in range(self.n_bootstrap):
            rows = rng.choice(len(reduced), size=min(size, len(reduced)), replace=False)
            _, sample_labels = self._fit_labels(reduced[rows], k, int(rng.randint(2**31 - 1)))
            if not (sample_labels >= 0).any():
                scores.append(0.0)
                continue
            extended = _nearest(reduced, _centroids(reduced[rows], sample_labels))
            scores.append(adjusted_rand_score(labels, extended))
            agreement += _matched(extended, labels) == labels
        return float(np.mean(scores)), agreement / self.n_bootstrap

    def _null_silhouette(self, reduced: np.ndarray, k: int | None, seed: int) -> float:
        """Mean silhouette at k on copies of the data with each column shuffled on its own."""
        rng = check_random_state(seed)
        scores = []
        for _ in range(self.n_null):
            shuffled = np.column_stack([rng.permutation(column) for column in reduced.T])
            _, labels = self._fit_labels(shuffled, k, int(rng.randint(2**31 - 1)))
            clustered = labels >= 0
            if 2 <= len(np.unique(labels[clustered])) < clustered.sum():
                scores.append(silhouette_score(shuffled[clustered], labels[clustered]))
        return float(np.mean(scores)) if scores else 0.0

    def _validate(self, reduced: np.ndarray, k: int | None, seed: int) -> dict[str, Any]:
        """Fit at one k and measure it: silhouette, Davies-Bouldin, stability."""
        clusterer, labels = self._fit_labels(reduced, k, seed)
        clustered = labels >= 0
        found = len(np.unique(labels[clustered]))
        row: dict[str, Any] = {
            "k": found,
            "silhouette": float("nan"),
            "silhouette_gap": float("nan"),
            "davies_bouldin": float("nan"),
            "stability": float("nan"),
            "noise_share": float(1 - clustered.mean()),
        }
        if 2 <= found < clustered.sum():
            row["silhouette"] = float(silhouette_score(reduced[clustered], labels[clustered]))
            null = self._null_silhouette(reduced, k, seed) if self.n_null > 0 else 0.0
            row["silhouette_gap"] = row["silhouette"] - null
            row["davies_bouldin"] = float(
                davies_bouldin_score(reduced[clustered], labels[clustered])
            )
            row["stability"], row["_agreement"] = self._stability(reduced, labels, k, seed)
        row["_fit"] = (clusterer, labels)
        return row

    def _choose(self, table: list[dict[str, Any]]) -> dict[str, Any]:
        """The chosen row of the per-k table (see the module docstring for the rule)."""
        measured = [row for row in table if not np.isnan(row["silhouette"])]
        if not measured:
            return table[0]
        stable = [
            row
            for row in measured
            if np.isnan(row["stability"]) or row["stability"] >= self.min_stability
        ] or measured
        best = max(row["silhouette_gap"] for row in stable)
        near = [row for row in stable if row["silhouette_gap"] >= best - self.tolerance]
        for row in near:
            if row["k"] == self.preferred_k:
                return row
        return min(near, key=lambda row: row["davies_bouldin"])

    def fit(self, X: Any, y: Any = None) -> "PersonaModel":  # noqa: N803 (scikit-learn's name)
        """Fit preprocessing, choose k, cluster, and place every customer on the 2-D map."""
        # Many small fits: one thread each is far faster than OpenMP and BLAS threads fighting
        # for the cores (measured: 20 s against 1.5 s for 250 customers on a loaded machine).
        with threadpool_limits(limits=1):
            return self._fit(X)

    def _fit(self, X: Any) -> "PersonaModel":  # noqa: N803
        """The body of :meth:`fit`."""
        X = validate_data(
            self, X, ensure_all_finite="allow-nan", ensure_min_samples=2, dtype=np.float64
        )
        seed = int(check_random_state(self.random_state).randint(2**31 - 1))
        self.preprocessor_ = self._preprocessor(seed).fit(X)
        reduced = np.asarray(self.preprocessor_.transform(X), dtype=np.float64)
        chooses_k = _with_k(make_clusterer(self.clusterer, seed), 2) is not None
        ks: Sequence[int | None] = self._candidate_ks(len(X)) if chooses_k else [None]
        table = [self._validate(reduced, k, seed) for k in ks]
        chosen = self._choose(table)
        self.clusterer_, labels = chosen["_fit"]
        self.validation_ = [
            {key: value for key, value in row.items() if not key.startswith("_")}
            | {"chosen": row is chosen}
            for row in table
        ]
        self.labels_ = labels
        if not (labels >= 0).any():
            self.labels_ = np.zeros(len(X), dtype=np.int64)
        self.n_personas_ = int(self.labels_.max()) + 1
        self.cluster_centers_ = _centroids(reduced, self.labels_)
        self._fit_membership(reduced)
        # Per fitted customer: the share of bootstrap refits that kept their persona.
        self.agreement_: np.ndarray | None = chosen.get("_agreement")
        self.temperature_ = self._calibrated_temperature(reduced, self.agreement_)
        self.projector_ = PCA(n_components=min(2, reduced.shape[1], len(X))).fit(reduced)
        self.coordinates_ = self._project(reduced)
        return self

    def _fit_membership(self, reduced: np.ndarray) -> None:
        """Pooled variance and each persona's typical radius, for posteriors and confidence."""
        members = self.labels_ >= 0
        own = _squared_distances(reduced[members], self.cluster_centers_)[
            np.arange(members.sum()), self.labels_[members]
        ]
        self.pooled_variance_ = max(float(own.mean()) / reduced.shape[1], 1e-12)
        radius = np.sqrt(own)
        self.typical_radius_ = np.array(
            [
                np.quantile(radius[self.labels_[members] == label], TYPICAL_QUANTILE)
                for label in range(self.n_personas_)
            ]
        )
        self.radius_scale_ = max(float(np.median(radius)), 1e-12)

    def _calibrated_temperature(self, reduced: np.ndarray, agreement: np.ndarray | None) -> float:
        """The posterior's temperature at which its confidence best matches bootstrap agreement.

        Distances alone make nearly everyone 99% sure in many dimensions; refits show who really
        moves. The temperature (1 = none) minimises the squared gap between each customer's
        posterior for their persona and the share of refits that kept them there.
        """
        if agreement is None or isinstance(self.clusterer_, GaussianMixture):
            return 1.0
        members = self.labels_ >= 0
        squared = _squared_distances(reduced[members], self.cluster_centers_)
        own = self.labels_[members]
        gaps = []
        for temperature in TEMPERATURES:
            logits = -squared / (2 * self.pooled_variance_ * temperature)
            logits -= logits.max(axis=1, keepdims=True)
            weights = np.exp(logits)
            posterior = weights[np.arange(len(own)), own] / weights.sum(axis=1)
            gaps.append(float(np.mean((posterior - agreement[members]) ** 2)))
        return float(TEMPERATURES[int(np.argmin(gaps))])

    # Using the fitted model ------------------------------------------------------------------

    def reduce(self, X: Any) -> np.ndarray:  # noqa: N803
        """Customers in the reduced space the clusters live in."""
        check_is_fitted(self)
        X = validate_data(self, X, ensure_all_finite="allow-nan", reset=False, dtype=np.float64)
        return np.asarray(self.preprocessor_.transform(X), dtype=np.float64)

    def predict(self, X: Any) -> np.ndarray:  # noqa: N803
        """The persona of each customer (nearest centroid; the mixture's own choice for a GMM)."""
        return np.asarray(self.predict_proba(X).argmax(axis=1), dtype=np.int64)

    def predict_proba(self, X: Any) -> np.ndarray:  # noqa: N803
        """Soft membership: each customer's probability of belonging to each persona."""
        reduced = self.reduce(X)
        if isinstance(self.clusterer_, GaussianMixture):
            return np.asarray(self.clusterer_.predict_proba(reduced))
        # Models saved before calibration have no temperature: their posteriors are unscaled.
        scale = 2 * self.pooled_variance_ * getattr(self, "temperature_", 1.0)
        logits = -_squared_distances(reduced, self.cluster_centers_) / scale
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return np.asarray(weights / weights.sum(axis=1, keepdims=True))

    def confidence(self, X: Any) -> np.ndarray:  # noqa: N803
        """How well each customer fits its persona, 0-1: posterior times typicality."""
        return self.confidence_in(X, self.predict(X))

    def confidence_in(self, X: Any, personas: np.ndarray) -> np.ndarray:  # noqa: N803
        """How well each customer fits the given persona (a label per row), 0-1.

        The persona kept for a customer near a boundary may not be their most probable one.
        """
        rows = np.arange(len(personas))
        probabilities = self.predict_proba(X)[rows, personas]
        distance = np.sqrt(_squared_distances(self.reduce(X), self.cluster_centers_))[
            rows, personas
        ]
        beyond = np.maximum(0.0, distance - self.typical_radius_[personas])
        typicality = np.exp(-beyond / self.radius_scale_)
        return np.asarray(probabilities * typicality)

    def is_misfit(self, X: Any) -> np.ndarray:  # noqa: N803
        """Whether each customer's confidence is below ``misfit_threshold``."""
        return np.asarray(self.confidence(X) < self.misfit_threshold)

    def map_coordinates(self, X: Any) -> np.ndarray:  # noqa: N803
        """Each customer's (x, y) on the persona map: PCA of the reduced space."""
        return self._project(self.reduce(X))

    def _project(self, reduced: np.ndarray) -> np.ndarray:
        """Reduced rows onto the map's two axes (a zero second axis for one-dimensional data)."""
        projected = np.asarray(self.projector_.transform(reduced), dtype=np.float64)
        if projected.shape[1] < 2:
            projected = np.hstack([projected, np.zeros((len(projected), 2 - projected.shape[1]))])
        return projected

    def validation_frame(self) -> pd.DataFrame:
        """The per-k validation table as a frame, one row per k tried."""
        check_is_fitted(self)
        return pd.DataFrame(self.validation_)
