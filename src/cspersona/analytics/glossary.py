"""Every customer feature in words a CSM reads: what it measures, with its unit.

The analytics features have names made for code (``champion_message_share``); this glossary
is the one place that says them in plain language, so that churn and expansion drivers,
persona explanations and customer summaries all read the same way:

    describe("champion_message_share", 0.35, typical=0.7)
    -> "the main contact wrote 35% of this customer's messages; 70% is typical"

A feature no entry knows is still said without underscores, and numbers never show more
precision than a person would use. Next to its words, an entry may say which way more of the
feature moves churn risk where common sense knows it (more escalations raise it, more usage lowers
it): the product's churn model is held to that direction (``risk_direction``).
"""

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from cspersona.nlp.vocabulary import spell_acronyms

Formatter = Callable[[float], str]


def _share(value: float) -> str:
    return f"{value:.0%}"


def _count(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 10 or value == round(value) else f"{value:,.1f}"


def _days(value: float) -> str:
    days = round(value)
    return f"{days:,} day{'s' if days != 1 else ''}"


def _times(value: float) -> str:
    times = round(value)
    return "never" if times == 0 else "once" if times == 1 else f"{times:,} times"


def _hours(value: float) -> str:
    return _days(value / 24) if value >= 72 else f"{value:,.1f} hours"


def _score(value: float) -> str:
    return f"{value:+.2f}"


def _level(value: float) -> str:
    return f"{value:.2f}"


def _nps(value: float) -> str:
    return f"{value:.1f} of 10" if value != round(value) else f"{value:.0f} of 10"


def _points_against(value: float) -> str:
    """An NPS drop in words: a positive drop is below the earlier average, a negative one above."""
    points = abs(value)
    side = "below" if value >= 0 else "above"
    return f"{_count(points)} point{'s' if points != 1 else ''} {side}"


def _money(value: float) -> str:
    return f"${value:,.0f}"


def change_words(relative: float) -> str:
    """A relative change in words: ``down 40%``, ``up 15%``, ``unchanged``."""
    if round(abs(relative) * 100) == 0:
        return "unchanged"
    return f"{'down' if relative < 0 else 'up'} {abs(relative):.0%}"


def _log_change(value: float) -> str:
    return change_words(math.expm1(min(value, 20.0)))


@dataclass(frozen=True)
class Entry:
    """How to say one family of features: a sentence with ``{value}`` and its unit."""

    pattern: re.Pattern[str]
    sentence: str
    unit: Formatter
    # Said when the value is missing (e.g. a feature never adopted); None: "unknown".
    missing: str | None = None
    # What is typical, when the book's typical value is zero and "0 days" would read oddly.
    usual_at_zero: str | None = None
    # Which way more of it moves churn risk when common sense knows (RAISES or LOWERS); None
    # when it could go either way (more tickets may mean trouble or an engaged customer).
    risk: int | None = None


CHANNELS = {
    "email": "e-mail",
    "in_app": "in-app chat",
    "slack": "Slack",
    "teams": "Microsoft Teams",
    "api": "the API",
    "phone": "the phone",
    "web": "the web form",
}
CONVERSATION_TYPES = {
    "ticket": "support tickets",
    "email": "e-mail threads",
    "chat": "chats",
    "call": "calls",
    "nps": "NPS answers",
    "interview": "interviews",
}
LIFECYCLE_VERBS = {
    "renewed": "renewed",
    "expanded": "expanded",
    "contracted": "contracted",
    "downgraded": "downgraded",
    "churned": "churned",
}


RAISES = 1
LOWERS = -1


def _entry(
    pattern: str,
    sentence: str,
    unit: Formatter,
    missing: str | None = None,
    usual_at_zero: str | None = None,
    risk: int | None = None,
) -> Entry:
    return Entry(re.compile(f"^{pattern}$"), sentence, unit, missing, usual_at_zero, risk)


ENTRIES: tuple[Entry, ...] = (
    _entry("interactions_total", "{value} conversations so far", _count),
    _entry("interactions_per_30d", "{value} conversations a month", _count),
    _entry("customer_messages_total", "{value} messages written so far", _count),
    _entry("customer_messages_per_30d", "{value} messages written a month", _count),
    _entry("message_words_mean", "{value} words per message on average", _count),
    _entry("message_characters_mean", "{value} characters per message on average", _count),
    _entry("questions_per_message", "{value} questions per message", _count),
    _entry("formal_markers_per_100_words", "{value} formal expressions per 100 words", _count),
    _entry("informal_markers_per_100_words", "{value} casual expressions per 100 words", _count),
    _entry("formality_index", "a formality score of {value}, from -1 casual to +1 formal", _score),
    _entry("technical_terms_per_100_words", "{value} technical terms per 100 words", _count),
    _entry("business_hours_share", "{value} of their messages sent in business hours", _share),
    _entry("weekend_share", "{value} of their messages sent at weekends", _share),
    _entry("reply_hours_median", "they answer our messages after {value} (median)", _hours),
    _entry("follow_up_share", "{value} of their messages chase an earlier one", _share),
    _entry("csm_message_share", "{value} of our replies written by their CSM", _share),
    _entry("days_since_last_message", "last wrote to us {value} ago", _days),
    _entry("type_share_(?P<type>\\w+)", "{value} of their conversations are {type}", _share),
    _entry(
        "channel_share_(?P<channel>\\w+)", "{value} of their conversations on {channel}", _share
    ),
    _entry("champion_message_share", "the main contact wrote {value} of their messages", _share),
    _entry(
        "champion_quiet_days",
        "the main contact has been silent for {value} while others wrote",
        _days,
        usual_at_zero="usually the main contact writes last",
        risk=RAISES,
    ),
    _entry("contacts_active_90d", "{value} of their people wrote in the last 90 days", _count),
    _entry(
        "sentiment_mean", "average message sentiment {value}, from -1 to +1", _score, risk=LOWERS
    ),
    _entry(
        "sentiment_recent_mean",
        "average sentiment {value} over the last 60 days",
        _score,
        risk=LOWERS,
    ),
    _entry("sentiment_trend", "sentiment {value} against the months before", _score, risk=LOWERS),
    _entry("negative_share", "{value} of their messages negative", _share, risk=RAISES),
    _entry(
        "negative_share_recent",
        "{value} of their messages negative in the last 60 days",
        _share,
        risk=RAISES,
    ),
    _entry("sophistication_mean", "writing sophistication {value}, from 0 to 1", _level),
    _entry("emotion_(?P<emotion>[a-z]+)_mean", "{emotion} in their messages at {value}", _level),
    _entry("topic_share_\\d+_?(?P<topic>\\w*)", "{value} of their messages about {topic}", _share),
    _entry(
        "usage_events_per_day_30d",
        "{value} product events a day over the last 30 days",
        _count,
        risk=LOWERS,
    ),
    _entry(
        "usage_active_users_30d",
        "{value} active users a day over the last 30 days",
        _count,
        risk=LOWERS,
    ),
    _entry("seat_saturation", "active users at {value} of their highest so far", _share),
    _entry(
        "days_since_expansion",
        "last bought more {value} ago",
        _days,
        missing="has never bought more",
    ),
    _entry(
        "usage_logins_per_day_30d",
        "{value} logins a day over the last 30 days",
        _count,
        risk=LOWERS,
    ),
    _entry(
        "usage_trend_(?P<days>\\d+)d",
        "product usage {value} over the last {days} days",
        _log_change,
        risk=LOWERS,
    ),
    _entry(
        "usage_growth_since_start",
        "product usage {value} since their first months",
        _log_change,
        risk=LOWERS,
    ),
    _entry(
        "feature_breadth_30d",
        "{value} of product features used in the last 30 days",
        _share,
        risk=LOWERS,
    ),
    _entry("feature_share_(?P<feature>\\w+)", "{feature} is {value} of their feature use", _share),
    _entry(
        "adoption_days_(?P<feature>\\w+)",
        "took {value} to start using {feature}",
        _days,
        missing="has never used {feature}",
        usual_at_zero="most customers use it from their first day",
    ),
    _entry(
        "nps_last", "last NPS answer {value}", _nps, missing="has never answered NPS", risk=LOWERS
    ),
    _entry("nps_mean", "average NPS {value}", _nps, missing="has never answered NPS", risk=LOWERS),
    _entry("nps_responses", "{value} NPS answers", _count),
    _entry(
        "nps_drop",
        "last NPS answer {value} their earlier average",
        _points_against,
        risk=RAISES,
    ),
    _entry("days_since_nps", "no NPS answer for {value}", _days, missing="has never answered NPS"),
    _entry("tickets_total", "{value} support tickets so far", _count),
    _entry("tickets_per_30d", "{value} support tickets a month", _count),
    _entry("tickets_(?P<days>\\d+)d", "{value} support tickets in the last {days} days", _count),
    _entry(
        "ticket_severity_mean", "average ticket priority {value}, from 1 low to 4 urgent", _level
    ),
    _entry("ticket_high_urgent_share", "{value} of their tickets high-priority or urgent", _share),
    _entry("tickets_unresolved(?:_count)?", "{value} unresolved tickets", _count, risk=RAISES),
    _entry("ticket_reopen_rate", "{value} of their tickets reopened", _share, risk=RAISES),
    _entry("ticket_resolution_hours_median", "tickets resolved after {value} (median)", _hours),
    _entry("first_response_hours_median", "our first reply after {value} (median)", _hours),
    _entry(
        "ticket_repeat_topic_share",
        "{value} of their tickets raise a problem raised before",
        _share,
    ),
    _entry("escalations_total", "{value} escalations so far", _count, risk=RAISES),
    _entry("escalations_90d", "{value} escalations in the last 90 days", _count, risk=RAISES),
    _entry("escalation_rate", "{value} of their conversations escalated", _share, risk=RAISES),
    _entry("escalation_recovery_rate", "{value} of their escalations recovered", _share),
    _entry("reply_effect_mean", "our replies move their sentiment by {value} on average", _score),
    _entry("arr", "annual recurring revenue {value}", _money),
    _entry("tenure_days", "a customer for {value}", _days),
    _entry("days_to_renewal", "renewal in {value}", _days, missing="no renewal date ahead"),
    _entry("lifecycle_(?P<kind>[a-z]+)_count", "{kind} {value} so far", _times),
)
_NAMES = {"channel": CHANNELS, "type": CONVERSATION_TYPES, "kind": LIFECYCLE_VERBS}


def plain_name(identifier: str) -> str:
    """``ai_assistant`` -> ``AI assistant``: an identifier said as words."""
    return spell_acronyms(identifier.replace("_", " ")).strip()


def channel_name(channel: str) -> str:
    """How a CSM says a channel: ``in_app`` -> ``in-app chat``; unknown ones as words."""
    return CHANNELS.get(channel) or plain_name(channel)


def topic_words(slug: str) -> str:
    """A topic's name from its feature slug: ``invoice_and_finance`` -> ``invoice & finance``.

    Topic names never hold "and" but as the join of their two words (their phrases stop at stop
    words), so it is read back as the ampersand they were named with.
    """
    return plain_name(slug).replace(" and ", " & ") or "other questions"


def _find(feature: str) -> tuple[Entry, dict[str, str]] | None:
    for entry in ENTRIES:
        match = entry.pattern.match(feature)
        if match is not None:
            named = {
                name: topic_words(found)
                if name == "topic"
                else _NAMES.get(name, {}).get(found, plain_name(found))
                for name, found in match.groupdict().items()
            }
            return entry, named
    return None


def risk_direction(feature: str) -> int | None:
    """Which way more of ``feature`` moves churn risk (RAISES, LOWERS), or None when unknown.

    A model may learn an unknown direction either way; a known one it must follow, since a CSM
    would not believe "17 escalations lowers churn risk" whatever the data's quirks.
    """
    found = _find(feature)
    return None if found is None else found[0].risk


def describe(feature: str, value: float, typical: float | None = None) -> str:
    """One feature's value in words, with what is typical in the book when that is known."""
    found = _find(feature)
    if found is None:
        label = plain_name(feature)
        if math.isnan(value):
            return f"{label} unknown"
        said = f"{label} {_count(value)}"
        return said if typical is None else f"{said}; {_count(typical)} is typical"
    entry, named = found
    if math.isnan(value):
        return (entry.missing or "{label} unknown").format(label=plain_name(feature), **named)
    said = entry.sentence.format(value=entry.unit(value), **named)
    if typical is None or math.isnan(typical) or entry.unit(typical) == entry.unit(value):
        return said
    if typical == 0 and entry.usual_at_zero:
        return f"{said}; {entry.usual_at_zero}"
    return f"{said}; {entry.unit(typical)} is typical"


def describe_against(feature: str, value: float, references: Sequence[tuple[str, float]]) -> str:
    """A feature's value in words, then its typical value in each named group.

    Says why a customer moved between personas: "45% of their messages negative; typically 10%
    for Technical Tom and 40% for Frustrated Fiona".
    """
    found = _find(feature)
    unit = found[0].unit if found is not None else _count
    typical = [f"{unit(mean)} for {name}" for name, mean in references if not math.isnan(mean)]
    said = describe(feature, value)
    return f"{said}; typically {' and '.join(typical)}" if typical else said
