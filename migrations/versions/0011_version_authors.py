"""Metadata versions name their author and, for a correction, its reason

Versions written before keep no author (NULL).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 23:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("metadata_documents", sa.Column("author", sa.String(length=255), nullable=True))
    op.add_column("metadata_documents", sa.Column("reason", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("metadata_documents", "reason")  # in place, as added (SQLite 3.35+)
    op.drop_column("metadata_documents", "author")
