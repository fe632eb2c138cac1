"""Each distinct metadata document content stored once, in ``metadata_contents``

A subject's documents repeat across its assets (100,000 ``procedures`` documents, some 16,000
distinct contents, in the generated benchmark catalog), and every JSON predicate read every
version row. A content is now kept once, named by the SHA-256 of its text as the database keeps
it (PostgreSQL's own jsonb text; on SQLite the stored JSON text, which the application writes
canonical), and a version names it by ``content_id``; the version saying its document was removed
(content JSON null until now) names none. The GIN index of path predicates moves to the contents.

The digests are computed here as the application computes them for new contents: in SQL on
PostgreSQL (``sha256(convert_to(content::text, 'UTF8'))``), in Python from the stored text on
SQLite, so a content registered later finds the row this backfill made.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 13:10:00
"""

import hashlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0019"
down_revision: str | None = "0018"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
DOCUMENT = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
BATCH = 1000
"""Versions read, and contents written, per statement of SQLite's backfill."""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.create_table(
        "metadata_contents",
        sa.Column("id", ID, autoincrement=True, nullable=False),
        sa.Column("digest", sa.LargeBinary(length=32), nullable=False),
        sa.Column("content", DOCUMENT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_metadata_contents")),
        sa.UniqueConstraint("digest", name=op.f("uq_metadata_contents_digest")),
    )
    with op.batch_alter_table("metadata_documents") as batch:
        batch.add_column(sa.Column("content_id", ID, nullable=True))
        batch.create_foreign_key(
            batch.f("fk_metadata_documents_content_id_metadata_contents"),
            "metadata_contents",
            ["content_id"],
            ["id"],
        )
        batch.create_index(batch.f("ix_metadata_documents_content_id"), ["content_id"])
    if postgres:
        _backfill_postgresql()
    else:
        _backfill_sqlite()
    with op.batch_alter_table("metadata_documents") as batch:
        batch.drop_column("content")


def _backfill_postgresql() -> None:
    op.execute("ALTER TABLE metadata_contents ALTER COLUMN content SET COMPRESSION lz4")
    op.execute(
        "INSERT INTO metadata_contents (digest, content) "
        "SELECT sha256(convert_to(c::text, 'UTF8')), c FROM "
        "(SELECT DISTINCT content AS c FROM metadata_documents WHERE content <> 'null'::jsonb) AS distinct_contents"
    )
    op.execute(
        "UPDATE metadata_documents AS d SET content_id = c.id FROM metadata_contents AS c "
        "WHERE c.digest = sha256(convert_to(d.content::text, 'UTF8'))"
    )
    op.execute("DROP INDEX IF EXISTS ix_metadata_documents_content")
    op.execute(
        "CREATE INDEX ix_metadata_contents_content ON metadata_contents USING gin (content jsonb_path_ops)"
    )


def _backfill_sqlite() -> None:
    """Version by version in batches (by id), each content's digest from its stored text."""
    bind = op.get_bind()
    ids: dict[bytes, int] = {}
    after = 0
    while True:
        rows = bind.execute(
            sa.text("SELECT id, content FROM metadata_documents WHERE id > :after ORDER BY id LIMIT :n"),
            {"after": after, "n": BATCH},
        ).all()
        if not rows:
            return
        after = rows[-1][0]
        found = {
            (row_id, hashlib.sha256(text.encode()).digest(), text) for row_id, text in rows if text != "null"
        }
        new = {digest: text for _, digest, text in found if digest not in ids}
        for digest, text in new.items():
            ids[digest] = bind.execute(
                sa.text(
                    "INSERT INTO metadata_contents (digest, content) VALUES (:digest, :content) RETURNING id"
                ),
                {"digest": digest, "content": text},
            ).scalar_one()
        if found:
            bind.execute(
                sa.text("UPDATE metadata_documents SET content_id = :content_id WHERE id = :id"),
                [{"id": row_id, "content_id": ids[digest]} for row_id, digest, _ in found],
            )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    op.add_column("metadata_documents", sa.Column("content", DOCUMENT, nullable=True))
    op.execute(
        "UPDATE metadata_documents SET content = coalesce((SELECT c.content FROM metadata_contents AS c "
        "WHERE c.id = metadata_documents.content_id), 'null')"
    )
    with op.batch_alter_table("metadata_documents") as batch:
        batch.alter_column("content", existing_type=DOCUMENT, nullable=False)
        batch.drop_index(batch.f("ix_metadata_documents_content_id"))
        batch.drop_constraint(
            batch.f("fk_metadata_documents_content_id_metadata_contents"), type_="foreignkey"
        )
        batch.drop_column("content_id")
    if postgres:
        op.execute("ALTER TABLE metadata_documents ALTER COLUMN content SET COMPRESSION lz4")
        op.execute(
            "CREATE INDEX ix_metadata_documents_content ON metadata_documents USING gin (content jsonb_path_ops)"
        )
    op.drop_table("metadata_contents")
