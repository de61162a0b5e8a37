"""Reading the past once and cutting it in memory gives what reading it at ``as_of`` gives."""

from datetime import UTC, date, datetime, timedelta, timezone

import pandas as pd
import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.analytics.features import customer_features, feature_matrix
from cspersona.analytics.history import History, load_history, read_messages, read_records
from cspersona.conversations.models import AuthorRole, Interaction
from cspersona.exceptions import BadInput
from tests.conftest import AnalysedWorld
from tests.factories import add_conversation, add_customer, add_usage_days

TABLES = (
    "interactions",
    "messages",
    "analysis",
    "nps",
    "usage",
    "adoption",
    "lifecycle",
    "dynamics",
)


def cutoffs(db_session: Session) -> list[datetime]:
    """Moments across the world's history: early, middle, late, off midnight, in another zone."""
    first, last = db_session.execute(
        select(func.min(Interaction.started_at), func.max(Interaction.started_at))
    ).one()
    span = last - first
    east = timezone(timedelta(hours=5, minutes=30))
    return [
        first + span / 8,
        (first + span / 2).replace(hour=13, minute=37),
        (first + span * 3 / 4).astimezone(east),
        last,
    ]


def test_features_cut_in_memory_equal_features_read_at_each_cutoff(
    analysed_world: AnalysedWorld,
) -> None:
    with Session(analysed_world.engine) as db_session:
        records = read_records(db_session=db_session)
        for cutoff in cutoffs(db_session):
            fast = feature_matrix(records.before(cutoff))
            read_then = customer_features(db_session=db_session, as_of=cutoff)

            pd.testing.assert_frame_equal(fast, read_then, check_exact=True)


def test_every_table_cut_in_memory_equals_the_table_read_at_the_cutoff(
    analysed_world: AnalysedWorld,
) -> None:
    with Session(analysed_world.engine) as db_session:
        records = read_records(db_session=db_session)
        for cutoff in cutoffs(db_session):
            cut: History = records.before(cutoff)
            read_then = load_history(db_session=db_session, as_of=cutoff)

            assert cut.reference == read_then.reference == pd.Timestamp(cutoff).tz_convert(UTC)
            for table in TABLES:
                pd.testing.assert_frame_equal(
                    getattr(cut, table), getattr(read_then, table), check_exact=True, obj=table
                )


def test_a_feature_first_used_after_the_cutoff_has_no_column_before_it(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Launch Day")
    add_usage_days(
        db_session, customer, first_day=date(2025, 1, 1), events=[5] * 10, features={"reports": 2}
    )
    add_usage_days(
        db_session,
        customer,
        first_day=date(2025, 1, 11),
        events=[5] * 10,
        features={"reports": 1, "api": 3},
    )
    cutoff = datetime(2025, 1, 11, tzinfo=UTC)

    cut = read_records(db_session=db_session).before(cutoff)
    read_then = load_history(db_session=db_session, as_of=cutoff)

    assert list(cut.adoption.columns) == ["customer_id", "day", "reports"]
    pd.testing.assert_frame_equal(cut.adoption, read_then.adoption, check_exact=True)


def test_a_naive_cutoff_is_refused(analysed_world: AnalysedWorld) -> None:
    with Session(analysed_world.engine) as db_session:
        records = read_records(db_session=db_session)

    with pytest.raises(BadInput):
        records.before(datetime(2025, 1, 1))


def test_text_measures_read_the_body_without_signature_or_quoted_reply(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Terse Ltd")
    add_conversation(
        db_session,
        customer,
        [
            (AuthorRole.AGENT, "Could you please send the export log? Kind regards, Sam", 0.0),
            (
                AuthorRole.CUSTOMER,
                "Export broke again.\n\nKind regards,\nAnna Berg\nFinance Manager, Terse Ltd\n"
                "Tel: +1 555 0104 55\n\nOn Mon, Sam wrote:\n> Could you please send the log?",
                -0.4,
            ),
        ],
    )

    messages = read_messages(db_session=db_session, as_of=None)
    customer_turn = messages[messages["author_role"] == "customer"].iloc[0]

    assert customer_turn["words"] == 3
    assert customer_turn["formal_markers"] == 0
    assert customer_turn["questions"] == 0
