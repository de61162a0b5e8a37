"""The account facts of a persona's members, so a simulated customer speaks about a real account."""

from collections import defaultdict
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.chat.facts import account_facts
from cspersona.customers.models import Customer, UsageDaily
from cspersona.personas.models import PersonaMapping

# "People who actually use it": the most active users on one day in the account's last month.
RECENT_DAYS = 30


def member_accounts(*, db_session: Session, persona_id: int) -> list[dict[str, str]]:
    """Per member customer: what it pays a year, how many people use it, when it renews."""
    members = select(PersonaMapping.customer_id).where(PersonaMapping.persona_id == persona_id)
    usage: dict[int, list[tuple[date, int]]] = defaultdict(list)
    for customer_id, day, users in db_session.execute(
        select(UsageDaily.customer_id, UsageDaily.day, UsageDaily.active_users).where(
            UsageDaily.customer_id.in_(members)
        )
    ):
        usage[customer_id].append((day, users))
    accounts = []
    for customer in db_session.scalars(
        select(Customer).where(Customer.id.in_(members)).order_by(Customer.id)
    ):
        facts = account_facts(
            annual_price=customer.arr,
            active_users=_recent_peak(usage.get(customer.id, [])),
            renewal=customer.renewal_date,
        )
        if facts:
            accounts.append(facts)
    return accounts


def _recent_peak(days: list[tuple[date, int]]) -> int | None:
    """The most active users on one day in the last ``RECENT_DAYS`` of the account's usage."""
    if not days:
        return None
    since = max(day for day, _ in days) - timedelta(days=RECENT_DAYS)
    return max(users for day, users in days if day > since) or None
