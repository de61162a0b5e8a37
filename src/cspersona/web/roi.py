"""The ROI page: the headline sentences, effects with intervals, revenue, the report to download.

The page, its PDF and HTML downloads and ``GET /api/roi`` read the same figures for the same
period, narrowed to the customers the user may see (a CSM's own book).
"""

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from cspersona.auth.policy import Principal
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.reports import executive
from cspersona.roi import words
from cspersona.roi.summary import RoiSummary
from cspersona.web.deps import PageUser
from cspersona.web.roi_charts import effect_figure, revenue_figure
from cspersona.web.templating import PAGE_HEADERS, render

router = APIRouter(include_in_schema=False)

PeriodQuery = Annotated[
    str | None,
    Query(max_length=16, description="A quarter (2025-Q3) or a month (2025-09)."),
]


def _summary(
    db_session: SessionDep, settings: SettingsDep, principal: Principal, period: str | None
) -> RoiSummary:
    chosen = executive.period_of(db_session, period)
    return executive.summary_for(db_session, period=chosen, settings=settings, principal=principal)


@router.get("/roi", response_class=HTMLResponse)
def roi_page(
    request: Request,
    principal: PageUser,
    db_session: SessionDep,
    settings: SettingsDep,
    period: PeriodQuery = None,
) -> HTMLResponse:
    """Did the playbooks work, and what did they return, for the chosen period."""
    summary = _summary(db_session, settings, principal, period)
    context = {
        "summary": summary,
        "period_name": words.period_name(summary.period),
        "periods": executive.recent_periods(db_session),
        "headline": words.headline(summary),
        "design": words.design_explanation(summary.saved_arr_design),
        "playbooks": executive.effect_lines(summary.by_playbook),
        "personas": executive.effect_lines(summary.by_persona),
        "playbook_figure": effect_figure(summary.by_playbook) if summary.by_playbook else None,
        "persona_figure": effect_figure(summary.by_persona) if summary.by_persona else None,
        "revenue_figure": revenue_figure(summary.revenue) if summary.revenue_moved else None,
        "captions": executive.CAPTIONS,
        "caveats": words.caveats(summary),
    }
    return render(request, "roi.html", context, principal=principal)


@router.get("/roi/report.html", response_class=HTMLResponse)
def report_html(
    principal: PageUser, db_session: SessionDep, settings: SettingsDep, period: PeriodQuery = None
) -> HTMLResponse:
    """The executive report as one HTML document, for the period the page shows."""
    summary = _summary(db_session, settings, principal, period)
    html = executive.report_html(summary, generated_on=datetime.now(UTC).date())
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.get("/roi/report.pdf")
def report_pdf(
    principal: PageUser, db_session: SessionDep, settings: SettingsDep, period: PeriodQuery = None
) -> Response:
    """The same report printed as an A4 PDF, downloaded as ``roi-report-<period>.pdf``."""
    summary = _summary(db_session, settings, principal, period)
    html = executive.report_html(summary, generated_on=datetime.now(UTC).date())
    return Response(
        executive.report_pdf(html),
        media_type="application/pdf",
        headers={
            **PAGE_HEADERS,
            "Content-Disposition": f'attachment; filename="roi-report-{summary.period.label}.pdf"',
        },
    )
