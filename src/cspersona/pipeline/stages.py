"""The ordered pipeline stages; each is incremental and reports a :class:`StageResult`.

A stage is a function ``(db_session, settings, progress) -> StageResult``; ``progress`` is called
with ``(done, total)``. Later stages (personas, churn) append themselves to :data:`STAGES`.
``settings.as_of``, when set, tells stages that compute snapshots to use only data before it.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from cspersona.analytics import service as analytics
from cspersona.config import Settings
from cspersona.personas import service as personas

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class StageResult:
    """What one stage did: rows processed, seconds taken and a line of detail."""

    name: str
    processed: int
    seconds: float
    detail: str = ""


Stage = Callable[[Session, Settings, ProgressCallback | None], StageResult]


def conversation_dynamics(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Analyse conversations that are new, changed, or newly analysed by the NLP stage."""
    started = time.perf_counter()
    analysed = analytics.analyse_interactions(db_session=db_session, progress=progress)
    return StageResult(
        name="analytics",
        processed=analysed,
        seconds=time.perf_counter() - started,
        detail="conversation dynamics (escalation, recovery, reply effects)",
    )


def persona_assignment(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Build personas on the first run; afterwards give only new customers a persona."""
    started = time.perf_counter()
    processed, detail = personas.update_personas(db_session=db_session, settings=settings)
    if progress is not None and processed:
        progress(processed, processed)
    return StageResult(
        name="personas",
        processed=processed,
        seconds=time.perf_counter() - started,
        detail=detail,
    )


STAGES: list[tuple[str, Stage]] = [
    ("analytics", conversation_dynamics),
    ("personas", persona_assignment),
]


def run_pipeline(
    *,
    db_session: Session,
    settings: Settings,
    progress_for: Callable[[str], ProgressCallback | None] | None = None,
    stages: Sequence[tuple[str, Stage]] | None = None,
) -> list[StageResult]:
    """Run ``stages`` (default: all) in order, committing after each so work is never redone."""
    results = []
    for name, stage in STAGES if stages is None else stages:
        results.append(stage(db_session, settings, progress_for(name) if progress_for else None))
        db_session.commit()
    return results
