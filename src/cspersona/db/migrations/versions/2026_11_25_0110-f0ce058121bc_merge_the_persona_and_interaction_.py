"""Merge the persona and interaction analysis heads.

Revision ID: f0ce058121bc
Revises: dcc1da0f01aa, b3f76c54ca32
Create Date: 2026-11-25 01:10:25.345985
"""

from collections.abc import Sequence

revision: str = "f0ce058121bc"
down_revision: str | tuple[str, ...] | None = ("dcc1da0f01aa", "b3f76c54ca32")
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
