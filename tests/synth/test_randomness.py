import pytest

from cspersona.synth.randomness import integer_seed, numpy_rng, python_rng


def test_the_same_key_gives_the_same_stream() -> None:
    assert python_rng(7, 3, 1).random() == python_rng(7, 3, 1).random()
    assert numpy_rng(7, 3, 1).random() == numpy_rng(7, 3, 1).random()
    assert integer_seed(7, 8) == integer_seed(7, 8)


@pytest.mark.parametrize(
    ("key", "other"),
    [((1,), (1, 0)), ((1, 2), (1, 2, 0)), ((), (0,)), ((2, 1), (1, 2))],
)
def test_distinct_keys_give_distinct_streams_even_with_trailing_zeros(
    key: tuple[int, ...], other: tuple[int, ...]
) -> None:
    assert python_rng(7, *key).random() != python_rng(7, *other).random()
    assert numpy_rng(7, *key).random() != numpy_rng(7, *other).random()
