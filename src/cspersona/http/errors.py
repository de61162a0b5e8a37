"""One place that turns domain errors into HTTP responses, and how the OpenAPI schema names them."""

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from sqlalchemy.exc import OperationalError

from cspersona.exceptions import BadInput, CsPersonaError, Unauthorized, Unavailable

# Pages (the web package) render errors as HTML; everything else answers JSON.
ErrorRenderer = Callable[[Request, CsPersonaError], Awaitable[Response]]


class ErrorBody(BaseModel):
    """The body of every error response."""

    detail: str


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries for the error statuses a route can answer."""
    descriptions = {
        400: "The input is wrong",
        401: "Missing, invalid or revoked API key",
        403: "The key's role may not do this",
        404: "No such object, or not one the caller may see",
        409: "Clashes with the current state",
        422: "The document breaks its schema",
        502: "The LLM provider refused or failed the request",
        503: "A service the request needs is unavailable",
        504: "The LLM provider did not answer in time",
    }
    return {
        status: {"model": ErrorBody, "description": descriptions[status]} for status in statuses
    }


def json_error(error: CsPersonaError) -> JSONResponse:
    """The JSON answer for a domain error: its status, ``{"detail": message}``."""
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, Unauthorized) else None
    return JSONResponse(
        status_code=error.status, content={"detail": error.message}, headers=headers
    )


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/health"))


def install_error_handlers(app: FastAPI, page_renderer: ErrorRenderer | None = None) -> None:
    """Register the handlers of domain and validation errors.

    The API answers JSON; other paths (pages) go to ``page_renderer`` when one is given.
    """

    async def domain_error_handler(request: Request, error: Exception) -> Response:
        assert isinstance(error, CsPersonaError)
        if page_renderer is None or _is_api(request):
            return json_error(error)
        return await page_renderer(request, error)

    async def validation_error_handler(request: Request, error: Exception) -> Response:
        assert isinstance(error, RequestValidationError)
        if page_renderer is None or _is_api(request):
            return await request_validation_exception_handler(request, error)
        problems = "; ".join(
            f"{'.'.join(str(part) for part in problem['loc'][1:])}: {problem['msg']}"
            for problem in error.errors()
        )
        return await page_renderer(request, BadInput(f"this page cannot show that: {problems}"))

    async def database_busy_handler(request: Request, error: Exception) -> Response:
        # SQLite allows one writer: a write that meets another one's lock (or a snapshot it
        # made stale) is worth retrying, not a server fault. Anything else stays a 500.
        assert isinstance(error, OperationalError)
        if "database is locked" not in str(error.orig):
            raise error
        return await domain_error_handler(
            request, Unavailable("the database is busy with another write; retry in a moment")
        )

    app.add_exception_handler(CsPersonaError, domain_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(OperationalError, database_busy_handler)
