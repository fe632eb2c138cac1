"""Provenance input names in code-point order on PostgreSQL, for the names that extend a name

A downstream lineage walk looks for the unregistered input names that extend a name it reached
(``<name>_<process>_<date>_<time>``): a range of input names in code-point order
(``COLLATE "C"``), which means the same whatever the database's collation, and which the plain
index of input names serves only in a C database. SQLite compares text byte-wise and its index
serves already: nothing to do there.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 09:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.create_index(
            "ix_provenance_edges_input_binary", "provenance_edges", [sa.text('input_name COLLATE "C"')]
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_provenance_edges_input_binary", table_name="provenance_edges")
