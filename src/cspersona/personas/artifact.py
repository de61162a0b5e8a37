"""What a persona model version keeps on disk: the estimator and what it needs to explain itself."""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cspersona.personas.clustering import PersonaModel


@dataclass
class PersonaArtifact:
    """The fitted model, its feature columns, the book's feature statistics, persona ids."""

    model: PersonaModel
    features: list[str]
    book_mean: pd.Series
    book_std: pd.Series
    persona_ids: list[int]

    def standardised(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Features as z-scores against the training book (NaN where unknown)."""
        aligned = frame.reindex(columns=self.features)
        return (aligned - self.book_mean) / self.book_std.replace(0.0, np.nan)

    def persona_of(self, labels: np.ndarray) -> np.ndarray:
        """Persona ids for cluster labels."""
        return np.asarray(np.asarray(self.persona_ids)[labels], dtype=np.int64)
