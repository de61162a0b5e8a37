"""Typicality: sentences in a persona's own voice rank above ones any customer could write."""

from cspersona.chat.typicality import UNKNOWN, typicality

OWN = [
    "our invoice and renewal price are too high",
    "discount on the invoice please",
    "finance wants a lower renewal price",
    "the invoice total is above our budget",
]
OTHERS = [
    "the api webhook returns 429",
    "sso login fails on the api",
    "the webhook payload is missing fields",
    "api latency is high after the deploy",
]


def test_a_sentence_in_the_personas_words_reads_as_theirs() -> None:
    own, other = typicality(
        ["a discount on our renewal price", "the api webhook is down"], OWN, OTHERS
    )

    assert own > 0.5 > other


def test_without_a_contrast_every_sentence_is_unknown() -> None:
    assert list(typicality(["anything at all"], OWN, [])) == [UNKNOWN]
    assert len(typicality([], OWN, OTHERS)) == 0
