import pytest

from cspersona.nlp.text_checks import text_problems


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Thanks! <PERSON> Risk Manager", "redaction token"),
        ("champion_message_share is low (0.3493; typical 0.7048)", "raw identifier"),
        ("mostly talk about topic 99 and topic_24", "topic number"),
        ("Reeves: +1 555 0104 55", "contact detail"),
        ("Tel: 001-556-733-8454x183", "contact detail"),
        ("write to joan.beard@example.com", "contact detail"),
        ("17 escalations (strongly lowers churn risk (odds x0.3))", "nested brackets"),
        ("52 ok disappointed disappointed took took messages", "doubled word"),
        (
            "We pay $20,000 a year and this is what we get. We pay $10,620 a year and ths is what "
            "we get.",
            "repeated sentence",
        ),
    ],
)
def test_each_problem_a_csm_would_trip_on_is_found(text: str, problem: str) -> None:
    assert problem in text_problems(text)


@pytest.mark.parametrize(
    "text",
    [
        "The main contact wrote 35% of this customer's messages; 70% is typical.",
        "Dear [name], the invoice for 2025-01-01 to 2025-03-31 is attached.",
        "ARR $120,000, renewing on 2026-03-01 (in 84 days).",
        "Thanks. Thanks. Yes.",
        "INV-2025-69922 at list price, not contract rate",
        "Exports fail. Exports fail since Monday and nobody has called us back about it.",
    ],
)
def test_plain_sentences_with_dates_money_and_placeholders_are_clean(text: str) -> None:
    assert text_problems(text) == []
