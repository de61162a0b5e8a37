"""The domain error hierarchy: services raise these, the API and the CLI translate them.

Each class carries the HTTP status the API answers with and the exit code the CLI ends with, so
that one handler per surface maps every error the same way (the shape of datasette's ``Base400``).
"""

from typing import ClassVar


class CsPersonaError(Exception):
    """Base of every error a user can act on; never raised for programming mistakes."""

    status: ClassVar[int] = 500
    exit_code: ClassVar[int] = 1

    def __init__(self, message: str) -> None:
        """Keep the one-line, actionable message that both surfaces show."""
        super().__init__(message)
        self.message = message


class BadInput(CsPersonaError):
    """The request or command-line input is wrong; the user must change it."""

    status = 400
    exit_code = 2


class InvalidDocument(BadInput):
    """A well-formed document that breaks its kind's rules (a scenario without a title).

    422, as FastAPI answers a JSON body that fails its schema, so both read the same to a client.
    """

    status = 422


class ConfigError(BadInput):
    """A setting (environment variable or ``.env`` entry) has an unusable value."""


class NotFound(CsPersonaError):
    """The thing asked for does not exist."""

    status = 404


class Forbidden(CsPersonaError):
    """The caller is known but may not do this."""

    status = 403


class Unauthorized(CsPersonaError):
    """The caller did not prove who they are."""

    status = 401


class Conflict(CsPersonaError):
    """The request clashes with the current state (a duplicate, a job already running)."""

    status = 409


class Unavailable(CsPersonaError):
    """A service the product depends on cannot be used right now; retrying later may work."""

    status = 503


class DatabaseError(Unavailable):
    """The database cannot be used: unreachable, or not migrated to the code's schema."""
