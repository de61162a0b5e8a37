import numpy as np
import pandas as pd
import pytest

from cspersona.predict.calibration import UNLABELLED, CalibratedLearner, ScoreCalibrator
from cspersona.predict.learners import SplineLogisticRegression
from cspersona.predict.metrics import calibration_error


@pytest.mark.parametrize("method", ["sigmoid", "isotonic"])
def test_calibrators_map_overconfident_scores_to_observed_rates(method: str) -> None:
    generator = np.random.default_rng(0)
    true_log_odds = generator.normal(-1, 1, 5000)
    churned = (generator.random(5000) < 1 / (1 + np.exp(-true_log_odds))).astype(int)
    overconfident = 3 * true_log_odds  # a learner that is right on ranking, wrong on scale

    calibrated = ScoreCalibrator(method).fit(overconfident, churned).predict(overconfident)

    raw = 1 / (1 + np.exp(-overconfident))
    assert calibration_error(churned, calibrated) < 0.03 < calibration_error(churned, raw)


def test_an_unknown_calibration_is_named() -> None:
    with pytest.raises(ValueError, match="unknown calibration 'beta'"):
        ScoreCalibrator("beta").fit(np.zeros(4), np.array([0, 1, 0, 1]))


def _frame(rows: int, seed: int) -> tuple[pd.DataFrame, np.ndarray]:
    generator = np.random.default_rng(seed)
    signal = generator.normal(size=rows)
    churned = (generator.random(rows) < 1 / (1 + np.exp(-2 * signal))).astype(int)
    return pd.DataFrame({"signal": signal, "noise": generator.normal(size=rows)}), churned


def test_held_out_probabilities_come_from_models_that_did_not_see_the_row() -> None:
    frame, churned = _frame(400, 0)
    # Pure noise: any learner that saw a row would fit it; held-out scores cannot.
    noise = np.random.default_rng(1).integers(0, 2, 400)

    held_out = CalibratedLearner(SplineLogisticRegression(C=1e4, n_knots=8)).fit_held_out(
        frame, noise
    )

    assert abs(np.corrcoef(held_out, noise)[0, 1]) < 0.15


def test_unlabelled_rows_are_scored_but_not_learned_from() -> None:
    frame, churned = _frame(300, 2)
    labels = churned.copy()
    labels[:50] = UNLABELLED
    flipped = frame.copy()
    flipped.loc[:49, "signal"] *= -1  # would change the fit if these rows were learned from

    first = CalibratedLearner(SplineLogisticRegression()).fit(frame, labels)
    second = CalibratedLearner(SplineLogisticRegression()).fit(flipped, labels)

    np.testing.assert_allclose(first.predict_proba(frame), second.predict_proba(frame))


def test_folds_keep_a_group_together() -> None:
    frame, churned = _frame(300, 3)
    groups = np.repeat(np.arange(60), 5)
    learner = CalibratedLearner(SplineLogisticRegression(), cv=4)

    for train, test in learner._folds(churned, groups):
        assert not set(groups[train]) & set(groups[test])


def test_folds_shrink_to_what_the_rarer_class_allows() -> None:
    frame, _ = _frame(40, 4)
    churned = np.zeros(40, dtype=int)
    churned[:3] = 1

    folds = CalibratedLearner(SplineLogisticRegression(), cv=5)._folds(churned, None)

    assert len(folds) == 3
