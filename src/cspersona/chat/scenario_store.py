"""The scenarios every surface offers: the built-in ones plus those analysts stored.

Built-ins ship as files and cannot be replaced or removed; custom scenarios live in the
``chat_scenarios`` table, validated by the same ``Scenario`` model as the built-ins, so a stored
one is refused for the same faults a file would be.
"""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from cspersona.chat.models import ChatScenario
from cspersona.chat.scenarios import Scenario, builtin_scenarios
from cspersona.exceptions import Conflict, NotFound


def list_scenarios(*, db_session: Session) -> list[Scenario]:
    """The built-in scenarios, then the stored ones, each group by name."""
    stored = db_session.scalars(select(ChatScenario).order_by(ChatScenario.name))
    return [
        *builtin_scenarios().values(),
        *(Scenario.model_validate(row.document) for row in stored),
    ]


def get_scenario(*, db_session: Session, name: str) -> Scenario:
    """A built-in or stored scenario by name, or :class:`NotFound` naming the known ones."""
    builtins = builtin_scenarios()
    if name in builtins:
        return builtins[name]
    row = db_session.scalar(select(ChatScenario).where(ChatScenario.name == name))
    if row is not None:
        return Scenario.model_validate(row.document)
    known = ", ".join(scenario.name for scenario in list_scenarios(db_session=db_session))
    raise NotFound(f"scenario {name!r} not found; known: {known}")


def is_custom(name: str) -> bool:
    """Whether ``name`` is free for (or taken by) a stored scenario rather than a built-in."""
    return name not in builtin_scenarios()


def create_scenario(*, db_session: Session, scenario: Scenario, user_id: int | None) -> Scenario:
    """Store a custom scenario; a name a built-in or another stored scenario has is a conflict."""
    if not is_custom(scenario.name):
        raise Conflict(f"scenario {scenario.name!r} is built in; give yours another name")
    row = ChatScenario(
        name=scenario.name, document=scenario.model_dump(mode="json"), created_by=user_id
    )
    try:  # the unique name decides, so two analysts adding one name at once get one conflict
        with db_session.begin_nested():
            db_session.add(row)
    except IntegrityError as error:
        raise Conflict(
            f"scenario {scenario.name!r} already exists; delete it first to replace it"
        ) from error
    return scenario


def delete_scenario(*, db_session: Session, name: str) -> None:
    """Remove a stored scenario; runs already played keep their score cards."""
    if not is_custom(name):
        raise Conflict(f"scenario {name!r} is built in and cannot be deleted")
    row = db_session.scalar(select(ChatScenario).where(ChatScenario.name == name))
    if row is None:
        raise NotFound(f"custom scenario {name!r} not found")
    db_session.delete(row)
    db_session.flush()
