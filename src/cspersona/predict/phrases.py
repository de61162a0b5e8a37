"""How the product model words its drivers: one template per kind of analytics feature.

The analytics features have self-explaining names (docs/analytics.md); a rule matches a family of
them by name and words its value the way a CSM would say it ("active users down 40% in 60 days",
"3 unresolved high-priority tickets"). Features no rule matches keep the generic wording of
:func:`cspersona.predict.drivers.phrase`.
"""

import re
from collections.abc import Iterable

# (pattern on the column name, template); the first match wins. Templates may use the fields of
# cspersona.predict.drivers.phrase, plus ``days`` and ``subject`` from the pattern's groups.
RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^(?P<subject>active_users|logins|events)_trend_(?P<days>\d+)d$"),
     "{subject} {change} in {days} days ({effect})"),
    (re.compile(r"^usage_trend_(?P<days>\d+)d$"), "usage {change} in {days} days ({effect})"),
    (re.compile(r"unresolved.*high|high.*unresolved"),
     "{count} unresolved high-priority tickets ({effect})"),
    (re.compile(r"unresolved"), "{count} unresolved tickets ({effect})"),
    (re.compile(r"escalations?(_count)?(_(?P<days>\d+)d)?$"), "{count} escalations ({effect})"),
    (re.compile(r"reopen_rate"), "{value:.0%} of tickets reopened ({effect})"),
    (re.compile(r"negative.*(last|recent)_(?P<subject>\d+)"),
     "negative sentiment in {count} of the last {subject} messages ({effect})"),
    (re.compile(r"sentiment_(mean|avg)"), "average message sentiment {value:+.2f} ({effect})"),
    (re.compile(r"sentiment_trend"), "sentiment moving {value:+.2f} ({effect})"),
    (re.compile(r"^nps_last$"), "last NPS answer {count} of 10 ({effect})"),
    (re.compile(r"^nps_drop$"), "NPS dropped by {count} points ({effect})"),
    (re.compile(r"^nps_mean$"), "average NPS {value:.1f} ({effect})"),
    (re.compile(r"^(?P<subject>frustration|anger|confusion|urgency|satisfaction|gratitude)"),
     "{subject} in messages at {value:.2f} (typical {typical:.2f}) ({effect})"),
)  # fmt: skip


def feature_templates(columns: Iterable[str]) -> dict[str, str]:
    """A template for every column a rule knows how to word."""
    templates = {}
    for column in columns:
        for pattern, template in RULES:
            match = pattern.search(column)
            if match is not None:
                groups = {
                    name: value.replace("_", " ")
                    for name, value in match.groupdict().items()
                    if value
                }
                templates[column] = _fill(template, groups)
                break
    return templates


def _fill(template: str, groups: dict[str, str]) -> str:
    """Put the pattern's groups into the template, leaving the driver's own fields."""
    for name, value in groups.items():
        template = template.replace("{" + name + "}", value)
    return template
