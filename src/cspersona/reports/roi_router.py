"""``/api/roi``: one period's ROI figures, as the ROI page and the executive report show them."""

from typing import Annotated

from fastapi import APIRouter, Query

from cspersona.auth.deps import Reader
from cspersona.http.deps import SessionDep, SettingsDep
from cspersona.reports import executive
from cspersona.roi.period import PERIOD_PATTERN
from cspersona.roi.summary import RoiSummary

router = APIRouter(prefix="/roi", tags=["roi"])


@router.get("", response_model=RoiSummary)
def roi_summary(
    principal: Reader,
    db_session: SessionDep,
    settings: SettingsDep,
    period: Annotated[
        str | None,
        Query(
            max_length=16,
            pattern=PERIOD_PATTERN,
            description="A quarter (2025-Q3) or a month (2025-09); default: the data's last "
            "complete quarter.",
        ),
    ] = None,
) -> RoiSummary:
    """Saved ARR, cost, ROI, retention, effects by playbook and persona, revenue by month.

    Every estimate has its 90% interval; a CSM's figures cover their own book only.
    """
    chosen = executive.period_of(db_session, period)
    return executive.summary_for(db_session, period=chosen, settings=settings, principal=principal)
