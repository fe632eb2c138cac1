"""Indexes in the order pages are read newest first

Keyset pages sort by a column DESC NULLS LAST and then id; without an index in that order
PostgreSQL sorts every matching row for each page.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 19:55:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # SQLite sorts NULLs first ascending, so DESC alone puts them last (and it has no NULLS LAST here).
    nulls_last = " NULLS LAST" if op.get_bind().dialect.name == "postgresql" else ""
    for column, name in (
        ("acquired_at", "ix_assets_acquired_order"),
        ("registered_at", "ix_assets_registered_order"),
    ):
        op.create_index(name, "assets", [sa.text(f"{column} DESC{nulls_last}"), "id"])


def downgrade() -> None:
    op.drop_index("ix_assets_registered_order", table_name="assets")
    op.drop_index("ix_assets_acquired_order", table_name="assets")
