"""The ROI page's Plotly figures."""

from dataclasses import replace

from cspersona.web.roi_charts import revenue_figure
from tests.roi.examples import quarter_summary


def test_the_saved_line_is_drawn_only_once_something_was_saved() -> None:
    months = quarter_summary().revenue
    nothing_saved = [replace(month, saved_arr=None) for month in months]

    names = [trace["name"] for trace in revenue_figure(nothing_saved)["data"]]

    assert names == ["churned", "contracted", "expanded"]
    assert "saved by playbooks" in [t["name"] for t in revenue_figure(months)["data"]]
