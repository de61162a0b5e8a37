import numpy as np
import pytest

from cspersona.exceptions import BadInput
from cspersona.predict.classifier import ChurnClassifier
from cspersona.predict.evaluation import cross_validate
from tests.predict.factories import customer_table


def test_cross_validation_averages_held_out_metrics_over_folds() -> None:
    table = customer_table(300, seed=12)
    churned = (table["churned"] == "Yes").to_numpy(dtype=int)
    folds_done = []

    metrics = cross_validate(
        ChurnClassifier(learner="linear"),
        table.drop(columns=["churned", "tenure_months"]),
        churned,
        churned,
        folds=3,
        on_fold=lambda: folds_done.append(1),
    )

    assert len(folds_done) == 3
    assert metrics["churn"]["rows"] == 300
    assert 0.7 < metrics["churn"]["roc_auc"] <= 1
    assert metrics["churn"]["roc_auc_std"] >= 0
    assert set(metrics["churn"]) >= {"pr_auc", "brier", "calibration_error"}


@pytest.mark.parametrize("folds", [1, 5])
def test_folds_must_fit_the_rarer_class(folds: int) -> None:
    churned = np.array([1, 1, 1, 0, 0, 0, 0, 0])

    with pytest.raises(BadInput, match=r"--cv \d+: use between 2 and 3 folds"):
        cross_validate(ChurnClassifier(), customer_table(8).head(8), churned, churned, folds=folds)
