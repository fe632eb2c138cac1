"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23 18:04:54.299645
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

# Timestamps as catalog.db.types.UTCDateTime stores them, frozen here: migrations import no catalog code.
revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "assets",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("label", sa.String(length=255), nullable=True),
        sa.Column("subject_id", sa.String(length=255), nullable=True),
        sa.Column("species", sa.String(length=255), nullable=True),
        sa.Column("sex", sa.String(length=64), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("genotype", sa.String(length=1024), nullable=True),
        sa.Column("project", sa.String(length=512), nullable=True),
        sa.Column("institution", sa.String(length=255), nullable=True),
        sa.Column(
            "investigators",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "experimenters",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "funding",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("data_level", sa.String(length=64), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("acquired_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("instrument_id", sa.String(length=512), nullable=True),
        sa.Column("session_type", sa.String(length=512), nullable=True),
        sa.Column("qc_status", sa.String(length=16), nullable=True),
        sa.Column("process_label", sa.String(length=255), nullable=True),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("processed_end", sa.DateTime(timezone=True), nullable=True),
        sa.Column("store_url", sa.String(length=1024), nullable=True),
        sa.Column("location", sa.String(length=2048), nullable=True),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.Column("total_size", sa.BigInteger(), nullable=False),
        sa.Column("metadata_digest", sa.String(length=64), nullable=True),
        sa.Column(
            "warnings",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("claim_token", sa.String(length=64), nullable=True),
        sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assets")),
        sa.UniqueConstraint("name", name=op.f("uq_assets_name")),
    )
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assets_acquired_at"), ["acquired_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_project"), ["project"], unique=False)
        batch_op.create_index(batch_op.f("ix_assets_registered_at"), ["registered_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_assets_state_registered_at"), ["state", "registered_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assets_subject_id"), ["subject_id"], unique=False)

    op.create_table(
        "asset_modalities",
        sa.Column("asset_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("abbreviation", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_asset_modalities_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("asset_id", "abbreviation", name=op.f("pk_asset_modalities")),
    )
    with op.batch_alter_table("asset_modalities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_asset_modalities_abbreviation"), ["abbreviation"], unique=False)

    op.create_table(
        "files",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("asset_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("path", sa.String(length=1024), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("key", sa.String(length=2048), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["assets.id"], name=op.f("fk_files_asset_id_assets"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
        sa.UniqueConstraint("asset_id", "path", name=op.f("uq_files_asset_id_path")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_files_sha256"), ["sha256"], unique=False)

    op.create_table(
        "metadata_documents",
        sa.Column(
            "id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), autoincrement=True, nullable=False
        ),
        sa.Column("asset_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("document", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("is_current", sa.Boolean(), nullable=False),
        sa.Column("schema_version", sa.String(length=64), nullable=True),
        sa.Column(
            "content",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["assets.id"],
            name=op.f("fk_metadata_documents_asset_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metadata_documents")),
        sa.UniqueConstraint(
            "asset_id", "document", "version", name=op.f("uq_metadata_documents_asset_id_document_version")
        ),
    )
    with op.batch_alter_table("metadata_documents", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_metadata_documents_document_is_current_asset_id"),
            ["document", "is_current", "asset_id"],
            unique=False,
        )

    op.create_table(
        "provenance_edges",
        sa.Column("derived_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("input_name", sa.String(length=255), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("input_location", sa.String(length=2048), nullable=True),
        sa.ForeignKeyConstraint(
            ["derived_id"],
            ["assets.id"],
            name=op.f("fk_provenance_edges_derived_id_assets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("derived_id", "input_name", "source", name=op.f("pk_provenance_edges")),
    )
    with op.batch_alter_table("provenance_edges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_provenance_edges_input_name"), ["input_name"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("provenance_edges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_provenance_edges_input_name"))

    op.drop_table("provenance_edges")
    with op.batch_alter_table("metadata_documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_metadata_documents_document_is_current_asset_id"))

    op.drop_table("metadata_documents")
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_files_sha256"))

    op.drop_table("files")
    with op.batch_alter_table("asset_modalities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_asset_modalities_abbreviation"))

    op.drop_table("asset_modalities")
    with op.batch_alter_table("assets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assets_subject_id"))
        batch_op.drop_index(batch_op.f("ix_assets_state_registered_at"))
        batch_op.drop_index(batch_op.f("ix_assets_registered_at"))
        batch_op.drop_index(batch_op.f("ix_assets_project"))
        batch_op.drop_index(batch_op.f("ix_assets_acquired_at"))

    op.drop_table("assets")
