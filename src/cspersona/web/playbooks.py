"""Playbook pages: the list, one playbook in words with its customers, and status changes.

A playbook is shared, but the customers in it are not: a CSM sees only their book's entries, and
template previews use a customer the reader may see.
"""

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.auth.policy import Permission, Principal, require
from cspersona.customers.access import authorize_customer, visible_customers
from cspersona.customers.models import Customer
from cspersona.exceptions import BadInput
from cspersona.http.deps import IdPath, SessionDep
from cspersona.personas.models import Persona
from cspersona.playbooks import service
from cspersona.playbooks.clock import work_clock
from cspersona.playbooks.context import message_context
from cspersona.playbooks.definition import PlaybookDefinition
from cspersona.playbooks.experiment import experiment
from cspersona.playbooks.experiment_words import arm_rows, experiment_words, rate_words
from cspersona.playbooks.models import Enrolment, Playbook, PlaybookStatus
from cspersona.playbooks.rendering import RenderedMessage, render
from cspersona.playbooks.schemas import PlaybookSummary
from cspersona.playbooks.tracking import tracked
from cspersona.playbooks.tracking_words import has_data, metric_label, summary_words
from cspersona.playbooks.wording import (
    channel_words,
    criterion_words,
    due_words,
    escalation_words,
    kind_words,
    owner_words,
    reason_words,
    reentry_words,
    success_words,
)
from cspersona.web.charts import tracking_figure
from cspersona.web.deps import OptionalId, PageUser
from cspersona.web.tasks import data_day
from cspersona.web.templating import render as render_page

router = APIRouter(include_in_schema=False)

CUSTOMERS_SHOWN = 200


@dataclass(frozen=True)
class TrackedMetric:
    """A success criterion on the page: label, one line in words, a chart once it has data."""

    label: str
    summary: str
    figure: dict[str, Any] | None


def _tracked_metrics(db_session: Session, playbook: Playbook) -> list[TrackedMetric]:
    """Each criterion by month, up to the data's latest day: later months would read as zeros."""
    return [
        TrackedMetric(
            label=metric_label(series),
            summary=summary_words(series),
            figure=tracking_figure(series) if has_data(series) else None,
        )
        for series in tracked(db_session, playbook=playbook, at=work_clock(db_session))
    ]


@dataclass(frozen=True)
class Preview:
    """A step's template rendered for the example customer, or why it could not be."""

    channel: str
    rendered: RenderedMessage | None
    error: str | None


@router.get("/playbooks", response_class=HTMLResponse)
def playbook_list(request: Request, principal: PageUser, db_session: SessionDep) -> HTMLResponse:
    """Every playbook: what starts it, how long it is, how many customers are in it."""
    counts = service.customers_in(db_session=db_session)
    rows = [
        PlaybookSummary.of(playbook, customers_in=counts.get(playbook.id, 0))
        for playbook in service.get_all(db_session=db_session)
    ]
    context = {"rows": rows, "can_manage": principal.can(Permission.MANAGE_PLAYBOOKS)}
    return render_page(request, "playbooks/list.html", context, principal=principal)


def _entries(
    db_session: Session, playbook: Playbook, principal: Principal
) -> list[tuple[Enrolment, Customer]]:
    """The playbook's entries the reader may see, newest first."""
    statement = (
        select(Enrolment, Customer)
        .join(Customer, Customer.id == Enrolment.customer_id)
        .where(Enrolment.playbook_id == playbook.id)
        .order_by(Enrolment.exited_at.is_not(None), Enrolment.entered_at.desc(), Enrolment.id)
        .limit(CUSTOMERS_SHOWN)
    )
    rows = db_session.execute(visible_customers(statement, principal)).all()
    return [(enrolment, customer) for enrolment, customer in rows]


def _example_customer(
    db_session: Session,
    entries: list[tuple[Enrolment, Customer]],
    principal: Principal,
    chosen: int | None,
) -> Customer | None:
    """The customer to preview templates for: the chosen one, else one in the playbook, else any.

    A chosen customer of another book answers 404, like its own page.
    """
    if chosen is not None:
        customer = db_session.get(Customer, chosen)
        return authorize_customer(principal, customer) if customer else None
    if entries:
        return entries[0][1]
    statement = visible_customers(select(Customer).order_by(Customer.id).limit(1), principal)
    return db_session.scalars(statement).first()


def _previews(
    db_session: Session, definition: PlaybookDefinition, customer: Customer | None
) -> list[list[Preview]]:
    if customer is None:
        return [[] for _ in definition.steps]
    context = message_context(db_session, customer, today=data_day(db_session))
    previews = []
    for step in definition.steps:
        rendered = []
        for template in step.templates:
            try:
                rendered.append(Preview(template.channel, render(template, context), None))
            except BadInput as error:
                rendered.append(Preview(template.channel, None, error.message))
        previews.append(rendered)
    return previews


@router.get("/playbooks/{playbook_id}", response_class=HTMLResponse)
def playbook_page(
    request: Request,
    playbook_id: IdPath,
    principal: PageUser,
    db_session: SessionDep,
    customer: OptionalId = None,
) -> HTMLResponse:
    """One playbook in words: trigger, criteria, steps with previews, escalation, customers.

    ``?customer=ID`` previews the messages for that customer (one the reader may see).
    """
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    definition = playbook.definition
    entries = _entries(db_session, playbook, principal)
    example = _example_customer(db_session, entries, principal, customer)
    personas = (
        list(db_session.scalars(select(Persona).where(Persona.id.in_(definition.persona_ids))))
        if definition.persona_ids
        else []
    )
    # Counts only, over every book: the arms are the playbook's, not a CSM's.
    result = experiment(db_session, playbook=playbook, at=work_clock(db_session))
    names = {row.id: row.name for row in db_session.execute(select(Persona.id, Persona.name))}
    context = {
        "playbook": playbook,
        "definition": definition,
        "personas": personas,
        "entry_words": [criterion_words(c, names) for c in definition.criteria.entry],
        "exit_words": [criterion_words(c, names) for c in definition.criteria.exit],
        "due_words": due_words,
        "reentry": reentry_words(definition.reentry),
        "escalation": escalation_words(definition.escalation),
        "success_words": [success_words(item) for item in definition.success],
        "entries": entries,
        "open_entries": sum(1 for enrolment, _ in entries if enrolment.exited_at is None),
        "example": example,
        "previews": _previews(db_session, definition, example),
        "preview_choices": db_session.scalars(
            visible_customers(select(Customer).order_by(Customer.company_name), principal)
        ).all(),
        "experiment": experiment_words(result),
        "arms": arm_rows(result),
        "tracking": _tracked_metrics(db_session, playbook),
        "rate_words": rate_words,
        "can_manage": principal.can(Permission.MANAGE_PLAYBOOKS),
        "kind_words": kind_words,
        "channel_words": channel_words,
        "owner_words": owner_words,
        "reason_words": reason_words,
    }
    return render_page(request, "playbooks/detail.html", context, principal=principal)


@router.post("/playbooks/{playbook_id}/status")
def change_status(
    playbook_id: IdPath,
    principal: PageUser,
    db_session: SessionDep,
    status: Annotated[PlaybookStatus, Form()],
) -> RedirectResponse:
    """Activate, park as draft or retire a playbook (analyst)."""
    require(principal, Permission.MANAGE_PLAYBOOKS)
    playbook = service.get(db_session=db_session, playbook_id=playbook_id)
    service.set_status(
        db_session=db_session, playbook=playbook, status=status, by=principal.user_name
    )
    return RedirectResponse(f"/playbooks/{playbook.id}", status_code=303)
