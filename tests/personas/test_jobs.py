from sqlalchemy import select

from cspersona.personas.jobs import generate
from cspersona.personas.models import Persona
from cspersona.personas.schemas import BuildParams
from tests.personas.conftest import Built


def test_the_generate_job_builds_personas_and_returns_the_validation_figures(
    built: Built,
) -> None:
    session, _, _ = built
    seen: list[float] = []
    undo = session.begin_nested()
    try:
        figures = generate.function(
            db_session=session,
            params=BuildParams(n_personas=4),
            progress=lambda fraction, message=None: seen.append(fraction),
        )

        assert figures.k == 4
        assert len(figures.validation) == 1
        assert figures.silhouette is not None and figures.stability is not None
        assert seen[0] == 0.0 and seen[-1] == 1.0
        active = session.scalars(select(Persona).where(Persona.active.is_(True))).all()
        assert len(active) == 4
    finally:
        undo.rollback()
