from cspersona.conversations.models import InteractionType
from cspersona.conversations.schemas import MonthlyActivity
from cspersona.web.charts import activity_figure


def test_activity_is_a_stacked_bar_per_type_with_zeros_for_quiet_months() -> None:
    figure = activity_figure(
        [
            MonthlyActivity(month="2025-01", type=InteractionType.TICKET, count=2),
            MonthlyActivity(month="2025-03", type=InteractionType.CALL, count=1),
        ]
    )

    assert figure["layout"]["barmode"] == "stack"
    assert [(trace["name"], trace["x"], trace["y"]) for trace in figure["data"]] == [
        ("call", ["2025-01", "2025-03"], [0, 1]),
        ("ticket", ["2025-01", "2025-03"], [2, 0]),
    ]
