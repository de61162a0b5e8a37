"""Custom practice scenarios, added by analysts: ``chat_scenarios``.

Revision ID: 05a5bd81946d
Revises: 8b3d2e6f4a10
Create Date: 2026-12-07 18:58:20.123063
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cspersona.db.types

revision: str = "05a5bd81946d"
down_revision: str | None = "8b3d2e6f4a10"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "chat_scenarios",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("created_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["users.id"],
            name=op.f("fk_chat_scenarios_created_by_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chat_scenarios")),
        sa.UniqueConstraint("name", name=op.f("uq_chat_scenarios_name")),
    )


def downgrade() -> None:
    op.drop_table("chat_scenarios")
