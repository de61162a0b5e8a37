"""Rows for tests: customers with contacts, conversations, NPS answers, and what stages write."""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from cspersona.analytics.glossary import describe_against
from cspersona.auth.models import Role
from cspersona.auth.policy import Principal
from cspersona.conversations.models import AuthorRole, Interaction, InteractionType, Message
from cspersona.customers.models import (
    Contact,
    Customer,
    LifecycleEvent,
    LifecycleKind,
    NpsResponse,
    UsageDaily,
)
from cspersona.nlp.models import MessageAnalysis, Topic
from cspersona.personas.models import Persona, PersonaMapping, PersonaSnapshot, PersonaSwitch
from cspersona.personas.transitions import transition_strategy
from cspersona.playbooks.definition import PlaybookDefinition
from cspersona.playbooks.models import Playbook
from cspersona.predict.models import ChurnScore, ExpansionScore

# Callers of service functions that take ``visible_to``: an admin, and the CSM of add_book's book.
ADMIN = Principal(user_id=1, user_name="admin", role=Role.ADMIN, csm_owner=None, key_id=1)
CSM = Principal(user_id=2, user_name="dana", role=Role.CSM, csm_owner="Dana Scully", key_id=2)

START = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)


def add_customer(db_session: Session, company_name: str, **fields: object) -> Customer:
    """A customer with the given fields, flushed so it has an id."""
    customer = Customer(company_name=company_name, **fields)
    db_session.add(customer)
    db_session.flush()
    return customer


def add_contacts(db_session: Session, customer: Customer, count: int) -> list[Contact]:
    """``count`` contacts at ``customer``."""
    contacts = [
        Contact(customer_id=customer.id, name=f"Contact {index}", role="Admin")
        for index in range(count)
    ]
    db_session.add_all(contacts)
    db_session.flush()
    return contacts


def add_interaction(
    db_session: Session,
    customer: Customer,
    *,
    started_at: datetime = START,
    kind: InteractionType = InteractionType.TICKET,
    messages: int = 2,
    subject: str = "Export fails",
) -> Interaction:
    """A conversation of ``messages`` turns, customer and agent alternating."""
    interaction = Interaction(
        customer_id=customer.id, type=kind, subject=subject, started_at=started_at
    )
    interaction.messages = [
        Message(
            seq=seq,
            author_role=AuthorRole.CUSTOMER if seq % 2 == 0 else AuthorRole.AGENT,
            sent_at=started_at + timedelta(minutes=seq),
            text=f"message {seq}",
        )
        for seq in range(messages)
    ]
    db_session.add(interaction)
    db_session.flush()
    return interaction


def add_nps(
    db_session: Session, customer: Customer, *scores: int, answered_at: datetime = START
) -> None:
    """NPS answers with these scores."""
    db_session.add_all(
        NpsResponse(customer_id=customer.id, score=score, answered_at=answered_at)
        for score in scores
    )
    db_session.flush()


def add_book(db_session: Session) -> dict[str, Customer]:
    """Five customers across two CSMs, three plans and three industries, keyed by name."""
    rows = [
        ("Acme Analytics", "Dana Scully", "Enterprise", "FinTech", 120_000.0, date(2026, 3, 1)),
        ("Birch Health", "Dana Scully", "Growth", "Healthcare", 45_000.0, date(2026, 1, 15)),
        ("Cobalt Retail", "Fox Mulder", "Starter", "Retail", 9_000.0, None),
        ("Delta Freight", "Fox Mulder", "Enterprise", "Logistics", 250_000.0, date(2025, 12, 1)),
        ("Echo Bank", None, "Growth", "FinTech", None, date(2026, 6, 30)),
    ]
    return {
        name: add_customer(
            db_session,
            name,
            csm_owner=owner,
            plan=plan,
            industry=industry,
            arr=arr,
            renewal_date=renewal,
        )
        for name, owner, plan, industry, arr, renewal in rows
    }


def add_book_with_stages(db_session: Session) -> dict[str, Customer]:
    """:func:`add_book` with statuses, personas and 90-day risk, for the customer list.

    The data ends 2025-10-31: Delta Freight renews in 31 days (renewing soon), Cobalt Retail
    churned (its old high score must not show); Echo Bank has no persona and no score.
    """
    book = add_book(db_session)
    add_usage_days(db_session, book["Delta Freight"], first_day=date(2025, 10, 2), events=[4] * 30)
    db_session.add(
        LifecycleEvent(
            customer_id=book["Cobalt Retail"].id,
            kind=LifecycleKind.CHURNED,
            at=datetime(2025, 9, 12, tzinfo=UTC),
        )
    )
    add_persona(db_session, [book["Acme Analytics"], book["Birch Health"]], "Cost-Conscious Carlos")
    add_persona(db_session, [book["Cobalt Retail"], book["Delta Freight"]], "Adoption Ana")
    for name, probability, tier in [
        ("Acme Analytics", 0.30, "high"),
        ("Birch Health", 0.05, "normal"),
        ("Delta Freight", 0.12, "elevated"),
        ("Cobalt Retail", 0.90, "high"),
    ]:
        add_churn_score(db_session, book[name], probability, risk_tier=tier)
    add_churn_score(db_session, book["Birch Health"], 0.99, horizon_days=30, risk_tier="high")
    return book


def add_usage_days(
    db_session: Session,
    customer: Customer,
    *,
    first_day: date,
    events: list[int],
    features: dict[str, int] | None = None,
) -> None:
    """Consecutive usage days from ``first_day``, one per entry of ``events``."""
    db_session.add_all(
        UsageDaily(
            customer_id=customer.id,
            day=first_day + timedelta(days=offset),
            active_users=max(count // 10, 1),
            logins=max(count // 5, 1),
            events=count,
            feature_adoption=dict(features or {}),
        )
        for offset, count in enumerate(events)
    )
    db_session.flush()


def sentiment_label(score: float) -> str:
    """The label the NLP stage would give a sentiment score."""
    if score < -0.2:
        return "negative"
    return "positive" if score > 0.2 else "neutral"


def add_conversation(
    db_session: Session,
    customer: Customer,
    turns: list[tuple[AuthorRole, str, float]],
    *,
    started_at: datetime = START,
    kind: InteractionType = InteractionType.TICKET,
    gap: timedelta = timedelta(hours=1),
    emotions: dict[int, dict[str, float]] | None = None,
    **fields: object,
) -> Interaction:
    """A conversation of ``(role, text, sentiment score)`` turns, each analysed as the NLP would.

    ``emotions`` maps a turn's position to its emotion scores (others get none).
    """
    interaction = Interaction(customer_id=customer.id, type=kind, started_at=started_at, **fields)
    interaction.messages = [
        Message(
            seq=seq,
            author_role=role,
            author_id=f"{role}-1",
            sent_at=started_at + gap * seq,
            text=text,
        )
        for seq, (role, text, _score) in enumerate(turns)
    ]
    db_session.add(interaction)
    db_session.flush()
    db_session.add_all(
        MessageAnalysis(
            message_id=message.id,
            sentiment_label="negative"
            if score < -0.2
            else "positive"
            if score > 0.2
            else "neutral",
            sentiment_score=score,
            emotions=(emotions or {}).get(message.seq, {}),
            sophistication=0.5,
        )
        for message, (_role, _text, score) in zip(interaction.messages, turns, strict=True)
    )
    db_session.flush()
    return interaction


def add_persona(
    db_session: Session, customers: list[Customer], name: str = "Cost-Conscious Carlos"
) -> Persona:
    """A persona holding ``customers`` (mapped and snapshotted under ``persona-v1``)."""
    persona = Persona(
        version=1,
        name=name,
        traits={
            "customers": len(customers),
            "share": {"customers": 0.5, "arr": 0.4, "arr_total": 40000.0},
        },
        narrative=f"{name} watches every invoice.",
    )
    db_session.add(persona)
    db_session.flush()
    for customer in customers:
        db_session.add(
            PersonaMapping(
                customer_id=customer.id,
                persona_id=persona.id,
                confidence_score=0.9,
                model_version="persona-v1",
                map_x=0.5,
                map_y=-1.0,
            )
        )
        db_session.add(
            PersonaSnapshot(
                customer_id=customer.id,
                persona_id=persona.id,
                confidence=0.9,
                model_version="persona-v1",
            )
        )
    db_session.flush()
    return persona


def new_persona(db_session: Session, name: str, *, version: int = 1, **fields: Any) -> Persona:
    """A persona of ``version`` with the given profile documents and no customers yet."""
    persona = Persona(version=version, name=name, **fields)
    db_session.add(persona)
    db_session.flush()
    return persona


def map_customer(
    db_session: Session,
    customer: Customer,
    persona: Persona,
    confidence: float,
    *,
    assigned_at: datetime = START,
    at: tuple[float, float] = (0.0, 0.0),
) -> PersonaMapping:
    """Map ``customer`` onto ``persona`` at map point ``at`` and snapshot it, as a build does."""
    model_version = f"persona-v{persona.version}"
    mapping = PersonaMapping(
        customer_id=customer.id,
        persona_id=persona.id,
        confidence_score=confidence,
        model_version=model_version,
        assigned_at=assigned_at,
        map_x=at[0],
        map_y=at[1],
    )
    snapshot = PersonaSnapshot(
        customer_id=customer.id,
        persona_id=persona.id,
        confidence=confidence,
        taken_at=assigned_at,
        model_version=model_version,
    )
    db_session.add_all([mapping, snapshot])
    db_session.flush()
    return mapping


def add_churn_score(
    db_session: Session,
    customer: Customer,
    probability: float,
    *,
    horizon_days: int = 90,
    risk_tier: str | None = None,
    drivers: Sequence[dict[str, Any]] = (),
    interventions: Sequence[dict[str, Any]] = (),
) -> ChurnScore:
    """A churn score with these drivers and interventions, as the churn stage writes them."""
    score = ChurnScore(
        customer_id=customer.id,
        horizon_days=horizon_days,
        probability=probability,
        risk_tier=risk_tier,
        drivers=list(drivers),
        interventions=list(interventions),
        model_version="churn-test",
    )
    db_session.add(score)
    db_session.flush()
    return score


def add_expansion_scores(db_session: Session, book: dict[str, Customer]) -> None:
    """What the churn stage would write on expansion for :func:`add_book`'s customers.

    Likeliest first: Delta (0.62, ask now), Acme (0.41, wait for a ticket), Echo (0.18), Birch
    (0.09), Cobalt (0.03).
    """
    drivers = [
        {
            "column": "seat_saturation",
            "value": 0.97,
            "contribution": 0.4,
            "direction": "raises",
            "size": "strongly",
            "phrase": "active users at 97% of their highest so far: raises expansion odds strongly",
        }
    ]
    now = {"when": "now", "reason": "promoter NPS answer (10) 12 days ago"}
    wait = {"when": "wait", "reason": "1 high-priority ticket open: resolve it first"}
    for name, likelihood, features, timing in (
        ("Delta Freight", 0.62, [("api", 0.8), ("sso", 0.4)], now),
        ("Acme Analytics", 0.41, [("webhooks", 0.5)], wait),
        ("Echo Bank", 0.18, [], wait),
        ("Birch Health", 0.09, [("mobile", 0.2)], wait),
        ("Cobalt Retail", 0.03, [("reports", 0.1)], wait),
    ):
        db_session.add(
            ExpansionScore(
                customer_id=book[name].id,
                likelihood=likelihood,
                drivers=drivers,
                next_features=[{"feature": key, "score": score} for key, score in features],
                timing=timing,
                model_version="expansion-test",
            )
        )
    db_session.flush()


def analyse(
    db_session: Session, interaction: Interaction, sentiment: float, topic: Topic | None = None
) -> None:
    """Give every message of ``interaction`` this sentiment (and topic), as the NLP stage would."""
    db_session.add_all(
        MessageAnalysis(
            message_id=message.id,
            sentiment_label=sentiment_label(sentiment),
            sentiment_score=sentiment,
            topic_id=topic.id if topic else None,
        )
        for message in interaction.messages
    )
    db_session.flush()


def add_topic(db_session: Session, name: str, number: int = 0) -> Topic:
    """A topic of the test topic model."""
    topic = Topic(model_version="topics-test", number=number, name=name)
    db_session.add(topic)
    db_session.flush()
    return topic


def _evidence(feature: str, z: float) -> dict[str, Any]:
    """A profile entry's evidence as the persona build stores it."""
    return {"feature": feature, "persona_mean": 0.3, "book_mean": 0.1, "z": z}


def add_switch(
    db_session: Session,
    customer: Customer,
    old: Persona,
    new: Persona,
    *,
    detected_at: datetime = START + timedelta(days=60),
    negative_share: tuple[float, float, float] = (0.45, 0.1, 0.4),
) -> PersonaSwitch:
    """A switch from ``old`` to ``new`` as a pipeline run records it, with its strategy.

    What changed is the customer's share of negative messages against both personas'.
    """
    value, old_typical, new_typical = negative_share
    switch = PersonaSwitch(
        customer_id=customer.id,
        from_persona_id=old.id,
        to_persona_id=new.id,
        detected_at=detected_at,
        model_version=f"persona-v{new.version}",
        changes=[
            {
                "feature": "negative_share",
                "customer_z": 1.8,
                "old_persona_z": -0.6,
                "new_persona_z": 1.5,
                "phrase": describe_against(
                    "negative_share", value, [(old.name, old_typical), (new.name, new_typical)]
                ),
            }
        ],
        strategy=transition_strategy(
            old.profile.model_copy(update={"name": old.name}),
            new.profile.model_copy(update={"name": new.name}),
        ).model_dump(mode="json"),
    )
    db_session.add(switch)
    db_session.flush()
    return switch


def add_stage_results(db_session: Session, book: dict[str, Customer]) -> dict[str, Persona]:
    """What the pipeline would write for :func:`add_book`'s customers: two personas, scores, NLP.

    Power Users: Acme (0.9), Delta (0.6); Budget Skeptics: Birch (0.8), Cobalt (0.4), Echo (0.7),
    Acme having been a Budget Skeptic under version 1. Churn risk at 90 days, highest first:
    Cobalt, Birch, Echo, Acme, Delta.
    """
    old = new_persona(db_session, "Budget Skeptics", version=1)
    personas = {
        "Power Users": new_persona(
            db_session,
            "Power Users",
            version=2,
            traits={
                "name": "Power Users",
                "share": {"customers": 0.4, "arr": 0.87, "arr_total": 370000.0},
                "mbti": {"type": "ENTJ", "axes": []},
                "dimensions": {
                    "decision_making": {"title": "Decision-making", "value": "data-driven"}
                },
                "industries": {"Logistics": 0.5, "FinTech": 0.5},
                "quotes": [{"text": "We export every report by hand."}],
                "top_topics": [{"topic": "exports"} | _evidence("topic_share_exports", 2.1)],
            },
            communication_style={"formality": {"title": "Formality", "value": "formal"}},
            risk_factors={
                "triggers": [
                    {"emotion": "frustration"} | _evidence("emotion_frustration_mean", 1.2)
                ],
                "pain_points": [],
            },
            narrative="Analysts who live in the product and push its limits.",
        ),
        "Budget Skeptics": new_persona(
            db_session, "Budget Skeptics", version=2, narrative="Small teams watching every cent."
        ),
    }
    map_customer(db_session, book["Acme Analytics"], old, 0.7, assigned_at=START)
    later = START + timedelta(days=60)
    for name, persona, confidence, at in (
        ("Acme Analytics", "Power Users", 0.9, (1.0, 0.2)),
        ("Delta Freight", "Power Users", 0.6, (1.4, -0.3)),
        ("Birch Health", "Budget Skeptics", 0.8, (-1.0, 0.1)),
        ("Cobalt Retail", "Budget Skeptics", 0.4, (-1.6, 0.9)),
        ("Echo Bank", "Budget Skeptics", 0.7, (-0.8, -0.7)),
    ):
        map_customer(
            db_session, book[name], personas[persona], confidence, assigned_at=later, at=at
        )
    drivers = [
        {
            "column": "sentiment_trend",
            "value": -0.4,
            "contribution": 0.3,
            "direction": "raises",
            "size": "moderately",
            "phrase": "sentiment falling for 60 days",
        }
    ]
    interventions = [
        {
            "action": "Call the champion this week",
            "reason": "sentiment is falling",
            "drivers": ["sentiment_trend"],
        }
    ]
    for name, probability in (
        ("Cobalt Retail", 0.85),
        ("Birch Health", 0.55),
        ("Echo Bank", 0.4),
        ("Acme Analytics", 0.2),
        ("Delta Freight", 0.05),
    ):
        add_churn_score(
            db_session, book[name], probability, drivers=drivers, interventions=interventions
        )
        add_churn_score(db_session, book[name], probability / 2, horizon_days=30)
    exports = add_topic(db_session, "exports and reports")
    for name, days, sentiment in (
        ("Acme Analytics", 0, -0.6),
        ("Acme Analytics", 40, 0.4),
        ("Cobalt Retail", 10, -0.8),
    ):
        interaction = add_interaction(
            db_session,
            book[name],
            started_at=START + timedelta(days=days),
            subject=f"Export question {days}",
        )
        analyse(db_session, interaction, sentiment, exports)
    return personas


def add_voice_checks(db_session: Session, persona: Persona, customer: Customer) -> Message:
    """Give ``persona`` what a build checks against what customers say: fidelity and citations.

    An interview of ``customer`` backs the persona's pain point; its success metric cites nothing.
    """
    interview = add_interaction(
        db_session, customer, kind=InteractionType.INTERVIEW, subject="Research interview"
    )
    quoted = interview.messages[0]
    quoted.text = "Exporting every report by hand costs us a day each month."
    db_session.flush()
    citation = {
        "message_id": quoted.id,
        "interaction_id": interview.id,
        "customer_id": customer.id,
        "interaction_type": "interview",
        "quote": quoted.body,
    }
    target = {"members": 2, "persona_accuracy": 0.5, "book_accuracy": 0.25}
    persona.traits = persona.traits | {
        "pain_points": [
            {"topic": "exports", "citations": [citation]} | _evidence("topic_share_9", 1.5)
        ],
        "success_metrics": [
            {"metric": "reports their leadership reads every week", "citations": []}
            | _evidence("feature_share_reports", 0.9)
        ],
        "narrative_claims": [
            {"statement": "They mostly talk about exports.", "citations": [citation]},
            {"statement": "MBTI-style, they read as ENTJ.", "citations": []},
        ],
        "fidelity": {
            "members_with_history": 2,
            "normalised": 0.8,
            "targets": [
                target | {"target": "nps", "self_accuracy": 0.5, "normalised": 1.0},
                target | {"target": "topic", "self_accuracy": 1.0, "normalised": 0.5},
                target | {"target": "sentiment", "self_accuracy": 0.5, "normalised": 1.0},
            ],
        },
    }
    db_session.flush()
    return quoted


def add_playbook(db_session: Session, name: str = "Save the renewal", **fields: Any) -> Playbook:
    """An active playbook: an e-mail now and a call in a week, unless ``fields`` say more."""
    document: dict[str, Any] = {
        "name": name,
        "steps": [
            {
                "title": "Write to the sponsor",
                "kind": "email",
                "due_days": 0,
                "templates": [
                    {
                        "channel": "email",
                        "subject": "{{ company }} and your renewal",
                        "body": "{{ greeting }}\nYour renewal is on {{ renewal_date }}.\n"
                        "{{ sign_off }}\n{{ csm_name }}",
                    }
                ],
            },
            {"title": "Call the sponsor", "kind": "call", "due_days": 7},
        ],
        "control_share": 0.0,
    }
    document.update(fields)
    playbook = Playbook(name=name, source="manual")
    playbook.apply(PlaybookDefinition.model_validate(document))
    db_session.add(playbook)
    db_session.flush()
    return playbook
