import numpy as np
import pytest

from cspersona.personas.matching import match_centroids, matched_accuracy


def test_new_clusters_are_matched_to_the_nearest_old_ones_one_to_one() -> None:
    old = np.array([[0.0, 0.0], [10.0, 0.0], [0.0, 10.0]])
    new = np.array([[0.5, 9.0], [0.2, 0.1], [9.0, 1.0], [50.0, 50.0]])

    assert match_centroids(old, new) == {0: 2, 1: 0, 2: 1}


def test_accuracy_is_that_of_the_best_one_to_one_labelling() -> None:
    truth = ["a", "a", "b", "b", "c", "c"]

    assert matched_accuracy(truth, [2, 2, 0, 0, 1, 1]) == 1.0
    assert matched_accuracy(truth, [0, 0, 0, 0, 1, 1]) == pytest.approx(4 / 6)
