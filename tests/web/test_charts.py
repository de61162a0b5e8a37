from datetime import datetime

from cspersona.chat.schemas import ScenarioRunRead
from cspersona.conversations.models import InteractionType
from cspersona.conversations.schemas import MonthlyActivity
from cspersona.web.charts import activity_figure, scores_figure


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


def test_practice_scores_run_along_days_not_milliseconds() -> None:
    runs = [
        ScenarioRunRead(
            id=number,
            conversation_id=number,
            scenario="renewal-negotiation",
            scenario_title="Renewal negotiation",
            persona_id=1,
            persona_name="Budget Keepers",
            outcome="ended_early",
            goal_reached=False,
            turns_used=3,
            score=score,
            created_at=datetime(2026, 12, 7, 20, 30, second),
        )
        for number, (score, second) in enumerate([(13.7, 1), (52.0, 2)], start=1)
    ]

    figure = scores_figure(runs)

    assert figure["data"][0]["y"] == [13.7, 52.0]
    assert figure["layout"]["xaxis"] == {
        "type": "date",
        "tickformat": "%b %d",
        "range": ["2026-12-06", "2026-12-08"],
    }
