"""Customers who fit no persona, and a suggested new persona when enough of them cluster."""

import numpy as np
from sklearn.cluster import DBSCAN

MIN_GROUP = 5


def dense_misfit_groups(
    reduced: np.ndarray, misfit: np.ndarray, radius: float, min_size: int = MIN_GROUP
) -> list[np.ndarray]:
    """Row indices of each dense group among the misfits (DBSCAN at a persona's radius).

    ``radius`` is the neighbourhood size: a persona's median distance to its centroid, so a group
    counts as dense when it is as tight as the personas that already exist.
    """
    rows = np.flatnonzero(misfit)
    if len(rows) < min_size:
        return []
    labels = DBSCAN(eps=radius, min_samples=min_size).fit_predict(reduced[rows])
    groups = [rows[labels == label] for label in np.unique(labels[labels >= 0])]
    return sorted(groups, key=len, reverse=True)
