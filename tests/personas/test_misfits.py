import numpy as np

from cspersona.personas.misfits import dense_misfit_groups


def test_a_tight_group_of_misfits_is_found_and_scattered_ones_are_not() -> None:
    rng = np.random.default_rng(0)
    group = rng.normal(20.0, 0.1, size=(6, 3))
    scattered = rng.uniform(-50, 50, size=(4, 3))
    others = rng.normal(0.0, 1.0, size=(30, 3))
    reduced = np.vstack([others, group, scattered])
    misfit = np.r_[np.zeros(30, bool), np.ones(10, bool)]

    groups = dense_misfit_groups(reduced, misfit, radius=1.0)

    assert [sorted(found.tolist()) for found in groups] == [list(range(30, 36))]


def test_too_few_misfits_make_no_group() -> None:
    reduced = np.zeros((10, 2))

    assert dense_misfit_groups(reduced, np.arange(10) < 3, radius=1.0) == []
