"""Customer operations: plain functions on a session, no HTTP in sight."""

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.exceptions import NotFound


def get(*, db_session: Session, customer_id: int) -> Customer:
    """The customer with this id, or :class:`NotFound`."""
    customer = db_session.get(Customer, customer_id)
    if customer is None:
        raise NotFound(f"customer {customer_id} does not exist")
    return customer


def get_all(*, db_session: Session, limit: int, offset: int) -> tuple[list[Customer], int]:
    """One page of customers ordered by id, and the total count."""
    total = db_session.scalar(select(func.count()).select_from(Customer)) or 0
    page = db_session.scalars(select(Customer).order_by(Customer.id).limit(limit).offset(offset))
    return list(page), total
