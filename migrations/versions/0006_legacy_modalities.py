"""Legacy modality terms read as today's

Records of schema 0.x wrote a platform where the modality belongs ("SmartSPIM") and some
abbreviations were renamed since ("ophys"); registration now reads them as the vocabulary's
current term. This rewrites the modality rows registered before, so that `modality: ["SPIM"]`
finds those assets too; the metadata documents keep the term as written. The table is this
revision's own copy (revisions never import the application): later changes to the catalog's
table do not change what this revision did.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 14:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_TERMS = {
    "SmartSPIM": "SPIM",
    "exaSPIM": "SPIM",
    "mesoSPIM": "SPIM",
    "diSPIM": "SPIM",
    "ophys": "pophys",
    "ephys": "ecephys",
    "FIP": "fib",
}


def upgrade() -> None:
    rows = sa.table("asset_modalities", sa.column("asset_id"), sa.column("abbreviation"))
    current = sa.alias(rows, "current")
    for legacy, term in LEGACY_TERMS.items():
        written = sa.func.lower(rows.c.abbreviation) == legacy.lower()
        # An asset that also holds the current term keeps one row of it.
        holds_term = (
            sa.select(sa.literal(1))
            .select_from(current)
            .where(current.c.asset_id == rows.c.asset_id, current.c.abbreviation == term)
            .exists()
        )
        op.execute(rows.delete().where(written, holds_term))
        op.execute(rows.update().where(written).values(abbreviation=term))


def downgrade() -> None:
    """The terms as written are in the metadata documents; the rows stay as read."""
