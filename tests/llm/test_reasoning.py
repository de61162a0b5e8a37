"""A reasoning model's leading thinking block never reaches the customer's reply."""

import pytest

from cspersona.llm.reasoning import ThinkingFilter, without_thinking


@pytest.mark.parametrize(
    ("text", "answer"),
    [
        (
            "<think>\nThey want a discount.\n</think>\n\nTen percent is a start.",
            "Ten percent is a start.",
        ),
        ("  <think></think>Ten percent is a start.", "Ten percent is a start."),
        ("<think>Still thinking when the tokens ran out", ""),
        ("Ten percent is a start.", "Ten percent is a start."),
        ("We use <think> tags in our templates.", "We use <think> tags in our templates."),
    ],
)
def test_a_leading_thinking_block_is_cut_from_a_whole_answer(text: str, answer: str) -> None:
    assert without_thinking(text) == answer


def streamed(*pieces: str) -> list[str]:
    """What a filter lets through for ``pieces``, piece by piece, with what it held at the end."""
    thinking = ThinkingFilter()
    passed = [thinking.feed(piece) for piece in pieces] + [thinking.finish()]
    return [piece for piece in passed if piece]


def test_a_thinking_block_split_across_pieces_is_held_back() -> None:
    assert streamed(
        "<th", "ink>\nten percent?", " fine.\n</thi", "nk>\n\n", "Ten", " percent."
    ) == [
        "Ten",
        " percent.",
    ]


def test_an_answer_without_thinking_streams_as_it_comes() -> None:
    assert streamed("Ten", " percent", " is a start.") == ["Ten", " percent", " is a start."]


def test_an_answer_that_begins_like_a_tag_is_released_once_it_is_not_one() -> None:
    assert streamed("<", "b>Ten</b> percent") == ["<b>Ten</b> percent"]
    assert streamed("<th") == ["<th"]  # the stream ended before it could become a thought
