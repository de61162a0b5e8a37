"""Model registry (trained_models) and churn scores per customer and horizon.

Revision ID: 32df7e6b635a
Revises: e75acbf91a29
Create Date: 2026-11-24 22:34:36.058437
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cspersona.db.types

revision: str = "32df7e6b635a"
down_revision: str | None = "e75acbf91a29"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "trained_models",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("features", sa.JSON(), nullable=False),
        sa.Column("training_summary", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("artifact_path", sa.String(length=512), nullable=False),
        sa.Column("created_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trained_models")),
        sa.UniqueConstraint("kind", "version", name=op.f("uq_trained_models_kind_version")),
    )
    with op.batch_alter_table("trained_models", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_trained_models_kind"), ["kind"], unique=False)

    op.create_table(
        "churn_scores",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Double(), nullable=False),
        sa.Column("probability_low", sa.Double(), nullable=True),
        sa.Column("probability_high", sa.Double(), nullable=True),
        sa.Column("drivers", sa.JSON(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("scored_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint("horizon_days > 0", name=op.f("ck_churn_scores_horizon_positive")),
        sa.CheckConstraint(
            "probability >= 0 AND probability <= 1", name=op.f("ck_churn_scores_probability_range")
        ),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_churn_scores_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_churn_scores")),
    )
    with op.batch_alter_table("churn_scores", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_churn_scores_customer_id"), ["customer_id", "scored_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_churn_scores_model_version"), ["model_version"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("churn_scores", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_churn_scores_model_version"))
        batch_op.drop_index(batch_op.f("ix_churn_scores_customer_id"))

    op.drop_table("churn_scores")
    with op.batch_alter_table("trained_models", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_trained_models_kind"))

    op.drop_table("trained_models")
