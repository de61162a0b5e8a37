"""Merge the personas, churn and analytics heads (demo branch only; drop it when re-chaining).

Revision ID: bcb11320e985
Revises: dcc1da0f01aa, 2c46233eb652, b3f76c54ca32
Create Date: 2026-11-25 01:01:05.825682
"""

from collections.abc import Sequence

revision: str = "bcb11320e985"
down_revision: str | Sequence[str] | None = ("dcc1da0f01aa", "2c46233eb652", "b3f76c54ca32")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
