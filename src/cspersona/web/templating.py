"""Rendering pages: the template environment, the shared layout's context, and page headers.

Pages call :func:`render`; templates extend ``base.html`` and use the macros in ``macros.html``
(sortable headers, pagination, charts). A new page adds its navigation entry to
:data:`NAVIGATION`.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from cspersona import __version__
from cspersona.analytics.glossary import channel_name, plain_name
from cspersona.auth.policy import Principal
from cspersona.playbooks.rendering import missing_words


@dataclass(frozen=True)
class NavItem:
    """One entry of the top navigation: its label and the path prefix it covers."""

    label: str
    path: str


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("Overview", "/overview"),
    NavItem("My tasks", "/tasks"),
    NavItem("Personas", "/personas"),
    NavItem("Persona changes", "/persona-changes"),
    NavItem("Churn risk", "/risk"),
    NavItem("Expansion", "/expansion"),
    NavItem("Customers", "/customers"),
    NavItem("Playbooks", "/playbooks"),
    NavItem("ROI", "/roi"),
    NavItem("Chat", "/chat"),
)

# Plotly draws with inline styles, so styles allow 'unsafe-inline'; scripts come only from here.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


def money(value: float | None) -> str:
    """``12345.6`` as ``$12,346``; an em dash when unknown."""
    return "—" if value is None else f"${value:,.0f}"


def percent(value: float | None) -> str:
    """``0.123`` as ``12%``; an em dash when unknown."""
    return "—" if value is None else f"{value:.0%}"


def day(value: date | datetime | None) -> str:
    """A date (or a timestamp's UTC date) as ``2025-03-04``; an em dash when unknown."""
    if value is None:
        return "—"
    return (value.date() if isinstance(value, datetime) else value).isoformat()


def words(identifier: str) -> str:
    """``nps_drop`` as a heading: ``NPS drop`` (acronyms in capitals, the first letter too)."""
    said = plain_name(identifier)
    return said[:1].upper() + said[1:]


def sentence(text: str) -> str:
    """The first letter in capitals, the rest as written (Jinja's ``capitalize`` lowers "NPS")."""
    return text[:1].upper() + text[1:]


def _environment() -> Environment:
    environment = Environment(
        loader=PackageLoader("cspersona.web", "templates"),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters.update(
        money=money,
        day=day,
        percent=percent,
        channel=channel_name,
        words=words,
        sentence=sentence,
    )
    environment.globals.update(
        navigation=NAVIGATION, version=__version__, missing_words=missing_words
    )
    return environment


templates = Jinja2Templates(env=_environment())


def is_partial(request: Request) -> bool:
    """Whether HTMX asked for a fragment (not a full page, nor a history restore)."""
    headers = request.headers
    return "HX-Request" in headers and "HX-History-Restore-Request" not in headers


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any],
    *,
    principal: Principal | None,
    status_code: int = 200,
) -> HTMLResponse:
    """Render ``template`` with the layout's context (the user, the current path)."""
    response = templates.TemplateResponse(
        request,
        template,
        {"principal": principal, "current_path": request.url.path, **context},
        status_code=status_code,
        headers=PAGE_HEADERS,
    )
    return response


def render_text(
    request: Request, template: str, context: Mapping[str, Any], *, principal: Principal | None
) -> str:
    """``template`` rendered as :func:`render` would, as text: a fragment sent inside an event."""
    layout = {"request": request, "principal": principal, "current_path": request.url.path}
    return templates.get_template(template).render({**layout, **context})
