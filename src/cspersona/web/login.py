"""Logging in to the dashboard with an API key, and logging out."""

from datetime import timedelta
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from cspersona.auth import service
from cspersona.auth.sessions import COOKIE_NAME, issue_token
from cspersona.db.types import utc_now
from cspersona.exceptions import Unauthorized
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.web.templating import render

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """A path on this site to return to after login; anything else (other hosts) becomes ``/``."""
    if not target:
        return "/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/"
    return target


@router.get("/login", response_class=HTMLResponse)
def login_page(
    request: Request, next_path: Annotated[str | None, Query(alias="next")] = None
) -> HTMLResponse:
    """The login form: paste an API key."""
    context = {"next": safe_next(next_path), "error": None}
    return render(request, "login.html", context, principal=None)


@router.post("/login", response_class=HTMLResponse)
def log_in(
    request: Request,
    db_session: SessionDep,
    settings: SettingsDep,
    api_key: Annotated[str, Form()],
    next_path: Annotated[str, Form(alias="next")] = "/",
) -> Response:
    """Check the key; on success set the session cookie and go to the ``next`` page."""
    try:
        principal = service.authenticate(
            db_session=db_session, key=api_key.strip(), secret_key=settings.secret_key
        )
    except Unauthorized as error:
        context = {"next": safe_next(next_path), "error": error.message}
        return render(request, "login.html", context, principal=None, status_code=401)
    lifetime = timedelta(hours=settings.session_lifetime_hours)
    token = issue_token(
        key_id=principal.key_id, secret_key=settings.secret_key, now=utc_now(), lifetime=lifetime
    )
    response = RedirectResponse(safe_next(next_path), status_code=303)
    response.set_cookie(
        COOKIE_NAME,
        token,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        secure=settings.session_cookie_secure,
        samesite="lax",
    )
    return response


@router.post("/logout")
def log_out() -> RedirectResponse:
    """Forget the session cookie and show the login page."""
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE_NAME)
    return response
