"""Static word-piece vectors distilled from MiniLM: sentence vectors without a neural network.

Every word piece of all-MiniLM-L6-v2's vocabulary has one vector (Model2Vec's distillation: the
transformer's output for the piece alone, reduced by PCA and weighted by Zipf's law), so a text's
vector is the mean of its pieces' vectors. That runs at tens of thousands of texts per second on
one core, with no torch, and keeps most of MiniLM's topic quality (docs/nlp.md gives the
figures). The packaged files are built by ``python -m cspersona.nlp.training.static_vectors``.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.preprocessing import normalize
from tokenizers import Tokenizer

from cspersona.exceptions import ConfigError

VECTORS_DIR = Path(__file__).with_name("data") / "minilm-static"
TOKENIZER_FILE = "tokenizer.json"
VECTORS_FILE = "vectors.npy"
# A long message's meaning is in its opening; 512 pieces is also MiniLM's own window.
MAX_PIECES = 512


@dataclass(frozen=True)
class StaticVectors:
    """A word-piece tokenizer and one vector per piece (row ``i`` is piece id ``i``)."""

    tokenizer: Tokenizer
    vectors: np.ndarray

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length mean piece vector per text; a text without known pieces is all zeros."""
        unknown = self.tokenizer.token_to_id("[UNK]")
        pieces = [
            [piece for piece in encoding.ids if piece != unknown]
            for encoding in self.tokenizer.encode_batch(list(texts), add_special_tokens=False)
        ]
        lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces))
        offsets = np.concatenate([[0], np.cumsum(lengths)])
        flat = np.fromiter(
            (piece for text_pieces in pieces for piece in text_pieces),
            dtype=np.int64,
            count=int(offsets[-1]),
        )
        # A sparse (texts x vocabulary) count matrix times the vectors sums each text's pieces.
        counts = csr_matrix(
            (np.ones(flat.size, dtype=np.float32), flat, offsets),
            shape=(len(pieces), self.vectors.shape[0]),
        )
        sums = np.asarray(counts @ self.vectors)
        return np.asarray(normalize(sums / np.maximum(lengths, 1)[:, None]))


def read_static_vectors(folder: Path) -> StaticVectors:
    """The tokenizer and vectors saved in ``folder``, truncating texts at ``MAX_PIECES``."""
    tokenizer_path, vectors_path = folder / TOKENIZER_FILE, folder / VECTORS_FILE
    if not tokenizer_path.is_file() or not vectors_path.is_file():
        raise ConfigError(
            f"static vectors are missing from {folder}; rebuild them with "
            "python -m cspersona.nlp.training.static_vectors"
        )
    tokenizer = Tokenizer.from_file(str(tokenizer_path))
    tokenizer.no_padding()
    tokenizer.enable_truncation(MAX_PIECES)
    vectors = np.load(vectors_path).astype(np.float32)
    if vectors.ndim != 2 or vectors.shape[0] != tokenizer.get_vocab_size():
        raise ConfigError(f"{vectors_path} does not match its tokenizer's vocabulary")
    return StaticVectors(tokenizer=tokenizer, vectors=vectors)


@lru_cache(maxsize=1)
def load_static_vectors() -> StaticVectors:
    """The packaged MiniLM static vectors, read once per process."""
    return read_static_vectors(VECTORS_DIR)
