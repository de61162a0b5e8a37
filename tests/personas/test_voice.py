import numpy as np
import pandas as pd

from cspersona.personas.voice import (
    VECTOR_PREFIX,
    VOICE_DIMENSIONS,
    VoiceBasis,
    encode_messages,
    reduced_voice,
    voice_vectors,
)

WARM = "Thanks so much, this is wonderful, you made our week!"
TECHNICAL = "The export endpoint returns HTTP 500 with a JSON payload, see the request id."


def _messages(rows: list[tuple[int, str, str]]) -> pd.DataFrame:
    """Messages as the history reads them, numbered from 1."""
    frame = pd.DataFrame(rows, columns=["customer_id", "author_role", "body"])
    return frame.assign(message_id=range(1, len(frame) + 1))


def test_a_customers_voice_vector_is_the_mean_of_their_own_messages_only() -> None:
    messages = _messages(
        [
            (1, "customer", WARM),
            (1, "csm", TECHNICAL),
            (2, "customer", TECHNICAL),
            (3, "csm", "Happy to help!"),
        ]
    )

    vectors = voice_vectors(messages)

    assert list(vectors.index) == [1, 2]
    assert all(column.startswith(VECTOR_PREFIX) for column in vectors.columns)
    assert np.isfinite(vectors.to_numpy()).all()
    alone = voice_vectors(_messages([(1, "customer", WARM)]))
    pd.testing.assert_series_equal(alone.loc[1], vectors.loc[1])
    assert not np.allclose(vectors.loc[1], vectors.loc[2])


def _book(customers: int) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    vectors = pd.DataFrame(
        rng.normal(size=(customers, 20)), columns=[f"{VECTOR_PREFIX}{n}" for n in range(20)]
    )
    return vectors.assign(nps_mean=rng.normal(size=customers))


def test_a_build_reduces_the_voice_to_a_few_finite_columns_and_keeps_the_rest() -> None:
    book = _book(40)

    reduced, basis = reduced_voice(book)

    assert basis is not None
    voice = [f"voice_{n}" for n in range(1, VOICE_DIMENSIONS + 1)]
    assert list(reduced.columns) == ["nps_mean", *voice]
    assert np.isfinite(reduced[voice].to_numpy()).all()
    assert basis.reduce(reduced) is reduced  # already reduced: left alone


def test_new_customers_are_projected_on_the_builds_basis_not_their_own() -> None:
    book = _book(40)
    _, basis = reduced_voice(book)
    assert basis is not None

    one = basis.reduce(book.iloc[[3]])
    among_all = basis.reduce(book)

    pd.testing.assert_frame_equal(one, among_all.iloc[[3]])


def test_a_customer_without_messages_has_no_voice_and_a_book_without_any_no_basis() -> None:
    book = _book(10)
    book.iloc[0, :20] = np.nan
    _, basis = reduced_voice(book)
    assert basis is not None

    assert basis.reduce(book).filter(like="voice_").iloc[0].isna().all()
    assert VoiceBasis.fit(book[["nps_mean"]]) is None
    assert voice_vectors(_messages([(1, "csm", "Hello")])).empty


def test_messages_encoded_once_give_every_cut_the_same_voice() -> None:
    messages = _messages([(1, "customer", WARM), (1, "customer", TECHNICAL), (2, "customer", WARM)])
    encoded = encode_messages(messages)
    first_two = messages.iloc[:2]

    assert np.allclose(voice_vectors(first_two, encoded), voice_vectors(first_two))
    assert list(voice_vectors(first_two, encoded).index) == [1]
