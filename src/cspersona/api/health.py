"""``GET /health``: is the service up, can it reach its database, and is the schema current."""

from typing import Literal

from fastapi import APIRouter, Request, Response, status
from pydantic import BaseModel

from cspersona import __version__
from cspersona.db import migrate
from cspersona.db.engine import check_connection
from cspersona.exceptions import DatabaseError

router = APIRouter(tags=["health"])


class DatabaseHealth(BaseModel):
    """What the service knows of its database."""

    reachable: bool
    backend: str
    server_version: str | None = None
    schema_revision: str | None = None
    schema_current: bool = False
    error: str | None = None


class Health(BaseModel):
    """Overall health: ``ok`` only when the database is reachable and migrated."""

    status: Literal["ok", "degraded"]
    version: str
    database: DatabaseHealth


@router.get("/health", response_model=Health)
def health(request: Request, response: Response) -> Health:
    """Report the version and database state; 503 when the database is unusable."""
    engine = request.app.state.engine
    database = DatabaseHealth(reachable=False, backend=engine.dialect.name)
    try:
        database.server_version = check_connection(engine)
        database.reachable = True
        database.schema_revision = migrate.current_revision(engine)
        database.schema_current = database.schema_revision == migrate.head_revision()
    except DatabaseError as error:
        database.error = error.message
    healthy = database.reachable and database.schema_current
    if not healthy:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return Health(status="ok" if healthy else "degraded", version=__version__, database=database)
