from datetime import UTC, date, datetime

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer, LifecycleEvent, LifecycleKind
from cspersona.customers.schemas import CustomerStatus
from cspersona.customers.status import data_as_of, status_is, statuses
from tests.factories import add_customer, add_usage_days

DATA_END = date(2025, 6, 30)  # the data's own "now", a long way before the wall clock


def _book(db_session: Session) -> dict[str, int]:
    gone = add_customer(db_session, "Gone Ltd", renewal_date=date(2025, 7, 15))
    renewing = add_customer(db_session, "Renewing Co", renewal_date=date(2025, 7, 20))
    steady = add_customer(db_session, "Steady Inc", renewal_date=date(2026, 3, 1))
    add_usage_days(db_session, steady, first_day=date(2025, 6, 1), events=[5] * 30)
    db_session.add(
        LifecycleEvent(
            customer_id=gone.id, kind=LifecycleKind.CHURNED, at=datetime(2025, 5, 2, tzinfo=UTC)
        )
    )
    db_session.flush()
    return {"gone": gone.id, "renewing": renewing.id, "steady": steady.id}


def test_status_is_measured_against_the_data_s_latest_day(db_session: Session) -> None:
    ids = _book(db_session)
    customers = [db_session.get_one(Customer, customer_id) for customer_id in ids.values()]

    found = statuses(db_session=db_session, customers=customers)

    assert data_as_of(db_session) == DATA_END
    assert found[ids["gone"]].status is CustomerStatus.CHURNED
    assert found[ids["gone"]].churned_on == date(2025, 5, 2)
    assert found[ids["renewing"]].status is CustomerStatus.RENEWING
    assert found[ids["renewing"]].renewal_in_days == 20
    assert found[ids["steady"]].status is CustomerStatus.ACTIVE


def test_the_api_gives_every_customer_its_status(db_session: Session, client: TestClient) -> None:
    ids = _book(db_session)

    listed = {item["id"]: item["status"] for item in client.get("/api/customers").json()["items"]}
    one = client.get(f"/api/customers/{ids['gone']}").json()

    assert listed[ids["renewing"]] == {
        "status": "renewing soon",
        "churned_on": None,
        "renewal_in_days": 20,
        "as_of": "2025-06-30",
    }
    assert one["status"]["status"] == "churned" and one["status"]["churned_on"] == "2025-05-02"


def test_the_data_s_latest_day_follows_an_import(db_session: Session) -> None:
    _book(db_session)
    assert data_as_of(db_session) == DATA_END

    later = add_customer(db_session, "Later Ltd")
    add_usage_days(db_session, later, first_day=date(2025, 7, 1), events=[3] * 10)

    assert data_as_of(db_session) == date(2025, 7, 10)


@pytest.mark.parametrize("status", list(CustomerStatus))
def test_the_sql_status_agrees_with_the_status_shown(
    db_session: Session, status: CustomerStatus
) -> None:
    ids = _book(db_session)
    customers = [db_session.get_one(Customer, customer_id) for customer_id in ids.values()]
    shown = statuses(db_session=db_session, customers=customers)

    matching = db_session.scalars(
        select(Customer.id).where(Customer.id.in_(ids.values()), status_is(status, DATA_END))
    )

    assert set(matching) == {id_ for id_, found in shown.items() if found.status is status}
