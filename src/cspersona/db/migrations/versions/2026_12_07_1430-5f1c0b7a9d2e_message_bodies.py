"""Messages gain a clean body: the author's own words, without signature, quotes or disclaimers.

Existing rows get theirs from their stored (already anonymised) text by the hygiene rules of
this release, in batches, so an upgraded database reads like a freshly imported one.

Revision ID: 5f1c0b7a9d2e
Revises: 2caecda91fea
Create Date: 2026-12-07 14:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from cspersona.conversations.hygiene import clean_body

revision: str = "5f1c0b7a9d2e"
down_revision: str | None = "2caecda91fea"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 5_000
messages = sa.table(
    "messages", sa.column("id", sa.Integer), sa.column("text", sa.Text), sa.column("body", sa.Text)
)


def upgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.add_column(sa.Column("body", sa.Text(), server_default="", nullable=False))
    connection = op.get_bind()
    last_id = 0
    while True:
        rows = connection.execute(
            sa.select(messages.c.id, messages.c.text)
            .where(messages.c.id > last_id)
            .order_by(messages.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        connection.execute(
            messages.update().where(messages.c.id == sa.bindparam("message_id")),
            [{"message_id": row.id, "body": clean_body(row.text)} for row in rows],
        )
        last_id = rows[-1].id


def downgrade() -> None:
    with op.batch_alter_table("messages") as batch_op:
        batch_op.drop_column("body")
