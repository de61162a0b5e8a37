"""Render a step's message for one customer, in the persona's register, safely.

Templates come from analysts and from an LLM, so they run in Jinja2's sandbox: no attribute
tricks, no file access. A variable the customer has no value for renders as its fallback (or as
nothing), and the result lists what was missing so the page can say so rather than send a gap.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NoReturn

from jinja2 import ChainableUndefined, TemplateSyntaxError, meta
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from cspersona.exceptions import BadInput
from cspersona.playbooks.definition import Template

# What a template may use, with what it says when the customer has no value for it.
VARIABLES: dict[str, str] = {
    "company": "your company",
    "contact_first_name": "there",
    "contact_name": "",
    "csm_name": "your Customer Success Manager",
    "renewal_date": "your renewal",
    "days_to_renewal": "",
    "arr": "",
    "plan": "your plan",
    "persona": "",
    "risk_tier": "",
    "top_driver": "",
    "greeting": "Hello,",
    "sign_off": "Best regards,",
    "formal": "",
    "technical": "",
}


class _StrictSandbox(SandboxedEnvironment):
    """The sandbox, but reaching for an unsafe attribute is an error rather than a silent gap."""

    def unsafe_undefined(self, obj: object, attribute: str) -> NoReturn:
        raise SecurityError(f"templates may not use {attribute!r}")


# How a page or the CLI names a variable the customer has no value for.
VARIABLE_WORDS: dict[str, str] = {
    "company": "company name",
    "contact_first_name": "contact's first name",
    "contact_name": "contact's name",
    "csm_name": "CSM's name",
    "renewal_date": "renewal date",
    "days_to_renewal": "days to renewal",
    "arr": "ARR",
    "plan": "plan",
    "persona": "persona",
    "risk_tier": "churn-risk tier",
    "top_driver": "churn driver on record",
    "greeting": "greeting",
    "sign_off": "sign-off",
    "formal": "register",
    "technical": "technical level",
}


_environment = _StrictSandbox(undefined=ChainableUndefined, autoescape=False)


@dataclass(frozen=True)
class RenderedMessage:
    """A message ready to copy, and the variables the customer had no value for."""

    channel: str
    subject: str | None
    body: str
    missing: tuple[str, ...]


def check(source: str) -> set[str]:
    """The variables ``source`` uses; :class:`BadInput` if it does not parse or uses others."""
    try:
        parsed = _environment.parse(source)
    except TemplateSyntaxError as error:
        raise BadInput(f"template line {error.lineno}: {error.message}") from error
    used = meta.find_undeclared_variables(parsed)
    unknown = sorted(used - VARIABLES.keys())
    if unknown:
        known = ", ".join(sorted(VARIABLES))
        raise BadInput(f"template uses unknown variable(s) {', '.join(unknown)}; known: {known}")
    return used


def render(template: Template, context: Mapping[str, object]) -> RenderedMessage:
    """``template`` filled from ``context``; missing values take their fallbacks."""
    used = check(template.body) | (check(template.subject) if template.subject else set())
    missing = tuple(sorted(name for name in used if context.get(name) in (None, "")))
    values: dict[str, object] = dict(VARIABLES)
    values.update({name: value for name, value in context.items() if value not in (None, "")})
    try:
        body = _environment.from_string(template.body).render(values)
        subject = (
            _environment.from_string(template.subject).render(values) if template.subject else None
        )
    except (SecurityError, UndefinedError, TypeError, ValueError) as error:
        raise BadInput(f"template cannot be rendered: {error}") from error
    return RenderedMessage(
        channel=template.channel,
        subject=_tidy(subject) if subject is not None else None,
        body=_tidy(body),
        missing=missing,
    )


def missing_words(missing: Sequence[str]) -> str:
    """The missing variables as a CSM reads them: "contact's first name, renewal date"."""
    return ", ".join(VARIABLE_WORDS.get(name, name.replace("_", " ")) for name in missing)


def _tidy(text: str) -> str:
    """No trailing spaces, at most one blank line in a row, whatever the template's blocks left."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)
