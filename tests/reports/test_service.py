from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from cspersona.customers.models import Customer
from cspersona.personas.models import Persona
from cspersona.reports import service
from tests.factories import (
    ADMIN,
    CSM,
    START,
    add_book,
    add_book_with_stages,
    add_churn_score,
    add_interaction,
    add_stage_results,
    analyse,
    map_customer,
)


@pytest.fixture
def book(db_session: Session) -> dict[str, Customer]:
    return add_book(db_session)


@pytest.fixture
def personas(db_session: Session, book: dict[str, Customer]) -> dict[str, Persona]:
    return add_stage_results(db_session, book)


def test_before_the_pipeline_ran_every_summary_is_empty(
    db_session: Session, book: dict[str, Customer]
) -> None:
    assert service.persona_sizes(db_session=db_session, visible_to=ADMIN) == []
    assert service.risk_distribution(db_session=db_session, visible_to=ADMIN, horizon=90) == []
    assert service.sentiment_by_month(db_session=db_session, visible_to=ADMIN) == []
    assert service.persona_points(db_session=db_session, visible_to=ADMIN) == []


def test_persona_sizes_count_current_mappings_and_share_revenue(
    db_session: Session, personas: dict[str, Persona]
) -> None:
    sizes = service.persona_sizes(db_session=db_session, visible_to=ADMIN)

    assert [(size.name, size.customers, size.arr) for size in sizes] == [
        ("Budget Skeptics", 3, 54_000.0),
        ("Power Users", 2, 370_000.0),
    ]
    assert sizes[1].arr_share == pytest.approx(370 / 424)
    dana = service.persona_sizes(db_session=db_session, visible_to=CSM)
    assert [(size.name, size.customers) for size in dana] == [
        ("Power Users", 1),
        ("Budget Skeptics", 1),
    ]


def test_persona_sizes_and_the_map_follow_a_new_persona_run(
    db_session: Session, book: dict[str, Customer], personas: dict[str, Persona]
) -> None:
    before = service.persona_sizes(db_session=db_session, visible_to=ADMIN)
    skeptics = personas["Budget Skeptics"]
    skeptics.version = 3  # as a refit does: the persona row updated, new mappings inserted
    map_customer(
        db_session, book["Delta Freight"], skeptics, 0.5, assigned_at=START + timedelta(days=90)
    )

    after = service.persona_sizes(db_session=db_session, visible_to=ADMIN)
    points = service.persona_points(db_session=db_session, visible_to=ADMIN)

    assert [(size.name, size.customers) for size in before] == [
        ("Budget Skeptics", 3),
        ("Power Users", 2),
    ]
    assert [(size.name, size.customers) for size in after] == [
        ("Budget Skeptics", 4),
        ("Power Users", 1),
    ]
    delta = next(point for point in points if point.company_name == "Delta Freight")
    assert (delta.persona_name, delta.confidence) == ("Budget Skeptics", 0.5)


def test_risk_distribution_bins_fit_a_book_that_scores_low(
    db_session: Session, book: dict[str, Customer]
) -> None:
    for customer, probability in zip(
        book.values(), (0.027, 0.041, 0.055, 0.068, 0.099), strict=False
    ):
        add_churn_score(db_session, customer, probability)

    buckets = service.risk_distribution(db_session=db_session, visible_to=ADMIN, horizon=90)

    assert (buckets[0].low, buckets[-1].high) == (0.0, 0.1)
    assert [bucket.high - bucket.low for bucket in buckets] == pytest.approx([0.01] * 10)
    assert sum(bucket.customers for bucket in buckets) == 5
    assert sum(bucket.customers > 0 for bucket in buckets) == 5  # five bars, not one


def test_risk_distribution_uses_each_customers_newest_score(
    db_session: Session, book: dict[str, Customer], personas: dict[str, Persona]
) -> None:
    add_churn_score(db_session, book["Delta Freight"], 0.95)

    buckets = service.risk_distribution(db_session=db_session, visible_to=ADMIN, horizon=90)

    assert len(buckets) == 10
    assert [bucket.customers for bucket in buckets] == [0, 0, 1, 0, 1, 1, 0, 0, 1, 1]
    assert (
        sum(
            b.customers
            for b in service.risk_distribution(db_session=db_session, visible_to=CSM, horizon=90)
        )
        == 2
    )


def test_sentiment_by_month_averages_customer_messages_only(
    db_session: Session, personas: dict[str, Persona]
) -> None:
    months = service.sentiment_by_month(db_session=db_session, visible_to=ADMIN)

    assert [(month.month, round(month.mean_score, 2), month.messages) for month in months] == [
        ("2025-01", -0.7, 2),
        ("2025-02", 0.4, 1),
    ]
    assert START.strftime("%Y-%m") == "2025-01"


def test_persona_points_place_every_current_member_once(
    db_session: Session, personas: dict[str, Persona]
) -> None:
    points = service.persona_points(db_session=db_session, visible_to=ADMIN)

    assert sorted(point.company_name for point in points) == [
        "Acme Analytics",
        "Birch Health",
        "Cobalt Retail",
        "Delta Freight",
        "Echo Bank",
    ]
    acme = next(point for point in points if point.company_name == "Acme Analytics")
    assert (acme.persona_name, acme.confidence) == ("Power Users", 0.9)
    assert (acme.x, acme.y) == (1.0, 0.2)


def test_persona_members_quotes_and_topics(
    db_session: Session, personas: dict[str, Persona]
) -> None:
    power = personas["Power Users"].id

    members, total = service.persona_members(
        db_session=db_session, persona_id=power, visible_to=ADMIN, limit=1
    )
    quotes = service.persona_quotes(db_session=db_session, persona_id=power, visible_to=ADMIN)
    topics = service.persona_topics(db_session=db_session, persona_id=power, visible_to=ADMIN)

    assert ([member.company_name for member in members], total) == (["Acme Analytics"], 2)
    assert [(quote.company_name, quote.sentiment_score) for quote in quotes] == [
        ("Acme Analytics", -0.6)
    ]
    assert [(topic.name, topic.messages) for topic in topics] == [("exports and reports", 2)]


def test_persona_members_say_where_each_stands(db_session: Session) -> None:
    add_book_with_stages(db_session)
    ana = next(
        size.persona_id
        for size in service.persona_sizes(db_session=db_session, visible_to=ADMIN)
        if size.name == "Adoption Ana"
    )

    members, _ = service.persona_members(
        db_session=db_session, persona_id=ana, visible_to=ADMIN, limit=5
    )

    assert [
        (member.company_name, member.status.status, member.status.churned_on)
        for member in members
        if member.status is not None
    ] == [
        ("Cobalt Retail", "churned", date(2025, 9, 12)),
        ("Delta Freight", "renewing soon", None),
    ]


def test_a_customers_scores_history_and_timeline(
    db_session: Session, book: dict[str, Customer], personas: dict[str, Persona]
) -> None:
    acme = book["Acme Analytics"].id

    scores = service.customer_scores(db_session=db_session, customer_id=acme)
    history = service.persona_history(db_session=db_session, customer_id=acme)
    timeline = service.timeline(db_session=db_session, customer_id=acme, limit=10)

    assert [(score.horizon_days, score.probability) for score in scores] == [(30, 0.1), (90, 0.2)]
    assert [(entry.persona_name, entry.model_version) for entry in history] == [
        ("Power Users", "persona-v2"),
        ("Budget Skeptics", "persona-v1"),
    ]
    assert [(entry.subject, entry.messages, entry.sentiment_score) for entry in timeline] == [
        ("Export question 40", 2, 0.4),
        ("Export question 0", 2, -0.6),
    ]


def test_sentiment_by_month_sees_new_analysis_at_once(
    db_session: Session, book: dict[str, Customer], personas: dict[str, Persona]
) -> None:
    before = service.sentiment_by_month(db_session=db_session, visible_to=ADMIN)
    later = add_interaction(
        db_session, book["Echo Bank"], started_at=START + timedelta(days=100), messages=1
    )
    analyse(db_session, later, 1.0)

    after = service.sentiment_by_month(db_session=db_session, visible_to=ADMIN)

    assert len(after) == len(before) + 1
    assert (after[-1].month, after[-1].mean_score) == ("2025-04", 1.0)
