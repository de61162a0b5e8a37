"""Difference-in-differences reproducing a published estimate."""

import pandas as pd
import pytest
from causaldata import organ_donations
from scipy import stats

from cspersona.roi.did import difference_in_differences


def _organ_donations() -> pd.DataFrame:
    frame = organ_donations.load_pandas().data
    frame["california"] = frame["State"] == "California"
    frame["after"] = frame["Quarter_Num"] >= 4  # active choice from 2011 Q3
    return frame


def test_reproduces_kessler_and_roth_as_published_in_the_effect() -> None:
    """California's active-choice organ-donation question, Kessler & Roth (2014, NBER w20378).

    Huntington-Klein, "The Effect" (2021), chapter 18, section "Two-way fixed effects"
    (https://theeffectbook.net/ch-DifferenceinDifference.html#two-way-fixed-effects), fits
    ``feols(Rate ~ Treated | State + Quarter)`` clustered by State and reports -0.022 (0.006).
    The unrounded figures, -0.022459 (0.0061312), 95% interval [-0.0350619, -0.0098561], are
    Stata's ``reghdfe rate Treated, a(state quarter) vce(cluster state)`` on the same causaldata
    set, as printed in a public course script (found with the code search).
    """
    interval = difference_in_differences(
        _organ_donations(),
        outcome="Rate",
        unit="State",
        period="Quarter",
        treated="california",
        post="after",
        level=0.95,
    )
    standard_error = (interval.high - interval.estimate) / stats.t.ppf(0.975, 27 - 1)
    assert (round(interval.estimate, 3), round(standard_error, 3)) == (-0.022, 0.006)
    assert (round(interval.estimate, 6), round(standard_error, 7)) == (-0.022459, 0.0061312)
    assert (interval.low, interval.high) == (
        pytest.approx(-0.0350619, abs=1e-7),
        pytest.approx(-0.0098561, abs=1e-7),
    )


def test_the_default_level_is_ninety_percent_and_narrower() -> None:
    frame = _organ_donations()
    columns = {"outcome": "Rate", "unit": "State", "period": "Quarter"}
    ninety = difference_in_differences(frame, **columns, treated="california", post="after")
    assert ninety.level == 0.90
    assert -0.0350619 < ninety.low < ninety.high < -0.0098561


def test_without_an_untreated_comparison_it_refuses() -> None:
    frame = _organ_donations().assign(everyone=True, always=True)
    with pytest.raises(ValueError, match="treated and untreated"):
        difference_in_differences(
            frame,
            outcome="Rate",
            unit="State",
            period="Quarter",
            treated="everyone",
            post="always",
        )
