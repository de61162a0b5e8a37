from pathlib import Path

import numpy as np
import pytest

from cspersona.exceptions import ConfigError
from cspersona.nlp.static_vectors import MAX_PIECES, load_static_vectors, read_static_vectors


def test_texts_about_the_same_thing_are_closer_than_unrelated_ones() -> None:
    vectors = load_static_vectors().encode(
        ["the csv export fails", "exporting to CSV is broken", "thanks, lunch was lovely"]
    )

    similarity = vectors @ vectors.T

    assert similarity[0, 1] > 0.7
    assert similarity[0, 1] > similarity[0, 2] + 0.3


def test_vectors_are_unit_length_and_texts_without_known_pieces_are_zero() -> None:
    vectors = load_static_vectors().encode(["a short message", "", "\u2603" * 5])

    assert np.linalg.norm(vectors, axis=1) == pytest.approx([1.0, 0.0, 0.0], abs=1e-5)


def test_a_long_text_is_read_up_to_the_piece_limit() -> None:
    static = load_static_vectors()
    opening = "the invoice total is wrong again " * (MAX_PIECES // 6)

    long, short = static.encode([opening + "completely unrelated gardening tips " * 500, opening])

    assert float(long @ short) > 0.99


def test_missing_or_mismatched_files_name_the_rebuild_command(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cspersona.nlp.training.static_vectors"):
        read_static_vectors(tmp_path)

    packaged = load_static_vectors()
    packaged.tokenizer.save(str(tmp_path / "tokenizer.json"))
    np.save(tmp_path / "vectors.npy", np.zeros((3, 4), dtype=np.float16))
    with pytest.raises(ConfigError, match="does not match"):
        read_static_vectors(tmp_path)
