"""Analysts shape personas: ``persona_edits`` and the persona a merged one went into.

Revision ID: 7c3e91a4b2f6
Revises: 9e41c7a2d5b8
Create Date: 2026-12-08 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import cspersona.db.types

revision: str = "7c3e91a4b2f6"
down_revision: str | None = "9e41c7a2d5b8"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "persona_edits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("persona_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("editor", sa.String(length=128), nullable=False),
        sa.Column("field", sa.String(length=32), nullable=False),
        sa.Column("old_value", sa.Text(), nullable=True),
        sa.Column("new_value", sa.Text(), nullable=True),
        sa.Column("created_at", cspersona.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["persona_id"],
            ["personas.id"],
            name=op.f("fk_persona_edits_persona_id_personas"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_persona_edits_user_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_persona_edits")),
    )
    op.create_index(
        op.f("ix_persona_edits_persona_id"), "persona_edits", ["persona_id"], unique=False
    )
    with op.batch_alter_table("personas") as batch_op:
        batch_op.add_column(sa.Column("merged_into_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_personas_merged_into_id_personas"),
            "personas",
            ["merged_into_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("personas") as batch_op:
        batch_op.drop_constraint("fk_personas_merged_into_id_personas", type_="foreignkey")
        batch_op.drop_column("merged_into_id")
    op.drop_index(op.f("ix_persona_edits_persona_id"), table_name="persona_edits")
    op.drop_table("persona_edits")
