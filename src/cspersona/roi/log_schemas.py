"""The interventions log as the API shows it: entries, correction chains and outcomes."""

from datetime import date, datetime

from pydantic import BaseModel, Field

from cspersona.http.limits import MAX_ID, TEXT_PATTERN
from cspersona.http.pagination import Page
from cspersona.interventions.log import Action
from cspersona.interventions.models import Arm, Intervention, InterventionKind, InterventionSource
from cspersona.roi.models import InterventionOutcome


class InterventionRead(BaseModel):
    """One entry of the log; ``corrected_by`` names the entry that replaces it, if any."""

    id: int
    customer_id: int
    kind: InterventionKind
    source: InterventionSource
    performed_by: str
    performed_at: datetime
    recorded_by: str
    recorded_at: datetime
    playbook: str | None
    arm: Arm | None
    hours: float | None
    note: str
    corrects: int | None
    corrected: bool
    corrected_by: int | None

    @classmethod
    def of(cls, entry: Intervention, corrected_by: int | None) -> "InterventionRead":
        """The entry as shown, with the entry correcting it (from ``log.corrected_by``)."""
        return cls(
            id=entry.id,
            customer_id=entry.customer_id,
            kind=entry.kind,
            source=entry.source,
            performed_by=entry.performed_by,
            performed_at=entry.performed_at,
            recorded_by=entry.recorded_by,
            recorded_at=entry.recorded_at,
            playbook=entry.playbook_name,
            arm=entry.arm,
            hours=entry.hours,
            note=entry.note,
            corrects=entry.corrects_id,
            corrected=corrected_by is not None,
            corrected_by=corrected_by,
        )


InterventionPage = Page[InterventionRead]


class OutcomeRead(BaseModel):
    """What followed the entry over one window; ``complete`` is false while data is still due."""

    window_days: int
    window_end: date
    complete: bool
    churned: bool
    renewed: bool
    arr_start: float | None
    arr_end: float | None
    nps_before: float | None
    nps_after: float | None
    sentiment_before: float | None
    sentiment_after: float | None
    usage_before: float | None
    usage_after: float | None

    @classmethod
    def of(cls, outcome: InterventionOutcome) -> "OutcomeRead":
        """The stored outcome row as shown."""
        return cls.model_validate(outcome, from_attributes=True)


class InterventionDetail(BaseModel):
    """An entry, its correction chain (original first, current last) and its outcomes."""

    entry: InterventionRead
    chain: list[InterventionRead]
    outcomes: list[OutcomeRead]


class InterventionWrite(BaseModel):
    """An action done for a customer, logged by hand; outside any experiment, so no arm."""

    customer_id: int = Field(ge=1, le=MAX_ID)
    kind: InterventionKind
    performed_at: datetime | None = Field(
        default=None, description="When it was done; now if unset; never in the future."
    )
    hours: float | None = Field(default=None, ge=0, le=1000)
    note: str = Field(default="", max_length=2000, pattern=TEXT_PATTERN)
    playbook: str | None = Field(default=None, min_length=1, max_length=128, pattern=TEXT_PATTERN)

    def action(self) -> Action:
        """The action to record."""
        return Action(
            customer_id=self.customer_id,
            kind=self.kind,
            performed_at=self.performed_at,
            hours=self.hours,
            note=self.note,
            playbook=self.playbook,
        )
