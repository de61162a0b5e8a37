"""Merge the persona/analytics merge and the churn head (demo branch only; drop when re-chaining).

Revision ID: bcb11320e985
Revises: f0ce058121bc, 2c46233eb652
Create Date: 2026-11-25 01:01:05.825682
"""

from collections.abc import Sequence

revision: str = "bcb11320e985"
down_revision: str | Sequence[str] | None = ("f0ce058121bc", "2c46233eb652")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
