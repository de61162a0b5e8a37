"""Which customers a caller may see: a filter for queries and a check for rows already read.

A CSM sees only the customers they own (``auth.policy.sees_book``); everyone else sees all.
"""

from typing import Any, TypeVar

from sqlalchemy import Select

from cspersona.auth.policy import Principal, sees_book
from cspersona.customers.models import Customer
from cspersona.exceptions import NotFound

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])


def visible_customers(statement: SelectT, principal: Principal) -> SelectT:
    """Narrow a query that involves ``customers`` to the customers the caller may see."""
    if principal.sees_all_customers:
        return statement
    return statement.where(Customer.csm_owner == principal.csm_owner)


def can_see_customer(principal: Principal, customer: Customer) -> bool:
    """Whether the caller may see this customer and everything about it."""
    return sees_book(principal, customer.csm_owner)


def authorize_customer(principal: Principal, customer: Customer) -> Customer:
    """Return the customer if the caller may see it; otherwise answer as if it did not exist.

    Not-found rather than forbidden, so a CSM cannot learn which ids belong to other books.
    """
    if not can_see_customer(principal, customer):
        raise NotFound(f"customer {customer.id} does not exist")
    return customer
