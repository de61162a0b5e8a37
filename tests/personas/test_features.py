import pandas as pd

from cspersona.personas.features import behaviour_columns, name_topic_columns, said


def test_behaviour_columns_leave_out_size_contract_and_recency() -> None:
    frame = pd.DataFrame(
        columns=[
            "message_words_mean", "arr", "tenure_days", "tickets_total", "tickets_90d",
            "interactions_per_30d", "lifecycle_renewed_count", "days_since_nps",
            "adoption_days_api", "usage_events_per_day_30d", "usage_trend_90d",
            "feature_share_api", "nps_mean", "champion_quiet_days", "escalation_rate",
        ]
    )  # fmt: skip

    kept = list(behaviour_columns(frame).columns)

    assert kept == [
        "message_words_mean", "usage_trend_90d", "feature_share_api", "nps_mean",
        "escalation_rate",
    ]  # fmt: skip


def test_topic_columns_take_their_topic_name() -> None:
    frame = pd.DataFrame(columns=["topic_share_3", "topic_share_7", "nps_mean"])

    renamed = name_topic_columns(frame, {3: "Billing / Invoice!", 9: "unused"})

    assert list(renamed.columns) == ["topic_share_3_billing_invoice", "topic_share_7", "nps_mean"]


def test_voice_columns_are_never_said() -> None:
    assert said(["voice_1", "nps_mean", "voice_8", "topic_share_3_billing"]) == [
        "nps_mean",
        "topic_share_3_billing",
    ]
