"""One pass: generated playbooks from the personas, then triggers on the playbooks' clock."""

from datetime import UTC, date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.playbooks.clock import work_clock, work_day
from cspersona.playbooks.context import current_persona
from cspersona.playbooks.cycle import run_cycle
from cspersona.playbooks.models import Enrolment, Playbook, Task
from cspersona.predict.models import ChurnScore
from tests.factories import add_book, add_nps, add_stage_results


def test_a_first_pass_writes_playbooks_and_enters_the_customers_already_at_high_risk(
    db_session: Session,
) -> None:
    book = add_book(db_session)
    add_stage_results(db_session, book)
    settings = load_settings(database_url="sqlite://", _env_file=None)
    run_cycle(db_session, settings=settings, by="pipeline")  # playbooks, and tiers as a base
    served = {
        persona_id for ids in db_session.scalars(select(Playbook.persona_ids)) for persona_id in ids
    }
    at_risk = next(
        c for c in book.values() if (p := current_persona(db_session, c.id)) and p.id in served
    )
    db_session.execute(
        update(ChurnScore).where(ChurnScore.customer_id == at_risk.id).values(risk_tier="high")
    )
    add_nps(db_session, at_risk, 3, answered_at=datetime(2025, 6, 30, tzinfo=UTC))

    second = run_cycle(db_session, settings=settings, by="pipeline")
    third = run_cycle(db_session, settings=settings, by="pipeline")

    entered = db_session.scalars(select(Enrolment)).all()
    assert [(e.customer_id, e.reason) for e in entered] == [(at_risk.id, "risk_tier_rises")]
    assert entered[0].entered_at == work_clock(db_session)
    assert work_day(db_session) == date(2025, 6, 30), "the data's latest day, not the wall clock"
    assert min(task.due_on for task in db_session.scalars(select(Task))) == date(2025, 6, 30)
    assert second.triggered.words().startswith("1 customer entered playbooks with")
    assert third.generation_words() is None, "a rerun on unchanged evidence rewrites nothing"
    assert third.triggered.entered == 0 and third.triggered.updated == 0
