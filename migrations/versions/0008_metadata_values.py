"""The embedded default's index of metadata values

On SQLite only: ``metadata_paths`` (each document and path, by a small id) and
``metadata_values`` (each distinct value a path reaches in a current document, per reading:
number, the number or instant a string writes, the string, true, false, null, an object; with
where the path first crosses an array and the positions the value occurs at). Path predicates,
element matches and facets read it by B-tree instead of parsing documents. The rows are the
application's (``catalog.db.valueindex``): ``catalog.db.migrate.upgrade`` fills them after this
revision and whenever their reading changes. PostgreSQL reads its JSONB and keeps no such table.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 21:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.create_table(
        "metadata_paths",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("document", sa.String(length=64), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metadata_paths")),
        sa.UniqueConstraint("document", "path", name=op.f("uq_metadata_paths_document_path")),
    )
    op.create_table(
        "metadata_values",
        sa.Column("path_id", sa.Integer(), nullable=False),
        sa.Column("space", sa.Integer(), nullable=False),
        sa.Column("value", sa.BLOB(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("crossed", sa.Integer(), nullable=True),
        sa.Column("elements", sa.String(), nullable=True),
        sa.PrimaryKeyConstraint("path_id", "space", "value", "asset_id", name=op.f("pk_metadata_values")),
        sqlite_with_rowid=False,
    )
    op.execute("PRAGMA user_version = 0")  # the rows are yet to be written


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.drop_table("metadata_values")
    op.drop_table("metadata_paths")
