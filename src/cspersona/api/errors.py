"""One place that turns domain errors into HTTP responses."""

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from cspersona.exceptions import CsPersonaError


async def domain_error_handler(_request: Request, error: Exception) -> JSONResponse:
    """Answer with the error's own status and message, in FastAPI's ``{"detail": ...}`` shape."""
    assert isinstance(error, CsPersonaError)
    return JSONResponse(status_code=error.status, content={"detail": error.message})


def install_error_handlers(app: FastAPI) -> None:
    """Register the domain error handler on ``app``."""
    app.add_exception_handler(CsPersonaError, domain_error_handler)
