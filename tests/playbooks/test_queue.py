"""The work queue: only the caller's book, soonest first, then riskiest; one task by id."""

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from cspersona.exceptions import NotFound
from cspersona.playbooks.enrolment import enter
from cspersona.playbooks.queue import get_task, queue
from tests.factories import ADMIN, CSM, add_churn_score, add_customer, add_playbook

AT = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_a_csm_sees_only_their_book_soonest_then_riskiest_first(db_session: Session) -> None:
    playbook = add_playbook(db_session)
    calm = add_customer(db_session, "Calm Co", csm_owner="Dana Scully")
    risky = add_customer(db_session, "Risky Co", csm_owner="Dana Scully")
    other = add_customer(db_session, "Other Book Co", csm_owner="Fox Mulder")
    add_churn_score(db_session, calm, 0.1, risk_tier="normal")
    add_churn_score(db_session, risky, 0.7, risk_tier="high")
    for customer in (calm, risky, other):
        enter(db_session, playbook=playbook, customer=customer, reason="manual", detail="", at=AT)

    mine = queue(db_session, visible_to=CSM)

    assert [(row.customer.company_name, row.task.due_on) for row in mine] == [
        ("Risky Co", date(2025, 3, 3)),
        ("Calm Co", date(2025, 3, 3)),
        ("Risky Co", date(2025, 3, 10)),
        ("Calm Co", date(2025, 3, 10)),
    ]
    assert mine[0].overdue(date(2025, 3, 4)) and not mine[2].overdue(date(2025, 3, 4))
    assert len(queue(db_session, visible_to=ADMIN)) == 6
    other_task = next(
        row.task for row in queue(db_session, visible_to=ADMIN) if row.customer.id == other.id
    )
    with pytest.raises(NotFound, match=f"task {other_task.id} does not exist"):
        get_task(db_session, task_id=other_task.id, visible_to=CSM)
    assert get_task(db_session, task_id=other_task.id, visible_to=ADMIN) is other_task
