"""Stored custom scenarios beside the built-in ones: one catalogue, names unique across both."""

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.chat import scenario_store
from cspersona.chat.models import ChatScenario
from cspersona.chat.scenarios import builtin_scenarios, parse_scenario
from cspersona.exceptions import Conflict, NotFound
from tests.chat.test_scenarios import PRICE_RISE


def test_a_stored_scenario_joins_the_built_in_ones(db_session: Session) -> None:
    scenario = parse_scenario(PRICE_RISE)

    scenario_store.create_scenario(db_session=db_session, scenario=scenario, user_id=None)

    names = [item.name for item in scenario_store.list_scenarios(db_session=db_session)]
    assert names == [*builtin_scenarios(), "price-rise"]
    assert scenario_store.get_scenario(db_session=db_session, name="price-rise") == scenario
    assert scenario_store.is_custom("price-rise") and not scenario_store.is_custom("onboarding")


def test_a_stored_scenario_cannot_take_a_built_in_or_taken_name(db_session: Session) -> None:
    scenario = parse_scenario(PRICE_RISE)
    scenario_store.create_scenario(db_session=db_session, scenario=scenario, user_id=None)

    with pytest.raises(Conflict, match="'onboarding' is built in"):
        scenario_store.create_scenario(
            db_session=db_session,
            scenario=scenario.model_copy(update={"name": "onboarding"}),
            user_id=None,
        )
    with pytest.raises(Conflict, match="'price-rise' already exists"):
        scenario_store.create_scenario(db_session=db_session, scenario=scenario, user_id=None)
    # The refused insert rolled back only its savepoint: the first one is still there.
    assert db_session.scalars(select(ChatScenario.name)).all() == ["price-rise"]


def test_deleting_removes_a_stored_scenario_only(db_session: Session) -> None:
    scenario_store.create_scenario(
        db_session=db_session, scenario=parse_scenario(PRICE_RISE), user_id=None
    )

    scenario_store.delete_scenario(db_session=db_session, name="price-rise")

    with pytest.raises(NotFound, match="'price-rise' not found; known: churn-prevention"):
        scenario_store.get_scenario(db_session=db_session, name="price-rise")
    with pytest.raises(NotFound):
        scenario_store.delete_scenario(db_session=db_session, name="price-rise")
    with pytest.raises(Conflict, match="built in and cannot be deleted"):
        scenario_store.delete_scenario(db_session=db_session, name="onboarding")
