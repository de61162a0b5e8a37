import pytest

from cspersona.auth.models import Role
from cspersona.auth.policy import Permission, Principal, require
from cspersona.exceptions import Forbidden


def _principal(role: Role, csm_owner: str | None = None, user_id: int = 1) -> Principal:
    return Principal(user_id=user_id, user_name="u", role=role, csm_owner=csm_owner, key_id=1)


@pytest.mark.parametrize(
    ("role", "granted"),
    [
        (Role.ADMIN, set(Permission)),
        (
            Role.ANALYST,
            {
                Permission.READ,
                Permission.RUN_JOBS,
                Permission.GIVE_FEEDBACK,
                Permission.MANAGE_SCENARIOS,
                Permission.EDIT_PERSONAS,
                Permission.MANAGE_PLAYBOOKS,
                Permission.WORK_TASKS,
            },
        ),
        (Role.CSM, {Permission.READ, Permission.GIVE_FEEDBACK, Permission.WORK_TASKS}),
        (Role.VIEWER, {Permission.READ}),
    ],
)
def test_what_each_role_may_do(role: Role, granted: set[Permission]) -> None:
    principal = _principal(role, "Dana Scully" if role is Role.CSM else None)

    assert {permission for permission in Permission if principal.can(permission)} == granted
    for permission in set(Permission) - granted:
        with pytest.raises(Forbidden, match=f"role {role} may not"):
            require(principal, permission)
