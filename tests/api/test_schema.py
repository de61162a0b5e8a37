"""Schemathesis over the OpenAPI schema: no 5xx, and only documented responses.

Generated requests, valid and invalid, go with an admin key to the app on the test database;
one test per operation. Invalid requests may be accepted: FastAPI ignores query parameters it
does not know, which OpenAPI cannot forbid, so schemathesis' ``negative_data_rejection`` check is
left out. Routes that take an uploaded file answer 400 for content no schema can describe (an
empty or unreadable file), and playbook bodies carry Jinja templates, persona ids and orderings
that are checked against the template language and the database (answering 400 or 422 in
words), so ``positive_data_acceptance`` is left out for those operations only; every other
default check runs, the 5xx check included. (schemathesis' own ``from_fixture`` does not run under
pytest 9, so each test draws its cases with Hypothesis from the operation's strategies.)
"""

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode, checks
from sqlalchemy.orm import Session

from cspersona.api.app import create_app
from cspersona.auth.models import Role
from cspersona.config import load_settings
from tests.conftest import add_user_with_key, bearer
from tests.factories import add_book, add_interaction

EXAMPLES_PER_OPERATION = 25
# Operations whose bodies are validated by content, which OpenAPI cannot express: file uploads,
# and playbooks (templates must parse, personas exist, steps come in order of their due days).
CONTENT_CHECKED_OPERATIONS = {
    "POST /api/ingest",
    "POST /api/playbooks",
    "PUT /api/playbooks/{playbook_id}",
}


def _labels() -> list[str]:
    app = create_app(load_settings(database_url="sqlite://"))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    return sorted(result.ok().label for result in schema.get_all_operations())


@pytest.mark.parametrize("label", _labels())
def test_generated_requests_get_no_5xx_and_documented_responses(
    app: FastAPI, db_session: Session, label: str
) -> None:
    for customer in add_book(db_session).values():
        add_interaction(db_session, customer)
    headers = bearer(
        add_user_with_key(db_session, secret_key=app.state.settings.secret_key, role=Role.ADMIN)
    )
    operation = schemathesis.openapi.from_asgi("/openapi.json", app).find_operation_by_label(label)
    assert operation is not None

    excluded = [checks.negative_data_rejection]
    if label in CONTENT_CHECKED_OPERATIONS:
        excluded.append(checks.positive_data_acceptance)
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )

    @given(case=cases)
    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    check()
