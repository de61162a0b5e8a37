"""One pass of the playbooks over the book: refresh generated playbooks, trigger, escalate.

The pipeline's ``playbooks`` stage and ``cspersona playbooks run`` both run this, on the
playbooks' clock (``clock.work_clock``), so a run from either place acts the same way.
"""

from dataclasses import dataclass

from sqlalchemy.orm import Session

from cspersona.config import Settings
from cspersona.llm.factory import client_from_settings
from cspersona.playbooks.clock import work_clock
from cspersona.playbooks.escalation import EscalationReport, escalate
from cspersona.playbooks.generation import GenerationReport, generate
from cspersona.playbooks.triggers import TriggerReport, counted, run_triggers


@dataclass(frozen=True)
class CycleReport:
    """What one pass did: playbooks refreshed, customers entered and exited, tasks escalated."""

    generated: GenerationReport
    triggered: TriggerReport
    escalated: EscalationReport

    @property
    def acted_on(self) -> int:
        """Customers entered (either arm) or exited."""
        triggered = self.triggered
        return triggered.entered + triggered.held_back + triggered.exited

    def generation_words(self) -> str | None:
        """How many generated playbooks were written, or None when none changed."""
        written = self.generated.count("created") + self.generated.count("updated")
        return f"{counted(written, 'generated playbook')} written" if written else None

    def words(self) -> str:
        """The pass in one line; generated playbooks are named only when some were written."""
        parts = [self.generation_words(), self.triggered.words(), self.escalated.words()]
        return "; ".join(part for part in parts if part)


def run_cycle(db_session: Session, *, settings: Settings, by: str) -> CycleReport:
    """Refresh generated playbooks from the personas, then trigger and escalate; flushes only."""
    generated = generate(
        db_session,
        by=by,
        llm=client_from_settings(settings, db_session=db_session),
        settings=settings,
    )
    at = work_clock(db_session)
    return CycleReport(
        generated=generated,
        triggered=run_triggers(db_session, at=at),
        escalated=escalate(db_session, at=at),
    )
