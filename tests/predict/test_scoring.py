"""Scoring a book: churn_scores per horizon with drivers and interventions, expansion_scores."""

import math
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cspersona.cli import app
from cspersona.config import load_settings
from cspersona.customers.models import LifecycleEvent, LifecycleKind
from cspersona.predict import scoring
from cspersona.predict.artifact import register_model
from cspersona.predict.interventions import Action
from cspersona.predict.models import ChurnScore, ExpansionScore
from cspersona.predict.product import fit_product_model
from cspersona.registry import service as registry
from tests.conftest import rolled_back_session
from tests.predict.conftest import ChurnWorld


def test_scoring_writes_every_active_customer_for_each_horizon(
    churn_world: ChurnWorld, tmp_path: Path
) -> None:
    """Three monotone scores per active customer, explained; the at-risk ones get actions."""
    settings = load_settings(data_dir=tmp_path)
    with rolled_back_session(churn_world.engine) as db_session:
        # Register models trained on the shared snapshots, as `churn fit` would.
        model = fit_product_model(churn_world.training, learner="linear")
        register_model(db_session=db_session, data_dir=tmp_path, model=model)
        scoring.fit_and_register_expansion(
            db_session=db_session, settings=settings, training=churn_world.training
        )
        scored = scoring.score_customers(db_session=db_session, settings=settings)
        churned = set(
            db_session.scalars(
                select(LifecycleEvent.customer_id).where(
                    LifecycleEvent.kind == LifecycleKind.CHURNED
                )
            )
        )
        scores = db_session.scalars(select(ChurnScore)).all()
        kinds = {model.kind for model in registry.get_all(db_session=db_session)}
        expansion_count = db_session.scalar(select(func.count()).select_from(ExpansionScore))
        expansions = db_session.scalars(select(ExpansionScore)).all()
        # A second run reuses the registered model and replaces the scores.
        assert scoring.score_customers(db_session=db_session, settings=settings) == scored
        assert db_session.scalar(select(func.count()).select_from(ChurnScore)) == 3 * scored
    assert kinds == {"churn", "expansion"}
    assert len(scores) == 3 * scored and scored == len(churn_world.customers) - len(churned)
    assert not churned & {score.customer_id for score in scores}
    by_customer: dict[int, dict[int, float]] = {}
    for score in scores:
        by_customer.setdefault(score.customer_id, {})[score.horizon_days] = score.probability
    for probabilities in by_customer.values():
        assert probabilities[30] <= probabilities[60] <= probabilities[90]
    # A small book: every score has its bootstrap interval, around the estimate.
    assert all(
        score.probability_low is not None
        and score.probability_high is not None
        and score.probability_low <= score.probability <= score.probability_high
        for score in scores
    )
    assert all(score.drivers and score.drivers[0]["phrase"] for score in scores)
    at_risk = [score for score in scores if score.interventions]
    assert at_risk, "some customer of the book should be at risk"
    long_term = [score for score in scores if score.horizon_days == 90]
    high = {score.customer_id for score in long_term if score.risk_tier == "high"}
    assert len(high) >= math.ceil(0.1 * scored)  # at least the riskiest tenth of the book
    assert high <= {score.customer_id for score in at_risk}
    riskiest = max(long_term, key=lambda score: score.probability)
    assert riskiest.risk_tier == "high" and (riskiest.times_book_average or 0) > 1
    assert {score.risk_tier for score in scores} <= {"high", "elevated", "normal"}
    actions = {item["action"] for score in at_risk for item in score.interventions}
    assert actions <= {action.value for action in Action}
    assert all(item["reason"].startswith("because ") for s in at_risk for item in s.interventions)
    assert expansion_count == scored
    assert all(
        0 <= item.likelihood <= 1 and item.timing["when"] in ("now", "wait") for item in expansions
    )
    assert any(item.next_features for item in expansions)


def test_churn_fit_without_a_table_needs_a_database() -> None:
    """No configured database: one line saying so, exit code 2."""
    result = CliRunner().invoke(app, ["churn", "fit"])
    assert result.exit_code == 2
    assert "needs a migrated database" in result.output


@pytest.mark.parametrize("command", [["churn", "fit", "--table", "x.csv"], ["churn", "score"]])
def test_bad_product_invocations_fail_in_one_line(command: list[str]) -> None:
    """--table without --label, or scoring without a database: exit code 2."""
    result = CliRunner().invoke(app, command)
    assert result.exit_code == 2
    assert len(result.output.strip().splitlines()) == 1
