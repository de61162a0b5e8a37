"""``cspersona users`` and ``cspersona keys``: manage who may call the API and the dashboard."""

import json

import typer
from pydantic import TypeAdapter, ValidationError

from cspersona.auth.models import Role
from cspersona.config import get_settings
from cspersona.console.database import database_session
from cspersona.console.errors import DomainErrorGroup
from cspersona.console.output import console, print_rows
from cspersona.exceptions import BadInput

users_app = typer.Typer(
    cls=DomainErrorGroup, help="Manage users and their roles.", no_args_is_help=True
)
keys_app = typer.Typer(
    cls=DomainErrorGroup,
    help="Manage API keys (shown once, stored as digests).",
    no_args_is_help=True,
)

LISTING_LIMIT = 10_000
# The service and schemas import FastAPI (pagination, id bounds): each command imports them when
# it runs, so that `cspersona --help` starts fast.


@users_app.command("create")
def create_user(
    name: str = typer.Argument(..., help="Login name, unique."),
    role: Role = typer.Option(..., help="admin, analyst, csm or viewer."),
    csm_owner: str | None = typer.Option(
        None, help="For role csm: the customers.csm_owner value this user owns."
    ),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
) -> None:
    """Create a user; then give them a key with `cspersona keys create NAME`.

    Example: cspersona users create dana --role csm --csm-owner "Dana Scully"
    """
    from cspersona.auth import service
    from cspersona.auth.schemas import CsmCreate, StaffCreate, UserCreate, UserRead

    if role is Role.CSM and not csm_owner:
        raise BadInput("a csm user needs --csm-owner: the customers.csm_owner value they own")
    if role is not Role.CSM and csm_owner:
        raise BadInput(f"only csm users own customers; drop --csm-owner for role {role}")
    adapter: TypeAdapter[CsmCreate | StaffCreate] = TypeAdapter(UserCreate)
    try:
        user_in = adapter.validate_python({"name": name, "role": role, "csm_owner": csm_owner})
    except ValidationError as error:
        first = error.errors()[0]
        raise BadInput(f"{first['loc'][-1]}: {first['msg']}") from None
    with database_session() as db_session:
        user = UserRead.model_validate(service.create_user(db_session=db_session, user_in=user_in))
    if as_json:
        typer.echo(user.model_dump_json())
        return
    owner = f", owns customers of {user.csm_owner!r}" if user.csm_owner else ""
    console.print(f"created user {user.id} {user.name!r} with role {user.role}{owner}")


@users_app.command("list")
def list_users(as_json: bool = typer.Option(False, "--json", help="Print JSON lines.")) -> None:
    """List users with their roles.

    Example: cspersona users list --json
    """
    from cspersona.auth import service
    from cspersona.auth.schemas import UserRead

    with database_session() as db_session:
        users, _total = service.get_all_users(db_session=db_session, limit=LISTING_LIMIT, offset=0)
        rows = [UserRead.model_validate(user) for user in users]
    print_rows(
        rows,
        as_json=as_json,
        columns={
            "id": lambda row: str(row.id),
            "name": lambda row: row.name,
            "role": lambda row: row.role,
            "csm owner": lambda row: row.csm_owner or "",
            "created": lambda row: row.created_at.isoformat(timespec="seconds"),
        },
    )


@keys_app.command("create")
def create_key(
    user_name: str = typer.Argument(..., help="The user the key acts as."),
    label: str | None = typer.Option(None, help="What the key is for, to tell keys apart."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON, key included."),
) -> None:
    """Create an API key for a user and print it: the only time it is shown.

    Example: cspersona keys create dana --label laptop
    """
    from cspersona.auth import service
    from cspersona.auth.schemas import ApiKeyRead

    with database_session() as db_session:
        user = service.get_user_by_name(db_session=db_session, name=user_name)
        api_key, key = service.create_key(
            db_session=db_session, user=user, secret_key=get_settings().secret_key, label=label
        )
        row = ApiKeyRead.model_validate(api_key)
    if as_json:
        typer.echo(json.dumps({**row.model_dump(mode="json"), "key": key}))
        return
    console.print(
        f"API key {row.id} for {user_name!r} (role {user.role}); "
        "store it now, it is not shown again:"
    )
    typer.echo(key)


@keys_app.command("list")
def list_keys(
    user_name: str | None = typer.Option(None, "--user", help="Only this user's keys."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON lines."),
) -> None:
    """List API keys by prefix, with last use and revocation (never the keys themselves).

    Example: cspersona keys list --user dana
    """
    from cspersona.auth import service
    from cspersona.auth.schemas import ApiKeyRead

    with database_session() as db_session:
        user_id = (
            service.get_user_by_name(db_session=db_session, name=user_name).id
            if user_name
            else None
        )
        keys, _total = service.get_all_keys(
            db_session=db_session, limit=LISTING_LIMIT, offset=0, user_id=user_id
        )
        rows = [ApiKeyRead.model_validate(key) for key in keys]
    print_rows(
        rows,
        as_json=as_json,
        columns={
            "id": lambda row: str(row.id),
            "user id": lambda row: str(row.user_id),
            "prefix": lambda row: row.prefix + "...",
            "label": lambda row: row.label or "",
            "last used": lambda row: row.last_used_at.isoformat() if row.last_used_at else "never",
            "revoked": lambda row: row.revoked_at.isoformat() if row.revoked_at else "",
        },
    )


@keys_app.command("revoke")
def revoke_key(key_id: int = typer.Argument(..., help="The key's id (see `keys list`).")) -> None:
    """Revoke an API key for good; requests and dashboard sessions using it stop working.

    Example: cspersona keys revoke 3
    """
    from cspersona.auth import service

    with database_session() as db_session:
        api_key = service.revoke_key(db_session=db_session, key_id=key_id)
        revoked_at = api_key.revoked_at
    console.print(f"API key {key_id} is revoked (since {revoked_at})")
