"""How the product model words its drivers: one template per kind of analytics feature.

The analytics features have self-explaining names (docs/analytics.md); a rule matches a family of
them by name and words its value the way a CSM would say it ("usage down 40% in 60 days",
"3 unresolved tickets"). Features no rule matches keep the generic wording of
:func:`cspersona.predict.drivers.phrase` ("tenure_days is low (120; typical 610): ...").
"""

import re
from collections.abc import Iterable

# (pattern on the column name, template); the first match wins. Templates may use the fields of
# cspersona.predict.drivers.phrase, and the named groups of their pattern.
RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^usage_trend_(?P<days>\d+)d$"),
     "product usage {log_change} over the last {days} days ({effect})"),
    (re.compile(r"^usage_growth_since_start$"),
     "product usage {log_change} since the first months ({effect})"),
    (re.compile(r"^usage_active_users_30d$"),
     "{count} active users a day over the last 30 days ({effect})"),
    (re.compile(r"^feature_breadth_30d$"),
     "{value:.0%} of product features used in the last 30 days ({effect})"),
    (re.compile(r"^tickets_unresolved(_count)?$"), "{count} unresolved tickets ({effect})"),
    (re.compile(r"^adoption_days_(?P<feature>[a-z_]+)$"),
     "took {count} days to adopt {feature} ({effect})"),
    (re.compile(r"^lifecycle_(?P<event>[a-z]+)_count$"), "{event} {count} times so far ({effect})"),
    (re.compile(r"^champion_quiet_days$"), "main contact silent for {count} days ({effect})"),
    (re.compile(r"^tickets_(?P<days>\d+)d$"), "{count} tickets in the last {days} days ({effect})"),
    (re.compile(r"^ticket_high_urgent_share$"),
     "{value:.0%} of tickets high-priority or urgent ({effect})"),
    (re.compile(r"^ticket_reopen_rate$"), "{value:.0%} of tickets reopened ({effect})"),
    (re.compile(r"escalation"), "{count} escalations ({effect})"),
    (re.compile(r"^negative_share_recent$"),
     "{value:.0%} of their messages negative in the last 60 days ({effect})"),
    (re.compile(r"^negative_share$"), "{value:.0%} of their messages negative ({effect})"),
    (re.compile(r"^sentiment_trend$"),
     "message sentiment {value:+.2f} against the months before ({effect})"),
    (re.compile(r"^sentiment(_recent)?_mean$"),
     "average message sentiment {value:+.2f} ({effect})"),
    (re.compile(r"^nps_last$"), "last NPS answer {count} of 10 ({effect})"),
    (re.compile(r"^nps_drop$"), "NPS {count} points below their earlier average ({effect})"),
    (re.compile(r"^nps_mean$"), "average NPS {value:.1f} ({effect})"),
    (re.compile(r"^days_since_nps$"), "no NPS answer for {count} days ({effect})"),
    (re.compile(r"^days_to_renewal$"), "renewal in {count} days ({effect})"),
    (re.compile(r"^emotion_(?P<emotion>[a-z]+)_mean$"),
     "{emotion} in their messages at {value:.2f} (typical {typical:.2f}) ({effect})"),
)  # fmt: skip


def feature_templates(columns: Iterable[str]) -> dict[str, str]:
    """A template for every column a rule knows how to word."""
    templates = {}
    for column in columns:
        for pattern, template in RULES:
            match = pattern.search(column)
            if match is not None:
                for name, value in match.groupdict().items():
                    template = template.replace("{" + name + "}", (value or "").replace("_", " "))
                templates[column] = template
                break
    return templates
