"""A customer's voice: where their own words sit in static-vector space, for clustering only.

The topics users read (:mod:`cspersona.nlp.topics`) group messages by subject, so how a customer
writes (upbeat or exasperated, chatty or terse, thankful or demanding) no longer reaches the
persona features through the topic mix. The mean static vector (:mod:`cspersona.nlp.static_vectors`)
of a customer's own message bodies keeps that signal.

The feature step gives the whole mean vector (``voice_vector_*``: it depends on the customer
alone). A build reduces it to the ``VOICE_DIMENSIONS`` directions along which its book's customers
differ most (``voice_1``...), and keeps that :class:`VoiceBasis` in the persona artifact, so later
assignments and explanations project new customers exactly as the build did.

No ``voice_`` column means anything a CSM can read: :func:`cspersona.personas.features.said`
leaves them out of every profile, explanation and switch reason.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.decomposition import PCA

from cspersona.nlp.static_vectors import load_static_vectors

VOICE_PREFIX = "voice_"
VECTOR_PREFIX = "voice_vector_"
# Measured on dev worlds 4242 and 5353: 4 directions recover less than 8; 16 add nothing.
VOICE_DIMENSIONS = 8


def encode_messages(messages: pd.DataFrame) -> pd.DataFrame:
    """Each customer message's static vector, indexed by message id, with its ``customer_id``.

    Encoded once, a book's messages serve every cut of its history (:func:`voice_vectors`).
    """
    own = messages[messages["author_role"] == "customer"]
    vectors = load_static_vectors().encode(own["body"].fillna("").astype(str).tolist())
    frame = pd.DataFrame(
        vectors.reshape(len(own), -1),
        index=pd.Index(own["message_id"].to_numpy(), name="message_id"),
        columns=[f"{VECTOR_PREFIX}{number}" for number in range(vectors.shape[1])],
    )
    return frame.assign(customer_id=own["customer_id"].to_numpy())


def voice_vectors(messages: pd.DataFrame, encoded: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per customer, the mean static vector of their own message bodies (``voice_vector_*``).

    ``encoded`` (:func:`encode_messages` of these messages or more) saves encoding them again.
    """
    own = messages.loc[messages["author_role"] == "customer", "message_id"]
    if own.empty:
        return pd.DataFrame(index=pd.Index([], name="customer_id"))
    vectors = encode_messages(messages) if encoded is None else encoded.loc[own.to_numpy()]
    return vectors.groupby("customer_id").mean().rename_axis("customer_id")


def _vector_columns(frame: pd.DataFrame) -> list[str]:
    """The raw voice vector columns of a feature matrix."""
    return [column for column in frame.columns if column.startswith(VECTOR_PREFIX)]


@dataclass(frozen=True)
class VoiceBasis:
    """The book's main directions of voice: a centre and one unit vector per ``voice_N``."""

    vector_columns: list[str]
    centre: np.ndarray
    components: np.ndarray

    @classmethod
    def fit(cls, frame: pd.DataFrame) -> "VoiceBasis | None":
        """The principal directions of the customers' voice vectors; None without any."""
        columns = _vector_columns(frame)
        known = frame[columns].dropna()
        dimensions = min(VOICE_DIMENSIONS, len(known) - 1, len(columns))
        if dimensions < 1:
            return None
        pca = PCA(n_components=dimensions, random_state=0).fit(known.to_numpy())
        # PCA's signs are arbitrary; fixing them keeps voice_N comparable between builds.
        strongest = np.abs(pca.components_).argmax(axis=1)
        signs = np.sign(pca.components_[np.arange(dimensions), strongest])
        return cls(columns, pca.mean_, pca.components_ * signs[:, None])

    def reduce(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` with its voice vector replaced by ``voice_1``... (NaN without messages).

        A frame without voice vector columns is already reduced and comes back as it is.
        """
        if not _vector_columns(frame):
            return frame
        vectors = frame.reindex(columns=self.vector_columns).to_numpy(dtype=float)
        names = [f"{VOICE_PREFIX}{number}" for number in range(1, len(self.components) + 1)]
        reduced = pd.DataFrame(
            (vectors - self.centre) @ self.components.T, index=frame.index, columns=names
        )
        return without_vectors(frame).join(reduced)


def without_vectors(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` without raw voice vector columns (what a model without a voice basis reads)."""
    return frame.drop(columns=_vector_columns(frame))


def reduced_voice(frame: pd.DataFrame) -> tuple[pd.DataFrame, VoiceBasis | None]:
    """The features with the voice reduced on this book's basis, and that basis."""
    basis = VoiceBasis.fit(frame)
    return (without_vectors(frame) if basis is None else basis.reduce(frame)), basis
