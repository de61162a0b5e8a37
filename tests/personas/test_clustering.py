import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.cluster import AgglomerativeClustering
from sklearn.datasets import make_blobs
from sklearn.decomposition import TruncatedSVD
from sklearn.metrics import adjusted_rand_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from cspersona.personas.clustering import PersonaModel


def _blobs(centers: int, seed: int = 1, missing: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    features, truth = make_blobs(
        n_samples=200, centers=centers, n_features=10, cluster_std=1.5, random_state=seed
    )
    rng = np.random.default_rng(seed)
    features[rng.random(features.shape) < missing] = np.nan
    return features, truth


@pytest.fixture(scope="module")
def five_blobs() -> tuple[np.ndarray, np.ndarray]:
    return _blobs(5)


@pytest.fixture(scope="module")
def fitted(five_blobs: tuple[np.ndarray, np.ndarray]) -> PersonaModel:
    return PersonaModel(n_bootstrap=4, random_state=0).fit(five_blobs[0])


@parametrize_with_checks([PersonaModel(n_bootstrap=2, n_null=1, k_range=(2, 4), random_state=0)])
def test_it_is_a_scikit_learn_estimator(estimator: PersonaModel, check: object) -> None:
    check(estimator)  # type: ignore[operator]


def test_k_is_chosen_by_validation_and_every_figure_is_kept(
    five_blobs: tuple[np.ndarray, np.ndarray], fitted: PersonaModel
) -> None:
    features, truth = five_blobs

    assert fitted.n_personas_ == 5
    assert adjusted_rand_score(truth, fitted.labels_) > 0.9
    table = fitted.validation_frame()
    assert list(table["k"]) == list(range(2, 11))
    assert table["chosen"].sum() == 1
    assert {"silhouette", "davies_bouldin", "stability"} <= set(table.columns)
    assert table.loc[table["chosen"], "stability"].item() > 0.9


def test_three_clear_groups_beat_the_preferred_five() -> None:
    features, truth = _blobs(3, seed=4)

    model = PersonaModel(n_bootstrap=3, random_state=0).fit(features)

    assert model.n_personas_ == 3
    assert adjusted_rand_score(truth, model.labels_) > 0.9


def test_preferred_k_wins_a_near_tie() -> None:
    model = PersonaModel(preferred_k=4, tolerance=1.0, min_stability=0.0)
    table = [
        {"k": k, "silhouette": 0.5, "silhouette_gap": 0.2 - 0.01 * k, "davies_bouldin": 1.0}
        | {"stability": 1.0}
        for k in range(2, 7)
    ]

    assert model._choose(table)["k"] == 4


def test_an_unstable_k_is_passed_over_for_a_stable_one() -> None:
    model = PersonaModel(preferred_k=9, tolerance=0.0)
    table = [
        {
            "k": 3,
            "silhouette": 0.4,
            "silhouette_gap": 0.1,
            "davies_bouldin": 1.0,
            "stability": 0.95,
        },
        {"k": 4, "silhouette": 0.6, "silhouette_gap": 0.3, "davies_bouldin": 0.5, "stability": 0.3},
    ]

    assert model._choose(table)["k"] == 3


def test_a_fixed_number_of_personas_skips_the_search(
    five_blobs: tuple[np.ndarray, np.ndarray],
) -> None:
    model = PersonaModel(n_personas=3, n_bootstrap=0, random_state=0).fit(five_blobs[0])

    assert model.n_personas_ == 3
    assert len(model.validation_) == 1


@pytest.mark.parametrize(
    "clusterer", ["gmm", "hdbscan", AgglomerativeClustering(linkage="ward")], ids=str
)
def test_clusterers_are_swappable(
    five_blobs: tuple[np.ndarray, np.ndarray], clusterer: object
) -> None:
    features, truth = five_blobs

    model = PersonaModel(clusterer=clusterer, n_bootstrap=2, random_state=0).fit(features)

    assert adjusted_rand_score(truth, model.labels_) > 0.8
    assert np.allclose(model.predict_proba(features).sum(axis=1), 1.0)


def test_the_reducer_is_swappable(five_blobs: tuple[np.ndarray, np.ndarray]) -> None:
    model = PersonaModel(reducer=TruncatedSVD(n_components=4), n_bootstrap=0, random_state=0)

    model.fit(five_blobs[0])

    assert model.reduce(five_blobs[0]).shape == (200, 4)


def test_clear_members_are_confident_and_outsiders_are_misfits(
    five_blobs: tuple[np.ndarray, np.ndarray], fitted: PersonaModel
) -> None:
    features, _ = five_blobs
    confidence = fitted.confidence(features)
    far_away = np.full((1, features.shape[1]), 1e3)

    assert np.median(confidence) > 0.95
    assert fitted.confidence(far_away)[0] < 0.05
    assert fitted.is_misfit(far_away)[0]
    assert fitted.predict(features).tolist() == fitted.labels_.tolist()


def test_every_customer_gets_map_coordinates(
    five_blobs: tuple[np.ndarray, np.ndarray], fitted: PersonaModel
) -> None:
    assert fitted.coordinates_.shape == (200, 2)
    assert np.isfinite(fitted.coordinates_).all()
    assert np.allclose(fitted.map_coordinates(five_blobs[0][:5]), fitted.coordinates_[:5])


def test_refitting_a_clone_gives_the_same_personas(
    five_blobs: tuple[np.ndarray, np.ndarray], fitted: PersonaModel
) -> None:
    again = clone(fitted).fit(five_blobs[0])

    assert again.labels_.tolist() == fitted.labels_.tolist()


@pytest.mark.parametrize("spread", [3.5, 6.0, 8.0])
def test_confidence_is_no_surer_than_refits_are(spread: float) -> None:
    features, _ = make_blobs(
        n_samples=250, centers=5, n_features=12, cluster_std=spread, random_state=3
    )

    model = PersonaModel(random_state=0).fit(features)
    confidence = model.confidence(features)

    assert model.agreement_ is not None
    never_moved = float(np.mean(model.agreement_ == 1))
    assert float(np.mean(confidence >= 0.99)) <= never_moved
    assert np.corrcoef(confidence, model.agreement_)[0, 1] > 0.4


def test_a_customer_missing_a_value_every_training_customer_had_is_still_placed() -> None:
    rng = np.random.default_rng(3)
    book = pd.DataFrame(
        np.vstack([rng.normal(0, 1, (20, 3)), rng.normal(5, 1, (20, 3))]),
        columns=["a", "b", "c"],
    )
    model = PersonaModel(n_personas=2, random_state=0).fit(book)
    newcomer = pd.DataFrame([[5.0, np.nan, 5.0]], columns=["a", "b", "c"])

    assert model.predict(newcomer)[0] == model.predict(book.iloc[[25]])[0]
