import pytest

from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.exceptions import NotFound
from cspersona.jobs.access import authorize_job
from cspersona.jobs.models import Job


def _principal(role: Role, csm_owner: str | None = None, user_id: int = 1) -> Principal:
    return Principal(user_id=user_id, user_name="u", role=role, csm_owner=csm_owner, key_id=1)


def test_a_csm_sees_only_the_jobs_they_started() -> None:
    own, other = Job(id=1, created_by_id=7), Job(id=2, created_by_id=8)

    assert authorize_job(_principal(Role.CSM, "X", user_id=7), own) is own
    assert authorize_job(_principal(Role.VIEWER, user_id=7), other) is other
    with pytest.raises(NotFound, match="job 2 does not exist"):
        authorize_job(_principal(Role.CSM, "X", user_id=7), other)
