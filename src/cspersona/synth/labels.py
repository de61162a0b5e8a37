"""The label vocabulary shared by the generator and its ground truth (``truth/``)."""

from enum import StrEnum


class Topic(StrEnum):
    """What a conversation is about."""

    API_LIMITS = "api_limits"
    INTEGRATIONS = "integrations"
    SSO_SECURITY = "sso_security"
    BILLING = "billing"
    PRICING_RENEWAL = "pricing_renewal"
    PERFORMANCE = "performance"
    BUGS = "bugs"
    ONBOARDING = "onboarding"
    FEATURE_REQUESTS = "feature_requests"
    DATA_EXPORT = "data_export"
    COMPLIANCE = "compliance"


class Sentiment(StrEnum):
    """The polarity a message's text conveys."""

    NEGATIVE = "negative"
    NEUTRAL = "neutral"
    POSITIVE = "positive"


class Emotion(StrEnum):
    """Customer-service emotions a customer message can express (several at once)."""

    FRUSTRATION = "frustration"
    ANGER = "anger"
    CONFUSION = "confusion"
    URGENCY = "urgency"
    SATISFACTION = "satisfaction"
    GRATITUDE = "gratitude"


class ConversationKind(StrEnum):
    """The conversation types the generator writes (a subset of the interaction types)."""

    TICKET = "ticket"
    EMAIL = "email"
    CHAT = "chat"


class ReplyQuality(StrEnum):
    """Whether an agent or CSM reply moved the customer's problem forward."""

    HELPFUL = "helpful"
    UNHELPFUL = "unhelpful"
