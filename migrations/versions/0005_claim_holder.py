"""Who holds a registration claim

A pending asset records the process that claimed it ("pid@machine"), so that a rerun on the
same machine recognises a claim whose process is gone and takes it over at once instead of
waiting for its heartbeat to go stale.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claimed_by", sa.String(length=512), nullable=True))


def downgrade() -> None:
    # In place (SQLite 3.35+), not by batch mode: on SQLite its copy-and-drop of ``assets``
    # cascades to every row that refers to an asset.
    op.drop_column("assets", "claimed_by")
