"""The ordered pipeline stages; each is incremental and reports a :class:`StageResult`.

A stage is a function ``(db_session, settings, progress) -> StageResult``; ``progress`` is called
with ``(done, total)``. :data:`STAGES` lists every stage in the order they must run (NLP, topics,
analytics, personas, persona outlook, churn, playbooks, intervention outcomes); callers that need
more, like the demo, build their own list around it.
``settings.as_of``, when set, tells stages that compute snapshots to use only data before it.
"""

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from cspersona.analytics import service as analytics
from cspersona.config import Settings
from cspersona.conversations.models import AuthorRole, Message
from cspersona.customers.status import data_as_of
from cspersona.exceptions import BadInput, NotFound
from cspersona.nlp import service as nlp
from cspersona.nlp.models import MessageAnalysis
from cspersona.personas import evolution
from cspersona.personas.follow import update_personas
from cspersona.playbooks.cycle import run_cycle
from cspersona.predict import scoring
from cspersona.roi.outcomes import refresh_outcomes

ProgressCallback = Callable[[int, int], None]


@dataclass(frozen=True)
class StageResult:
    """What one stage did: rows processed, seconds taken and a line of detail."""

    name: str
    processed: int
    seconds: float
    detail: str = ""


Stage = Callable[[Session, Settings, ProgressCallback | None], StageResult]


def message_analysis(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Analyse messages never analysed, or analysed by other analyser versions."""
    started = time.perf_counter()
    analysed = nlp.analyze_pending(db_session=db_session, settings=settings, progress=progress)
    return StageResult(
        name="nlp",
        processed=analysed,
        seconds=time.perf_counter() - started,
        detail="sentiment, emotions, entities, language, sophistication per message",
    )


def topic_discovery(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Rediscover topics when some analysed customer message has none (new messages came in)."""
    started = time.perf_counter()
    untopical = db_session.scalar(
        select(func.count(MessageAnalysis.id))
        .join(Message, Message.id == MessageAnalysis.message_id)
        .where(
            Message.author_role == AuthorRole.CUSTOMER,
            MessageAnalysis.topic_id.is_(None),
            MessageAnalysis.cleaned_text != "",
        )
    )
    if not untopical:
        return StageResult("topics", 0, time.perf_counter() - started, "every message has a topic")
    try:
        assignment = nlp.assign_topics(db_session=db_session, settings=settings)
    except BadInput as error:
        # Too little text to find topics in is no reason to stop the later stages.
        return StageResult("topics", 0, time.perf_counter() - started, f"skipped: {error}")
    if progress is not None:
        progress(assignment.messages, assignment.messages)
    return StageResult(
        name="topics",
        processed=assignment.messages,
        seconds=time.perf_counter() - started,
        detail=f"{assignment.topics} topics, model {assignment.model_version}",
    )


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
    """Build personas on the first run; afterwards place every active customer again (may refit)."""
    started = time.perf_counter()
    processed, detail = update_personas(db_session=db_session, settings=settings)
    if progress is not None and processed:
        progress(processed, processed)
    return StageResult(
        name="personas",
        processed=processed,
        seconds=time.perf_counter() - started,
        detail=detail,
    )


def persona_outlook(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Forecast each customer's persona in 90 days, learned from the book's own past."""
    started = time.perf_counter()
    try:
        summary = evolution.update_outlooks(db_session=db_session, settings=settings)
    except NotFound:  # the book was too small for personas: nothing to forecast
        return StageResult("outlook", 0, time.perf_counter() - started, "skipped: no personas")
    if progress is not None:
        progress(summary.customers, summary.customers)
    return StageResult("outlook", summary.customers, time.perf_counter() - started, str(summary))


def churn_scores(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Score every active customer's churn risk (30/60/90 days) and expansion likelihood."""
    started = time.perf_counter()
    try:
        scored = scoring.score_customers(
            db_session=db_session, settings=settings, progress=progress
        )
    except BadInput as error:  # too little history or churn to learn from yet: not a failure
        return StageResult("churn", 0, time.perf_counter() - started, f"skipped: {error}")
    return StageResult(
        name="churn",
        processed=scored,
        seconds=time.perf_counter() - started,
        detail="churn risk with drivers and interventions; expansion (a model is trained if none)",
    )


def playbook_triggers(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Refresh generated playbooks, enter customers on new events, apply exits, escalate tasks.

    A snapshot run (``settings.as_of``) looks at the past, so it acts on nobody.
    """
    started = time.perf_counter()
    if settings.as_of is not None:
        detail = "skipped: a run as of a past date does not act on customers"
        return StageResult("playbooks", 0, time.perf_counter() - started, detail)
    report = run_cycle(db_session, settings=settings, by="pipeline")
    if progress is not None:
        progress(report.acted_on, report.acted_on)
    return StageResult("playbooks", report.acted_on, time.perf_counter() - started, report.words())


def intervention_outcomes(
    db_session: Session, settings: Settings, progress: ProgressCallback | None
) -> StageResult:
    """Compute what followed each logged intervention, for windows not yet final."""
    started = time.perf_counter()
    refresh = refresh_outcomes(db_session, today=data_as_of(db_session))
    if progress is not None:
        progress(refresh.computed, refresh.computed)
    return StageResult("outcomes", refresh.computed, time.perf_counter() - started, refresh.words())


STAGES: list[tuple[str, Stage]] = [
    ("nlp", message_analysis),
    ("topics", topic_discovery),
    ("analytics", conversation_dynamics),
    ("personas", persona_assignment),
    ("outlook", persona_outlook),
    ("churn", churn_scores),
    ("playbooks", playbook_triggers),
    ("outcomes", intervention_outcomes),
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
