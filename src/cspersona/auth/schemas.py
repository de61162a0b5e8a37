"""Pydantic models for users and API keys as the API shows them."""

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from cspersona.auth.models import Role
from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.http.pagination import Page

USER_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$"


class CsmCreate(BaseModel):
    """A new CSM, who owns the customers whose ``csm_owner`` equals theirs."""

    name: str = Field(pattern=USER_NAME_PATTERN, description="Login name, unique.")
    role: Literal[Role.CSM]
    csm_owner: str = Field(
        min_length=1,
        max_length=255,
        pattern=TEXT_PATTERN,
        description="The customers.csm_owner value this user owns.",
    )


class StaffCreate(BaseModel):
    """A new admin, analyst or viewer: they see every customer and own none."""

    name: str = Field(pattern=USER_NAME_PATTERN, description="Login name, unique.")
    role: Literal[Role.ADMIN, Role.ANALYST, Role.VIEWER]
    csm_owner: None = Field(default=None, description="Only csm users own customers.")


# The schema itself says that a CSM needs csm_owner and nobody else may have one.
UserCreate = Annotated[CsmCreate | StaffCreate, Field(discriminator="role")]


class UserRead(BaseModel):
    """A stored user."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    role: Role
    csm_owner: str | None
    created_at: datetime


UserPage = Page[UserRead]


class ApiKeyCreate(BaseModel):
    """A new key for an existing user."""

    user_id: int = Field(ge=1, le=MAX_ID)
    label: str | None = Field(
        default=None, max_length=128, pattern=TEXT_PATTERN, description="What the key is for."
    )


class ApiKeyRead(BaseModel):
    """A stored key, without the key itself (only its prefix)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    user_id: int
    label: str | None
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


ApiKeyPage = Page[ApiKeyRead]


class ApiKeyCreated(ApiKeyRead):
    """A key just created: the only response that ever contains the key."""

    key: str = Field(description="The API key; shown once, store it now.")


class Me(BaseModel):
    """The caller as the server sees them."""

    user_id: int
    user_name: str
    role: Role
    csm_owner: str | None
    key_id: int
    permissions: list[str]
