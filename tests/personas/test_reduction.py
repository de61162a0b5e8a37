import numpy as np
import pytest
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

from cspersona.personas.reduction import NoiseFlooredPCA


def _two_traits(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Four groups from two yes/no traits: one measured by 12 columns, one by 2; 5 noise columns.

    Standardised, as the persona model scales its features before reducing them.
    """
    rng = np.random.default_rng(seed)
    loud, quiet = rng.integers(0, 2, 300), rng.integers(0, 2, 300)
    columns = [loud + rng.normal(0, 0.6, 300) for _ in range(12)]
    columns += [quiet + rng.normal(0, 0.25, 300) for _ in range(2)]
    columns += [rng.normal(0, 1, 300) for _ in range(5)]
    return StandardScaler().fit_transform(np.column_stack(columns)), loud * 2 + quiet


@parametrize_with_checks([NoiseFlooredPCA(n_shuffles=2, random_state=0)])
def test_it_is_a_scikit_learn_transformer(estimator: NoiseFlooredPCA, check: object) -> None:
    check(estimator)  # type: ignore[operator]


def test_structure_comes_out_at_unit_variance_and_noise_shrinks() -> None:
    features, _ = _two_traits()

    reducer = NoiseFlooredPCA(random_state=0).fit(features)
    variances = reducer.transform(features).var(axis=0, ddof=1)

    # The two traits are the structure; the noise columns' directions weigh less than either.
    assert reducer.n_signal_components_ == 2
    assert variances[:2] == pytest.approx([1.0, 1.0])
    assert (variances[2:] < 0.9).all()


def test_without_shuffles_every_component_is_whitened() -> None:
    features, _ = _two_traits()

    reducer = NoiseFlooredPCA(n_shuffles=0).fit(features)

    assert reducer.transform(features).var(axis=0, ddof=1) == pytest.approx(
        np.ones(reducer.n_components_)
    )
