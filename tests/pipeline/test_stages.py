from collections.abc import Callable

from sqlalchemy.orm import Session

from cspersona.config import load_settings
from cspersona.conversations.models import AuthorRole
from cspersona.pipeline.stages import STAGES, run_pipeline
from tests.factories import add_conversation, add_customer


def test_stages_run_in_order_and_only_on_what_changed(db_session: Session) -> None:
    customer = add_customer(db_session, "Acme")
    # Topics are found among conversations: four, two about each subject.
    for text, score in [
        ("Our invoice shows the wrong VAT number.", 0.0),
        ("The invoice total is wrong again.", -0.2),
        ("The SSO login fails with a SAML error.", -0.3),
        ("SSO login loops after the SAML redirect.", -0.3),
    ]:
        add_conversation(db_session, customer, [(AuthorRole.CUSTOMER, text, score)])
    reported: list[tuple[str, int, int]] = []

    def progress_for(name: str) -> Callable[[int, int], None]:
        return lambda done, total: reported.append((name, done, total))

    first = run_pipeline(db_session=db_session, settings=load_settings(), progress_for=progress_for)
    second = run_pipeline(db_session=db_session, settings=load_settings())

    assert (
        [result.name for result in first]
        == [name for name, _stage in STAGES]
        == [
            "nlp",
            "topics",
            "analytics",
            "personas",
            "outlook",
            "churn",
            "playbooks",
            "outcomes",
        ]
    )
    assert [result.processed for result in first[:3]] == [4, 4, 4]
    assert first[1].detail.endswith("model words-v1")
    assert reported[:3] == [("nlp", 4, 4), ("topics", 4, 4), ("analytics", 4, 4)]
    assert [result.processed for result in second[:3]] == [0, 0, 0]
    # One customer: too little history for a churn model, skipped with why.
    assert first[-3].name == "churn" and first[-3].processed == 0
    assert first[-3].detail.startswith("skipped:")


def test_topics_too_few_to_find_are_skipped_and_later_stages_still_run(
    db_session: Session,
) -> None:
    customer = add_customer(db_session, "Acme")
    for text, score in [
        ("Our invoice shows the wrong VAT number.", 0.0),
        ("The SSO login fails with a SAML error.", -0.3),
    ]:
        add_conversation(db_session, customer, [(AuthorRole.CUSTOMER, text, score)])

    results = run_pipeline(db_session=db_session, settings=load_settings(topics_backend="tfidf"))

    assert results[1].name == "topics" and results[1].processed == 0
    assert results[1].detail.startswith("skipped: the texts have too few repeated words")
    assert results[2].name == "analytics" and results[2].processed == 2


def test_the_playbooks_stage_enters_customers_and_says_so_in_words(db_session: Session) -> None:
    from datetime import timedelta

    from cspersona.db.types import utc_now
    from cspersona.pipeline.stages import playbook_triggers
    from tests.factories import add_playbook

    add_customer(db_session, "Acme", renewal_date=utc_now().date() + timedelta(days=20))
    add_customer(db_session, "Birch", renewal_date=utc_now().date() + timedelta(days=200))
    add_playbook(db_session, trigger={"kind": "renewal_within", "days": 60})

    first = playbook_triggers(db_session, load_settings(), None)
    second = playbook_triggers(db_session, load_settings(), None)

    assert (first.name, first.processed, second.processed) == ("playbooks", 1, 0)
    assert first.detail == "1 customer entered playbooks with 2 tasks; no task escalated"


def test_the_playbooks_stage_acts_on_nobody_in_a_run_as_of_the_past(db_session: Session) -> None:
    from datetime import UTC, datetime, timedelta

    from cspersona.db.types import utc_now
    from cspersona.pipeline.stages import playbook_triggers
    from tests.factories import add_playbook

    add_customer(db_session, "Acme", renewal_date=utc_now().date() + timedelta(days=20))
    add_playbook(db_session, trigger={"kind": "renewal_within", "days": 60})

    result = playbook_triggers(
        db_session, load_settings(as_of=datetime(2025, 1, 1, tzinfo=UTC)), None
    )

    assert (result.processed, result.detail) == (
        0,
        "skipped: a run as of a past date does not act on customers",
    )
