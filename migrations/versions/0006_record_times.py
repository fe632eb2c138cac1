"""Record times: when the metadata record was created and last modified

A DocDB record carries top-level ``created`` and ``last_modified``; kept as UTC columns so they
can be filtered, ordered and bucketed like the acquisition time. Records without them leave
the columns null.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# In place, never by batch mode: on SQLite batch mode copies ``assets`` and drops the old table,
# which (foreign keys on) cascades to every document, file and edge of every asset.


def upgrade() -> None:
    op.add_column("assets", sa.Column("record_created", sa.DateTime(timezone=True), nullable=True))
    op.add_column("assets", sa.Column("record_modified", sa.DateTime(timezone=True), nullable=True))
    op.create_index("ix_assets_record_created", "assets", ["record_created"], unique=False)
    op.create_index("ix_assets_record_modified", "assets", ["record_modified"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_assets_record_modified", table_name="assets")
    op.drop_index("ix_assets_record_created", table_name="assets")
    op.drop_column("assets", "record_modified")  # SQLite 3.35+
    op.drop_column("assets", "record_created")
