"""The interventions log (immutable: a database trigger refuses edits) and outcomes per window.

Revision ID: da0fab77b219
Revises: 3f6d2b8e91a7
Create Date: 2026-12-08 03:27:50.811479
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cspersona.db.types

revision: str = "da0fab77b219"
down_revision: str | None = "3f6d2b8e91a7"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Columns an entry is recorded with; the foreign keys may still be set to NULL by the database
# when a playbook, entry or task is deleted, and the whole row goes with its customer.
RECORDED = (
    "customer_id, kind, source, performed_by, performed_at, recorded_by, recorded_at, "
    "playbook_name, arm, hours, note, external_id"
)
REFUSAL = "interventions are immutable: record a correction instead"


def upgrade() -> None:
    op.create_table(
        "interventions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "entered",
                "email",
                "call",
                "meeting",
                "in_app",
                "training",
                "sponsor",
                "discount",
                "internal",
                "other",
                name="interventionkind",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column(
            "source",
            sa.Enum(
                "playbook",
                "page",
                "api",
                "cli",
                "import",
                name="interventionsource",
                native_enum=False,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("performed_by", sa.String(length=128), nullable=False),
        sa.Column("performed_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("playbook_name", sa.String(length=128), nullable=True),
        sa.Column("playbook_id", sa.Integer(), nullable=True),
        sa.Column("enrolment_id", sa.Integer(), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column(
            "arm",
            sa.Enum("treated", "held_back", name="arm", native_enum=False, length=16),
            nullable=True,
        ),
        sa.Column("hours", sa.Double(), nullable=True),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("corrects_id", sa.Integer(), nullable=True),
        sa.Column("external_id", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["corrects_id"],
            ["interventions.id"],
            name=op.f("fk_interventions_corrects_id_interventions"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_interventions_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["enrolment_id"],
            ["playbook_enrolments.id"],
            name=op.f("fk_interventions_enrolment_id_playbook_enrolments"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["playbook_id"],
            ["playbooks.id"],
            name=op.f("fk_interventions_playbook_id_playbooks"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"],
            ["playbook_tasks.id"],
            name=op.f("fk_interventions_task_id_playbook_tasks"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interventions")),
        sa.UniqueConstraint("external_id", name=op.f("uq_interventions_external_id")),
    )
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_interventions_corrects_id"), ["corrects_id"], unique=False
        )
        batch_op.create_index(
            "ix_interventions_customer_performed", ["customer_id", "performed_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_interventions_playbook_id"), ["playbook_id"], unique=False
        )
        batch_op.create_index("ix_interventions_playbook_name", ["playbook_name"], unique=False)

    op.create_table(
        "intervention_outcomes",
        sa.Column("intervention_id", sa.Integer(), nullable=False),
        sa.Column("window_days", sa.Integer(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("churned", sa.Boolean(), nullable=False),
        sa.Column("renewed", sa.Boolean(), nullable=False),
        sa.Column("arr_start", sa.Double(), nullable=True),
        sa.Column("arr_end", sa.Double(), nullable=True),
        sa.Column("nps_before", sa.Double(), nullable=True),
        sa.Column("nps_after", sa.Double(), nullable=True),
        sa.Column("sentiment_before", sa.Double(), nullable=True),
        sa.Column("sentiment_after", sa.Double(), nullable=True),
        sa.Column("usage_before", sa.Double(), nullable=True),
        sa.Column("usage_after", sa.Double(), nullable=True),
        sa.Column("computed_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["intervention_id"],
            ["interventions.id"],
            name=op.f("fk_intervention_outcomes_intervention_id_interventions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "intervention_id", "window_days", name=op.f("pk_intervention_outcomes")
        ),
    )

    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION refuse_intervention_edit() RETURNS trigger AS $$ BEGIN "
            f"RAISE EXCEPTION '{REFUSAL}'; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER interventions_immutable BEFORE UPDATE OF {RECORDED} ON interventions "
            "FOR EACH ROW EXECUTE FUNCTION refuse_intervention_edit()"
        )
    else:
        op.execute(
            f"CREATE TRIGGER interventions_immutable BEFORE UPDATE OF {RECORDED} ON interventions "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSAL}'); END"
        )


def downgrade() -> None:
    op.execute(
        "DROP TRIGGER IF EXISTS interventions_immutable"
        + (" ON interventions" if op.get_bind().dialect.name == "postgresql" else "")
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS refuse_intervention_edit()")
    op.drop_table("intervention_outcomes")
    with op.batch_alter_table("interventions", schema=None) as batch_op:
        batch_op.drop_index("ix_interventions_playbook_name")
        batch_op.drop_index(batch_op.f("ix_interventions_playbook_id"))
        batch_op.drop_index("ix_interventions_customer_performed")
        batch_op.drop_index(batch_op.f("ix_interventions_corrects_id"))

    op.drop_table("interventions")
