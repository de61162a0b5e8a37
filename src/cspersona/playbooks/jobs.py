"""The ``playbooks.generate`` job kind: every active persona's playbooks, from its evidence."""

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from cspersona.config import get_settings
from cspersona.jobs.registry import Progress, job_kind
from cspersona.llm.factory import client_from_settings
from cspersona.playbooks.generation import GenerationReport, generate


class GenerateParams(BaseModel):
    """Which personas to generate playbooks for: all active ones when none are named."""

    model_config = ConfigDict(extra="forbid")

    persona_ids: list[int] | None = Field(
        default=None, max_length=100, description="Persona ids; null generates for every one."
    )


@job_kind("playbooks.generate", params=GenerateParams)
def generate_playbooks(
    *, db_session: Session, params: GenerateParams, progress: Progress
) -> GenerationReport:
    """Create or update generated playbooks; the configured LLM writes templates when set."""
    settings = get_settings()
    progress(0.0, "reading the personas' evidence")
    report = generate(
        db_session,
        by="job",
        persona_ids=params.persona_ids,
        llm=client_from_settings(settings, db_session=db_session),
        settings=settings,
    )
    progress(1.0, f"{len(report.playbooks)} playbooks for {report.personas} personas")
    return report
