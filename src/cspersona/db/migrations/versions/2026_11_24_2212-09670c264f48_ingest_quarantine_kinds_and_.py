"""Ingest: quarantine entity and kind, conversation fingerprints for near-duplicates.

Revision ID: 09670c264f48
Revises: 32df7e6b635a
Create Date: 2026-11-24 22:12:30.485308
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "09670c264f48"
down_revision: str | None = "32df7e6b635a"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "interaction_fingerprints",
        sa.Column("interaction_id", sa.Integer(), nullable=False),
        sa.Column("signature", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["interaction_id"],
            ["interactions.id"],
            name=op.f("fk_interaction_fingerprints_interaction_id_interactions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("interaction_id", name=op.f("pk_interaction_fingerprints")),
    )
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        # Server defaults let the columns be added to a quarantine that already has rows.
        batch_op.add_column(
            sa.Column("entity", sa.String(length=32), nullable=False, server_default="unknown")
        )
        batch_op.add_column(
            sa.Column(
                "kind",
                sa.Enum(
                    "invalid", "duplicate", name="quarantinekind", native_enum=False, length=16
                ),
                nullable=False,
                server_default="invalid",
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("quarantine", schema=None) as batch_op:
        batch_op.drop_column("kind")
        batch_op.drop_column("entity")

    op.drop_table("interaction_fingerprints")
