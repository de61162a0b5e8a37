"""The product churn model on a small synthetic world: honest, monotone, better than usage alone."""

from datetime import timedelta

import numpy as np
import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from cspersona.analytics.features import customer_features
from cspersona.conversations.models import Interaction, Message
from cspersona.customers.models import Customer, LifecycleEvent, NpsResponse, UsageDaily
from cspersona.predict.product import (
    PRODUCT_REPLICATES,
    evaluate_held_out,
    fit_product_model,
    known_directions,
    predict_snapshots,
)
from cspersona.predict.training_set import CENSORED, as_at_cutoff
from tests.conftest import rolled_back_session
from tests.predict.conftest import ChurnWorld

USAGE_TREND_ONLY = ["usage_trend_30d", "usage_trend_60d", "usage_trend_90d"]


def test_snapshot_features_do_not_change_when_the_future_is_deleted(
    churn_world: ChurnWorld,
) -> None:
    """No look-ahead: a cutoff's rows are the same once every later row is gone."""
    training = churn_world.training
    cutoff = sorted(set(training.cutoffs))[len(set(training.cutoffs)) // 2]
    rows = np.array([moment == cutoff for moment in training.cutoffs])
    expected = training.features[rows].set_axis(training.customer_ids[rows])
    with rolled_back_session(churn_world.engine) as db_session:
        _delete_from(db_session, cutoff)
        contract_starts = dict(
            db_session.execute(select(Customer.id, Customer.contract_start)).all()
        )
        again = as_at_cutoff(
            customer_features(db_session=db_session, as_of=cutoff), cutoff, contract_starts
        )
    again = again.loc[expected.index, expected.columns]
    pd.testing.assert_frame_equal(again, expected, check_dtype=False, check_names=False)


def _delete_from(db_session: Session, cutoff: object) -> None:
    """Every usage day, message, conversation, NPS answer and contract event from ``cutoff`` on."""
    db_session.execute(delete(Message).where(Message.sent_at >= cutoff))
    db_session.execute(delete(Interaction).where(Interaction.started_at >= cutoff))
    db_session.execute(delete(UsageDaily).where(UsageDaily.day >= cutoff.date()))  # type: ignore[attr-defined]
    db_session.execute(delete(NpsResponse).where(NpsResponse.answered_at >= cutoff))
    db_session.execute(delete(LifecycleEvent).where(LifecycleEvent.at >= cutoff))


def test_labels_are_censored_where_the_world_ends_too_soon(churn_world: ChurnWorld) -> None:
    """Snapshots in the last 90 days without a churn are unknown at 90 days, known at 30."""
    training = churn_world.training
    last = max(training.cutoffs)
    late = np.array([moment > last - timedelta(days=60) for moment in training.cutoffs])
    stayed = training.churned == 0
    assert (training.labels(90)[late & stayed] == CENSORED).all()
    assert (training.labels(30)[late & stayed] == 0).all()
    assert (training.labels(90)[training.churned == 1] == 1).all()


def test_held_out_customers_rank_better_than_the_usage_trend_alone(
    churn_world: ChurnWorld,
) -> None:
    """A looser bar than the benchmark on ~75 customers: 90-day ROC-AUC >= 0.75, above usage."""
    training = churn_world.training
    model = evaluate_held_out(training, folds=3, learner="linear")
    baseline = evaluate_held_out(training, folds=3, learner="linear", columns=USAGE_TREND_ONLY)
    assert model["90d"]["roc_auc"] >= 0.75
    assert model["90d"]["roc_auc"] >= baseline["90d"]["roc_auc"] + 0.03
    assert model["90d"]["brier"] <= baseline["90d"]["brier"]


def test_probabilities_rise_with_the_horizon_for_every_customer(churn_world: ChurnWorld) -> None:
    """p30 <= p60 <= p90 per customer, and the model reports its snapshots and cutoffs."""
    training = churn_world.training
    model = fit_product_model(training, uncertainty="none")
    # auto counts churned customers (a dozen), not churned snapshots: the small-book learner.
    assert model.estimator.learner_name_ == "linear"
    probability = predict_snapshots(model, training.features, [30, 60, 90])
    assert (np.diff(probability, axis=1) >= -1e-12).all()
    summary = model.estimator.summary_
    assert summary["snapshots"] == len(training.churned)
    assert summary["cutoffs"] == len(set(training.cutoffs))
    assert "arr" not in model.estimator.schema_.feature_columns


def test_known_directions_hold_and_intervals_hold_the_estimate(churn_world: ChurnWorld) -> None:
    """No driver contradicts common sense; a small book gets an interval around every estimate."""
    training = churn_world.training
    model = fit_product_model(training)
    estimator = model.estimator
    frame = training.features
    elapsed = np.zeros(len(frame))

    contributions = estimator.contributions(frame, elapsed_days=elapsed)
    typed = estimator.schema_.transform(frame)
    known = known_directions(estimator.schema_.numeric_columns_)
    assert {"usage_trend_30d", "champion_quiet_days"} <= set(known)
    for column, direction in known.items():
        values = typed[column].to_numpy(dtype=np.float64)
        seen = ~np.isnan(values)
        order = np.argsort(values[seen], kind="stable")
        pushes = contributions[column].to_numpy()[seen][order]
        # More of a feature that raises risk never pushes less (and the reverse for "lowers").
        assert (direction * np.diff(pushes) >= -1e-9).all(), column

    prediction = estimator.predict_churn(frame, horizons_days=[30, 60, 90], elapsed_days=elapsed)
    assert prediction.low is not None and prediction.high is not None
    assert (prediction.low <= prediction.probability).all()
    assert (prediction.probability <= prediction.high).all()
    assert (prediction.high - prediction.low).mean() > 0.001
    # Whole customers are resampled: the book's size is its churned customers, not snapshots.
    assert estimator.summary_["small_book"] and len(estimator.replicates_) == PRODUCT_REPLICATES
