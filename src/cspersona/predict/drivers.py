"""Why a customer is at risk: model contributions turned into plain-language drivers.

Any churn model here splits its log-odds score into one contribution per feature column
(coefficients for the linear part, TreeSHAP for the trees). A driver is one such contribution with
its direction (raises or lowers risk) and size, phrased for a Customer Success Manager. Phrases come
from templates: a generic one per kind of column, and richer ones a caller can supply per column
(the product model words its usage features, e.g. "active users down 40% in 60 days").
"""

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspersona.analytics.glossary import change_words, plain_name

# Contributions are log-odds; these bounds are odds multiplied by about 1.2 and 1.8.
SIZE_WORDS = ((0.6, "strongly"), (0.2, "moderately"), (0.0, "slightly"))
NEGLIGIBLE = 0.05  # below this a contribution is not worth a sentence
# A window a feature is measured over, at the end of its name: 30d, 60d, 90d.
WINDOW_SUFFIX = re.compile(r"_\d+d$")
NUMBER_TEMPLATE = "{column} is {level} ({value}; typical {typical}): {effect}"
CATEGORY_TEMPLATE = "{column} is {value}: {effect}"
MISSING_TEMPLATE = "{column} is unknown: {effect}"
# A caller that can say its features in words (the product model: analytics.glossary).
Describer = Callable[[str, float, float | None], str]


@dataclass(frozen=True)
class Driver:
    """One feature's push on one customer's churn risk."""

    column: str
    value: float | str
    contribution: float
    phrase: str
    # The value in words alone (no typical value, no effect), when a describer said it.
    plain: str | None = None

    @property
    def direction(self) -> str:
        """``raises`` or ``lowers`` churn risk."""
        return direction_word(self.contribution)

    @property
    def size(self) -> str:
        """``strongly``, ``moderately`` or ``slightly``."""
        return size_word(self.contribution)

    @property
    def statement(self) -> str:
        """What the reason for an intervention quotes: the value in words, without its effect."""
        return self.plain or self.phrase.removesuffix(": " + effect_words(self.contribution))


def direction_word(contribution: float) -> str:
    """``raises`` for a push towards churn, ``lowers`` for one away from it."""
    return "raises" if contribution > 0 else "lowers"


def size_word(contribution: float) -> str:
    """How hard a contribution pushes: ``strongly``, ``moderately`` or ``slightly``."""
    return next(word for bound, word in SIZE_WORDS if abs(contribution) >= bound)


def effect_words(contribution: float) -> str:
    """E.g. ``strongly raises churn risk``.

    No number: a contribution multiplies the odds against the book's average customer before
    calibration, so "odds x60" beside a calibrated 10% misleads more than it tells.
    """
    return f"{size_word(contribution)} {direction_word(contribution)} churn risk"


def family(column: str) -> str:
    """The feature a column measures over some window: ``usage_trend_30d`` -> ``usage_trend``."""
    return WINDOW_SUFFIX.sub("", column)


def _as_number(value: float | str) -> float | str:
    """A category that is a number ("1.0") as that number; anything else unchanged."""
    try:
        return float(value)
    except ValueError:
        return value


def _number(value: float) -> str:
    return f"{value:,.4g}"


def phrase(
    column: str,
    value: float | str,
    contribution: float,
    typical: float | str | None,
    templates: Mapping[str, str] | None = None,
    describe: Describer | None = None,
) -> str:
    """A sentence for one driver, from the column's own template or a generic one.

    Templates are ``str.format`` strings that may use ``column``, ``value``, ``typical``,
    ``level`` (high/low/typical, numbers only), ``effect``, and for numbers ``count`` (rounded),
    ``change`` (the value as a relative change in words: ``down 40%``) and ``log_change`` (the
    same for a log ratio, the usual form of a trend). ``describe``, when given, says a numeric
    feature in words itself; the effect follows it after a colon.
    """
    if describe is not None and isinstance(value, float):
        usual = typical if isinstance(typical, float) else None
        return f"{describe(column, value, usual)}: {effect_words(contribution)}"
    fields: dict[str, object] = {
        "column": plain_name(column),
        "value": value,
        "typical": typical,
        "effect": effect_words(contribution),
        "level": "",
    }
    if isinstance(value, float) and math.isnan(value):
        template = MISSING_TEMPLATE
    elif isinstance(value, float) and isinstance(typical, float):
        fields["level"] = "high" if value > typical else "low" if value < typical else "typical"
        fields.update(value=_number(value), typical=_number(typical))
        template = NUMBER_TEMPLATE
    else:
        template = CATEGORY_TEMPLATE
    if templates and column in templates and template is NUMBER_TEMPLATE:
        # Custom templates format the raw value and typical themselves.
        fields.update(value=value, typical=typical)
        if isinstance(value, float):
            fields["count"] = f"{value:,.0f}"
            fields["change"] = change_words(value)
            fields["log_change"] = change_words(math.expm1(min(value, 20.0)))
        template = templates[column]
    return template.format(**fields)


def top_drivers(
    contributions: pd.DataFrame,
    values: pd.DataFrame,
    typical: Mapping[str, float | str],
    *,
    top: int = 3,
    templates: Mapping[str, str] | None = None,
    describe: Describer | None = None,
) -> list[list[Driver]]:
    """For each customer, its ``top`` largest non-negligible contributions as drivers."""
    drivers = []
    for row in range(len(contributions)):
        pushes = contributions.iloc[row].to_numpy(dtype=np.float64)
        order = np.argsort(-np.abs(pushes), kind="stable")
        found: list[Driver] = []
        families: set[str] = set()
        for position in order:
            if len(found) == top or abs(pushes[position]) < NEGLIGIBLE:
                break
            column = str(contributions.columns[position])
            if family(column) in families:
                continue  # usage over 30, 60 and 90 days tell one story: its strongest telling
            families.add(family(column))
            raw = values.iloc[row][column]
            value = float(raw) if isinstance(raw, int | float | np.floating) else str(raw)
            if describe is not None:  # the glossary says numbers typed as categories too
                value = _as_number(value)
            plain = describe(column, value, None) if describe and isinstance(value, float) else None
            found.append(
                Driver(
                    column=column,
                    value=value,
                    contribution=float(pushes[position]),
                    phrase=phrase(
                        column,
                        value,
                        float(pushes[position]),
                        typical.get(column),
                        templates,
                        describe,
                    ),
                    plain=plain,
                )
            )
        drivers.append(found)
    return drivers
