"""The persona profile as typed documents, from where it is computed to where it is rendered.

The build stores them as JSON (``personas.traits``, ``communication_style``, ``risk_factors``);
readers validate them back. Every field has the default a document may lack (rows written before
a field existed, or partial test rows), and :meth:`ProfileDocument.document` dumps only the fields
that were set, so a stored document round-trips unchanged and needs no migration.
"""

from typing import Any, Literal

from pydantic import BaseModel, Field


class ProfileDocument(BaseModel):
    """A JSON document of a persona row."""

    def document(self) -> dict[str, Any]:
        """The JSON to store: only the fields set, so old and partial documents keep their shape."""
        return self.model_dump(mode="json", exclude_unset=True)


class Citation(BaseModel):
    """A member's message that backs a claim: where it is, and its cleaned, anonymised words."""

    message_id: int
    interaction_id: int
    customer_id: int
    interaction_type: str
    quote: str


class Cited(BaseModel):
    """A claim of the profile with the members' messages that support it (none: no evidence)."""

    citations: list[Citation] = []


class SignalEvidence(BaseModel):
    """How one feature sets a persona apart: its mean there and in the book, and the z-score."""

    feature: str
    persona_mean: float
    book_mean: float
    z: float


class AxisEvidence(SignalEvidence):
    """A signal behind a dimension or MBTI axis, and the pole it points to."""

    points_to: Literal["high", "low"]


class AxisScore(BaseModel):
    """A dimension's score (mean signed z), its confidence and the signals behind it.

    The defaults are the score of an axis no feature matched.
    """

    score: float = 0.0
    confidence: float = 0.0
    evidence: list[AxisEvidence] = []


class ProfileDimension(AxisScore, Cited):
    """A dimension such as technical level: its title, the pole the persona leans to, its score."""

    title: str
    value: str


class MbtiAxis(AxisScore):
    """One MBTI-style letter and what it means."""

    axis: str
    letter: str
    meaning: str


class MbtiProfile(BaseModel):
    """The four MBTI-style letters and each axis behind them."""

    type: str = ""
    axes: list[MbtiAxis] = []


class Naming(BaseModel):
    """Why the persona has its name: its adjective and the signal behind it (None: the fallback)."""

    adjective: str
    because: SignalEvidence | None


class Trigger(SignalEvidence, Cited):
    """A negative emotion over-represented in the persona's messages."""

    emotion: str


class TopicShare(SignalEvidence, Cited):
    """A topic the persona raises, with its share there and in the book."""

    topic: str


class PainPoint(TopicShare):
    """A topic raised clearly more often than by the book."""


class SuccessMetric(SignalEvidence, Cited):
    """What success means to the persona, from the feature that suggests it."""

    metric: str


class BookShare(BaseModel):
    """The persona's share of the book's customers and of its ARR, and its ARR."""

    customers: float
    arr: float
    arr_total: float


class IndustryOverlayShare(BaseModel):
    """An industry overlay that applies to the persona, and its customers' share in it."""

    industry: str
    focus: str
    share: float


class Quote(BaseModel):
    """A typical member's message, anonymised."""

    text: str


class NarrativeClaim(Cited):
    """A statement of the template narrative and the messages behind it."""

    statement: str


class TargetFidelity(BaseModel):
    """How well the persona, the book and the member's own past predict one held-out answer.

    ``target`` is ``nps`` (NPS group), ``topic`` (top topic) or ``sentiment`` (mood); accuracies
    are shares of the ``members`` scored, None when no member could be.
    """

    target: str
    members: int
    persona_accuracy: float | None
    book_accuracy: float | None
    self_accuracy: float | None
    normalised: float | None = Field(description="Persona accuracy over the member's own.")


class PersonaFidelity(BaseModel):
    """Voice-of-customer fidelity (``personas.fidelity``): per target, and their mean normalised."""

    members_with_history: int
    normalised: float | None
    targets: list[TargetFidelity]


class PersonaProfile(ProfileDocument):
    """A persona's whole profile, as stored in ``personas.traits``."""

    name: str = ""
    naming: Naming | None = None
    customers: int = 0
    dimensions: dict[str, ProfileDimension] = {}
    mbti: MbtiProfile = Field(default_factory=MbtiProfile)
    triggers: list[Trigger] = []
    pain_points: list[PainPoint] = []
    success_metrics: list[SuccessMetric] = []
    top_topics: list[TopicShare] = []
    distinguishing: list[SignalEvidence] = []
    share: BookShare | None = None
    industries: dict[str, float] = {}
    industry_overlays: list[IndustryOverlayShare] = []
    quotes: list[Quote] = []
    narrative: str | None = None
    narrative_by: str | None = None
    narrative_claims: list[NarrativeClaim] = []
    fidelity: PersonaFidelity | None = None


class CommunicationStyle(ProfileDocument):
    """The profile's style dimensions, as stored in ``personas.communication_style``."""

    formality: ProfileDimension | None = None
    technical_level: ProfileDimension | None = None


class RiskFactors(ProfileDocument):
    """The profile's triggers and pain points, as stored in ``personas.risk_factors``."""

    triggers: list[Trigger] | None = None
    pain_points: list[PainPoint] | None = None
