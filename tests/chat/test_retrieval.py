"""Snippet retrieval: content sentences only, the most relevant first, redacted when shown."""

import pytest

from cspersona.chat.retrieval import SnippetIndex, sentences


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Hi Anna,\nThe export fails every night. Can you check it?\nThanks,\nBob Smith\nCTO",
            ["The export fails every night.", "Can you check it?"],
        ),
        (
            "Dear all,\nOur invoice doubled this month without notice.\nKind regards,",
            ["Our invoice doubled this month without notice."],
        ),
        (
            "> I'm looking into this now.\nStill broken on our side today.",
            ["Still broken on our side today."],
        ),
        ("ok thx", []),
        (
            "hello, my team loves the new dashboards! Exports are quick too.",
            ["My team loves the new dashboards!", "Exports are quick too."],
        ),
    ],
)
def test_sentences_drop_greetings_closings_signatures_and_quotes(
    text: str, expected: list[str]
) -> None:
    assert sentences(text) == expected


def test_the_most_relevant_sentence_comes_first_and_used_ones_are_skipped() -> None:
    index = SnippetIndex(
        [
            "The webhook retries fail with 429 errors.",
            "Our invoice is far too high this year.",
            "The invoice total does not match our seats.",
        ],
        [1, 2, 3],
    )

    first = index.search("why is the invoice so high", k=1)
    second = index.search("why is the invoice so high", k=1, exclude=frozenset({first[0].index}))

    assert first[0].text == "Our invoice is far too high this year."
    assert first[0].customer_id == 2
    assert second[0].text == "The invoice total does not match our seats."


def test_repeated_sentences_are_indexed_once() -> None:
    index = SnippetIndex(["The export is slow today.", "the export is slow today"], [1, 2])

    assert len(index) == 1


def test_two_members_saying_the_same_line_are_not_both_quoted() -> None:
    index = SnippetIndex(
        [
            "We're paying for a product that doesn't work.",
            "We're payng for a product that doesn't work.",
            "It was 9 people who left last month; IT removed them.",
            "The product doesn't work for our finance team at all.",
        ],
        [1, 2, 3, 4],
    )

    found = [
        snippet.text for snippet in index.search("paying for a product that doesn't work", k=2)
    ]

    assert found[0] == "We're paying for a product that doesn't work."
    assert "We're payng for a product that doesn't work." not in found
    assert len(found) == 2


def test_a_line_already_said_is_not_said_again_with_another_number() -> None:
    index = SnippetIndex(
        [
            "We have about 45 people who actually use it.",
            "We have about 181 people who actually use it.",
            "Most of the seats we pay for sit unused.",
        ],
        [1, 2, 3],
    )
    first = index.search("how many people use it", k=1)

    later = index.search("how many people use it", k=1, exclude=frozenset({first[0].index}))

    assert first[0].text == "We have about 45 people who actually use it."
    assert later[0].text == "Most of the seats we pay for sit unused."


def test_shown_snippets_are_redacted_again() -> None:
    index = SnippetIndex(["Please call the office about it."], [1], redact=str.upper)

    assert index.search("call", k=1)[0].text == "PLEASE CALL THE OFFICE ABOUT IT."


def test_a_sentence_redaction_left_a_placeholder_in_is_never_shown() -> None:
    texts = ["Please call Bob about the invoice.", "Please check the invoice total."]
    index = SnippetIndex(texts, [1, 1], redact=lambda text: text.replace("Bob", "[name]"))

    assert [snippet.text for snippet in index.search("invoice", k=2)] == [
        "Please check the invoice total."
    ]


def test_an_empty_index_finds_nothing() -> None:
    assert SnippetIndex([], []).search("anything") == []


def test_a_sentence_with_a_doubled_word_is_not_quoted() -> None:
    assert sentences(
        "Scheduled Scheduled reports run at the wrong hour. The export is slow today."
    ) == ["The export is slow today."]


def test_the_most_typical_sentences_count_as_typical_when_siblings_sound_alike() -> None:
    subjects = ("export", "invoice", "dashboard", "login", "search", "import", "sync", "alert")
    own = [f"the {subject} is slow for our finance team this week" for subject in subjects]
    others = [f"the {subject} is slow for our sales team this week" for subject in subjects]
    index = SnippetIndex(own, list(range(8)), others=others)

    typical = [index.typical(number) for number in range(len(index))]

    assert 0 < sum(typical) < len(index)
    assert SnippetIndex(own, list(range(8))).typical(0)  # no siblings: nothing to tell it from


def test_a_line_speaking_to_someone_by_name_is_not_quoted() -> None:
    assert sentences(
        "noted, mitchell, we'll go with that. Noted, Ethan, thanks. The export is slow today."
    ) == ["The export is slow today."]


def test_a_reply_to_advice_from_another_thread_is_not_quoted() -> None:
    assert sentences(
        "We tried that, but the export is still slow. I did what you suggested. "
        "No change, and we're losing patience. The export is slow every morning."
    ) == ["The export is slow every morning."]


def test_a_line_announcing_a_question_from_its_own_message_is_not_quoted() -> None:
    assert sentences(
        "Before our next invoice, one question. I hope this is the right place to ask. "
        "Perfect, thanks for the quick help with the export! The export is slow every morning."
    ) == ["The export is slow every morning."]
