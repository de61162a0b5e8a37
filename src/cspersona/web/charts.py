"""Plotly figures for pages, as plain figure dicts (``data`` and ``layout``).

Templates draw one with the ``chart`` macro in ``macros.html``; ``static/charts.js`` renders every
chart on load and after each HTMX swap with the locally served Plotly bundle.
"""

from datetime import timedelta
from typing import Any

from cspersona.chat.schemas import ScenarioRunRead
from cspersona.conversations.schemas import MonthlyActivity
from cspersona.playbooks.tracking import ArmValue, MetricSeries
from cspersona.reports.schemas import (
    MonthlySentiment,
    PersonaPoint,
    PersonaSize,
    RiskBucket,
    TimelineEntry,
)

BASE_LAYOUT: dict[str, Any] = {
    "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
    "legend": {"orientation": "h", "y": -0.2},
    "font": {"family": "system-ui, sans-serif", "size": 12},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}


# Churn probability from low (green) through amber to high (red).
RISK_COLOURS = [[0.0, "#2e7d32"], [0.5, "#f9a825"], [1.0, "#c62828"]]


def activity_figure(activity: list[MonthlyActivity]) -> dict[str, Any]:
    """Conversations per month, stacked by type."""
    months = sorted({entry.month for entry in activity})
    counts = {(entry.month, entry.type): entry.count for entry in activity}
    types = sorted({entry.type for entry in activity})
    return {
        "data": [
            {
                "type": "bar",
                "name": str(kind),
                "x": months,
                "y": [counts.get((month, kind), 0) for month in months],
            }
            for kind in types
        ],
        "layout": {
            **BASE_LAYOUT,
            "barmode": "stack",
            "xaxis": {"type": "category"},
            "yaxis": {"title": {"text": "conversations"}},
        },
    }


def persona_size_figure(sizes: list[PersonaSize]) -> dict[str, Any]:
    """Customers per persona as bars, with each persona's share of revenue on the bar."""
    return {
        "data": [
            {
                "type": "bar",
                "name": "customers",
                # "Business-Minded Bianca" on two lines: slanted names got cut off.
                "x": [size.name.replace(" ", "<br>") for size in sizes],
                "y": [size.customers for size in sizes],
                "text": [f"{size.arr_share:.0%} of ARR" for size in sizes],
                "textposition": "auto",
            }
        ],
        "layout": {
            **BASE_LAYOUT,
            "xaxis": {"tickangle": 0, "automargin": True},
            "yaxis": {"title": {"text": "customers"}},
        },
    }


def revenue_share_figure(sizes: list[PersonaSize]) -> dict[str, Any]:
    """Each persona's share of annual recurring revenue."""
    return {
        "data": [
            {
                "type": "pie",
                "labels": [size.name for size in sizes],
                "values": [size.arr for size in sizes],
                "hole": 0.45,
                "sort": False,
            }
        ],
        "layout": {**BASE_LAYOUT, "showlegend": True},
    }


def risk_distribution_figure(buckets: list[RiskBucket], horizon: int) -> dict[str, Any]:
    """Customers per bin of churn probability (bins fit the scores' range)."""
    return {
        "data": [
            {
                "type": "bar",
                "x": [f"{bucket.low * 100:g}–{bucket.high * 100:g}%" for bucket in buckets],
                "y": [bucket.customers for bucket in buckets],
                "marker": {
                    "color": [bucket.low for bucket in buckets],
                    "colorscale": RISK_COLOURS,
                    "cmin": 0,
                    "cmax": max(bucket.low for bucket in buckets) or 1,
                },
            }
        ],
        "layout": {
            **BASE_LAYOUT,
            "xaxis": {"type": "category", "title": {"text": f"churn probability, {horizon} days"}},
            "yaxis": {"title": {"text": "customers"}},
        },
    }


def sentiment_figure(months: list[MonthlySentiment]) -> dict[str, Any]:
    """Mean sentiment of customers' messages per month, from -1 to 1."""
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [month.month for month in months],
                "y": [round(month.mean_score, 3) for month in months],
                "customdata": [month.messages for month in months],
                "hovertemplate": "%{x}: %{y:.2f} (%{customdata} messages)<extra></extra>",
            }
        ],
        "layout": {
            **BASE_LAYOUT,
            "xaxis": {"type": "category"},
            "yaxis": {"title": {"text": "mean sentiment"}, "range": [-1, 1], "zeroline": True},
        },
    }


def persona_map_figure(points: list[PersonaPoint]) -> dict[str, Any]:
    """Customers as points coloured by persona, opacity by confidence; a click opens one."""
    personas: dict[int, list[PersonaPoint]] = {}
    for point in points:
        personas.setdefault(point.persona_id, []).append(point)
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "markers",
                "name": members[0].persona_name,
                "x": [point.x for point in members],
                "y": [point.y for point in members],
                "text": [point.company_name for point in members],
                "customdata": [f"/customers/{point.customer_id}" for point in members],
                "marker": {
                    "size": 11,
                    "opacity": [round(0.25 + 0.75 * point.confidence, 3) for point in members],
                },
                "hovertemplate": "%{text}<extra>%{fullData.name}</extra>",
            }
            for members in personas.values()
        ],
        "layout": {
            **BASE_LAYOUT,
            "hovermode": "closest",
            "xaxis": {"visible": False},
            "yaxis": {"visible": False, "scaleanchor": "x"},
        },
        "config": {"displayModeBar": False},
        "clickOpens": True,
    }


def timeline_figure(entries: list[TimelineEntry]) -> dict[str, Any]:
    """The mean sentiment of the customer's messages in each conversation, oldest first."""
    scored = [entry for entry in reversed(entries) if entry.sentiment_score is not None]
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "x": [entry.started_at.isoformat() for entry in scored],
                "y": [round(entry.sentiment_score or 0.0, 3) for entry in scored],
                "text": [entry.subject or entry.type for entry in scored],
                "hovertemplate": "%{x|%Y-%m-%d} %{text}: %{y:.2f}<extra></extra>",
                "marker": {
                    "color": [entry.sentiment_score for entry in scored],
                    "colorscale": "RdYlGn",
                    "cmin": -1,
                    "cmax": 1,
                },
            }
        ],
        "layout": {**BASE_LAYOUT, "yaxis": {"title": {"text": "sentiment"}, "range": [-1, 1]}},
    }


def scores_figure(runs: list[ScenarioRunRead]) -> dict[str, Any]:
    """A user's practice scores over time, one line per scenario.

    The time axis shows days, a day either side of the runs, so runs played on one day do not
    spread over an axis of milliseconds.
    """
    scenarios: dict[str, list[ScenarioRunRead]] = {}
    for run in runs:
        scenarios.setdefault(run.scenario_title, []).append(run)
    days = [run.created_at.date() for run in runs]
    span = (
        {
            "range": [
                (min(days) - timedelta(days=1)).isoformat(),
                (max(days) + timedelta(days=1)).isoformat(),
            ]
        }
        if days
        else {}
    )
    return {
        "data": [
            {
                "type": "scatter",
                "mode": "lines+markers",
                "name": title,
                "x": [run.created_at.isoformat() for run in played],
                "y": [run.score for run in played],
                "text": [run.persona_name for run in played],
                "hovertemplate": "%{x|%Y-%m-%d %H:%M}: %{y:.0f}/100 with %{text}<extra></extra>",
            }
            for title, played in scenarios.items()
        ],
        "layout": {
            **BASE_LAYOUT,
            "xaxis": {"type": "date", "tickformat": "%b %d", **span},
            "yaxis": {"title": {"text": "score out of 100"}, "range": [0, 100]},
        },
    }


def tracking_figure(series: MetricSeries) -> dict[str, Any]:
    """A success metric by month: treated and held-back lines, the target a month dashed.

    Rates are drawn as percentages; a month nobody was measured in leaves a gap, not a zero.
    """
    scale = 100 if series.is_rate else 1
    months = [f"{point.month:%b %Y}" for point in series.points]

    def line(name: str, values: list[ArmValue], style: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": months,
            "y": [None if item.value is None else round(item.value * scale, 2) for item in values],
            "customdata": [item.customers for item in values],
            "hovertemplate": "%{x}: %{y}"
            + ("%" if series.is_rate else "")
            + " (%{customdata} customers)<extra></extra>",
            "line": style,
        }

    target = round(series.monthly_target * scale, 2)
    return {
        "data": [
            line("treated", [point.treated for point in series.points], {"color": "#1565c0"}),
            line("held back", [point.held_back for point in series.points], {"color": "#9e9e9e"}),
            {
                "type": "scatter",
                "mode": "lines",
                "name": "target a month" if series.monthly_target != series.target else "target",
                "x": months,
                "y": [target for _ in months],
                "line": {"dash": "dash", "color": "#c62828"},
                "hoverinfo": "skip",
            },
        ],
        "layout": {
            **BASE_LAYOUT,
            "xaxis": {"type": "category"},
            "yaxis": {"ticksuffix": "%" if series.is_rate else "", "rangemode": "tozero"},
        },
    }
