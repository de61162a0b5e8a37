"""Dependencies every route may take: a database session, the settings; bounded inputs.

Dependencies that do no I/O are ``async``: FastAPI runs plain ``def`` ones on its thread pool,
which costs a thread hop per request each.
"""

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Path, Request
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.db.engine import session_scope
from cspersona.http.limits import MAX_ID

READING_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def get_db(request: Request) -> Iterator[Session]:
    """The request's unit of work: committed if the route succeeded, rolled back if it raised.

    It ends with the route, before the response is sent (``SessionDep`` has function scope), so
    a failed commit is answered as an error, never as a success whose writes are lost. Requests
    that may write get a writer session (on SQLite it takes the write lock when its transaction
    begins), so a job committing meanwhile cannot leave them on a stale snapshot.
    """
    state = request.app.state
    factory = state.session_factory if request.method in READING_METHODS else state.writer_factory
    with session_scope(factory) as session:
        yield session


async def get_app_settings(request: Request) -> Settings:
    """The settings the app was created with (not re-read per request)."""
    settings: Settings = request.app.state.settings
    return settings


SessionDep = Annotated[Session, Depends(get_db, scope="function")]
SettingsDep = Annotated[Settings, Depends(get_app_settings)]

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="The object's id.")]
