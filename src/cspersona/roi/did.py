"""Difference-in-differences for interventions that were not randomised (observational).

Without a held-back arm, the treated customers' change is compared with the change of the
others over the same periods. That reads as an effect only under parallel trends: had there
been no intervention, both groups would have moved alike.
"""

import math

import pandas as pd
import statsmodels.formula.api as smf
from scipy import stats

from cspersona.roi.intervals import LEVEL, Interval

_EFFECT = "treated_after"


def difference_in_differences(
    frame: pd.DataFrame,
    *,
    outcome: str,
    unit: str,
    period: str,
    treated: str,
    post: str,
    level: float = LEVEL,
) -> Interval:
    """The treated x post coefficient of a two-way fixed effects regression, clustered by unit.

    outcome ~ treated·post + unit fixed effects + period fixed effects, by OLS. Outcomes of one
    unit are correlated over time, so standard errors are clustered by unit with the small-sample
    factor G/(G−1)·(N−1)/(N−K) that Stata's reghdfe and R's fixest use: K leaves out the unit
    effects, which are nested in the clusters. The interval uses Student's t with G−1 degrees
    of freedom.
    """
    data = pd.DataFrame(
        {
            "y": frame[outcome].astype(float),
            "unit": frame[unit].astype(str),
            "period": frame[period].astype(str),
            _EFFECT: (frame[treated].astype(bool) & frame[post].astype(bool)).astype(float),
        }
    )
    clusters = data["unit"].nunique()
    if clusters < 2 or data[_EFFECT].nunique() < 2:
        raise ValueError("the comparison needs treated and untreated units, before and after")
    groups = data["unit"].astype("category").cat.codes.to_numpy()
    fit = smf.ols(f"y ~ {_EFFECT} + C(unit) + C(period)", data=data).fit(
        cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False}
    )
    observations = len(data)
    parameters = len(fit.params) - (clusters - 1)  # unit effects are nested in the clusters
    factor = clusters / (clusters - 1) * (observations - 1) / (observations - parameters)
    standard_error = float(fit.bse[_EFFECT]) * math.sqrt(factor)
    estimate = float(fit.params[_EFFECT])
    half = float(stats.t.ppf(0.5 + level / 2, clusters - 1)) * standard_error
    return Interval(estimate, estimate - half, estimate + half, level)
