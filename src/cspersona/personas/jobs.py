"""The ``personas.generate`` job kind: a persona build run by the API's job runners."""

from sqlalchemy.orm import Session

from cspersona.config import get_settings
from cspersona.jobs.registry import Progress, job_kind
from cspersona.personas.build import build_personas
from cspersona.personas.clustering import PersonaModel
from cspersona.personas.schemas import BuildFigures, BuildParams


@job_kind("personas.generate", params=BuildParams)
def generate(*, db_session: Session, params: BuildParams, progress: Progress) -> BuildFigures:
    """Fit personas on every customer's features; the result holds the validation figures."""
    model = PersonaModel(
        n_personas=params.n_personas or "auto", clusterer=params.clusterer, random_state=0
    )
    return build_personas(
        db_session=db_session, settings=get_settings(), model=model, progress=progress
    )
