"""A template's context: register from the persona, the top driver without its effect."""

from datetime import date

from sqlalchemy.orm import Session

from cspersona.playbooks.context import message_context
from tests.factories import add_churn_score, add_contacts, add_customer, add_persona


def test_the_context_greets_by_register_and_states_the_top_driver_plainly(
    db_session: Session,
) -> None:
    customer = add_customer(
        db_session, "Acme", arr=24_000.0, renewal_date=date(2025, 4, 1), csm_owner="Dana Scully"
    )
    add_contacts(db_session, customer, 1)
    persona = add_persona(db_session, [customer])
    persona.communication_style = {
        "formality": {"title": "Formality", "value": "casual", "score": -0.8},
        "technical_level": {"title": "Technical level", "value": "technical", "score": 0.6},
    }
    add_churn_score(
        db_session,
        customer,
        0.6,
        risk_tier="high",
        drivers=[
            {
                "column": "usage_trend_60d",
                "value": -0.2,
                "contribution": 0.9,
                "phrase": "product usage down 20% over the last 60 days: "
                "strongly raises churn risk",
            }
        ],
    )

    context = message_context(db_session, customer, today=date(2025, 3, 2))

    assert context["greeting"] == "Hi Contact,"
    assert (context["formal"], context["technical"]) == (False, True)
    assert context["top_driver"] == "product usage down 20% over the last 60 days"
    assert (context["arr"], context["renewal_date"], context["days_to_renewal"]) == (
        "$24,000",
        "1 April 2025",
        30,
    )
