"""Pydantic models for personas, a customer's persona, feedback and build figures."""

from datetime import datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field

from cspersona.http.pagination import Page
from cspersona.personas.transitions import TransitionStrategy


class PersonaSummary(BaseModel):
    """A persona in a list: name, size, revenue share, CSM agreement and narrative."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    version: int
    active: bool
    narrative: str | None
    customers: int = 0
    customer_share: float | None = None
    arr_share: float | None = None
    agreement_rate: float | None = Field(
        default=None, description="Share of CSM verdicts that agree; null without feedback."
    )
    feedback_count: int = 0
    below_target: bool = Field(
        default=False,
        description="True when at least 5 CSM verdicts agree less than 85% of the time.",
    )


PersonaPage = Page[PersonaSummary]


class PersonaRead(PersonaSummary):
    """A persona with its whole profile and the evidence behind it."""

    traits: dict[str, Any]
    communication_style: dict[str, Any]
    risk_factors: dict[str, Any]
    created_at: datetime


class SnapshotRead(BaseModel):
    """A customer's persona and confidence at one run."""

    model_config = ConfigDict(from_attributes=True)

    persona_id: int
    confidence: float
    taken_at: datetime = Field(
        description="When the run wrote this (wall clock, the run date), not a date in the data."
    )
    model_version: str


class SwitchRead(BaseModel):
    """A switch: from which persona to which, when, what changed and what to do now."""

    model_config = ConfigDict(from_attributes=True)

    from_persona_id: int
    to_persona_id: int
    detected_at: datetime = Field(
        description="When the run that placed the customer wrote it (the run date)."
    )
    model_version: str
    changes: list[dict[str, Any]] = Field(
        description="The features that moved the customer most: z-scores of the customer and "
        "both personas, and `phrase`, the change in words."
    )
    strategy: TransitionStrategy | None = Field(
        default=None,
        description="What to do differently with the customer now, from both personas' "
        "profiles; null on switches recorded before strategies existed.",
    )


class SwitchEntry(SwitchRead):
    """A switch in the book-wide list of persona changes: the customer and both personas named."""

    id: int
    customer_id: int
    company_name: str
    csm_owner: str | None
    from_persona_name: str
    to_persona_name: str
    what_changed: list[str] = Field(description="What changed, in words, most telling first.")


SwitchPage = Page[SwitchEntry]


class OutlookRead(BaseModel):
    """The predicted chance that a customer is in one persona ``horizon_days`` from now."""

    persona_id: int
    persona_name: str
    probability: float
    horizon_days: int
    learned: bool = Field(
        description="False where the book had too little history to learn from, so the "
        "forecast is 'no change': the current persona at the book's stay rate."
    )


class CustomerPersonaRead(BaseModel):
    """A customer's current persona, how well they fit it, their map position and history."""

    customer_id: int
    persona: PersonaSummary
    confidence: float
    misfit: bool
    model_version: str
    assigned_at: datetime = Field(
        description="When the run wrote this (wall clock, the run date), not a date in the data."
    )
    map_x: float | None
    map_y: float | None
    history: list[SnapshotRead]
    switches: list[SwitchRead]
    outlook: list[OutlookRead] = Field(
        description="Each persona's chance of being this customer's in 90 days, likeliest "
        "first (empty before the pipeline's outlook stage has run)."
    )


class FeedbackCreate(BaseModel):
    """A CSM's verdict on a customer's current persona."""

    model_config = ConfigDict(extra="forbid")

    agree: bool
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackRead(BaseModel):
    """A stored verdict."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    customer_id: int
    persona_id: int
    user_id: int | None
    agree: bool
    comment: str | None
    created_at: datetime


class PersonaUpdate(BaseModel):
    """An analyst's edit: a new name, a new narrative, or both."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=128)
    narrative: str | None = Field(default=None, min_length=1, max_length=4000)


class PersonaMerge(BaseModel):
    """The persona to merge into the one named in the path; it retires."""

    model_config = ConfigDict(extra="forbid")

    merge_id: int = Field(ge=1, le=2**31 - 1)


class PersonaCreate(BaseModel):
    """A persona made of chosen customers, and its name (None: named from its profile)."""

    model_config = ConfigDict(extra="forbid")

    customer_ids: set[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(
        min_length=2, max_length=10_000
    )
    name: str | None = Field(default=None, min_length=1, max_length=128)


class PersonaPromote(BaseModel):
    """A name for a promoted suggestion (None: the suggestion's own)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=128)


class SuggestedPersonaRead(BaseModel):
    """A persona the newest build suggests: a dense group of customers no persona fits."""

    number: int = Field(description="Its number, to promote it: 1 for the first.")
    name: str
    narrative: str | None
    customer_ids: list[int]


class PersonaEditRead(BaseModel):
    """One edit of a persona: who, when, which field, the old and the new value."""

    model_config = ConfigDict(from_attributes=True)

    persona_id: int
    editor: str
    field: str = Field(description="name, narrative, merged, created or promoted.")
    old_value: str | None
    new_value: str | None
    created_at: datetime


class BuildParams(BaseModel):
    """Options of a persona build: a fixed number of personas, or choose it (``auto``)."""

    model_config = ConfigDict(extra="forbid")

    n_personas: int | None = Field(
        default=None, ge=2, le=10, description="A fixed number of personas; null chooses 2-10."
    )
    clusterer: str = Field(default="kmeans", pattern="^(kmeans|gmm|hdbscan)$")


class BuildFigures(BaseModel):
    """What a build reports: the model version, k, its validation figures and what it wrote."""

    model_version: str
    customers: int
    k: int
    silhouette: float | None
    davies_bouldin: float | None
    stability: float | None
    misfits: int
    suggested_personas: int
    switches: int
    seconds: float
    validation: list[dict[str, Any]]


class ExplanationReason(BaseModel):
    """A feature the customer shares with their persona, and how far both sit from the book."""

    feature: str
    value: float | None
    book_mean: float | None
    customer_z: float
    persona_z: float
    phrase: str


class PersonaAlternative(BaseModel):
    """A persona the customer could have been, with the model's probability for it."""

    persona_id: int
    name: str
    probability: float


class PersonaExplanation(BaseModel):
    """Why a customer is their persona: shared traits, closest alternatives, and plain words."""

    customer_id: int
    persona_id: int
    persona_name: str
    confidence: float
    misfit: bool
    reasons: list[ExplanationReason]
    alternatives: list[PersonaAlternative]
    explanation: str
