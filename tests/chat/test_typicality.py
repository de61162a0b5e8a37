"""Typicality: sentences in a persona's own vocabulary rank above generic ones."""

from cspersona.chat.typicality import typicality, word_z_scores

OWN = ["our invoice and renewal price are too high", "discount on the invoice please"]
OTHERS = ["the api webhook returns 429", "sso login fails on the api", "the invoice arrived"]


def test_words_the_persona_uses_more_score_higher() -> None:
    scores = word_z_scores(OWN, OTHERS)

    assert scores["discount"] > 0 > scores["api"]


def test_typical_sentences_rank_first() -> None:
    ranks = typicality(
        ["a discount on our renewal", "the api webhook is down"], word_z_scores(OWN, OTHERS)
    )

    assert list(ranks) == [1.0, 0.0]


def test_without_a_contrast_every_sentence_is_middling() -> None:
    assert list(typicality(["anything at all"], word_z_scores(OWN, []))) == [0.5]
