import random

import pytest

from cspersona.synth.noise import add_typos, mistype


def test_no_typos_at_rate_zero() -> None:
    text = "Please escalate this ticket today"

    assert add_typos(text, 0.0, random.Random(1)) == text


def test_every_long_word_is_mistyped_at_rate_one_and_nothing_else_changes() -> None:
    text = "Our export of 250,000 rows is slow on Chrome"
    typed = add_typos(text, 1.0, random.Random(2)).split(" ")

    for original, written in zip(text.split(" "), typed, strict=True):
        if len(original) >= 4 and original.isalpha():
            assert written != original
        else:
            assert written == original


@pytest.mark.parametrize("seed", range(20))
def test_a_slip_keeps_the_word_recognisable(seed: int) -> None:
    written = mistype("frustrating", random.Random(seed))

    assert written != "frustrating"
    assert abs(len(written) - len("frustrating")) <= 1
    assert written[0] == "f"
