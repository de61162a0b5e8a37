import pytest

from cspersona.nlp.similarity import repeats, says_the_same, sentences_of


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "We're paying for a product that doesn't work.",
            "We're payng for a product that doesn't work",
        ),
        (
            "We pay $20,000 a year and this is what we get.",
            "we pay $10,620 a year and ths is what we get",
        ),
        ("It was 9 people who left last month.", "It was 7 people who left last month."),
    ],
)
def test_a_typo_a_number_or_punctuation_does_not_make_a_new_sentence(
    first: str, second: str
) -> None:
    assert says_the_same(first, second)


def test_different_sentences_about_the_same_subject_are_different() -> None:
    assert not says_the_same(
        "The export fails every night.", "Can you make the export run before 6am?"
    )


def test_repeats_compares_every_sentence_with_everything_said() -> None:
    said = ["Certainly. My team loves the new dashboards!"]

    assert repeats("my team loves the new dashboards", said)
    assert not repeats("Exports are quick too.", said)
    assert sentences_of("One. Two! Three?") == ["One.", "Two!", "Three?"]


def test_saying_the_same_does_not_depend_on_which_sentence_comes_first() -> None:
    first = "same result with the new ai assistant after trying your suggestion."
    second = "same result with a scheduled digest from ai assistant after trying your suggestion."

    assert says_the_same(first, second) and says_the_same(second, first)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        (
            "We already tried that before contacting you about the seat count.",
            "We already tried that before contacting you about the competitor's price.",
        ),
        (
            "We were tpld we need a more expensive plan to keep using Scheduled Reports.",
            "We were told we need a more expensive plan to keep using dashboard.",
        ),
    ],
)
def test_one_template_said_twice_is_a_repeat(first: str, second: str) -> None:
    assert says_the_same(first, second)


def test_sentences_on_different_subjects_are_not_repeats() -> None:
    assert not says_the_same(
        "The export is slow every morning for our team.",
        "The invoice total does not match the quote we signed.",
    )
