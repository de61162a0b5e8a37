"""Fixtures for page tests: a browser-like client logged in as a user of some role."""

from collections.abc import Callable

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from cspersona.auth.models import Role
from tests.conftest import add_user_with_key


@pytest.fixture
def browser_for(app: FastAPI, db_session: Session) -> Callable[..., TestClient]:
    """A cookie-keeping client over HTTPS (the session cookie is Secure) logged in as ``role``.

    ``log_in=False`` leaves it logged out.
    """

    def build(
        role: Role = Role.ADMIN, csm_owner: str | None = None, log_in: bool = True
    ) -> TestClient:
        client = TestClient(app, base_url="https://testserver", follow_redirects=False)
        if log_in:
            key = add_user_with_key(
                db_session, secret_key=app.state.settings.secret_key, role=role, csm_owner=csm_owner
            )
            assert client.post("/login", data={"api_key": key}).status_code == 303
        return client

    return build
