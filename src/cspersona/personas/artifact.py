"""What a persona model version keeps on disk: the estimator and what it needs to explain itself."""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.exceptions import BadInput
from cspersona.personas.clustering import PersonaModel
from cspersona.personas.voice import VoiceBasis, without_vectors
from cspersona.registry import service as registry
from cspersona.registry.models import TrainedModel

PERSONA_KIND = "persona"


@dataclass
class PersonaArtifact:
    """The fitted model, its feature columns, the book's feature statistics, persona ids.

    ``voice`` is the basis the build reduced voice vectors on (None: models built without it).
    """

    model: PersonaModel
    features: list[str]
    book_mean: pd.Series
    book_std: pd.Series
    persona_ids: list[int]
    voice: VoiceBasis | None = None

    def aligned(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Persona features as the model reads them: voice reduced, columns in training order."""
        reduced = without_vectors(frame) if self.voice is None else self.voice.reduce(frame)
        return reduced.reindex(columns=self.features)

    def standardised(self, frame: pd.DataFrame) -> pd.DataFrame:
        """Features as z-scores against the training book (NaN where unknown)."""
        return (self.aligned(frame) - self.book_mean) / self.book_std.replace(0.0, np.nan)

    def persona_of(self, labels: np.ndarray) -> np.ndarray:
        """Persona ids for cluster labels."""
        return np.asarray(np.asarray(self.persona_ids)[labels], dtype=np.int64)


def latest_artifact(
    *, db_session: Session, settings: Settings
) -> tuple[TrainedModel, PersonaArtifact]:
    """The newest persona model and its artifact, or :class:`NotFound` before the first build."""
    registered = registry.get_latest(db_session=db_session, kind=PERSONA_KIND)
    artifact = registry.load(model=registered, data_dir=settings.data_dir)
    if not isinstance(artifact, PersonaArtifact):
        raise BadInput(f"{registered.artifact_path} is not a persona model")
    return registered, artifact
