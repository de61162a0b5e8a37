"""Plotly figures of the ROI page: churn reduction with interval whiskers, revenue by month.

They draw what the executive report's SVG charts draw (:mod:`cspersona.reports.svg`), with
Plotly's hover, from the same rows.
"""

from typing import Any

from cspersona.reports.executive import effect_rows
from cspersona.reports.svg import CHURNED, CONTRACTED, EXPANDED, OBSERVATIONAL, RANDOMISED, SAVED
from cspersona.roi.summary import Effect, RevenueMonth
from cspersona.web.charts import BASE_LAYOUT


def effect_figure(effects: list[Effect]) -> dict[str, Any]:
    """Horizontal bars of each churn reduction in points, a whisker for its 90% interval.

    An effect with too few customers gets no bar: its label reads "too few to tell yet".
    """
    rows = list(reversed(effect_rows(effects)))  # Plotly draws the first row at the bottom
    labels = [
        row.label if row.estimate is not None else f"{row.label} (too few to tell yet)"
        for row in rows
    ]
    return {
        "data": [
            {
                "type": "bar",
                "orientation": "h",
                "y": labels,
                "x": [row.estimate for row in rows],
                "error_x": {
                    "type": "data",
                    "symmetric": False,
                    "array": [
                        None
                        if row.high is None or row.estimate is None
                        else row.high - row.estimate
                        for row in rows
                    ],
                    "arrayminus": [
                        None if row.low is None or row.estimate is None else row.estimate - row.low
                        for row in rows
                    ],
                    "color": "#212121",
                },
                "customdata": [[row.low, row.high] for row in rows],
                "marker": {
                    "color": [RANDOMISED if row.randomised else OBSERVATIONAL for row in rows]
                },
                "hovertemplate": "%{y}: %{x:.1f} points fewer churned "
                "(90% interval %{customdata[0]:.1f} to %{customdata[1]:.1f})<extra></extra>",
            }
        ],
        "layout": {
            **BASE_LAYOUT,
            "margin": {"l": 10, "r": 10, "t": 10, "b": 40},
            "height": 90 + 40 * len(rows),
            "xaxis": {"title": {"text": "points fewer customers churned"}, "zeroline": True},
            "yaxis": {"automargin": True},
            "showlegend": False,
        },
    }


def revenue_figure(months: list[RevenueMonth]) -> dict[str, Any]:
    """Churned and contracted ARR below zero, expanded above, the saved ARR as a line."""
    labels = [f"{month.month:%b %Y}" for month in months]

    def bars(name: str, values: list[float], colour: str) -> dict[str, Any]:
        return {"type": "bar", "name": name, "x": labels, "y": values, "marker": {"color": colour}}

    series = [
        bars("churned", [-month.churned_arr for month in months], CHURNED),
        bars("contracted", [-month.contracted_arr for month in months], CONTRACTED),
        bars("expanded", [month.expanded_arr for month in months], EXPANDED),
    ]
    if any(month.saved_arr is not None for month in months):
        series.append(
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": "saved by playbooks",
                "x": labels,
                "y": [month.saved_arr for month in months],
                "line": {"color": SAVED},
            }
        )
    return {
        "data": series,
        "layout": {
            **BASE_LAYOUT,
            "barmode": "relative",
            "xaxis": {"type": "category"},
            "yaxis": {"tickprefix": "$", "tickformat": "~s", "automargin": True},
        },
    }
