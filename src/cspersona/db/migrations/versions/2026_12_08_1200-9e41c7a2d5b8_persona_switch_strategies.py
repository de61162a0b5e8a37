"""Personas follow customers: switches gain their transition strategy, mappings are re-placed.

A switch now records what to do differently with the customer. Each pipeline run places every
customer again with the same model: the new mapping is written before the old one is deleted, so
ids keep rising (the read models' stamps see the run); the unique constraint on customer and model
version would refuse that moment, so it goes.

Revision ID: 9e41c7a2d5b8
Revises: 7c1e9a4b2d63
Create Date: 2026-12-08 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "9e41c7a2d5b8"
down_revision: str | None = "7c1e9a4b2d63"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("persona_switches") as batch_op:
        batch_op.add_column(sa.Column("strategy", sa.JSON(), nullable=True))
    with op.batch_alter_table("persona_mappings") as batch_op:
        batch_op.drop_constraint("uq_persona_mappings_customer_id_model_version", type_="unique")


def downgrade() -> None:
    with op.batch_alter_table("persona_mappings") as batch_op:
        batch_op.create_unique_constraint(
            "uq_persona_mappings_customer_id_model_version", ["customer_id", "model_version"]
        )
    with op.batch_alter_table("persona_switches") as batch_op:
        batch_op.drop_column("strategy")
