"""``/api/chat/scenarios``: the practice scenarios, and custom ones analysts add and remove."""

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Response, status

from cspersona.auth.deps import Reader, ScenarioAuthor
from cspersona.chat import scenario_store, service
from cspersona.chat.scenario_documents import SCENARIO_BODY, scenario_body
from cspersona.chat.scenarios import SCENARIO_NAME_PATTERN, Scenario
from cspersona.chat.schemas import ScenarioRead
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.http.errors import error_responses
from cspersona.personas.models import Persona

router = APIRouter(prefix="/scenarios")


def scenario_read(scenario: Scenario, persona: Persona | None) -> ScenarioRead:
    """A scenario with the persona it runs against by default."""
    return ScenarioRead(
        name=scenario.name,
        title=scenario.title,
        customer_kind=scenario.customer_kind,
        situation=scenario.situation,
        csm_goal=scenario.csm_goal,
        opening=scenario.opening,
        turn_limit=scenario.turn_limit,
        custom=scenario_store.is_custom(scenario.name),
        persona_id=persona.id if persona else None,
        persona_name=persona.name if persona else None,
    )


@router.get("", response_model=list[ScenarioRead])
def list_scenarios(
    principal: Reader, db_session: SessionDep, settings: SettingsDep
) -> list[ScenarioRead]:
    """The built-in and custom practice scenarios, each with the persona it runs against now."""
    scenarios = scenario_store.list_scenarios(db_session=db_session)
    fits = service.best_fit_personas(db_session=db_session, settings=settings, scenarios=scenarios)
    return [scenario_read(scenario, fits.get(scenario.name)) for scenario in scenarios]


@router.post(
    "",
    response_model=ScenarioRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 403, 409, 422),
    openapi_extra=SCENARIO_BODY,
)
def create_scenario(
    principal: ScenarioAuthor,
    db_session: SessionDep,
    settings: SettingsDep,
    scenario: Annotated[Scenario, Depends(scenario_body)],
) -> ScenarioRead:
    """Add a custom scenario (YAML text or a JSON object); analysts and admins only."""
    scenario_store.create_scenario(
        db_session=db_session, scenario=scenario, user_id=principal.user_id
    )
    fits = service.best_fit_personas(db_session=db_session, settings=settings, scenarios=[scenario])
    return scenario_read(scenario, fits.get(scenario.name))


ScenarioName = Annotated[
    str, Path(max_length=64, pattern=SCENARIO_NAME_PATTERN, description="The scenario's name.")
]


@router.delete(
    "/{name}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(403, 404, 409),
)
def delete_scenario(
    name: ScenarioName, principal: ScenarioAuthor, db_session: SessionDep
) -> Response:
    """Remove a custom scenario; built-in ones stay (409). Runs already played keep their cards."""
    scenario_store.delete_scenario(db_session=db_session, name=name)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
