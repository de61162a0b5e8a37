"""Job kinds: what a stage registers, with one decorator, so the API and the workers can run it.

A stage writes, in ``cspersona/<stage>/jobs.py``::

    @job_kind("personas.generate", params=GenerateParams)
    def generate(*, db_session: Session, params: GenerateParams, progress: Progress) -> Figures:
        ...

and every runner (the inline thread, Celery workers) finds it: :func:`discover` imports each
``cspersona.<package>.jobs`` module. The function gets a session (committed when it returns,
rolled back if it raises), its validated parameters and a progress callback; what it returns
(a Pydantic model or a JSON-able mapping) becomes the job's result.
"""

import importlib
import importlib.util
import pkgutil
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict

import cspersona
from cspersona.exceptions import BadInput

JobOutput = BaseModel | Mapping[str, Any] | None


class Progress(Protocol):
    """How a job reports progress: a fraction from 0 to 1 and what it is doing."""

    def __call__(self, fraction: float, message: str | None = None) -> None:
        """Record that the job is ``fraction`` done, optionally saying what it is doing."""


class NoParams(BaseModel):
    """The parameters of a job kind that takes none."""

    model_config = ConfigDict(extra="forbid")


@dataclass(frozen=True)
class JobKind:
    """A registered kind of job: its name, function, parameter model and description."""

    name: str
    function: Callable[..., JobOutput]
    params_model: type[BaseModel]
    description: str

    @property
    def qualified_function_name(self) -> str:
        """``module.function``: tells apart two registrations of one name."""
        return f"{self.function.__module__}.{self.function.__qualname__}"


class JobRegistry:
    """Job kinds by name."""

    def __init__(self) -> None:
        """Start empty."""
        self._kinds: dict[str, JobKind] = {}

    def register(self, kind: JobKind) -> None:
        """Add a kind; re-registering the same function is harmless, a different one is not."""
        existing = self._kinds.get(kind.name)
        if (
            existing is not None
            and existing.qualified_function_name != kind.qualified_function_name
        ):
            raise ValueError(
                f"job kind {kind.name!r} is already registered by "
                f"{existing.qualified_function_name}"
            )
        self._kinds[kind.name] = kind

    def get(self, name: str) -> JobKind:
        """The kind called ``name``, or :class:`BadInput` naming the known kinds."""
        try:
            return self._kinds[name]
        except KeyError:
            known = ", ".join(sorted(self._kinds)) or "none"
            raise BadInput(f"unknown job kind {name!r}; known kinds: {known}") from None

    def names(self) -> list[str]:
        """Every registered kind's name, sorted."""
        return sorted(self._kinds)


registry = JobRegistry()


def job_kind(
    name: str,
    *,
    params: type[BaseModel] = NoParams,
    description: str | None = None,
    into: JobRegistry = registry,
) -> Callable[[Callable[..., JobOutput]], JobKind]:
    """Register the decorated function as the job kind ``name``.

    The decorator returns the :class:`JobKind`, which a router passes to
    :func:`cspersona.jobs.router.add_job_route`.
    """

    def register(function: Callable[..., JobOutput]) -> JobKind:
        summary = description or (function.__doc__ or name).strip().splitlines()[0]
        kind = JobKind(name=name, function=function, params_model=params, description=summary)
        into.register(kind)
        return kind

    return register


def discover(extra_modules: Iterable[str] = ()) -> None:
    """Import every ``cspersona.<package>.jobs`` module, then ``extra_modules`` (plugins)."""
    stage_modules = [
        f"cspersona.{package.name}.jobs"
        for package in pkgutil.iter_modules(cspersona.__path__)
        if package.ispkg and importlib.util.find_spec(f"cspersona.{package.name}.jobs")
    ]
    for module in [*stage_modules, *extra_modules]:
        importlib.import_module(module)
