"""Access rules: a project or an asset public, or private to groups until an embargo date

Each asset row names the rule that applies to it (``access_rule_id``: its own, else its
project's; none means public), kept current when rules change and when assets register.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "access_rules",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("project", sa.String(length=512), nullable=True),
        sa.Column("asset_name", sa.String(length=255), nullable=True),
        sa.Column("public", sa.Boolean(), nullable=False),
        sa.Column("embargo_until", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_access_rules")),
        sa.UniqueConstraint("project", name=op.f("uq_access_rules_project")),
        sa.UniqueConstraint("asset_name", name=op.f("uq_access_rules_asset_name")),
    )
    op.create_table(
        "access_rule_groups",
        sa.Column("rule_id", ID, nullable=False),
        sa.Column("group", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["rule_id"],
            ["access_rules.id"],
            name=op.f("fk_access_rule_groups_rule_id_access_rules"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rule_id", "group", name=op.f("pk_access_rule_groups")),
    )
    op.create_index(op.f("ix_access_rule_groups_group"), "access_rule_groups", ["group"])
    op.add_column("assets", sa.Column("access_rule_id", ID, nullable=True))
    op.create_index(op.f("ix_assets_access_rule_id"), "assets", ["access_rule_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_assets_access_rule_id"), table_name="assets")
    op.drop_column("assets", "access_rule_id")  # in place, as added (SQLite 3.35+)
    op.drop_table("access_rule_groups")
    op.drop_table("access_rules")
