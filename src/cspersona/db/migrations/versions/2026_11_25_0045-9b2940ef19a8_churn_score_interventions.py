"""Churn scores: the interventions recommended with each at-risk score.

Revision ID: 9b2940ef19a8
Revises: a3ab14cc6e55
Create Date: 2026-11-25 00:45:23.467073
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9b2940ef19a8"
down_revision: str | None = "a3ab14cc6e55"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("churn_scores", schema=None) as batch_op:
        # Scores written before this column have no recommendations: an empty list.
        batch_op.add_column(
            sa.Column("interventions", sa.JSON(), nullable=False, server_default=sa.text("'[]'"))
        )


def downgrade() -> None:
    with op.batch_alter_table("churn_scores", schema=None) as batch_op:
        batch_op.drop_column("interventions")
