"""One-to-one matching of clusters: refits keep persona ids, benchmarks score against truth."""

from collections.abc import Sequence

import numpy as np
from scipy.optimize import linear_sum_assignment


def match_centroids(old: np.ndarray, new: np.ndarray) -> dict[int, int]:
    """New cluster index -> old cluster index, minimising total centroid distance (Hungarian).

    Clusters beyond the smaller side stay unmatched (a new persona, or a retired one).
    """
    difference = new[:, None, :] - old[None, :, :]
    cost = np.sqrt(np.einsum("ijk,ijk->ij", difference, difference))
    rows, columns = linear_sum_assignment(cost)
    return {int(row): int(column) for row, column in zip(rows, columns, strict=True)}


def matched_accuracy(truth: Sequence[str], predicted: Sequence[int]) -> float:
    """Share of customers whose cluster maps to their true class under the best 1-1 matching."""
    classes = sorted(set(truth))
    clusters = sorted(set(predicted))
    counts = np.zeros((len(clusters), len(classes)))
    for label, cluster in zip(truth, predicted, strict=True):
        counts[clusters.index(cluster), classes.index(label)] += 1
    rows, columns = linear_sum_assignment(-counts)
    return float(counts[rows, columns].sum() / len(truth))
