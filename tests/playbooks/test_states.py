"""Customer states in batch, as of a date."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy.orm import Session

from cspersona.playbooks.criteria import CustomerState
from cspersona.playbooks.models import Observation
from cspersona.playbooks.states import load_source, states
from tests.factories import add_churn_score, add_customer, add_nps, add_persona, new_persona

AT = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def test_a_state_reads_contract_longest_horizon_tier_latest_nps_and_persona(
    db_session: Session,
) -> None:
    acme = add_customer(db_session, "Acme", arr=42_000.0, plan="pro", renewal_date=date(2025, 7, 2))
    add_churn_score(db_session, acme, 0.5, horizon_days=30, risk_tier="high")
    add_churn_score(db_session, acme, 0.2, horizon_days=90, risk_tier="elevated")
    add_nps(db_session, acme, 9, answered_at=AT - timedelta(days=60))
    add_nps(db_session, acme, 5, answered_at=AT - timedelta(days=5))
    persona = add_persona(db_session, [acme], name="Steady Sam")
    bare = add_customer(db_session, "Birch")

    found = states(db_session, at=AT)

    assert found[acme.id] == CustomerState(
        customer_id=acme.id,
        risk_tier="elevated",
        arr=42_000.0,
        days_to_renewal=30,
        nps=5.0,
        persona_id=persona.id,
        plan="pro",
    )
    assert found[bare.id] == CustomerState(customer_id=bare.id)


def test_a_past_state_reads_what_was_known_then(db_session: Session) -> None:
    acme = add_customer(db_session, "Acme", renewal_date=date(2025, 7, 2))
    add_churn_score(db_session, acme, 0.5, risk_tier="high")
    add_nps(db_session, acme, 9, answered_at=AT - timedelta(days=60))
    add_nps(db_session, acme, 5, answered_at=AT - timedelta(days=5))
    for days, tier in ((40, "normal"), (10, "high")):
        db_session.add(
            Observation(
                customer_id=acme.id,
                key="risk_tier",
                value=tier,
                observed_at=AT - timedelta(days=days),
            )
        )
    db_session.flush()
    source = load_source(db_session, customer_ids=[acme.id])

    month_ago = source.state(acme.id, AT - timedelta(days=30))
    long_ago = source.state(acme.id, AT - timedelta(days=100))

    assert (month_ago.risk_tier, month_ago.nps, month_ago.days_to_renewal) == ("normal", 9.0, 60)
    # Before any observation, the current score is all there is.
    assert (long_ago.risk_tier, long_ago.nps) == ("high", None)


def test_a_merged_persona_is_followed_to_the_one_it_became(db_session: Session) -> None:
    acme = add_customer(db_session, "Acme")
    old = add_persona(db_session, [acme], name="Steady Sam")
    kept = new_persona(db_session, "Calm Carla")
    old.merged_into_id = kept.id
    db_session.flush()

    assert states(db_session, at=AT, customer_ids=[acme.id])[acme.id].persona_id == kept.id
