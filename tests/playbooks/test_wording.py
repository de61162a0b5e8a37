"""Playbook documents in words: criteria with names and money, due days in the singular."""

from cspersona.playbooks.definition import Criterion
from cspersona.playbooks.wording import criterion_words, due_words


def test_a_criterion_is_said_as_a_csm_would() -> None:
    assert criterion_words(Criterion(field="arr", op="ge", value=20000.0)) == (
        "ARR is at least $20,000"
    )
    assert criterion_words(Criterion(field="plan", op="in", value=["pro", "team"])) == (
        "the plan is one of pro, team"
    )
    persona = Criterion(field="persona_id", op="eq", value=2.0)
    assert criterion_words(persona, {2: "Cautious Carlos"}) == "the persona is Cautious Carlos"
    assert criterion_words(persona) == "the persona is persona 2"


def test_due_days_read_in_the_singular_and_plural() -> None:
    assert [due_words(days) for days in (0, 1, 7)] == [
        "on the day of entry",
        "due 1 day after entry",
        "due 7 days after entry",
    ]
