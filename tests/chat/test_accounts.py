"""Member accounts: the facts a simulated customer speaks about come from real account records."""

from datetime import date

from sqlalchemy.orm import Session

from cspersona.chat.accounts import member_accounts
from tests.factories import add_customer, add_usage_days, map_customer, new_persona


def test_each_member_gives_its_price_recent_peak_of_users_and_renewal(
    db_session: Session,
) -> None:
    persona = new_persona(db_session, "Budget Keepers")
    other = new_persona(db_session, "Builders")
    paying = add_customer(db_session, "Acme", arr=52_304.0, renewal_date=date(2027, 3, 4))
    # 40 days of usage: the busiest day of the last thirty had 9 active users (events // 10);
    # a busier day before that no longer counts.
    add_usage_days(db_session, paying, first_day=date(2026, 10, 1), events=[500] + [90] * 38 + [40])
    silent = add_customer(db_session, "Quiet Ltd")
    elsewhere = add_customer(db_session, "Other Co", arr=9_000.0)
    map_customer(db_session, paying, persona, 0.9)
    map_customer(db_session, silent, persona, 0.8)
    map_customer(db_session, elsewhere, other, 0.9)

    assert member_accounts(db_session=db_session, persona_id=persona.id) == [
        {"annual_price": "$52,300", "active_users": "9", "renewal_date": "March 4"}
    ]
