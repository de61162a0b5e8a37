"""Customer pages: the sortable, filterable list and one customer's page."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from cspersona.analytics.signals import churn_signals
from cspersona.auth.policy import Permission
from cspersona.conversations import service as conversations_service
from cspersona.customers import service
from cspersona.customers.schemas import CustomerSort, CustomerStatus, SortOrder
from cspersona.customers.status import statuses
from cspersona.exceptions import NotFound
from cspersona.http.deps import SessionDep
from cspersona.personas import service as personas_service
from cspersona.personas.changes import persona_changes
from cspersona.predict.tiers import RiskTier
from cspersona.reports import customer_list as customer_rows
from cspersona.reports import service as reports_service
from cspersona.reports.router import customer_list_filters
from cspersona.reports.schemas import CustomerListFilters
from cspersona.web.charts import activity_figure, timeline_figure
from cspersona.web.deps import PageCustomer, PageUser
from cspersona.web.logged_actions import actions_context
from cspersona.web.pagination import Pager
from cspersona.web.playbook_start import playbooks_context
from cspersona.web.templating import is_partial, render

router = APIRouter(include_in_schema=False)

CUSTOMERS_PER_PAGE = 25
INTERACTIONS_PER_PAGE = 20
TIMELINE_LENGTH = 100
PERSONA_CHANGES_SHOWN = 10

PageNumber = Annotated[int, Query(ge=1, le=100_000, description="1-based page number.")]


@router.get("/customers", response_class=HTMLResponse)
def customer_list(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    filters: Annotated[CustomerListFilters, Depends(customer_list_filters)],
    sort: CustomerSort = CustomerSort.COMPANY_NAME,
    order: SortOrder = SortOrder.ASC,
    page: PageNumber = 1,
) -> HTMLResponse:
    """Customers the user may see; HTMX requests get just the results table."""
    customers, total = customer_rows.get_all(
        db_session=db_session,
        limit=CUSTOMERS_PER_PAGE,
        offset=(page - 1) * CUSTOMERS_PER_PAGE,
        filters=filters,
        sort=sort,
        order=order,
        visible_to=principal,
    )
    context = {
        "customers": customers,
        "pager": Pager(page=page, per_page=CUSTOMERS_PER_PAGE, total=total),
        "filters": filters,
        "sort": sort,
        "order": order,
    }
    if is_partial(request):
        return render(request, "customers/_results.html", context, principal=principal)
    facets = service.get_facets(db_session=db_session, visible_to=principal)
    context |= {
        "facets": facets,
        "personas": reports_service.get_personas(db_session=db_session),
        "statuses": list(CustomerStatus),
        "tiers": list(RiskTier),
    }
    return render(request, "customers/list.html", context, principal=principal)


@router.get("/customers/{customer_id}", response_class=HTMLResponse)
def customer_page(
    request: Request, customer: PageCustomer, principal: PageUser, db_session: SessionDep
) -> HTMLResponse:
    """One customer: profile, persona history and changes, churn risk, sentiment, conversations."""
    interactions, total = conversations_service.get_all_for_customer(
        db_session=db_session, customer_id=customer.id, limit=INTERACTIONS_PER_PAGE, offset=0
    )
    activity = conversations_service.monthly_activity(
        db_session=db_session, customer_id=customer.id
    )
    timeline = reports_service.timeline(
        db_session=db_session, customer_id=customer.id, limit=TIMELINE_LENGTH
    )
    scores = reports_service.customer_scores(db_session=db_session, customer_id=customer.id)
    context = {
        "customer": customer,
        "status": statuses(db_session=db_session, customers=[customer])[customer.id],
        "contact_count": service.count_contacts(db_session=db_session, customer_id=customer.id),
        "nps": service.nps_summary(db_session=db_session, customer_id=customer.id),
        "interactions": interactions,
        "pager": Pager(page=1, per_page=INTERACTIONS_PER_PAGE, total=total),
        "activity_figure": activity_figure(activity) if activity else None,
        "timeline_figure": timeline_figure(timeline)
        if any(entry.sentiment_score is not None for entry in timeline)
        else None,
        "personas": reports_service.persona_history(db_session=db_session, customer_id=customer.id),
        "outlook": personas_service.outlook(db_session=db_session, customer_id=customer.id),
        "persona_changes": persona_changes(
            db_session=db_session,
            visible_to=principal,
            customer_id=customer.id,
            limit=PERSONA_CHANGES_SHOWN,
        )[0],
        "scores": scores,
        # Only asked when this customer has no score: unscored, or the stage has not run yet?
        "churn_scored": bool(scores) or reports_service.has_churn_scores(db_session=db_session),
        "can_give_feedback": principal.can(Permission.GIVE_FEEDBACK),
        "result": None,
        "action_result": None,
        **playbooks_context(db_session, customer, principal),
        **actions_context(db_session, customer, principal),
    }
    return render(request, "customers/detail.html", context, principal=principal)


@router.get("/customers/{customer_id}/interactions", response_class=HTMLResponse)
def customer_interactions(
    request: Request,
    customer: PageCustomer,
    principal: PageUser,
    db_session: SessionDep,
    page: PageNumber = 1,
) -> HTMLResponse:
    """More of a customer's conversations: table rows and the next "show more" button."""
    interactions, total = conversations_service.get_all_for_customer(
        db_session=db_session,
        customer_id=customer.id,
        limit=INTERACTIONS_PER_PAGE,
        offset=(page - 1) * INTERACTIONS_PER_PAGE,
    )
    context = {
        "customer": customer,
        "interactions": interactions,
        "pager": Pager(page=page, per_page=INTERACTIONS_PER_PAGE, total=total),
    }
    return render(request, "customers/_interaction_rows.html", context, principal=principal)


@router.get("/customers/{customer_id}/conversations/{interaction_id}", response_class=HTMLResponse)
def conversation_page(
    request: Request,
    customer: PageCustomer,
    principal: PageUser,
    db_session: SessionDep,
    interaction_id: int,
) -> HTMLResponse:
    """One conversation's messages in order; a persona claim links to the message it quotes."""
    interaction = conversations_service.get_for_customer(
        db_session=db_session, customer_id=customer.id, interaction_id=interaction_id
    )
    context = {"customer": customer, "interaction": interaction}
    return render(request, "customers/conversation.html", context, principal=principal)


@router.get("/customers/{customer_id}/signals", response_class=HTMLResponse)
def customer_signals(
    request: Request, customer: PageCustomer, principal: PageUser, db_session: SessionDep
) -> HTMLResponse:
    """The customer's churn signals with their evidence, loaded after the page (HTMX).

    A churned customer has none: live signals ("usage steady", "champion active") would describe
    a customer who is gone.
    """
    status = statuses(db_session=db_session, customers=[customer])[customer.id]
    try:
        churned = status.status is CustomerStatus.CHURNED
        signals = [] if churned else churn_signals(db_session=db_session, customer_id=customer.id)
    except NotFound:
        signals = []
    signals.sort(key=lambda signal: (not signal.raised, -signal.strength))
    context = {"customer": customer, "signals": signals, "status": status}
    return render(request, "customers/_signals.html", context, principal=principal)
