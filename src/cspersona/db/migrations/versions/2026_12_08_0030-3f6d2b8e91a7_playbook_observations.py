"""Playbook observations: customers' risk tiers and churn signals as the playbooks stage saw them.

Revision ID: 3f6d2b8e91a7
Revises: 5b0ec5483884
Create Date: 2026-12-08 00:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cspersona.db.types

revision: str = "3f6d2b8e91a7"
down_revision: str | None = "5b0ec5483884"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "playbook_observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.String(length=64), nullable=False),
        sa.Column("observed_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_playbook_observations_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_observations")),
    )
    with op.batch_alter_table("playbook_observations", schema=None) as batch_op:
        batch_op.create_index(
            "ix_playbook_observations_customer_key",
            ["customer_id", "key", "observed_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("playbook_observations", schema=None) as batch_op:
        batch_op.drop_index("ix_playbook_observations_customer_key")
    op.drop_table("playbook_observations")
