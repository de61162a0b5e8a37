"""``/api/me``, ``/api/users`` and ``/api/keys``: who am I, and (admins) managing access."""

from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from cspersona.auth import service
from cspersona.auth.deps import AccessManager, Reader
from cspersona.auth.policy import ROLE_PERMISSIONS
from cspersona.auth.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyPage,
    ApiKeyRead,
    Me,
    UserCreate,
    UserPage,
    UserRead,
)
from cspersona.exceptions import Conflict
from cspersona.http.deps import IdPath, SessionDep, SettingsDep
from cspersona.http.errors import error_responses
from cspersona.http.limits import MAX_ID
from cspersona.http.pagination import PageParams, page_params

router = APIRouter(tags=["access"])


@router.get("/me", response_model=Me)
def read_me(principal: Reader) -> Me:
    """The caller: user, role, owned book and what the role may do."""
    return Me(**asdict(principal), permissions=sorted(ROLE_PERMISSIONS[principal.role]))


@router.get("/users", response_model=UserPage)
def list_users(
    _principal: AccessManager,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
) -> UserPage:
    """Users ordered by id (admins only)."""
    users, total = service.get_all_users(
        db_session=db_session, limit=page.limit, offset=page.offset
    )
    return UserPage.of([UserRead.model_validate(user) for user in users], total, page)


@router.post(
    "/users",
    response_model=UserRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(400, 409),
)
def create_user(user_in: UserCreate, _principal: AccessManager, db_session: SessionDep) -> UserRead:
    """Add a user (admins only); give them a key with ``POST /api/keys``."""
    return UserRead.model_validate(service.create_user(db_session=db_session, user_in=user_in))


@router.get("/keys", response_model=ApiKeyPage)
def list_keys(
    _principal: AccessManager,
    db_session: SessionDep,
    page: Annotated[PageParams, Depends(page_params)],
    user_id: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Only this user's keys.")
    ] = None,
) -> ApiKeyPage:
    """API keys ordered by id, without the keys themselves (admins only)."""
    keys, total = service.get_all_keys(
        db_session=db_session, limit=page.limit, offset=page.offset, user_id=user_id
    )
    return ApiKeyPage.of([ApiKeyRead.model_validate(key) for key in keys], total, page)


@router.post(
    "/keys",
    response_model=ApiKeyCreated,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(404),
)
def create_key(
    key_in: ApiKeyCreate, _principal: AccessManager, db_session: SessionDep, settings: SettingsDep
) -> ApiKeyCreated:
    """Issue a key for a user (admins only); the response is the only time the key is shown."""
    user = service.get_user(db_session=db_session, user_id=key_in.user_id)
    api_key, key = service.create_key(
        db_session=db_session, user=user, secret_key=settings.secret_key, label=key_in.label
    )
    return ApiKeyCreated.model_validate(
        {**ApiKeyRead.model_validate(api_key).model_dump(), "key": key}
    )


@router.post(
    "/keys/{key_id}/revoke", response_model=ApiKeyRead, responses=error_responses(404, 409)
)
def revoke_key(key_id: IdPath, principal: AccessManager, db_session: SessionDep) -> ApiKeyRead:
    """Revoke a key for good (admins only); not the key making this request."""
    if key_id == principal.key_id:
        raise Conflict(
            "refusing to revoke the key this request uses; use another key or "
            "`cspersona keys revoke`"
        )
    return ApiKeyRead.model_validate(service.revoke_key(db_session=db_session, key_id=key_id))
