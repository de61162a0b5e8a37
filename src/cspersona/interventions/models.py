"""The interventions log and what followed each entry.

An intervention is something done for a customer: entering a playbook (in either arm), a playbook
task done, or an action a CSM records by hand or imports from a file of past actions. Entries are
never changed or deleted by the application: a correction is a new entry that names the one it
corrects (``corrects_id``), and readers take the newest entry of such a chain.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from cspersona.db.base import Base
from cspersona.db.types import string_enum, utc_now
from cspersona.exceptions import Conflict


class Arm(StrEnum):
    """An enrolled customer either gets the playbook's tasks or is held back to measure it."""

    TREATED = "treated"
    HELD_BACK = "held_back"


class InterventionKind(StrEnum):
    """What was done. ``entered`` marks a customer's entry into a playbook, in either arm."""

    ENTERED = "entered"
    EMAIL = "email"
    CALL = "call"
    MEETING = "meeting"
    IN_APP = "in_app"
    TRAINING = "training"
    EXECUTIVE_SPONSOR = "sponsor"
    DISCOUNT = "discount"
    INTERNAL = "internal"
    OTHER = "other"


class InterventionSource(StrEnum):
    """Where an entry was recorded: by a playbook, by a person (page, API, CLI), or imported."""

    PLAYBOOK = "playbook"
    PAGE = "page"
    API = "api"
    CLI = "cli"
    IMPORT = "import"


class Intervention(Base):
    """One entry of the log: who did what for which customer, when, in which playbook and arm."""

    __tablename__ = "interventions"
    __table_args__ = (
        Index("ix_interventions_customer_performed", "customer_id", "performed_at"),
        Index("ix_interventions_playbook_name", "playbook_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"))
    kind: Mapped[InterventionKind] = mapped_column(string_enum(InterventionKind))
    source: Mapped[InterventionSource] = mapped_column(string_enum(InterventionSource))
    performed_by: Mapped[str] = mapped_column(String(128))
    performed_at: Mapped[datetime]
    recorded_by: Mapped[str] = mapped_column(String(128))
    recorded_at: Mapped[datetime] = mapped_column(default=utc_now)
    # The playbook's name is kept as it was: imported programmes need not exist as playbooks, and
    # a later rename must not rewrite history.
    playbook_name: Mapped[str | None] = mapped_column(String(128))
    playbook_id: Mapped[int | None] = mapped_column(
        ForeignKey("playbooks.id", ondelete="SET NULL"), index=True
    )
    enrolment_id: Mapped[int | None] = mapped_column(
        ForeignKey("playbook_enrolments.id", ondelete="SET NULL")
    )
    task_id: Mapped[int | None] = mapped_column(
        ForeignKey("playbook_tasks.id", ondelete="SET NULL")
    )
    # None for an action outside any experiment.
    arm: Mapped[Arm | None] = mapped_column(string_enum(Arm))
    # Time the action took a CSM, for its cost; None uses the kind's default hours.
    hours: Mapped[float | None]
    note: Mapped[str] = mapped_column(Text, default="")
    corrects_id: Mapped[int | None] = mapped_column(
        ForeignKey("interventions.id", ondelete="SET NULL"), index=True
    )
    # The row's key in an imported file, so importing the same file twice adds nothing.
    external_id: Mapped[str | None] = mapped_column(String(128), unique=True)


@event.listens_for(Session, "before_flush")
def _refuse_changes(session: Session, _context: object, _instances: object) -> None:
    """Recorded entries are immutable: changing or deleting one through the ORM is an error.

    Deleting the customer removes its entries through the database's cascade, which is how an
    erasure reaches them; the application itself never edits the log.
    """
    for instance in (*session.dirty, *session.deleted):
        if isinstance(instance, Intervention) and (
            instance in session.deleted or session.is_modified(instance)
        ):
            raise Conflict(
                f"intervention {instance.id} is recorded and cannot be changed; "
                "record a correction instead"
            )
