"""Generated playbooks: built per persona from its evidence, stored idempotently, edits kept."""

from datetime import date
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from cspersona.analytics.models import InteractionAnalysis
from cspersona.conversations.models import InteractionType
from cspersona.customers.models import Contact, Customer, LifecycleEvent, LifecycleKind
from cspersona.exceptions import BadInput
from cspersona.personas.models import Persona
from cspersona.playbooks import service
from cspersona.playbooks.context import message_context
from cspersona.playbooks.definition import StepKind, TriggerKind
from cspersona.playbooks.generation import generate
from cspersona.playbooks.models import Playbook
from cspersona.playbooks.rendering import render
from tests.factories import (
    START,
    add_book,
    add_churn_score,
    add_expansion_scores,
    add_interaction,
    map_customer,
    new_persona,
)

TODAY = date(2025, 11, 1)
USAGE_DRIVER = {
    "column": "usage_trend_60d",
    "value": -0.5,
    "contribution": 0.9,
    "phrase": "active users down 40% in 60 days: strongly raises churn risk",
    "plain": "active users down 40% in 60 days",
}
TICKET_DRIVER = {
    "column": "tickets_unresolved",
    "value": 3.0,
    "contribution": 0.3,
    "phrase": "3 unresolved tickets: moderately raises churn risk",
}


def _signal(feature: str, z: float) -> dict[str, Any]:
    return {"feature": feature, "persona_mean": 0.4, "book_mean": 0.1, "z": z}


def _style(formality: float, technical: float) -> dict[str, Any]:
    def dimension(title: str, value: str, score: float) -> dict[str, Any]:
        return {"title": title, "value": value, "score": score, "confidence": 0.8}

    return {
        "formality": dimension("Communication style", "formal", formality),
        "technical_level": dimension("Technical level", "technical", technical),
    }


def _persona(db_session: Session, name: str, *, formal: bool) -> Persona:
    """A persona in the formal or casual register; the formal one raises billing more than most."""
    pain_point = "invoice & billing" if formal else "iOS app"
    return new_persona(
        db_session,
        name,
        communication_style=_style(0.6 if formal else -0.6, 0.5 if formal else -0.4),
        traits={
            "name": name,
            "pain_points": [{"topic": pain_point, **_signal("topic_share_3", 1.1)}],
            "triggers": [{"emotion": "frustration", **_signal("emotion_frustration", 0.9)}],
            "success_metrics": [{"metric": "time saved", **_signal("seat_saturation", 0.7)}],
        },
    )


def _contact(db_session: Session, customer: Customer, name: str) -> None:
    db_session.add(Contact(customer_id=customer.id, name=name, role="Sponsor"))
    db_session.flush()


def _world(db_session: Session) -> tuple[dict[str, Customer], Persona, Persona]:
    """A formal persona (Acme, Delta, Cobalt) and a casual one (Birch, Echo), with evidence."""
    book = add_book(db_session)
    formal = _persona(db_session, "Process Pat", formal=True)
    casual = _persona(db_session, "Hands-on Hana", formal=False)
    for name in ("Acme Analytics", "Delta Freight", "Cobalt Retail"):
        map_customer(db_session, book[name], formal, 0.9)
    for name in ("Birch Health", "Echo Bank"):
        map_customer(db_session, book[name], casual, 0.9)
    _contact(db_session, book["Acme Analytics"], "Ana Ruiz")
    _contact(db_session, book["Birch Health"], "Ben Cole")
    add_churn_score(
        db_session, book["Acme Analytics"], 0.7, risk_tier="high", drivers=[USAGE_DRIVER]
    )
    add_churn_score(
        db_session,
        book["Cobalt Retail"],
        0.6,
        risk_tier="high",
        drivers=[USAGE_DRIVER | {"plain": "active users down 20% in 60 days"}, TICKET_DRIVER],
    )
    add_churn_score(
        db_session, book["Birch Health"], 0.5, risk_tier="high", drivers=[TICKET_DRIVER]
    )
    add_expansion_scores(db_session, book)  # Delta Freight, a formal member, is ready now
    db_session.add_all(
        [
            LifecycleEvent(
                customer_id=book["Cobalt Retail"].id, kind=LifecycleKind.CHURNED, at=START
            ),
            LifecycleEvent(
                customer_id=book["Acme Analytics"].id, kind=LifecycleKind.RENEWED, at=START
            ),
        ]
    )
    interaction = add_interaction(db_session, book["Acme Analytics"], kind=InteractionType.CALL)
    db_session.add(
        InteractionAnalysis(
            interaction_id=interaction.id,
            customer_id=book["Acme Analytics"].id,
            reply_effects=[
                {"seq": seq, "role": "csm", "delta": delta}
                for seq, delta in enumerate([0.5, 0.4, 0.3, 0.0, -0.1, 0.6])
            ],
            analyser_version="test",
        )
    )
    db_session.flush()
    return book, formal, casual


def _playbooks(db_session: Session) -> dict[tuple[int, str], Playbook]:
    return {
        (playbook.persona_ids[0], playbook.trigger["kind"]): playbook
        for playbook in db_session.scalars(select(Playbook))
    }


def test_each_persona_gets_a_risk_playbook_and_an_expansion_one_where_members_are_ready(
    db_session: Session,
) -> None:
    _, formal, casual = _world(db_session)

    report = generate(db_session, by="ana")

    stored = _playbooks(db_session)
    assert set(stored) == {
        (formal.id, TriggerKind.RISK_TIER_RISES.value),
        (formal.id, TriggerKind.EXPANSION_NOW.value),
        (casual.id, TriggerKind.RISK_TIER_RISES.value),
    }
    assert report.personas == 2 and report.count("created") == 3
    risk = stored[(formal.id, TriggerKind.RISK_TIER_RISES.value)].definition
    assert risk.name == "Process Pat: save accounts at risk"
    assert risk.trigger.to_tier == "high"
    assert risk.control_share == 0.10
    assert [level.target for level in risk.escalation.levels] == ["role:analyst", "role:admin"]
    # The commonest themes shape the steps: falling use first, then unresolved tickets.
    assert "Run an adoption session" in [step.title for step in risk.steps]
    assert "Walk through the fix plan" in [step.title for step in risk.steps]
    # Its pain point (billing) adds a value review the drivers alone would not.
    assert "Hold a value review" in [step.title for step in risk.steps]
    assert [step.due_days for step in risk.steps] == sorted(step.due_days for step in risk.steps)
    casual_risk = stored[(casual.id, TriggerKind.RISK_TIER_RISES.value)].definition
    assert casual_risk.steps[1].templates[0].subject == "Your open tickets"
    assert all(playbook.source == "template" for playbook in stored.values())


def test_the_evidence_lists_driver_words_and_history_numbers(db_session: Session) -> None:
    _, formal, _ = _world(db_session)

    generate(db_session, by="ana")

    stored = _playbooks(db_session)
    risk = stored[(formal.id, TriggerKind.RISK_TIER_RISES.value)].definition
    texts = {fact.source: [] for fact in risk.evidence}  # type: dict[str, list[str]]
    for fact in risk.evidence:
        texts[fact.source].append(fact.text)
    drivers = " ".join(texts["churn_drivers"])
    assert "product use and adoption for 2 of 3 members" in drivers
    assert "unresolved problems and escalations for 1 of 3 members" in drivers
    assert "3 unresolved tickets" in drivers
    assert "usage_trend" not in drivers and "tickets_unresolved" not in drivers
    assert "2 of 2 scored members are at high churn risk now." in drivers
    history = " ".join(texts["history"])
    assert "last year, 1 of 3 members churned (33%) and 0 expanded (0%)" in history
    assert "1 churned, 1 renewed at least once and 0 expanded" in history
    assert "4 of 6 CSM replies" in history and "(67%)" in history
    assert "invoice & billing" in " ".join(texts["profile"])
    assert [criterion.metric for criterion in risk.success] == [
        "churn_rate",
        "risk_tier_high_share",
    ]
    assert risk.success[0].target == pytest.approx(round(1 / 3 * 0.8, 3))
    expansion = stored[(formal.id, TriggerKind.EXPANSION_NOW.value)].definition
    expansion_words = " ".join(fact.text for fact in expansion.evidence)
    assert "1 of 3 members is ready for an expansion conversation now" in expansion_words
    assert "promoter NPS answer" in expansion_words
    assert "Most likely next feature: API." in expansion_words
    assert "product use and adoption" not in expansion_words


def test_templates_render_in_each_personas_register(db_session: Session) -> None:
    book, formal, casual = _world(db_session)
    generate(db_session, by="ana")
    stored = _playbooks(db_session)

    def first_email(persona: Persona, customer: Customer) -> tuple[str | None, str]:
        definition = stored[(persona.id, TriggerKind.RISK_TIER_RISES.value)].definition
        step = next(step for step in definition.steps if step.kind is StepKind.EMAIL)
        context = message_context(db_session, customer, today=TODAY)
        message = render(step.templates[0], context)
        assert message.missing == ()
        return message.subject, message.body

    formal_subject, formal_body = first_email(formal, book["Acme Analytics"])
    casual_subject, casual_body = first_email(casual, book["Birch Health"])

    assert formal_subject == "Making the most of Enterprise"
    assert formal_body.startswith("Dear Ana Ruiz,\n\nI am reviewing how Acme Analytics uses")
    assert formal_body.endswith("Kind regards,\nDana Scully")
    assert casual_body.startswith("Hi Ben,\n\nI've gone through your open tickets")
    assert casual_body.endswith("Thanks,\nDana Scully")
    for text in (formal_body, casual_body):
        assert "churn" not in text and "<" not in text and "{{" not in text
    for definition in (playbook.definition for playbook in stored.values()):
        for step in definition.steps:
            for template in step.templates:
                context = message_context(db_session, book["Echo Bank"], today=TODAY)
                message = render(template, context)
                assert "None" not in message.body and "{{" not in message.body


def test_the_value_review_leaves_out_a_renewal_and_contract_the_customer_lacks(
    db_session: Session,
) -> None:
    book, formal, _ = _world(db_session)
    generate(db_session, by="ana")
    definition = _playbooks(db_session)[(formal.id, TriggerKind.RISK_TIER_RISES.value)].definition
    review = next(step for step in definition.steps if step.title == "Hold a value review")

    with_renewal = render(
        review.templates[0], message_context(db_session, book["Acme Analytics"], today=TODAY)
    )
    without = render(
        review.templates[0], message_context(db_session, book["Echo Bank"], today=TODAY)
    )

    assert "Contract: $120,000 a year on Enterprise." in with_renewal.body
    assert "Renewal: 1 March 2026, in 120 days." in with_renewal.body
    assert with_renewal.body.endswith("Agree: the plan that fits, before 1 March 2026.")
    assert "Renewal:" in without.body  # Echo Bank renews in June 2026
    assert "Contract:" not in without.body  # and has no ARR on record
    cobalt = render(
        review.templates[0], message_context(db_session, book["Cobalt Retail"], today=TODAY)
    )
    assert "Renewal:" not in cobalt.body and "your renewal" not in cobalt.body
    assert cobalt.body.endswith("Agree: the plan that fits.")


def test_a_rerun_changes_nothing_and_follows_new_evidence(db_session: Session) -> None:
    book, formal, _ = _world(db_session)
    first = generate(db_session, by="ana")

    again = generate(db_session, by="ana")
    db_session.add(
        LifecycleEvent(customer_id=book["Delta Freight"].id, kind=LifecycleKind.CHURNED, at=START)
    )
    db_session.flush()
    updated = generate(db_session, by="ana", persona_ids=[formal.id])

    assert [item.playbook_id for item in again.playbooks] == [
        item.playbook_id for item in first.playbooks
    ]
    assert again.count("unchanged") == 3
    assert db_session.scalar(select(Playbook.id).order_by(Playbook.id.desc())) == max(
        item.playbook_id or 0 for item in first.playbooks
    )
    assert [item.action for item in updated.playbooks] == ["updated", "updated"]
    risk = _playbooks(db_session)[(formal.id, TriggerKind.RISK_TIER_RISES.value)]
    assert any("2 of 3 members churned (67%)" in fact["text"] for fact in risk.evidence)


def test_an_analysts_edit_is_left_alone_and_reported(db_session: Session) -> None:
    _, formal, _ = _world(db_session)
    generate(db_session, by="ana")
    playbook = _playbooks(db_session)[(formal.id, TriggerKind.RISK_TIER_RISES.value)]
    edited = playbook.definition.model_copy(update={"objective": "Our own words."})
    service.update(db_session=db_session, playbook=playbook, definition=edited, by="maria")

    report = generate(db_session, by="ana")

    mine = next(item for item in report.playbooks if item.playbook_id == playbook.id)
    assert mine.action == "left alone"
    assert mine.note == "edited by maria since it was generated"
    assert playbook.objective == "Our own words."
    assert report.count("unchanged") == 2


def test_unknown_personas_are_refused_in_words(db_session: Session) -> None:
    _world(db_session)

    with pytest.raises(BadInput, match="no active persona with id 999999"):
        generate(db_session, by="ana", persona_ids=[999999])


def test_a_persona_without_members_still_gets_a_risk_playbook(db_session: Session) -> None:
    persona = _persona(db_session, "Quiet Quinn", formal=False)

    report = generate(db_session, by="ana")

    assert [(item.persona_id, item.action) for item in report.playbooks] == [
        (persona.id, "created")
    ]
    definition = _playbooks(db_session)[(persona.id, TriggerKind.RISK_TIER_RISES.value)].definition
    assert [step.title for step in definition.steps][2] == "Call the sponsor"
    assert definition.success == []
