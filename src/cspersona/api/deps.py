"""Dependencies every route may take: a database session and the settings."""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from cspersona.config import Settings


def get_db(request: Request) -> Iterator[Session]:
    """A session per request from the app's factory; rolled back if the route raised."""
    with request.app.state.session_factory() as session:
        yield session


def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with (not re-read per request)."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_db)]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]
