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


class ProfileDimension(AxisScore):
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


class Trigger(SignalEvidence):
    """A negative emotion over-represented in the persona's messages."""

    emotion: str


class TopicShare(SignalEvidence):
    """A topic the persona raises, with its share there and in the book."""

    topic: str


class PainPoint(TopicShare):
    """A topic raised clearly more often than by the book."""


class SuccessMetric(SignalEvidence):
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


class CommunicationStyle(ProfileDocument):
    """The profile's style dimensions, as stored in ``personas.communication_style``."""

    formality: ProfileDimension | None = None
    technical_level: ProfileDimension | None = None


class RiskFactors(ProfileDocument):
    """The profile's triggers and pain points, as stored in ``personas.risk_factors``."""

    triggers: list[Trigger] | None = None
    pain_points: list[PainPoint] | None = None
