"""Plotly figures for pages, as plain figure dicts (``data`` and ``layout``).

Templates draw one with the ``chart`` macro in ``macros.html``; ``static/charts.js`` renders every
chart on load and after each HTMX swap with the locally served Plotly bundle.
"""

from typing import Any

from cspersona.conversations.schemas import MonthlyActivity

BASE_LAYOUT: dict[str, Any] = {
    "margin": {"l": 40, "r": 10, "t": 10, "b": 40},
    "legend": {"orientation": "h", "y": -0.2},
    "font": {"family": "system-ui, sans-serif", "size": 12},
    "paper_bgcolor": "rgba(0,0,0,0)",
    "plot_bgcolor": "rgba(0,0,0,0)",
}


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
