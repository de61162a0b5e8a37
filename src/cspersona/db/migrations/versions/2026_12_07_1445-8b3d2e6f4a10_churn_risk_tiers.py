"""Churn scores gain their risk tier in the book and their multiple of the book's average.

Revision ID: 8b3d2e6f4a10
Revises: 5f1c0b7a9d2e
Create Date: 2026-12-07 14:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "8b3d2e6f4a10"
down_revision: str | None = "5f1c0b7a9d2e"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("churn_scores") as batch_op:
        batch_op.add_column(sa.Column("risk_tier", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("times_book_average", sa.Double(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("churn_scores") as batch_op:
        batch_op.drop_column("times_book_average")
        batch_op.drop_column("risk_tier")
