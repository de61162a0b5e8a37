"""The ``playbooks.generate`` job: generates and reports, for all personas or those named."""

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.playbooks.jobs import GenerateParams, generate_playbooks
from cspersona.playbooks.models import Playbook, PlaybookStatus
from tests.playbooks.test_generation import _world


def test_the_job_generates_active_playbooks_and_reports_them(db_session: Session) -> None:
    _, formal, _ = _world(db_session)
    seen: list[float] = []

    report = generate_playbooks.function(
        db_session=db_session,
        params=GenerateParams(persona_ids=[formal.id]),
        progress=lambda fraction, message=None: seen.append(fraction),
    )

    stored = db_session.scalars(select(Playbook).order_by(Playbook.id)).all()
    assert [item.playbook_id for item in report.playbooks] == [playbook.id for playbook in stored]
    assert [playbook.name for playbook in stored] == [
        "Process Pat: save accounts at risk",
        "Process Pat: expansion",
    ]
    assert all(playbook.status is PlaybookStatus.ACTIVE for playbook in stored)
    assert all(playbook.updated_by == "generator for job" for playbook in stored)
    assert seen[0] == 0.0 and seen[-1] == 1.0


def test_the_job_refuses_unknown_parameters() -> None:
    with pytest.raises(ValidationError):
        GenerateParams.model_validate({"persona": 3})
