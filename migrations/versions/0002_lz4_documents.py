"""Compress metadata documents with lz4 on PostgreSQL

Documents are large (tens of KB) and written in bulk; pglz compression was most of the
server's CPU when importing records, lz4 is several times cheaper. SQLite is unaffected.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 19:10:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE metadata_documents ALTER COLUMN content SET COMPRESSION lz4")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE metadata_documents ALTER COLUMN content SET COMPRESSION pglz")
