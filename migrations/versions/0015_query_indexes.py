"""Indexes for the hot selective filters PostgreSQL read whole (tests/repo/test_query_plans.py)

- A metadata path predicate (``content @? '$."subject_id"[*] ? (@ == "601801")'``) scanned every
  row of ``metadata_documents``: a GIN index of the documents (``jsonb_path_ops``) answers the
  equalities of a SQL/JSON path, in the custom plan and in the generic one alike (the path is a
  parameter the index reads at execution).
- ``nameContains`` (``lower(name) LIKE '%…%'``) scanned every asset: a trigram GIN index of the
  lower-cased name answers it (``pg_trgm``, a trusted extension; where the server lacks it the
  filter keeps its scan).

PostgreSQL only: on SQLite the index of metadata values (0008) answers path predicates, and its
LIKE has no index to use.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name != "postgresql":
        return
    op.execute(
        "CREATE INDEX ix_metadata_documents_content ON metadata_documents USING gin (content jsonb_path_ops)"
    )
    trigrams = "SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'"
    if bind.execute(sa.text(trigrams)).first() is not None:
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        op.execute("CREATE INDEX ix_assets_name_trigrams ON assets USING gin (lower(name) gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP INDEX IF EXISTS ix_assets_name_trigrams")
    op.execute("DROP INDEX IF EXISTS ix_metadata_documents_content")
