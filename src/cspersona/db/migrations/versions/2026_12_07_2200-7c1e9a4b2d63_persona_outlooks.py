"""Predicted persona evolution: ``persona_outlooks``.

Revision ID: 7c1e9a4b2d63
Revises: 05a5bd81946d
Create Date: 2026-12-07 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cspersona.db.types

revision: str = "7c1e9a4b2d63"
down_revision: str | None = "05a5bd81946d"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "persona_outlooks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("probability", sa.Double(), nullable=False),
        sa.Column("horizon_days", sa.Integer(), nullable=False),
        sa.Column("learned", sa.Boolean(), nullable=False),
        sa.Column("model_version", sa.String(length=64), nullable=False),
        sa.Column("predicted_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name=op.f("fk_persona_outlooks_customer_id_customers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_persona_outlooks_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persona_outlooks")),
        sa.UniqueConstraint(
            "customer_id", "persona_id", name=op.f("uq_persona_outlooks_customer_id_persona_id")
        ),
    )
    op.create_index(
        op.f("ix_persona_outlooks_customer_id"), "persona_outlooks", ["customer_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_persona_outlooks_customer_id"), table_name="persona_outlooks")
    op.drop_table("persona_outlooks")
