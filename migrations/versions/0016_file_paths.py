"""Files by path in code-point order on PostgreSQL, for pathGlob's prefix ranges

A glob's literal prefix (``x.ome.zarr/0/1/``) is compared as a range of paths in code-point
order (``COLLATE "C"``), so that it means the same whatever the database's collation; the unique
(asset_id, path) index serves that range only in a C database. SQLite compares text byte-wise
and its unique index serves already: nothing to do there.

Revision ID: 0016
Revises: 0014
Create Date: 2026-12-03 07:25:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_files_path_binary", "files", ["asset_id", sa.text('path COLLATE "C"')])


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_files_path_binary", table_name="files")
