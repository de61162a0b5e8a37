"""Churn score interventions and expansion scores.

Revision ID: 2c46233eb652
Revises: b3f76c54ca32
Create Date: 2026-11-25 00:48:50.158164
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cspersona.db.types

revision: str = "2c46233eb652"
down_revision: str | None = "b3f76c54ca32"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "expansion_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("likelihood", sa.Double(), nullable=False),
        sa.Column("drivers", sa.JSON(), nullable=False),
        sa.Column("next_features", sa.JSON(), nullable=False),
        sa.Column("timing", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("scored_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "likelihood >= 0 AND likelihood <= 1", name=op.f("ck_expansion_scores_likelihood_range")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_expansion_scores_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expansion_scores")),
    )
    with op.batch_alter_table("expansion_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_expansion_scores_customer_id"), ["customer_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_expansion_scores_model_version"), ["model_version"], unique=False
        )

    with op.batch_alter_table("churn_scores", schema=None) as batch_op:
        # Scores written before this column have no recommendations: an empty list.
        batch_op.add_column(
            sa.Column("interventions", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("churn_scores", schema=None) as batch_op:
        batch_op.drop_column("interventions")

    with op.batch_alter_table("expansion_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expansion_scores_model_version"))
        batch_op.drop_index(batch_op.f("ix_expansion_scores_customer_id"))

    op.drop_table("expansion_scores")
